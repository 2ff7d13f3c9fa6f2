/*
 * The line editor's state machine: keys, escape sequences and the screen.
 *
 * The screen is kept in step with few bytes, which matters at 115200 baud:
 * typing at the end of the line echoes one character; an edit in the
 * middle rewrites only the tail from the edit point, then erases what is
 * left of the old line (EL, ESC [ K) and steps back to the cursor.
 */
#include "kernel/lineedit_internal.h"
#include "lib/format.h"
#include "lib/string.h"

/* ASCII control characters (ECMA-6): a letter's Ctrl form drops bits 5-6. */
#define CTRL(letter)    ((letter)&0x1f)
#define KEY_BEL         0x07
#define KEY_BACKSPACE   0x08
#define KEY_TAB         0x09
#define KEY_LF          0x0a
#define KEY_CR          0x0d
#define KEY_ESC         0x1b
#define KEY_DEL         0x7f
#define PRINTABLE_FIRST 0x20
#define PRINTABLE_LAST  0x7e

/* ECMA-48 5.4: CSI parameter/intermediate bytes, then one final byte. */
#define CSI_PARAM_FIRST 0x20
#define CSI_PARAM_LAST  0x3f
#define CSI_FINAL_FIRST 0x40
#define CSI_FINAL_LAST  0x7e
/* Larger parameters mean nothing to us; clamping avoids overflow. */
#define CSI_PARAM_CLAMP 9999u
#define DECIMAL_BASE    10u

/* VT220 "ESC [ n ~" editing keys. */
#define VT_KEY_HOME      1
#define VT_KEY_DELETE    3
#define VT_KEY_END       4
#define VT_KEY_HOME_RXVT 7
#define VT_KEY_END_RXVT  8

#define VT_ERASE_TO_EOL "\x1b[K"
#define VT_CLEAR_SCREEN "\x1b[H\x1b[2J"
#define NEWLINE         "\r\n"
/* Room for ESC [ <number> <final>. */
#define VT_MOVE_MAX     16

void lineedit_emit(struct lineedit *le, const char *s, size_t n)
{
	if (n)
		le->out(le->ctx, s, n);
}

void lineedit_emit_str(struct lineedit *le, const char *s)
{
	lineedit_emit(le, s, strlen(s));
}

void lineedit_bell(struct lineedit *le)
{
	char bel = KEY_BEL;

	lineedit_emit(le, &bel, 1);
}

/* Moves the terminal cursor n columns; direction is 'C' right, 'D' left. */
static void move_columns(struct lineedit *le, size_t n, char direction)
{
	char seq[VT_MOVE_MAX];
	int len;

	if (n == 0)
		return;
	len = fmt_snprintf(seq, sizeof(seq), "\x1b[%zu%c", n, direction);
	lineedit_emit(le, seq, (size_t)len);
}

void lineedit_move_to(struct lineedit *le, size_t pos)
{
	if (pos < le->cursor)
		move_columns(le, le->cursor - pos, 'D');
	else
		move_columns(le, pos - le->cursor, 'C');
	le->cursor = pos;
}

/*
 * Rewrites the screen from column `from`, where the terminal cursor is,
 * to the end of the line, then puts the terminal cursor on le->cursor.
 */
static void refresh_tail(struct lineedit *le, size_t from)
{
	lineedit_emit(le, le->buf + from, le->len - from);
	lineedit_emit_str(le, VT_ERASE_TO_EOL);
	move_columns(le, le->len - le->cursor, 'D');
}

bool lineedit_replace(struct lineedit *le, size_t start, size_t end, const char *text, size_t n)
{
	size_t new_len = le->len - (end - start) + n;

	if (new_len > LINEEDIT_MAX)
		return false;
	lineedit_move_to(le, start);
	memmove(le->buf + start + n, le->buf + end, le->len - end);
	memcpy(le->buf + start, text, n);
	le->len = new_len;
	le->buf[le->len] = '\0';
	le->cursor = start + n;
	refresh_tail(le, start);
	return true;
}

