/* The JSON writer into a caller's buffer: see json.h. */
#include "lib/json.h"
#include "lib/string.h"

void json_writer_init(struct json_writer *w, char *buf, size_t cap)
{
	*w = (struct json_writer){ .buf = buf, .cap = cap };
	if (cap)
		buf[0] = '\0';
}

bool json_writer_ok(const struct json_writer *w)
{
	return !w->overflow && w->depth == 0;
}

/* Keeps buf NUL-terminated, so a writer's output is also a C string. */
static void put(struct json_writer *w, const char *s, size_t n)
{
	if (w->overflow || w->cap - w->len <= n) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void putc_(struct json_writer *w, char c)
{
	put(w, &c, 1);
}

/* Before any value or name: the comma that separates it from the last. */
static void separate(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->depth)
		return;
	uint32_t bit = 1u << (w->depth - 1);
	if (w->has_items & bit)
		putc_(w, ',');
	w->has_items |= bit;
}

static void open_container(struct json_writer *w, char c)
{
	separate(w);
	putc_(w, c);
	if (w->depth >= 32) { /* deeper than has_items can track */
		w->overflow = true;
		return;
	}
	w->depth++;
	w->has_items &= ~(1u << (w->depth - 1));
}

static void close_container(struct json_writer *w, char c)
{
	if (!w->depth) {
		w->overflow = true;
		return;
	}
	w->depth--;
	putc_(w, c);
}

void json_object_begin(struct json_writer *w)
{
	open_container(w, '{');
}

void json_object_end(struct json_writer *w)
{
	close_container(w, '}');
}

void json_array_begin(struct json_writer *w)
{
	open_container(w, '[');
}

void json_array_end(struct json_writer *w)
{
	close_container(w, ']');
}

/* RFC 8259 section 7: quote, backslash and control characters escaped. */
static void quoted(struct json_writer *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	putc_(w, '"');
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(w, e, 2);
		} else if (c == '\n') {
			put(w, "\\n", 2);
		} else if (c < 0x20 || c >= 0x7f) {
			/* Bytes above ASCII as Latin-1 code points: the output is
			 * valid UTF-8 whatever a log line or a guest held. */
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(w, e, 6);
		} else {
			putc_(w, (char)c);
		}
	}
	putc_(w, '"');
}

void json_key(struct json_writer *w, const char *key)
{
	separate(w);
	quoted(w, key, strlen(key));
	putc_(w, ':');
	w->after_key = true;
}

void json_string_n(struct json_writer *w, const char *s, size_t n)
{
	separate(w);
	quoted(w, s, n);
}

void json_string(struct json_writer *w, const char *s)
{
	json_string_n(w, s, strlen(s));
}

static void decimal(struct json_writer *w, uint64_t v)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[sizeof(digits) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(w, digits + sizeof(digits) - n, n);
}

void json_u64(struct json_writer *w, uint64_t v)
{
	separate(w);
	decimal(w, v);
}

void json_i64(struct json_writer *w, int64_t v)
{
	separate(w);
	if (v < 0)
		putc_(w, '-');
	decimal(w, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

void json_bool(struct json_writer *w, bool v)
{
	separate(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json_writer *w)
{
	separate(w);
	put(w, "null", 4);
}

void json_raw(struct json_writer *w, const char *s, size_t n)
{
	separate(w);
	put(w, s, n);
}

void json_member_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_member_u64(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_u64(w, v);
}

void json_member_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}
