/*
 * Tab completion of command names, word by word: after "zvm " the
 * candidates are the second words of the "zvm ..." commands.  Quotes are
 * not interpreted: command words never need them.
 */
#include "kernel/cmd.h"
#include "kernel/cmd_words.h"
#include "lib/string.h"

/* A word inside a longer string: not NUL-terminated. */
struct span {
	const char *s;
	size_t n;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int span_compare(struct span a, struct span b)
{
	size_t common = a.n < b.n ? a.n : b.n;
	int diff = memcmp(a.s, b.s, common);

	if (diff)
		return diff;
	return (a.n > b.n) - (a.n < b.n);
}

static bool span_equal(struct span a, struct span b)
{
	return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

/*
 * Splits line[0..len) into the complete words before the cursor and the
 * word being typed (possibly empty).  Returns false when there are more
 * words than any command has.
 */
static bool split_line(const char *line, size_t len, struct span *typed, int *ntyped,
                       struct span *partial)
{
	size_t i = 0;

	*ntyped = 0;
	for (;;) {
		size_t start;

		while (i < len && is_blank(line[i]))
			i++;
		start = i;
		while (i < len && !is_blank(line[i]))
			i++;
		if (i == len) {
			*partial = (struct span){ line + start, i - start };
			return true;
		}
		if (*ntyped == CMD_MAX_ARGS)
			return false;
		typed[(*ntyped)++] = (struct span){ line + start, i - start };
	}
}

/* The word of c that would complete partial after the typed words. */
static bool candidate_of(const struct cmd *c, const struct span *typed, int ntyped,
                         struct span partial, struct span *out)
{
	struct span word;

	for (int i = 0; i < ntyped; i++) {
		word.s = cmd_word_at(c->name, i, &word.n);
		if (!word.s || !span_equal(word, typed[i]))
			return false;
	}
	word.s = cmd_word_at(c->name, ntyped, &word.n);
	if (!word.s || word.n < partial.n || memcmp(word.s, partial.s, partial.n) != 0)
		return false;
	*out = word;
	return true;
}

/* The smallest candidate greater than *after (any candidate if NULL). */
static bool next_candidate(const struct span *typed, int ntyped, struct span partial,
                           const struct span *after, struct span *out)
{
	bool found = false;
	struct span cand;

	for (size_t i = 0; i < cmd_count(); i++) {
		if (!candidate_of(cmd_at(i), typed, ntyped, partial, &cand))
			continue;
		if (after && span_compare(cand, *after) <= 0)
			continue;
		if (!found || span_compare(cand, *out) < 0) {
			*out = cand;
			found = true;
		}
	}
	return found;
}

size_t cmd_complete(const char *line, size_t len,
                    void (*add)(void *sink, const char *word, size_t n), void *sink)
{
	struct span typed[CMD_MAX_ARGS];
	struct span partial, cand, last;
	size_t count = 0;
	int ntyped;

	if (!split_line(line, len, typed, &ntyped, &partial))
		return 0;
	while (next_candidate(typed, ntyped, partial, count ? &last : NULL, &cand)) {
		add(sink, cand.s, cand.n);
		last = cand;
		count++;
	}
	return count;
}
