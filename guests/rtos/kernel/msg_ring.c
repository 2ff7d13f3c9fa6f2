#include "kernel/msg_ring.h"
#include "lib/string.h"

int mr_init(struct msg_ring *r, void *buf, size_t buf_size, size_t msg_size)
{
	size_t capacity;

	if (!buf || msg_size == 0)
		return -1;
	capacity = buf_size / msg_size;
	/* head + count must not wrap a uint32_t */
	if (capacity == 0 || capacity > UINT32_MAX / 2)
		return -1;
	r->buf = buf;
	r->msg_size = msg_size;
	r->capacity = (uint32_t)capacity;
	r->head = 0;
	r->count = 0;
	return (int)capacity;
}

static uint8_t *slot(const struct msg_ring *r, uint32_t index)
{
	return r->buf + (size_t)(index % r->capacity) * r->msg_size;
}

bool mr_put(struct msg_ring *r, const void *msg)
{
	if (r->count == r->capacity)
		return false;
	memcpy(slot(r, r->head + r->count), msg, r->msg_size);
	r->count++;
	return true;
}

bool mr_get(struct msg_ring *r, void *msg)
{
	if (r->count == 0)
		return false;
	memcpy(msg, slot(r, r->head), r->msg_size);
	r->head = (r->head + 1) % r->capacity;
	r->count--;
	return true;
}

uint32_t mr_count(const struct msg_ring *r)
{
	return r->count;
}

bool mr_full(const struct msg_ring *r)
{
	return r->count == r->capacity;
}
