/*
 * The line editor's history: a ring of the last LINEEDIT_HISTORY lines.
 * Browsing never changes an entry; the line that was being typed is kept
 * aside, so coming back down past the newest entry gives it back.
 */
#include "kernel/lineedit_internal.h"
#include "lib/string.h"

size_t lineedit_history_count(const struct lineedit *le)
{
	return le->history_count;
}

const char *lineedit_history_entry(const struct lineedit *le, size_t age)
{
	if (age >= le->history_count)
		return NULL;
	return le->history[(le->history_newest + LINEEDIT_HISTORY - age) % LINEEDIT_HISTORY];
}

static bool is_blank_line(const char *s)
{
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t')
			return false;
	}
	return true;
}

void lineedit_history_add(struct lineedit *le)
{
	const char *newest = lineedit_history_entry(le, 0);

	if (is_blank_line(le->buf))
		return;
	if (newest && strcmp(newest, le->buf) == 0)
		return;
	le->history_newest = (le->history_newest + 1) % LINEEDIT_HISTORY;
	memcpy(le->history[le->history_newest], le->buf, le->len + 1);
	if (le->history_count < LINEEDIT_HISTORY)
		le->history_count++;
}

/* Shows entry history_pos, or the saved line at -1. */
static void show_history_pos(struct lineedit *le)
{
	const char *text = le->history_pos < 0 ?
	                           le->saved :
	                           lineedit_history_entry(le, (size_t)le->history_pos);

	lineedit_replace(le, 0, le->len, text, strlen(text));
}

void lineedit_history_up(struct lineedit *le)
{
	if ((size_t)(le->history_pos + 1) >= le->history_count) {
		lineedit_bell(le);
		return;
	}
	if (le->history_pos < 0)
		memcpy(le->saved, le->buf, le->len + 1);
	le->history_pos++;
	show_history_pos(le);
}

void lineedit_history_down(struct lineedit *le)
{
	if (le->history_pos < 0) {
		lineedit_bell(le);
		return;
	}
	le->history_pos--;
	show_history_pos(le);
}
