/* The storage of a message queue: a ring of fixed-size messages (portable,
 * host-tested).  Messages are copied in and out. */
#ifndef RTOS_KERNEL_MSG_RING_H
#define RTOS_KERNEL_MSG_RING_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct msg_ring {
	uint8_t *buf;
	size_t msg_size;
	uint32_t capacity;
	uint32_t head; /* oldest message */
	uint32_t count;
};

/* Returns the capacity in messages, or -1 for a bad size. */
int mr_init(struct msg_ring *r, void *buf, size_t buf_size, size_t msg_size);
bool mr_put(struct msg_ring *r, const void *msg);
bool mr_get(struct msg_ring *r, void *msg);
uint32_t mr_count(const struct msg_ring *r);
bool mr_full(const struct msg_ring *r);

#endif
