#include "kernel/sem.h"
#include "kernel/sched.h"
#include "kernel/errno.h"

void sem_init(struct semaphore *s, uint32_t initial, uint32_t limit)
{
	s->count = initial;
	s->limit = limit;
	wq_init(&s->waiters);
}

/* A waiter gets the unit directly, so the count never passes through it. */
void sem_give(struct semaphore *s)
{
	uint64_t flags = irq_save();
	struct prio_node *waiter = wq_peek(&s->waiters);

	if (waiter) {
		sched_wake(thread_of(waiter), 0);
		sched_reschedule();
	} else if (s->count < s->limit) {
		s->count++;
	}
	irq_restore(flags);
}

int sem_take(struct semaphore *s, uint64_t timeout)
{
	uint64_t flags = irq_save();
	int result = 0;

	if (s->count > 0)
		s->count--;
	else if (timeout == TIMEOUT_NO_WAIT)
		result = -E_AGAIN;
	else
		result = sched_block(&s->waiters, timeout);
	irq_restore(flags);
	return result;
}
