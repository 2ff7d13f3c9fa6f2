/* Terminal queries out of a console replay: see term_query.h. */
#include "vdev/term_query.h"
#include "lib/string.h"

#define ESC '\x1b'

static const char *const queries[] = { "\x1b[5n", "\x1b[6n", "\x1b[c",
	                               "\x1b[0c", "\x1b[>c", "\x1b[>0c" };
#define QUERY_COUNT (sizeof(queries) / sizeof(queries[0]))

void term_query_init(struct term_query *q)
{
	q->held_len = 0;
}

/* 2: held is a whole query, 1: the start of one, 0: neither. */
static int match(const struct term_query *q)
{
	int found = 0;

	for (size_t i = 0; i < QUERY_COUNT; i++) {
		size_t len = strlen(queries[i]);
		if (q->held_len <= len && !memcmp(queries[i], q->held, q->held_len))
			found = q->held_len == len ? 2 : found > 1 ? found : 1;
	}
	return found;
}

size_t term_query_flush(struct term_query *q, char *out)
{
	size_t n = q->held_len;

	memcpy(out, q->held, n);
	q->held_len = 0;
	return n;
}

size_t term_query_filter(struct term_query *q, const char *in, size_t n, char *out)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		if (!q->held_len && in[i] != ESC) {
			out[w++] = in[i];
			continue;
		}
		q->held[q->held_len++] = in[i];
		int m = match(q);
		if (m == 2) {
			q->held_len = 0; /* a whole query: dropped */
		} else if (m == 0) {
			/* Not a query after all: out it goes, and this byte may
			 * start the next one. */
			q->held_len--;
			w += term_query_flush(q, out + w);
			if (in[i] == ESC)
				q->held[q->held_len++] = in[i];
			else
				out[w++] = in[i];
		}
	}
	return w;
}
