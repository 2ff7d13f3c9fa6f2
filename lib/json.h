/*
 * A small strict JSON (RFC 8259) reader and writer for the management
 * protocol (docs/protocol.md).  No allocation: the reader fills a token
 * array its caller owns, the writer a caller's buffer, so a hostile
 * request costs at most what those arrays hold.  Portable and
 * freestanding: built into ZVM, zvmctl, the host tests and the fuzzer.
 *
 * Strict means: one value and nothing after it but whitespace, no
 * duplicate member names, no control characters or bad escapes in
 * strings, valid UTF-8, RFC 8259 numbers only, nesting at most
 * JSON_MAX_DEPTH deep.
 */
#ifndef LIB_JSON_H
#define LIB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 16

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/*
 * One value, in document order.  An object's children alternate name
 * (a string) and value; an array's are its elements.
 */
struct json_token {
	enum json_type type;
	uint32_t start; /* offset of its text; a string's first byte after '"' */
	uint32_t len;   /* bytes of its text; a string's without the quotes */
	uint32_t next;  /* the token after it and everything inside it */
	uint32_t count; /* children: elements, or 2 per member */
};

struct json_doc {
	const char *text;
	struct json_token *tok;
	uint32_t used;
};

/*
 * Parses text[0..len) into tokens[0..cap).  0, or -ZE_MALFORMED for text
 * that is not strict JSON, -ZE_TOO_DEEP, -ZE_NO_SPACE when it needs more
 * than cap tokens, -ZE_LIMIT for a text over 2^31 bytes (lib/zerror.h).
 * The root is token 0.
 */
int json_parse(struct json_doc *doc, const char *text, size_t len, struct json_token *tokens,
               uint32_t cap);

/* The value of member key of object obj, or -1 (also when obj is no object). */
int json_member(const struct json_doc *doc, int obj, const char *key);
/* Token index of element i of an array, or -1. */
int json_element(const struct json_doc *doc, int array, uint32_t i);
bool json_is(const struct json_doc *doc, int index, enum json_type type);
/* A whole number in range; false for fractions, exponents and anything else. */
bool json_get_u64(const struct json_doc *doc, int index, uint64_t *out);
bool json_get_i64(const struct json_doc *doc, int index, int64_t *out);
/*
 * A string, unescaped and NUL-terminated into buf[0..cap).  Its length, or
 * -ZE_NO_SPACE, -ZE_MALFORMED when it holds a NUL (\u0000) or is no string.
 */
int json_get_string(const struct json_doc *doc, int index, char *buf, size_t cap);
/* Is token index a string equal to s (after unescaping)? */
bool json_string_is(const struct json_doc *doc, int index, const char *s);

/*
 * The writer.  Calls after the buffer is full only mark it overflowed, so a
 * caller writes everything and checks json_writer_ok() once.  Commas come
 * by themselves; a value directly after json_key() is that member's.
 */
struct json_writer {
	char *buf;
	size_t cap, len;
	bool overflow;
	bool after_key;
	uint8_t depth;
	uint32_t has_items; /* bit d: the container at depth d has an item */
};

void json_writer_init(struct json_writer *w, char *buf, size_t cap);
bool json_writer_ok(const struct json_writer *w);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);
void json_string_n(struct json_writer *w, const char *s, size_t n);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
/* Text that already is one JSON value (the caller vouches for it). */
void json_raw(struct json_writer *w, const char *s, size_t n);

/* Members in one call. */
void json_member_string(struct json_writer *w, const char *key, const char *s);
void json_member_u64(struct json_writer *w, const char *key, uint64_t v);
void json_member_bool(struct json_writer *w, const char *key, bool v);

#endif
