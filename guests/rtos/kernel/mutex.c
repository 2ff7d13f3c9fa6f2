#include "kernel/mutex.h"
#include "kernel/sched.h"
#include "kernel/errno.h"

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
	m->depth = 0;
	wq_init(&m->waiters);
}

/* With IRQs masked: takes m if free or ours. */
static bool try_acquire(struct mutex *m, struct thread *self)
{
	if (m->owner == NULL) {
		m->owner = self;
		m->depth = 1;
		return true;
	}
	if (m->owner == self) {
		m->depth++;
		return true;
	}
	return false;
}

void mutex_lock(struct mutex *m)
{
	uint64_t flags = irq_save();
	struct thread *self = thread_current();

	if (!try_acquire(m, self)) {
		if (self->node.prio < m->owner->node.prio)
			sched_set_prio(m->owner, self->node.prio);
		/* mutex_unlock hands ownership over before waking us. */
		sched_block(&m->waiters, TIMEOUT_FOREVER);
	}
	irq_restore(flags);
}

int mutex_trylock(struct mutex *m)
{
	uint64_t flags = irq_save();
	int result = try_acquire(m, thread_current()) ? 0 : -E_AGAIN;

	irq_restore(flags);
	return result;
}

int mutex_unlock(struct mutex *m)
{
	uint64_t flags = irq_save();
	struct thread *self = thread_current();
	struct prio_node *next;

	if (m->owner != self) {
		irq_restore(flags);
		return -E_PERM;
	}
	if (--m->depth == 0) {
		/* Drops any inherited boost (one mutex held at a time assumed). */
		sched_set_prio(self, self->base_prio);
		next = wq_peek(&m->waiters);
		m->owner = next ? thread_of(next) : NULL;
		if (next) {
			m->depth = 1;
			sched_wake(thread_of(next), 0);
			sched_reschedule();
		}
	}
	irq_restore(flags);
	return 0;
}