void lineedit_redraw(struct lineedit *le)
{
	lineedit_emit_str(le, le->prompt);
	lineedit_emit(le, le->buf, le->len);
	lineedit_emit_str(le, VT_ERASE_TO_EOL);
	move_columns(le, le->len - le->cursor, 'D');
}

void lineedit_init(struct lineedit *le, lineedit_out_fn out, void *ctx, const char *prompt)
{
	memset(le, 0, sizeof(*le));
	le->out = out;
	le->ctx = ctx;
	le->prompt = prompt ? prompt : "";
	le->history_pos = -1;
	le->done = true;
}

void lineedit_set_completion(struct lineedit *le, lineedit_complete_fn fn)
{
	le->complete = fn;
}

static void clear_line(struct lineedit *le)
{
	le->len = 0;
	le->cursor = 0;
	le->buf[0] = '\0';
	le->escape = LINEEDIT_ESC_NONE;
	le->history_pos = -1;
	le->done = false;
	le->overflow = false;
}

void lineedit_begin(struct lineedit *le)
{
	clear_line(le);
	lineedit_emit_str(le, le->prompt);
}

char *lineedit_line(struct lineedit *le)
{
	return le->buf;
}

static void insert_char(struct lineedit *le, char c)
{
	if (le->len == LINEEDIT_MAX) {
		lineedit_bell(le);
		le->overflow = true;
		return;
	}
	if (le->cursor == le->len) {
		le->buf[le->len++] = c;
		le->buf[le->len] = '\0';
		le->cursor++;
		lineedit_emit(le, &c, 1);
		return;
	}
	lineedit_replace(le, le->cursor, le->cursor, &c, 1);
}

static void delete_before_cursor(struct lineedit *le)
{
	if (le->cursor > 0)
		lineedit_replace(le, le->cursor - 1, le->cursor, "", 0);
}

