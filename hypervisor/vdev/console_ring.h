/*
 * A VM's console output kept while nobody watches it.
 *
 * A byte ring holding the newest `size` bytes ever written.  Every byte has
 * an offset: the number of bytes written before it, so offsets only grow
 * and a reader needs nothing but the offset it wants next.  Writing never
 * blocks and never fails: the oldest bytes make room and are counted as
 * dropped.  `zvm console` replays the tail by reading from
 * console_ring_start() (or from where it stopped last time) and learns
 * how many bytes it missed in between.
 *
 * Not thread-safe: the VMM writes (from the VM's UART emulation) and reads
 * (from the console command) under the VM's console lock.
 */
#ifndef VDEV_CONSOLE_RING_H
#define VDEV_CONSOLE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console_ring {
	uint8_t *buf;
	size_t size;
	uint64_t start;   /* offset of the oldest byte held */
	uint64_t written; /* bytes ever written: the next byte's offset */
	uint64_t dropped; /* bytes overwritten to make room */
};

/* Uses buf[0..size) for the ring; false when buf is NULL or size is 0. */
bool console_ring_init(struct console_ring *r, void *buf, size_t size);
/*
 * Forgets what is held (a restarted VM starts a fresh console); offsets
 * keep counting, so a reader's old offset just finds nothing to replay.
 */
void console_ring_clear(struct console_ring *r);

/* Appends n bytes; only the newest size bytes are kept. */
void console_ring_write(struct console_ring *r, const void *data, size_t n);

/* Offset of the oldest byte still held, and of the next byte to come. */
uint64_t console_ring_start(const struct console_ring *r);
uint64_t console_ring_end(const struct console_ring *r);
/* Bytes pushed out by newer ones since init (clearing drops nothing). */
uint64_t console_ring_dropped(const struct console_ring *r);

/*
 * Copies up to len held bytes from *offset on into out and advances
 * *offset past them.  An offset older than the ring starts at the oldest
 * byte held, with *lost (may be NULL) = the bytes skipped; one beyond the
 * end reads nothing.  Returns the number of bytes copied.
 */
size_t console_ring_read(const struct console_ring *r, uint64_t *offset, void *out, size_t len,
                         uint64_t *lost);

#endif
