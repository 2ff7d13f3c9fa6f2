/*
 * The console byte ring.  Byte offset o lives at buf[o % size], so the
 * ring needs no head or tail, only the count of bytes ever written.
 */
#include "vdev/console_ring.h"
#include "lib/string.h"

bool console_ring_init(struct console_ring *r, void *buf, size_t size)
{
	if (!r || !buf || size == 0)
		return false;
	r->buf = buf;
	r->size = size;
	r->start = 0;
	r->written = 0;
	r->dropped = 0;
	return true;
}

void console_ring_clear(struct console_ring *r)
{
	r->start = r->written;
}

/* Stores n bytes as offsets at.., wrapping once at most (n <= size). */
static void copy_in(struct console_ring *r, uint64_t at, const uint8_t *src, size_t n)
{
	size_t pos = (size_t)(at % r->size);
	size_t first = r->size - pos < n ? r->size - pos : n;

	memcpy(r->buf + pos, src, first);
	memcpy(r->buf, src + first, n - first);
}

void console_ring_write(struct console_ring *r, const void *data, size_t n)
{
	const uint8_t *src = data;

	/* Only the last size bytes of a long write can survive it. */
	if (n > r->size) {
		r->written += n - r->size;
		src += n - r->size;
		n = r->size;
	}
	copy_in(r, r->written, src, n);
	r->written += n;
	/* Counts the held bytes overwritten and any skipped above. */
	if (r->written - r->start > r->size) {
		r->dropped += r->written - r->size - r->start;
		r->start = r->written - r->size;
	}
}

uint64_t console_ring_start(const struct console_ring *r)
{
	return r->start;
}

uint64_t console_ring_end(const struct console_ring *r)
{
	return r->written;
}

uint64_t console_ring_dropped(const struct console_ring *r)
{
	return r->dropped;
}

size_t console_ring_read(const struct console_ring *r, uint64_t *offset, void *out, size_t len,
                         uint64_t *lost)
{
	uint64_t from = *offset;
	size_t n, pos, first;
	uint8_t *dst = out;

	if (lost)
		*lost = from < r->start ? r->start - from : 0;
	if (from > r->written)
		return 0;
	if (from < r->start)
		from = r->start;
	n = r->written - from < len ? (size_t)(r->written - from) : len;
	pos = (size_t)(from % r->size);
	first = r->size - pos < n ? r->size - pos : n;
	memcpy(dst, r->buf + pos, first);
	memcpy(dst + first, r->buf, n - first);
	*offset = from + n;
	return n;
}
