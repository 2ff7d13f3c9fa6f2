/* Counting semaphores: a give goes straight to the best waiter, if any. */
#include "kernel/sem.h"
#include "lib/zerror.h"
#include "kernel/thread.h"

void sem_init(struct sem *s, unsigned initial, unsigned max)
{
	s->lock = (struct spinlock)SPINLOCK_INIT;
	s->count = initial;
	s->max = max;
	waitq_init(&s->waiters);
}

int sem_take(struct sem *s, uint64_t timeout)
{
	uint64_t flags = spin_lock_irqsave(&s->lock);
	int err;

	if (s->count) {
		s->count--;
		spin_unlock_irqrestore(&s->lock, flags);
		return 0;
	}
	if (timeout == NO_WAIT) {
		spin_unlock_irqrestore(&s->lock, flags);
		return -ZE_AGAIN;
	}
	err = waitq_wait(&s->waiters, &s->lock, timeout);
	irq_restore(flags);
	return err;
}

int sem_give(struct sem *s)
{
	uint64_t flags = spin_lock_irqsave(&s->lock);
	int err = 0;

	if (!waitq_wake_one(&s->waiters, 0)) {
		if (s->count < s->max)
			s->count++;
		else
			err = -ZE_BUSY;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	sched_preempt_check();
	return err;
}

unsigned sem_count(struct sem *s)
{
	return __atomic_load_n(&s->count, __ATOMIC_RELAXED);
}
