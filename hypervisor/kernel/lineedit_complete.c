/*
 * Tab completion in the line editor.  The completion callback offers whole
 * words for the word before the cursor; one candidate replaces it (and a
 * space follows), several are extended to their common prefix and listed
 * under the line.  Candidates are not stored: the callback is asked again
 * to list them, so completion needs no memory beyond the common prefix.
 */
#include "kernel/lineedit_internal.h"
#include "lib/string.h"

#define CANDIDATE_SEPARATOR "  "

struct common_prefix {
	size_t count;
	size_t len;
	char text[LINEEDIT_MAX];
};

static void take_candidate(void *sink, const char *word, size_t n)
{
	struct common_prefix *cp = sink;
	size_t same = 0;

	if (cp->count++ == 0) {
		cp->len = n < sizeof(cp->text) ? n : sizeof(cp->text);
		memcpy(cp->text, word, cp->len);
		return;
	}
	while (same < cp->len && same < n && cp->text[same] == word[same])
		same++;
	cp->len = same;
}

static void list_candidate(void *sink, const char *word, size_t n)
{
	struct lineedit *le = sink;

	lineedit_emit(le, word, n);
	lineedit_emit_str(le, CANDIDATE_SEPARATOR);
}

static size_t word_start(const struct lineedit *le)
{
	size_t start = le->cursor;

	while (start > 0 && le->buf[start - 1] != ' ' && le->buf[start - 1] != '\t')
		start--;
	return start;
}

/*
 * Puts text in place of buf[start..cursor).  When text merely continues
 * what was typed, only the rest is inserted, which keeps the echo short.
 */
static bool put_word(struct lineedit *le, size_t start, const char *text, size_t n)
{
	size_t typed = le->cursor - start;

	if (n >= typed && memcmp(text, le->buf + start, typed) == 0)
		return lineedit_replace(le, le->cursor, le->cursor, text + typed, n - typed);
	return lineedit_replace(le, start, le->cursor, text, n);
}

static void complete_single(struct lineedit *le, size_t start, const struct common_prefix *cp)
{
	if (!put_word(le, start, cp->text, cp->len)) {
		lineedit_bell(le);
		return;
	}
	if (le->cursor < le->len && le->buf[le->cursor] == ' ')
		lineedit_move_to(le, le->cursor + 1);
	else if (!lineedit_replace(le, le->cursor, le->cursor, " ", 1))
		lineedit_bell(le);
}

static void list_all(struct lineedit *le)
{
	lineedit_emit_str(le, "\r\n");
	le->complete(le->buf, le->cursor, list_candidate, le);
	lineedit_emit_str(le, "\r\n");
	lineedit_redraw(le);
}

void lineedit_complete(struct lineedit *le)
{
	struct common_prefix cp = { .count = 0, .len = 0 };
	size_t start = word_start(le);

	if (le->complete)
		le->complete(le->buf, le->cursor, take_candidate, &cp);
	if (cp.count == 0) {
		lineedit_bell(le);
		return;
	}
	if (cp.count == 1) {
		complete_single(le, start, &cp);
		return;
	}
	if (cp.len > le->cursor - start)
		put_word(le, start, cp.text, cp.len);
	list_all(le);
}