static void delete_at_cursor(struct lineedit *le)
{
	if (le->cursor < le->len)
		lineedit_replace(le, le->cursor, le->cursor + 1, "", 0);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Ctrl-W: the blanks before the cursor and the word before them. */
static void delete_word_before_cursor(struct lineedit *le)
{
	size_t start = le->cursor;

	while (start > 0 && is_blank(le->buf[start - 1]))
		start--;
	while (start > 0 && !is_blank(le->buf[start - 1]))
		start--;
	lineedit_replace(le, start, le->cursor, "", 0);
}

static void abandon_line(struct lineedit *le)
{
	lineedit_emit_str(le, "^C" NEWLINE);
	lineedit_begin(le);
}

static void clear_screen(struct lineedit *le)
{
	lineedit_emit_str(le, VT_CLEAR_SCREEN);
	lineedit_redraw(le);
}

/* A line that lost keys is not what was typed: it is not run, and says so. */
static int refuse_long_line(struct lineedit *le)
{
	lineedit_emit_str(le, NEWLINE "line longer than " LINEEDIT_MAX_TEXT
	                              " characters: not run" NEWLINE);
	lineedit_begin(le);
	return LINEEDIT_MORE;
}

static int enter_line(struct lineedit *le)
{
	if (le->overflow)
		return refuse_long_line(le);
	lineedit_emit_str(le, NEWLINE);
	le->buf[le->len] = '\0';
	lineedit_history_add(le);
	le->history_pos = -1;
	le->done = true;
	return LINEEDIT_DONE;
}

/* The keys that ESC [ <final> and ESC O <final> share. */
static void cursor_key(struct lineedit *le, char final)
{
	switch (final) {
	case 'A': lineedit_history_up(le); break;
	case 'B': lineedit_history_down(le); break;
	case 'C':
		if (le->cursor < le->len)
			lineedit_move_to(le, le->cursor + 1);
		break;
	case 'D':
		if (le->cursor > 0)
			lineedit_move_to(le, le->cursor - 1);
		break;
	case 'H': lineedit_move_to(le, 0); break;
	case 'F': lineedit_move_to(le, le->len); break;
	default: break; /* unknown: swallowed */
	}
}

static void vt_key(struct lineedit *le, unsigned code)
{
	switch (code) {
	case VT_KEY_HOME:
	case VT_KEY_HOME_RXVT: lineedit_move_to(le, 0); break;
	case VT_KEY_END:
	case VT_KEY_END_RXVT: lineedit_move_to(le, le->len); break;
	case VT_KEY_DELETE: delete_at_cursor(le); break;
	default: break;
	}
}

static void csi_byte(struct lineedit *le, char c)
{
	if (c >= '0' && c <= '9') {
		if (!le->escape_param_done && le->escape_param < CSI_PARAM_CLAMP)
			le->escape_param = le->escape_param * DECIMAL_BASE + (unsigned)(c - '0');
		return;
	}
	if (c >= CSI_PARAM_FIRST && c <= CSI_PARAM_LAST) {
		le->escape_param_done = true; /* ';' or an intermediate */
		return;
	}
	le->escape = LINEEDIT_ESC_NONE;
	if (c == '~')
		vt_key(le, le->escape_param);
	else
		cursor_key(le, c);
}

static bool in_escape_range(char c)
{
	return c >= CSI_PARAM_FIRST && c <= CSI_FINAL_LAST;
}

/*
 * One byte inside an escape sequence.  Returns false when the byte is not
 * part of one after all (a control character: the sequence is dropped and
 * the byte is handled as a key, so a stray ESC cannot eat an Enter).
 */
static bool escape_byte(struct lineedit *le, char c)
{
	if (c == KEY_ESC) {
		le->escape = LINEEDIT_ESC_START; /* ESC ESC: restart */
		return true;
	}
	if (!in_escape_range(c)) {
		le->escape = LINEEDIT_ESC_NONE;
		return false;
	}
	switch (le->escape) {
	case LINEEDIT_ESC_START:
		le->escape_param = 0;
		le->escape_param_done = false;
		if (c == '[')
			le->escape = LINEEDIT_ESC_CSI;
		else if (c == 'O')
			le->escape = LINEEDIT_ESC_SS3;
		else
			le->escape = LINEEDIT_ESC_NONE; /* Alt-<key> */
		break;
	case LINEEDIT_ESC_CSI: csi_byte(le, c); break;
	default:
		le->escape = LINEEDIT_ESC_NONE;
		cursor_key(le, c);
		break;
	}
	return true;
}

static void control_key(struct lineedit *le, char c)
{
	switch (c) {
	case CTRL('A'): lineedit_move_to(le, 0); break;
	case CTRL('B'): cursor_key(le, 'D'); break;
	case CTRL('C'): abandon_line(le); break;
	case CTRL('D'): delete_at_cursor(le); break;
	case CTRL('E'): lineedit_move_to(le, le->len); break;
	case CTRL('F'): cursor_key(le, 'C'); break;
	case KEY_BACKSPACE:
	case KEY_DEL: delete_before_cursor(le); break;
	case KEY_TAB: lineedit_complete(le); break;
	case CTRL('K'): lineedit_replace(le, le->cursor, le->len, "", 0); break;
	case CTRL('L'): clear_screen(le); break;
	case CTRL('N'): lineedit_history_down(le); break;
	case CTRL('P'): lineedit_history_up(le); break;
	case CTRL('U'): lineedit_replace(le, 0, le->cursor, "", 0); break;
	case CTRL('W'): delete_word_before_cursor(le); break;
	case KEY_ESC: le->escape = LINEEDIT_ESC_START; break;
	default: break; /* other control characters mean nothing here */
	}
}

int lineedit_feed(struct lineedit *le, char c)
{
	bool lf_ends_same_line = le->after_cr;

	le->after_cr = c == KEY_CR;
	if (c == KEY_LF && lf_ends_same_line)
		return LINEEDIT_MORE; /* the LF of a CR LF pair */
	if (le->done)
		lineedit_begin(le);
	if (le->escape != LINEEDIT_ESC_NONE && escape_byte(le, c))
		return LINEEDIT_MORE;
	if (c == KEY_CR || c == KEY_LF)
		return enter_line(le);
	if (c >= PRINTABLE_FIRST && c <= PRINTABLE_LAST)
		insert_char(le, c);
	else
		control_key(le, c);
	return LINEEDIT_MORE;
}
