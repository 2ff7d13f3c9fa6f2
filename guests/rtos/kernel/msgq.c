#include "kernel/msgq.h"
#include "kernel/sched.h"
#include "kernel/errno.h"
#include "lib/string.h"

int msgq_init(struct msgq *q, void *buf, size_t buf_size, size_t msg_size)
{
	if (mr_init(&q->ring, buf, buf_size, msg_size) < 0)
		return -E_INVAL;
	wq_init(&q->senders);
	wq_init(&q->receivers);
	return 0;
}

int msgq_send(struct msgq *q, const void *msg, uint64_t timeout)
{
	uint64_t flags = irq_save();
	struct prio_node *receiver = wq_peek(&q->receivers);
	struct thread *self;
	int result = 0;

	if (receiver) {
		memcpy(thread_of(receiver)->msg, msg, q->ring.msg_size);
		sched_wake(thread_of(receiver), 0);
		sched_reschedule();
	} else if (!mr_put(&q->ring, msg)) {
		if (timeout == TIMEOUT_NO_WAIT) {
			result = -E_AGAIN;
		} else {
			/* The receiver that frees a slot copies our message. */
			self = thread_current();
			self->msg = (void *)msg;
			result = sched_block(&q->senders, timeout);
		}
	}
	irq_restore(flags);
	return result;
}

int msgq_receive(struct msgq *q, void *msg, uint64_t timeout)
{
	uint64_t flags = irq_save();
	struct prio_node *sender;
	struct thread *self;
	int result = 0;

	if (mr_get(&q->ring, msg)) {
		sender = wq_peek(&q->senders);
		if (sender) {
			mr_put(&q->ring, thread_of(sender)->msg);
			sched_wake(thread_of(sender), 0);
			sched_reschedule();
		}
	} else if (timeout == TIMEOUT_NO_WAIT) {
		result = -E_AGAIN;
	} else {
		self = thread_current();
		self->msg = msg;
		result = sched_block(&q->receivers, timeout);
	}
	irq_restore(flags);
	return result;
}
