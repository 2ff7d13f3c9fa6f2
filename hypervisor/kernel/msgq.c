/* Message queues: a ring of fixed-size slots plus two wait queues. */
#include "kernel/msgq.h"
#include "lib/zerror.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/string.h"

void msgq_init(struct msgq *q, void *buffer, size_t msg_size, unsigned capacity)
{
	q->lock = (struct spinlock)SPINLOCK_INIT;
	q->buffer = buffer;
	q->msg_size = msg_size;
	q->capacity = capacity;
	q->head = 0;
	q->count = 0;
	waitq_init(&q->senders);
	waitq_init(&q->receivers);
}

/*
 * Waits on wq until ready() holds, with q locked on return (0) or unlocked
 * on failure.  Loops because a woken thread may find the slot taken again.
 */
static int wait_until(struct msgq *q, struct waitq *wq, bool (*ready)(struct msgq *),
                      uint64_t deadline, uint64_t timeout)
{
	while (!ready(q)) {
		uint64_t now = time_now();
		if (timeout == NO_WAIT || now >= deadline) {
			spin_unlock(&q->lock);
			return timeout == NO_WAIT ? -ZE_AGAIN : -ZE_TIMEOUT;
		}
		int err = waitq_wait(wq, &q->lock,
		                     timeout == WAIT_FOREVER ? WAIT_FOREVER : deadline - now);
		if (err)
			return err;
		spin_lock(&q->lock);
	}
	return 0;
}

static bool has_room(struct msgq *q)
{
	return q->count < q->capacity;
}

static bool has_message(struct msgq *q)
{
	return q->count > 0;
}

int msgq_send(struct msgq *q, const void *msg, uint64_t timeout)
{
	uint64_t deadline = time_now_plus(timeout);
	uint64_t flags = spin_lock_irqsave(&q->lock);
	int err = wait_until(q, &q->senders, has_room, deadline, timeout);

	if (!err) {
		unsigned tail = (q->head + q->count) % q->capacity;
		memcpy(q->buffer + tail * q->msg_size, msg, q->msg_size);
		q->count++;
		waitq_wake_one(&q->receivers, 0);
		spin_unlock(&q->lock);
	}
	irq_restore(flags);
	sched_preempt_check();
	return err;
}

int msgq_recv(struct msgq *q, void *msg, uint64_t timeout)
{
	uint64_t deadline = time_now_plus(timeout);
	uint64_t flags = spin_lock_irqsave(&q->lock);
	int err = wait_until(q, &q->receivers, has_message, deadline, timeout);

	if (!err) {
		memcpy(msg, q->buffer + q->head * q->msg_size, q->msg_size);
		q->head = (q->head + 1) % q->capacity;
		q->count--;
		waitq_wake_one(&q->senders, 0);
		spin_unlock(&q->lock);
	}
	irq_restore(flags);
	sched_preempt_check();
	return err;
}

unsigned msgq_count(struct msgq *q)
{
	return __atomic_load_n(&q->count, __ATOMIC_RELAXED);
}
