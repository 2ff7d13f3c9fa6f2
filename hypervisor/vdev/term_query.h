/*
 * Terminal queries taken out of a console replay.  A guest's line editor
 * asks the terminal where its cursor is (ECMA-48 DSR, ESC [ 6 n) or what it
 * is (DA, ESC [ c); replayed later, such a question makes the operator's
 * terminal type its answer into whatever the VM runs now (after a restart,
 * a new boot).  The replay drops DSR (ESC [ 5 n, ESC [ 6 n) and DA
 * (ESC [ c, ESC [ 0 c, ESC [ > c, ESC [ > 0 c); live output is not filtered.
 *
 * A query may be split across calls: the filter holds its first bytes.
 * Portable, no state outside struct term_query.
 */
#ifndef VDEV_TERM_QUERY_H
#define VDEV_TERM_QUERY_H

#include <stddef.h>

#define TERM_QUERY_MAX 5 /* ESC [ > 0 c */

struct term_query {
	char held[TERM_QUERY_MAX];
	size_t held_len;
};

void term_query_init(struct term_query *q);
/* Filters n bytes from in to out (room for n + TERM_QUERY_MAX); returns
 * the bytes written. */
size_t term_query_filter(struct term_query *q, const char *in, size_t n, char *out);
/* Whatever is held (a prefix that never became a query) goes to out. */
size_t term_query_flush(struct term_query *q, char *out);

#endif
