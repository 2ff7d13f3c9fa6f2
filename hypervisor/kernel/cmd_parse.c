/*
 * Reading a command line: the tokenizer and the number helpers handlers use
 * for their arguments.  The quoting follows the shell rules people already
 * know, in the small subset a serial console needs.
 */
#include "kernel/cmd.h"

#define CHAR_ESCAPE '\\'
#define CHAR_DQUOTE '"'
#define CHAR_SQUOTE '\''

#define HEX_PREFIX_LEN   2
#define DECIMAL_BASE     10u
#define HEX_BASE         16u
#define HEX_DIGIT_OFFSET 10u
/* Binary size suffixes: K = 2^10, M = 2^20, G = 2^30. */
#define SHIFT_KIB        10u
#define SHIFT_MIB        20u
#define SHIFT_GIB        30u

#define INT_MAX_VALUE     ((int)(~0u >> 1))
/* The magnitude of INT_MIN, which has no positive int. */
#define INT_MIN_MAGNITUDE ((uint64_t)INT_MAX_VALUE + 1)

static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The reader and writer of an in-place tokenization: w never passes r. */
struct tokenizer {
	struct cmd_io *io;
	const char *r;
	char *w;
};

static int syntax_error(struct cmd_io *io, const char *why)
{
	cmd_printf(io, "syntax error: %s\n", why);
	return CMD_ERR_SYNTAX;
}

/* Copies a quoted run up to its closing quote; r is past the opening one. */
static int copy_quoted(struct tokenizer *t, char quote)
{
	while (*t->r != quote) {
		if (!*t->r)
			return syntax_error(t->io, quote == CHAR_DQUOTE ?
			                                   "unterminated double quote" :
			                                   "unterminated single quote");
		if (quote == CHAR_DQUOTE && *t->r == CHAR_ESCAPE) {
			t->r++;
			if (!*t->r)
				continue; /* reported as unterminated */
		}
		*t->w++ = *t->r++;
	}
	t->r++;
	return 0;
}

/* Copies one token to w and terminates it; r is on its first character. */
static int copy_token(struct tokenizer *t)
{
	int err;

	while (*t->r && !is_separator(*t->r)) {
		char c = *t->r++;

		if (c == CHAR_DQUOTE || c == CHAR_SQUOTE) {
			err = copy_quoted(t, c);
			if (err)
				return err;
		} else if (c == CHAR_ESCAPE) {
			if (!*t->r)
				return syntax_error(t->io, "backslash at the end of the line");
			*t->w++ = *t->r++;
		} else {
			*t->w++ = c;
		}
	}
	/*
	 * Step over the separator first: w may have caught up with r, and
	 * the terminator must not hide the rest of the line.
	 */
	if (*t->r)
		t->r++;
	*t->w++ = '\0';
	return 0;
}

int cmd_tokenize(struct cmd_io *io, char *line, char **argv, int max)
{
	struct tokenizer t = { .io = io, .r = line, .w = line };
	int argc = 0;

	for (;;) {
		while (is_separator(*t.r))
			t.r++;
		if (!*t.r)
			break;
		if (argc == max) {
			cmd_printf(io, "too many arguments (at most %d)\n", max);
			return CMD_ERR_SYNTAX;
		}
		argv[argc++] = t.w;
		if (copy_token(&t))
			return CMD_ERR_SYNTAX;
	}
	argv[argc] = NULL;
	return argc;
}

static bool digit_value(char c, unsigned base, unsigned *value)
{
	unsigned v;

	if (c >= '0' && c <= '9')
		v = (unsigned)(c - '0');
	else if (c >= 'a' && c <= 'f')
		v = (unsigned)(c - 'a') + HEX_DIGIT_OFFSET;
	else if (c >= 'A' && c <= 'F')
		v = (unsigned)(c - 'A') + HEX_DIGIT_OFFSET;
	else
		return false;
	*value = v;
	return v < base;
}

/* Reads digits of base from *s; at least one, no overflow. */
static bool parse_digits(const char **s, unsigned base, uint64_t *out)
{
	uint64_t value = 0;
	const char *p = *s;
	unsigned d;

	if (!digit_value(*p, base, &d))
		return false;
	while (digit_value(*p, base, &d)) {
		if (value > (UINT64_MAX - d) / base)
			return false;
		value = value * base + d;
		p++;
	}
	*s = p;
	*out = value;
	return true;
}

static bool parse_unsigned(const char **s, uint64_t *out)
{
	if ((*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X')) {
		*s += HEX_PREFIX_LEN;
		return parse_digits(s, HEX_BASE, out);
	}
	return parse_digits(s, DECIMAL_BASE, out);
}

static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'k':
	case 'K': return SHIFT_KIB;
	case 'm':
	case 'M': return SHIFT_MIB;
	case 'g':
	case 'G': return SHIFT_GIB;
	default: return 0;
	}
}

bool cmd_parse_u64(const char *s, uint64_t *out)
{
	uint64_t value;
	unsigned shift;

	if (!s || !parse_unsigned(&s, &value))
		return false;
	shift = suffix_shift(*s);
	if (shift) {
		if (value > (UINT64_MAX >> shift))
			return false;
		value <<= shift;
		s++;
	}
	if (*s)
		return false;
	*out = value;
	return true;
}

bool cmd_parse_int(const char *s, int *out)
{
	bool negative = false;
	uint64_t magnitude;

	if (!s)
		return false;
	if (*s == '-' || *s == '+')
		negative = *s++ == '-';
	if (!parse_unsigned(&s, &magnitude) || *s)
		return false;
	if (magnitude > (negative ? INT_MIN_MAGNITUDE : (uint64_t)INT_MAX_VALUE))
		return false;
	if (negative)
		*out = magnitude == INT_MIN_MAGNITUDE ? -INT_MAX_VALUE - 1 : -(int)magnitude;
	else
		*out = (int)magnitude;
	return true;
}
