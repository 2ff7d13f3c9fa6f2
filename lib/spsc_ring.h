/*
 * Lock-free single-producer single-consumer ring of fixed-size slots.
 *
 * Exactly one context may push and exactly one (other) context may pop at
 * the same time; neither takes a lock.  The producer owns `head`, the
 * consumer owns `tail`; each publishes its index with a release store and
 * reads the other's with an acquire load, so a slot's contents are visible
 * before its index is.  Indices run freely and wrap modulo 2^32, which is
 * why the slot count must be a power of two no larger than 2^31.
 */
#ifndef LIB_SPSC_RING_H
#define LIB_SPSC_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Cortex-A53 and Cortex-A76 data cache lines are 64 bytes (their TRMs). */
#define SPSC_CACHE_LINE 64
/* Largest slot count for which head - tail cannot overflow a uint32_t. */
#define SPSC_MAX_SLOTS  (UINT32_C(1) << 31)

struct spsc_ring {
	/* Set once by spsc_init, read-only afterwards. */
	uint8_t *storage; /* slot_size * count bytes, owned by the caller */
	size_t slot_size;
	uint32_t mask; /* count - 1 */
	/* Kept on separate lines so producer and consumer never false-share. */
	_Alignas(SPSC_CACHE_LINE) uint32_t head; /* next slot to fill */
	_Alignas(SPSC_CACHE_LINE) uint32_t tail; /* next slot to drain */
};

/*
 * Prepares an empty ring over `storage` (slot_size * count bytes).
 * Returns false when count is not a power of two in 1..SPSC_MAX_SLOTS, when
 * slot_size is 0 or when storage is NULL.
 */
bool spsc_init(struct spsc_ring *ring, void *storage, size_t slot_size, uint32_t count);

/* Producer side: copies slot_size bytes from item; false when full. */
bool spsc_push(struct spsc_ring *ring, const void *item);

/* Consumer side: copies the oldest slot to item; false when empty. */
bool spsc_pop(struct spsc_ring *ring, void *item);

/*
 * Items currently queued.  Exact for the producer or the consumer; from any
 * third context it is a snapshot that may already be stale.
 */
uint32_t spsc_count(const struct spsc_ring *ring);

/* Number of slots the ring was built with. */
uint32_t spsc_capacity(const struct spsc_ring *ring);

#endif
