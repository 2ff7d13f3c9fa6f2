/*
 * What the line editor's parts share: output and the one editing primitive.
 * Internal to lineedit*.c.
 */
#ifndef KERNEL_LINEEDIT_INTERNAL_H
#define KERNEL_LINEEDIT_INTERNAL_H

#include "kernel/lineedit.h"

void lineedit_emit(struct lineedit *le, const char *s, size_t n);
void lineedit_emit_str(struct lineedit *le, const char *s);
void lineedit_bell(struct lineedit *le);
/* Moves the cursor, on the screen too, to pos (at most the line length). */
void lineedit_move_to(struct lineedit *le, size_t pos);
/*
 * Replaces buf[start..end) with text[0..n), leaves the cursor after it and
 * updates the screen.  Returns false (changing nothing) when the result
 * would be longer than LINEEDIT_MAX.
 */
bool lineedit_replace(struct lineedit *le, size_t start, size_t end, const char *text, size_t n);
/* Prints the prompt and the whole line, the cursor where it belongs. */
void lineedit_redraw(struct lineedit *le);

void lineedit_history_add(struct lineedit *le);
void lineedit_history_up(struct lineedit *le);
void lineedit_history_down(struct lineedit *le);

void lineedit_complete(struct lineedit *le);

#endif
