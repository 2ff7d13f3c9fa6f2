/* Looking into a parsed JSON document: members, elements, typed values. */
#include "lib/json.h"
#include "lib/string.h"
#include "lib/zerror.h"

static bool valid(const struct json_doc *doc, int index)
{
	return index >= 0 && (uint32_t)index < doc->used;
}

bool json_is(const struct json_doc *doc, int index, enum json_type type)
{
	return valid(doc, index) && doc->tok[index].type == type;
}

int json_member(const struct json_doc *doc, int obj, const char *key)
{
	if (!json_is(doc, obj, JSON_OBJECT))
		return -1;
	uint32_t i = (uint32_t)obj + 1;
	for (uint32_t m = 0; m < doc->tok[obj].count; m += 2) {
		if (json_string_is(doc, (int)i, key))
			return (int)i + 1;
		i = doc->tok[i + 1].next;
	}
	return -1;
}

int json_element(const struct json_doc *doc, int array, uint32_t n)
{
	if (!json_is(doc, array, JSON_ARRAY) || n >= doc->tok[array].count)
		return -1;
	uint32_t i = (uint32_t)array + 1;
	while (n--)
		i = doc->tok[i].next;
	return (int)i;
}

/* Digits only, no sign, fraction or exponent; false on overflow. */
static bool parse_whole(const char *s, uint32_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return false;
	for (uint32_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool json_get_u64(const struct json_doc *doc, int index, uint64_t *out)
{
	if (!json_is(doc, index, JSON_NUMBER))
		return false;
	const struct json_token *t = &doc->tok[index];
	return parse_whole(doc->text + t->start, t->len, out);
}

bool json_get_i64(const struct json_doc *doc, int index, int64_t *out)
{
	uint64_t magnitude;

	if (!json_is(doc, index, JSON_NUMBER))
		return false;
	const struct json_token *t = &doc->tok[index];
	bool negative = doc->text[t->start] == '-';
	if (!parse_whole(doc->text + t->start + negative, t->len - negative, &magnitude))
		return false;
	if (magnitude > (uint64_t)INT64_MAX + negative)
		return false;
	*out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
	return true;
}

static unsigned hex_digit(char c)
{
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

static uint32_t hex4_at(const char *s)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 4 | hex_digit(s[i]);
	return v;
}

/* Writes code point cp as UTF-8 (RFC 3629); bytes written, 0 without room. */
static size_t put_utf8(char *out, size_t room, uint32_t cp)
{
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

	if (n > room)
		return 0;
	if (n == 1) {
		out[0] = (char)cp;
		return 1;
	}
	static const uint8_t lead[5] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	for (size_t i = n - 1; i > 0; i--) {
		out[i] = (char)(0x80 | (cp & 0x3f));
		cp >>= 6;
	}
	out[0] = (char)(lead[n] | cp);
	return n;
}

/* The escape at s[*i] (just after the backslash): its code point. */
static uint32_t unescape_one(const char *s, uint32_t *i)
{
	char c = s[(*i)++];
	static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";

	if (c != 'u') {
		const char *at = strchr(from, c);
		return at ? (uint8_t)to[at - from] : (uint8_t)c;
	}
	uint32_t cp = hex4_at(s + *i);
	*i += 4;
	if (cp >= 0xd800 && cp <= 0xdbff) { /* the parser checked the pair */
		uint32_t low = hex4_at(s + *i + 2);
		*i += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
	}
	return cp;
}

int json_get_string(const struct json_doc *doc, int index, char *buf, size_t cap)
{
	size_t n = 0;

	if (!json_is(doc, index, JSON_STRING) || !cap)
		return -ZE_MALFORMED;
	const struct json_token *t = &doc->tok[index];
	const char *s = doc->text + t->start;
	for (uint32_t i = 0; i < t->len;) {
		if (s[i] != '\\') {
			if (n + 1 >= cap)
				return -ZE_NO_SPACE;
			buf[n++] = s[i++];
			continue;
		}
		i++;
		uint32_t cp = unescape_one(s, &i);
		if (cp == 0)
			return -ZE_MALFORMED;
		size_t w = put_utf8(buf + n, cap - 1 - n, cp);
		if (!w)
			return -ZE_NO_SPACE;
		n += w;
	}
	buf[n] = '\0';
	return (int)n;
}

bool json_string_is(const struct json_doc *doc, int index, const char *s)
{
	if (!json_is(doc, index, JSON_STRING))
		return false;
	const struct json_token *t = &doc->tok[index];
	/* Names we look up need no escapes; an escaped spelling never matches. */
	return strlen(s) == t->len && !memcmp(doc->text + t->start, s, t->len);
}
