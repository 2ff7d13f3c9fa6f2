/*
 * Priority-inheritance mutexes.  One lock guards every mutex: an inheritance
 * chain crosses mutexes, and walking it under one lock is atomic and cannot
 * deadlock on lock order.  Mutexes guard slow-path state in ZVM (shell,
 * configuration, tests), so this lock is not on any trap path.
 */
#include "kernel/mutex.h"
#include "lib/zerror.h"
#include "kernel/thread.h"

#define PI_CHAIN_MAX 16 /* a longer chain is a design error */

static struct spinlock pi_lock = SPINLOCK_INIT;

void mutex_init(struct mutex *m, const char *name)
{
	m->owner = 0;
	list_init(&m->owner_node);
	waitq_init(&m->waiters);
	m->name = name;
}

struct thread *mutex_owner(const struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_ACQUIRE);
}

/* What t's priority must be now: its own, or its best waiter's. */
static unsigned effective_prio(struct thread *t)
{
	unsigned prio = t->base_prio;
	struct list *pos;

	list_for_each (pos, &t->owned_mutexes) {
		struct thread *w = waitq_first(&list_entry(pos, struct mutex, owner_node)->waiters);
		if (w && w->prio < prio)
			prio = w->prio;
	}
	return prio;
}

/* Re-derives priorities along the chain that starts at t.  pi_lock held. */
static void propagate(struct thread *t)
{
	for (int depth = 0; t && depth < PI_CHAIN_MAX; depth++) {
		unsigned prio = effective_prio(t);
		if (prio == t->prio)
			return;
		sched_change_prio(t, prio);
		if (!t->blocked_on)
			return;
		waitq_reposition(&t->blocked_on->waiters, t);
		t = t->blocked_on->owner;
	}
}

static void take_ownership(struct mutex *m, struct thread *t)
{
	m->owner = t;
	list_add_tail(&t->owned_mutexes, &m->owner_node);
}

int mutex_lock(struct mutex *m, uint64_t timeout)
{
	struct thread *self = thread_current();
	uint64_t flags = spin_lock_irqsave(&pi_lock);
	int err;

	if (!m->owner) {
		take_ownership(m, self);
		spin_unlock_irqrestore(&pi_lock, flags);
		return 0;
	}
	if (m->owner == self || timeout == NO_WAIT) {
		spin_unlock_irqrestore(&pi_lock, flags);
		return m->owner == self ? -ZE_DEADLK : -ZE_AGAIN;
	}
	self->blocked_on = m;
	if (self->prio < m->owner->prio) {
		/* Boost before blocking, so that the owner runs at once. */
		sched_change_prio(m->owner, self->prio);
		if (m->owner->blocked_on) {
			waitq_reposition(&m->owner->blocked_on->waiters, m->owner);
			propagate(m->owner->blocked_on->owner);
		}
	}
	err = waitq_wait(&m->waiters, &pi_lock, timeout);
	if (err) {
		/* Gave up: whoever we boosted may come down again. */
		spin_lock(&pi_lock);
		self->blocked_on = 0;
		propagate(m->owner);
		spin_unlock(&pi_lock);
	}
	irq_restore(flags);
	sched_preempt_check();
	return err;
}

int mutex_unlock(struct mutex *m)
{
	struct thread *self = thread_current();
	uint64_t flags = spin_lock_irqsave(&pi_lock);
	struct thread *next;

	if (m->owner != self) {
		spin_unlock_irqrestore(&pi_lock, flags);
		return -ZE_PERM;
	}
	list_del(&m->owner_node);
	m->owner = 0;
	next = waitq_first(&m->waiters);
	if (next) {
		/* Hand over directly: no window for a third thread to barge in. */
		next->blocked_on = 0;
		take_ownership(m, next);
		waitq_wake_one(&m->waiters, 0);
		propagate(next);
	}
	propagate(self);
	spin_unlock_irqrestore(&pi_lock, flags);
	sched_preempt_check();
	return 0;
}

void mutex_set_base_priority(struct thread *t, unsigned prio)
{
	uint64_t flags = spin_lock_irqsave(&pi_lock);

	t->base_prio = (uint8_t)prio;
	propagate(t);
	spin_unlock_irqrestore(&pi_lock, flags);
	sched_preempt_check();
}
