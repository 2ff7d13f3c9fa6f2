/* Lock-free SPSC ring: see spsc_ring.h for the ownership rules. */
#include "spsc_ring.h"

#include "string.h"

static bool is_power_of_two(uint32_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

bool spsc_init(struct spsc_ring *ring, void *storage, size_t slot_size, uint32_t count)
{
	if (!ring || !storage || slot_size == 0 || !is_power_of_two(count) ||
	    count > SPSC_MAX_SLOTS)
		return false;
	ring->storage = storage;
	ring->slot_size = slot_size;
	ring->mask = count - 1;
	__atomic_store_n(&ring->head, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ring->tail, 0, __ATOMIC_RELAXED);
	return true;
}

static uint8_t *slot_at(const struct spsc_ring *ring, uint32_t index)
{
	return ring->storage + (size_t)(index & ring->mask) * ring->slot_size;
}

bool spsc_push(struct spsc_ring *ring, const void *item)
{
	/* Only we write head, so a relaxed read of it is exact. */
	uint32_t head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
	/* Acquire: the consumer has finished reading the slot it released. */
	uint32_t tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);

	if (head - tail > ring->mask)
		return false;
	memcpy(slot_at(ring, head), item, ring->slot_size);
	/* Release: the slot's bytes become visible before the new head. */
	__atomic_store_n(&ring->head, head + 1, __ATOMIC_RELEASE);
	return true;
}

bool spsc_pop(struct spsc_ring *ring, void *item)
{
	uint32_t tail = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);
	/* Acquire: pairs with the producer's release of head. */
	uint32_t head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);

	if (head == tail)
		return false;
	memcpy(item, slot_at(ring, tail), ring->slot_size);
	/* Release: our copy is complete before the producer may reuse the slot. */
	__atomic_store_n(&ring->tail, tail + 1, __ATOMIC_RELEASE);
	return true;
}

uint32_t spsc_count(const struct spsc_ring *ring)
{
	/* Tail first: head only grows, so the difference is never negative. */
	uint32_t tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
	uint32_t head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	uint32_t count = head - tail;

	/* A third party may see tail stale while head moved on: clamp. */
	return count > ring->mask + 1 ? ring->mask + 1 : count;
}

uint32_t spsc_capacity(const struct spsc_ring *ring)
{
	return ring->mask + 1;
}
