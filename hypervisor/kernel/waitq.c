/* Wait queues: see waitq.h for the locking contract. */
#include "kernel/waitq.h"
#include "lib/zerror.h"
#include "kernel/thread.h"
#include "kernel/time.h"

void waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

bool waitq_empty(const struct waitq *wq)
{
	return list_empty(&wq->waiters);
}

struct thread *waitq_first(const struct waitq *wq)
{
	if (list_empty(&wq->waiters))
		return 0;
	return list_entry(wq->waiters.next, struct thread, wait_node);
}

static void insert_by_priority(struct waitq *wq, struct thread *t)
{
	struct list *pos;

	list_for_each (pos, &wq->waiters) {
		if (list_entry(pos, struct thread, wait_node)->prio > t->prio)
			break;
	}
	list_add_before(pos, &t->wait_node);
}

void waitq_reposition(struct waitq *wq, struct thread *t)
{
	list_del(&t->wait_node);
	insert_by_priority(wq, t);
}

/*
 * Runs in interrupt context on the sleeper's own core, so the sleeper cannot
 * be running: the only race is with a waker on another core, settled under
 * the object's lock by whoever clears waiting_on first.
 */
static void timeout_expired(struct ktimer *timer)
{
	struct thread *t = container_of(timer, struct thread, timeout);
	struct spinlock *lock = __atomic_load_n(&t->wait_lock, __ATOMIC_ACQUIRE);

	if (!lock)
		return;
	spin_lock(lock);
	if (t->waiting_on) {
		list_del(&t->wait_node);
		t->waiting_on = 0;
		t->wait_lock = 0;
		t->wait_result = -ZE_TIMEOUT;
		sched_wake(t);
	}
	spin_unlock(lock);
}

int waitq_wait(struct waitq *wq, struct spinlock *lock, uint64_t timeout)
{
	struct thread *self = thread_current();

	self->waiting_on = wq;
	self->wait_result = 0;
	__atomic_store_n(&self->wait_lock, lock, __ATOMIC_RELEASE);
	insert_by_priority(wq, self);
	self->state = THREAD_BLOCKED;
	if (timeout != WAIT_FOREVER) {
		ktimer_init(&self->timeout, timeout_expired);
		ktimer_arm(&self->timeout, time_now_plus(timeout));
	}
	spin_unlock(lock);
	schedule(false);
	if (timeout != WAIT_FOREVER)
		ktimer_cancel(&self->timeout);
	return self->wait_result;
}

struct thread *waitq_wake_one(struct waitq *wq, int result)
{
	struct thread *t = waitq_first(wq);

	if (!t)
		return 0;
	list_del(&t->wait_node);
	t->waiting_on = 0;
	t->wait_lock = 0;
	t->wait_result = result;
	sched_wake(t);
	return t;
}

unsigned waitq_wake_all(struct waitq *wq, int result)
{
	unsigned n = 0;

	while (waitq_wake_one(wq, result))
		n++;
	return n;
}
