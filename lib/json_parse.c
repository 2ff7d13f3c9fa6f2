/*
 * The strict JSON reader (RFC 8259): recursive descent, nesting bounded by
 * JSON_MAX_DEPTH, tokens in the caller's array.  See json.h.
 */
#include "lib/json.h"
#include "lib/string.h"
#include "lib/zerror.h"

#define JSON_TEXT_MAX 0x7fffffffu

struct parser {
	const char *s;
	uint32_t len, pos;
	struct json_token *tok;
	uint32_t cap, used;
};

static bool at_end(const struct parser *p)
{
	return p->pos >= p->len;
}

static char peek(const struct parser *p)
{
	return at_end(p) ? '\0' : p->s[p->pos];
}

/* RFC 8259 section 2: the four insignificant whitespace characters. */
static void skip_space(struct parser *p)
{
	while (!at_end(p)) {
		char c = p->s[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		p->pos++;
	}
}

static int new_token(struct parser *p, enum json_type type, uint32_t *index)
{
	if (p->used == p->cap)
		return -ZE_NO_SPACE;
	*index = p->used++;
	p->tok[*index] = (struct json_token){ .type = type, .start = p->pos };
	return 0;
}

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
		return false;
	p->pos += (uint32_t)n;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool digits(struct parser *p)
{
	uint32_t from = p->pos;

	while (is_digit(peek(p)))
		p->pos++;
	return p->pos > from;
}

/* RFC 8259 section 6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static int number(struct parser *p)
{
	if (peek(p) == '-')
		p->pos++;
	if (peek(p) == '0')
		p->pos++;
	else if (!digits(p))
		return -ZE_MALFORMED;
	if (peek(p) == '.') {
		p->pos++;
		if (!digits(p))
			return -ZE_MALFORMED;
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!digits(p))
			return -ZE_MALFORMED;
	}
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s (the caller checked there are four). */
static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hex_value(s[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Surrogate halves (Unicode 15 section 3.8), which \u may only pair. */
#define SURROGATE_HIGH_FIRST 0xd800
#define SURROGATE_LOW_FIRST  0xdc00
#define SURROGATE_LAST       0xdfff

/* A \uXXXX escape (and its low half) at pos, which is on the 'u'. */
static int unicode_escape(struct parser *p)
{
	if (p->len - p->pos < 5)
		return -ZE_MALFORMED;
	int v = hex4(p->s + p->pos + 1);
	p->pos += 5;
	if (v < 0 || (v >= SURROGATE_LOW_FIRST && v <= SURROGATE_LAST))
		return -ZE_MALFORMED;
	if (v < SURROGATE_HIGH_FIRST || v > SURROGATE_LAST)
		return 0;
	if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
		return -ZE_MALFORMED;
	int low = hex4(p->s + p->pos + 2);
	p->pos += 6;
	return low >= SURROGATE_LOW_FIRST && low <= SURROGATE_LAST ? 0 : -ZE_MALFORMED;
}

static int escape(struct parser *p)
{
	char c = peek(p);

	if (c == 'u')
		return unicode_escape(p);
	if (!c || !strchr("\"\\/bfnrt", c))
		return -ZE_MALFORMED;
	p->pos++;
	return 0;
}

/*
 * One UTF-8 sequence starting at pos (RFC 3629 section 4): no overlong
 * forms, no surrogates, nothing above U+10FFFF.
 */
static int utf8_sequence(struct parser *p)
{
	uint8_t b = (uint8_t)p->s[p->pos];
	uint32_t need, min, cp;

	if (b < 0x80) {
		p->pos++;
		return 0;
	}
	if ((b & 0xe0) == 0xc0) {
		need = 1, min = 0x80, cp = b & 0x1fu;
	} else if ((b & 0xf0) == 0xe0) {
		need = 2, min = 0x800, cp = b & 0x0fu;
	} else if ((b & 0xf8) == 0xf0) {
		need = 3, min = 0x10000, cp = b & 0x07u;
	} else {
		return -ZE_MALFORMED;
	}
	if (p->len - p->pos <= need)
		return -ZE_MALFORMED;
	for (uint32_t i = 1; i <= need; i++) {
		uint8_t c = (uint8_t)p->s[p->pos + i];
		if ((c & 0xc0) != 0x80)
			return -ZE_MALFORMED;
		cp = cp << 6 | (c & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= SURROGATE_HIGH_FIRST && cp <= SURROGATE_LAST))
		return -ZE_MALFORMED;
	p->pos += need + 1;
	return 0;
}

/* A string; pos is on its opening quote. */
static int string(struct parser *p, uint32_t index)
{
	int rc;

	p->pos++;
	p->tok[index].start = p->pos;
	for (;;) {
		if (at_end(p))
			return -ZE_MALFORMED;
		char c = p->s[p->pos];
		if (c == '"')
			break;
		if ((uint8_t)c < 0x20) /* RFC 8259 section 7: must be escaped */
			return -ZE_MALFORMED;
		if (c == '\\') {
			p->pos++;
			rc = escape(p);
		} else {
			rc = utf8_sequence(p);
		}
		if (rc)
			return rc;
	}
	p->tok[index].len = p->pos - p->tok[index].start;
	p->pos++;
	return 0;
}

static int value(struct parser *p, unsigned depth);

static bool same_name(const struct parser *p, uint32_t a, uint32_t b)
{
	const struct json_token *x = &p->tok[a], *y = &p->tok[b];

	/* Raw comparison: "a" and "\u0061" pass as two names, which no
	 * reader of ours confuses, since lookups compare unescaped text
	 * against the first match only. */
	return x->len == y->len && !memcmp(p->s + x->start, p->s + y->start, x->len);
}

/* A member name that an earlier member of the same object already used. */
static bool duplicate_name(const struct parser *p, uint32_t obj, uint32_t name)
{
	uint32_t i = obj + 1;

	while (i < name) {
		if (same_name(p, i, name))
			return true;
		i = p->tok[i + 1].next;
	}
	return false;
}

static int member(struct parser *p, uint32_t obj, unsigned depth)
{
	uint32_t name;
	int rc;

	skip_space(p);
	if (peek(p) != '"')
		return -ZE_MALFORMED;
	rc = new_token(p, JSON_STRING, &name);
	if (rc == 0)
		rc = string(p, name);
	if (rc)
		return rc;
	p->tok[name].next = p->used;
	if (duplicate_name(p, obj, name))
		return -ZE_MALFORMED;
	skip_space(p);
	if (peek(p) != ':')
		return -ZE_MALFORMED;
	p->pos++;
	p->tok[obj].count += 2;
	return value(p, depth);
}

/* An object or array; pos is on its opening bracket. */
static int container(struct parser *p, uint32_t index, unsigned depth)
{
	bool object = p->tok[index].type == JSON_OBJECT;
	char close = object ? '}' : ']';
	int rc;

	if (depth >= JSON_MAX_DEPTH)
		return -ZE_TOO_DEEP;
	p->pos++;
	skip_space(p);
	if (peek(p) == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (object) {
			rc = member(p, index, depth + 1);
		} else {
			p->tok[index].count++;
			rc = value(p, depth + 1);
		}
		if (rc)
			return rc;
		skip_space(p);
		char c = peek(p);
		p->pos++;
		if (c == close)
			return 0;
		if (c != ',')
			return -ZE_MALFORMED;
	}
}

static int value(struct parser *p, unsigned depth)
{
	uint32_t index;
	int rc;

	skip_space(p);
	char c = peek(p);
	enum json_type type = c == '{' ? JSON_OBJECT :
	                      c == '[' ? JSON_ARRAY :
	                      c == '"' ? JSON_STRING :
	                      c == 't' ? JSON_TRUE :
	                      c == 'f' ? JSON_FALSE :
	                      c == 'n' ? JSON_NULL :
	                                 JSON_NUMBER;
	rc = new_token(p, type, &index);
	if (rc)
		return rc;
	switch (type) {
	case JSON_OBJECT:
	case JSON_ARRAY: rc = container(p, index, depth); break;
	case JSON_STRING: rc = string(p, index); break;
	case JSON_TRUE: rc = literal(p, "true") ? 0 : -ZE_MALFORMED; break;
	case JSON_FALSE: rc = literal(p, "false") ? 0 : -ZE_MALFORMED; break;
	case JSON_NULL: rc = literal(p, "null") ? 0 : -ZE_MALFORMED; break;
	case JSON_NUMBER:
	default: rc = number(p); break;
	}
	if (rc)
		return rc;
	if (type != JSON_STRING)
		p->tok[index].len = p->pos - p->tok[index].start;
	p->tok[index].next = p->used;
	return 0;
}

int json_parse(struct json_doc *doc, const char *text, size_t len, struct json_token *tokens,
               uint32_t cap)
{
	struct parser p = { .s = text, .len = (uint32_t)len, .tok = tokens, .cap = cap };
	int rc;

	doc->text = text;
	doc->tok = tokens;
	doc->used = 0;
	if (len > JSON_TEXT_MAX)
		return -ZE_LIMIT;
	rc = value(&p, 0);
	if (rc)
		return rc;
	skip_space(&p);
	if (!at_end(&p))
		return -ZE_MALFORMED;
	doc->used = p.used;
	return 0;
}
