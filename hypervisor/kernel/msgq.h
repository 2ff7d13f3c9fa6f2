/* Message queues of fixed-size messages, copied in and out. */
#ifndef KERNEL_MSGQ_H
#define KERNEL_MSGQ_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/spinlock.h"
#include "kernel/waitq.h"

struct msgq {
	struct spinlock lock;
	uint8_t *buffer; /* capacity * msg_size bytes, caller's */
	size_t msg_size;
	unsigned capacity;
	unsigned head; /* oldest message */
	unsigned count;
	struct waitq senders;   /* waiting for room */
	struct waitq receivers; /* waiting for a message */
};

void msgq_init(struct msgq *q, void *buffer, size_t msg_size, unsigned capacity);
/* 0, -ZE_TIMEOUT, or -ZE_AGAIN with NO_WAIT.  Send with NO_WAIT is IRQ-safe. */
int msgq_send(struct msgq *q, const void *msg, uint64_t timeout);
int msgq_recv(struct msgq *q, void *msg, uint64_t timeout);
unsigned msgq_count(struct msgq *q);

#endif
