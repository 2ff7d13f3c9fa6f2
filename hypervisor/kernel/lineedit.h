/*
 * A line editor for a VT100 terminal on a serial line, as a state machine.
 *
 * It does no I/O of its own: the caller feeds it received bytes one at a
 * time and it answers through the out callback with echo and VT100/ANSI
 * sequences.  That keeps it portable (host-tested) and lets the shell own
 * the UART.  Keys: printable ASCII inserts at the cursor; Backspace (0x08,
 * 0x7f); Delete and Ctrl-D delete under the cursor; Left/Right, Ctrl-B/F;
 * Home/End, Ctrl-A/E; Ctrl-K kills to the end, Ctrl-U to the start, Ctrl-W
 * the word before the cursor; Ctrl-C abandons the line; Ctrl-L redraws;
 * Up/Down and Ctrl-P/N walk the history; Tab completes; CR, LF or CR LF
 * end the line.  Cursor moves assume the line fits the terminal width.
 *
 * Typical use:
 *	lineedit_init(&le, uart_out, NULL, "zvm> ");
 *	lineedit_set_completion(&le, cmd_complete);
 *	for (;;) {
 *		lineedit_begin(&le);
 *		while (lineedit_feed(&le, uart_getc()) != LINEEDIT_DONE)
 *			;
 *		cmd_execute_line(&io, lineedit_line(&le));
 *	}
 */
#ifndef KERNEL_LINEEDIT_H
#define KERNEL_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

/* Characters in one line; more are refused with a bell. */
#define LINEEDIT_MAX      256
#define LINEEDIT_STR_(x)  #x
#define LINEEDIT_STR(x)   LINEEDIT_STR_(x)
#define LINEEDIT_MAX_TEXT LINEEDIT_STR(LINEEDIT_MAX) /* "256", for messages */
/* Lines remembered for Up/Down. */
#define LINEEDIT_HISTORY  16

/* lineedit_feed results. */
#define LINEEDIT_MORE 0
#define LINEEDIT_DONE 1

typedef void (*lineedit_out_fn)(void *ctx, const char *s, size_t n);
/* Receives one completion candidate: word[0..n), not NUL-terminated. */
typedef void (*lineedit_candidate_fn)(void *sink, const char *word, size_t n);
/*
 * Offers the words that can replace the word ending at the cursor;
 * line[0..len) is the text before the cursor.  Returns how many it offered.
 * cmd_complete has this type.  It is called twice per Tab when there are
 * several candidates, so it must answer the same both times.
 */
typedef size_t (*lineedit_complete_fn)(const char *line, size_t len, lineedit_candidate_fn add,
                                       void *sink);

/* Where the editor is inside an escape sequence. */
enum lineedit_escape {
	LINEEDIT_ESC_NONE,
	LINEEDIT_ESC_START, /* after ESC */
	LINEEDIT_ESC_CSI,   /* after ESC [ */
	LINEEDIT_ESC_SS3,   /* after ESC O */
};

struct lineedit {
	lineedit_out_fn out;
	void *ctx;
	const char *prompt;
	lineedit_complete_fn complete;

	char buf[LINEEDIT_MAX + 1];
	size_t len;
	size_t cursor;
	bool done;     /* the line was entered; next feed begins anew */
	bool overflow; /* a key was refused: the line is not whole */
	bool after_cr; /* an LF right now would end the same line */

	enum lineedit_escape escape;
	unsigned escape_param;  /* the first number of a CSI sequence */
	bool escape_param_done; /* a ';' ended it */

	/* A ring of past lines; history_pos -1 is the line being edited. */
	char history[LINEEDIT_HISTORY][LINEEDIT_MAX + 1];
	size_t history_count;
	size_t history_newest;
	int history_pos;
	char saved[LINEEDIT_MAX + 1]; /* the edited line while browsing */
};

/* Prints nothing: call lineedit_begin to show the first prompt. */
void lineedit_init(struct lineedit *le, lineedit_out_fn out, void *ctx, const char *prompt);
/* NULL turns completion off (Tab then only rings the bell). */
void lineedit_set_completion(struct lineedit *le, lineedit_complete_fn fn);
/* Empties the line and prints the prompt. */
void lineedit_begin(struct lineedit *le);
/*
 * Handles one received byte.  After LINEEDIT_DONE the next call begins a
 * new line itself if lineedit_begin was not called.
 */
int lineedit_feed(struct lineedit *le, char c);
/* The entered line, NUL-terminated; the caller may modify it in place. */
char *lineedit_line(struct lineedit *le);

/* Past lines, age 0 the most recent; NULL past the oldest. */
size_t lineedit_history_count(const struct lineedit *le);
const char *lineedit_history_entry(const struct lineedit *le, size_t age);

#endif
