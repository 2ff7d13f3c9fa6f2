/*
 * Message queues of fixed-size messages.  A message goes straight into a
 * waiting receiver's buffer when there is one; otherwise it is buffered.
 * msgq_send with TIMEOUT_NO_WAIT may be called from IRQ handlers.
 */
#ifndef RTOS_KERNEL_MSGQ_H
#define RTOS_KERNEL_MSGQ_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/msg_ring.h"
#include "kernel/prio_queue.h"

struct msgq {
	struct msg_ring ring;
	struct wait_queue senders;
	struct wait_queue receivers;
};

/* 0 or -E_INVAL when buf cannot hold a single message. */
int msgq_init(struct msgq *q, void *buf, size_t buf_size, size_t msg_size);
/* 0, -E_AGAIN or -E_TIMEOUT. */
int msgq_send(struct msgq *q, const void *msg, uint64_t timeout);
int msgq_receive(struct msgq *q, void *msg, uint64_t timeout);

#endif
