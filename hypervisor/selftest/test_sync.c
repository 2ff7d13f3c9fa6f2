/*
 * Synchronisation tests: semaphores count and wake by priority, mutexes
 * exclude across cores and pass priority on to their owner, message queues
 * keep order and block at both ends, spinlocks exclude across cores.
 */
#include "selftest/ztest.h"
#include "selftest/ztest_util.h"
#include "lib/zerror.h"
#include "kernel/msgq.h"
#include "kernel/mutex.h"
#include "kernel/sem.h"
#include "kernel/time.h"

#define SEM_MAX          3
#define MUTEX_ROUNDS     200
#define THREADS_PER_CORE 2
#define MAX_WORKERS      (MAX_CPUS * THREADS_PER_CORE)
#define PRIO_PI_HIGH     6
#define PRIO_PI_MEDIUM   10
#define PRIO_PI_LOW      14
#define PI_GIVE_UP_MS    100
#define QUEUE_SLOTS      8
#define SMALL_QUEUE      2
#define WRAP_CYCLES      3
#define STREAM_QUEUE     4
#define STREAM_MESSAGES  400
/* Shared among the cores: a ticket handoff between vCPUs is slow on QEMU. */
#define SPIN_TOTAL       800
#define CRITICAL_SPIN    20 /* widens the window a broken lock would show */

/* --- semaphores ------------------------------------------------------------- */

ZTEST(sync, sem_counting)
{
	struct sem s;

	sem_init(&s, 2, SEM_MAX);
	ZT_CHECK_EQ(sem_count(&s), 2);
	ZT_CHECK_EQ(sem_take(&s, NO_WAIT), 0);
	ZT_CHECK_EQ(sem_take(&s, NO_WAIT), 0);
	ZT_CHECK_EQ(sem_take(&s, NO_WAIT), -ZE_AGAIN);
	ZT_CHECK_EQ(sem_count(&s), 0);
	for (unsigned i = 0; i < SEM_MAX; i++)
		ZT_CHECK_EQ(sem_give(&s), 0);
	ZT_CHECK_EQ(sem_give(&s), -ZE_BUSY);
	ZT_CHECK_EQ(sem_count(&s), SEM_MAX);
	for (unsigned i = 0; i < SEM_MAX; i++)
		ZT_CHECK_EQ(sem_take(&s, NO_WAIT), 0);
	ZT_CHECK_EQ(sem_take(&s, NO_WAIT), -ZE_AGAIN);
}

struct sem_waiter_ctx {
	struct sem s;
	struct zt_events ev;
};

static void sem_waiter(void *arg)
{
	struct sem_waiter_ctx *c = arg;

	if (sem_take(&c->s, WAIT_FOREVER) == 0)
		zt_event(&c->ev, thread_current()->name[0]);
}

ZTEST(sync, sem_wakes_by_priority)
{
	/* Two at 12: the one that waited first wakes first. */
	static const unsigned prios[] = { 15, 12, 14, 11, 13, 12 };
	static const char *const names[] = { "f", "b", "e", "a", "d", "c" };
	static const int want[] = { 'a', 'b', 'c', 'd', 'e', 'f' };
	struct sem_waiter_ctx c;
	struct thread *ts[ZT_ARRAY_SIZE(prios)] = { 0 };
	unsigned n = ZT_ARRAY_SIZE(prios), created = 0, blocked = 0;

	sem_init(&c.s, 0, n);
	zt_events_reset(&c.ev);
	for (unsigned i = 0; i < n; i++) {
		ts[i] = zt_start(names[i], sem_waiter, &c, prios[i], this_cpu_id());
		created += ts[i] != 0;
		blocked += ts[i] && ts[i]->state == THREAD_BLOCKED;
	}
	/* Each give hands the count to the best waiter, which runs at once. */
	for (unsigned i = 0; i < n; i++)
		sem_give(&c.s);
	ZT_CHECK(zt_join_all(ts, n));
	ZT_CHECK_EQ(created, n);
	ZT_CHECK_EQ(blocked, n);
	ZT_CHECK_EQ(sem_count(&c.s), 0);
	ZT_CHECK(zt_events_equal(&c.ev, want, n));
}

/* --- mutexes ------------------------------------------------------------------- */

struct shared_counter {
	struct mutex m;
	volatile uint64_t value;
	volatile int inside;
	unsigned overlaps;
	unsigned wrong_owner;
};

static void count_under_mutex(void *arg)
{
	struct shared_counter *c = arg;
	struct thread *self = thread_current();

	for (unsigned r = 0; r < MUTEX_ROUNDS; r++) {
		if (mutex_lock(&c->m, WAIT_FOREVER) != 0)
			continue;
		if (__atomic_exchange_n(&c->inside, 1, __ATOMIC_ACQ_REL))
			c->overlaps++;
		if (mutex_owner(&c->m) != self)
			c->wrong_owner++;
		uint64_t v = c->value;
		for (volatile unsigned i = 0; i < CRITICAL_SPIN; i++)
			;
		/* Now and then let the other thread on this core try the lock. */
		if (r % 8 == 0)
			thread_yield();
		c->value = v + 1;
		__atomic_store_n(&c->inside, 0, __ATOMIC_RELEASE);
		mutex_unlock(&c->m);
	}
}

ZTEST(sync, mutex_excludes_across_cores)
{
	static struct shared_counter c;
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), created = 0;
	struct thread *ts[MAX_WORKERS] = { 0 };
	unsigned workers = n * THREADS_PER_CORE;

	mutex_init(&c.m, "zt-counter");
	c.value = 0;
	c.inside = 0;
	c.overlaps = c.wrong_owner = 0;
	unsigned old = zt_set_own_prio(ZT_PRIO_STARTER);
	for (unsigned i = 0; i < workers; i++)
		created += (ts[i] = zt_start("count", count_under_mutex, &c, ZT_PRIO_WORKER,
		                             cpus[i % n])) != 0;
	zt_set_own_prio(old);
	ZT_CHECK(zt_join_all(ts, workers));
	ZT_CHECK_EQ(created, workers);
	ZT_CHECK_EQ(c.overlaps, 0);
	ZT_CHECK_EQ(c.wrong_owner, 0);
	ZT_CHECK_EQ(c.value, (uint64_t)workers * MUTEX_ROUNDS);
	ZT_CHECK(mutex_owner(&c.m) == 0);
	ztest_figure(ctx, "increments", c.value);
	ztest_figure(ctx, "threads", workers);
}

/* Priority inheritance: the classic low / medium / high inversion. */
enum {
	EV_L_LOCKED = 1,
	EV_H_START,
	EV_H_LOCKING,
	EV_L_RUNS,
	EV_H_LOCKED,
	EV_M_RUNS,
	EV_L_DONE,
};

struct pi_ctx {
	struct mutex m;
	struct sem l_go, m_go;
	struct zt_events ev;
	struct thread *low;
	volatile int h_done;
	unsigned l_prio_boosted, l_prio_after;
	bool m_saw_done;
};

static void pi_low(void *arg)
{
	struct pi_ctx *c = arg;

	if (mutex_lock(&c->m, WAIT_FOREVER) != 0)
		return;
	zt_event(&c->ev, EV_L_LOCKED);
	sem_take(&c->l_go, WAIT_FOREVER);
	zt_event(&c->ev, EV_L_RUNS);
	c->l_prio_boosted = thread_current()->prio;
	mutex_unlock(&c->m);
	zt_event(&c->ev, EV_L_DONE);
}

static void pi_medium(void *arg)
{
	struct pi_ctx *c = arg;

	sem_take(&c->m_go, WAIT_FOREVER);
	zt_event(&c->ev, EV_M_RUNS);
	/* Busy, never blocking: without inheritance the owner would starve. */
	c->m_saw_done = zt_spin_until(&c->h_done, ms_to_ticks(ZT_SLACK_MS));
}

static void pi_high(void *arg)
{
	struct pi_ctx *c = arg;

	zt_event(&c->ev, EV_H_START);
	sem_give(&c->l_go);
	sem_give(&c->m_go);
	zt_event(&c->ev, EV_H_LOCKING);
	if (mutex_lock(&c->m, WAIT_FOREVER) != 0)
		return;
	zt_event(&c->ev, EV_H_LOCKED);
	c->l_prio_after = c->low->prio;
	__atomic_store_n(&c->h_done, 1, __ATOMIC_RELEASE);
	mutex_unlock(&c->m);
}

ZTEST(sync, mutex_priority_inheritance)
{
	static const int want[] = {
		EV_L_LOCKED, EV_H_START, EV_H_LOCKING, EV_L_RUNS, EV_H_LOCKED, EV_M_RUNS, EV_L_DONE,
	};
	struct pi_ctx c = { 0 };
	struct thread *ts[3] = { 0 };
	unsigned cpu = this_cpu_id();

	mutex_init(&c.m, "zt-pi");
	sem_init(&c.l_go, 0, 1);
	sem_init(&c.m_go, 0, 1);
	zt_events_reset(&c.ev);
	/* Each outranks this thread, so each runs to its first wait at once. */
	c.low = ts[0] = zt_start("pi-low", pi_low, &c, PRIO_PI_LOW, cpu);
	ts[1] = zt_start("pi-medium", pi_medium, &c, PRIO_PI_MEDIUM, cpu);
	if (ts[0] && ts[1])
		ts[2] = zt_start("pi-high", pi_high, &c, PRIO_PI_HIGH, cpu);
	if (!ts[2]) {
		sem_give(&c.l_go);
		sem_give(&c.m_go);
		c.h_done = 1;
	}
	ZT_CHECK(zt_join_all(ts, 3));
	ZT_CHECK(c.low && ts[2] == 0);
	ZT_CHECK(zt_events_equal(&c.ev, want, ZT_ARRAY_SIZE(want)));
	ZT_CHECK_EQ(c.l_prio_boosted, PRIO_PI_HIGH);
	ZT_CHECK_EQ(c.l_prio_after, PRIO_PI_LOW);
	ZT_CHECK(c.m_saw_done);
	ZT_CHECK(mutex_owner(&c.m) == 0);
}

/* A waiter that gives up takes its boost back from the owner. */
struct pi_timeout_ctx {
	struct mutex m;
	struct sem release;
	int rc;
};

static void hold_until_released(void *arg)
{
	struct pi_timeout_ctx *c = arg;

	if (mutex_lock(&c->m, WAIT_FOREVER) == 0) {
		sem_take(&c->release, WAIT_FOREVER);
		mutex_unlock(&c->m);
	}
}

static void lock_with_timeout(void *arg)
{
	struct pi_timeout_ctx *c = arg;

	c->rc = mutex_lock(&c->m, ms_to_ticks(PI_GIVE_UP_MS));
	if (c->rc == 0)
		mutex_unlock(&c->m);
}

ZTEST(sync, mutex_timeout_drops_boost)
{
	struct pi_timeout_ctx c = { 0 };
	struct thread *low, *high;
	unsigned cpu = this_cpu_id(), boosted, after;
	bool high_was_waiting;

	mutex_init(&c.m, "zt-pi-timeout");
	sem_init(&c.release, 0, 1);
	low = zt_start("pi-owner", hold_until_released, &c, PRIO_PI_LOW, cpu);
	ZT_CHECK(low);
	high = zt_start("pi-waiter", lock_with_timeout, &c, PRIO_PI_HIGH, cpu);
	/* Read the boost first: if the waiter still waits after, it held then. */
	boosted = low->prio;
	high_was_waiting = high && high->state == THREAD_BLOCKED && high->blocked_on == &c.m;
	bool joined = zt_join_all(&high, 1);
	after = low->prio;
	sem_give(&c.release);
	ZT_CHECK(zt_join_all(&low, 1));
	ZT_CHECK(joined);
	ZT_CHECK_EQ(c.rc, -ZE_TIMEOUT);
	if (high_was_waiting)
		ZT_CHECK_EQ(boosted, PRIO_PI_HIGH);
	ZT_CHECK_EQ(after, PRIO_PI_LOW);
	ZT_CHECK(mutex_owner(&c.m) == 0);
	ztest_figure(ctx, "boost_seen", high_was_waiting);
}

/* --- message queues ------------------------------------------------------------ */

struct msg {
	uint32_t seq;
	uint32_t check; /* ~seq: catches torn or mixed copies */
};

static struct msg make_msg(uint32_t seq)
{
	return (struct msg){ .seq = seq, .check = ~seq };
}

ZTEST(sync, msgq_fifo_order)
{
	struct msg slots[QUEUE_SLOTS], m;
	struct msgq q;
	uint32_t next_send = 0, next_recv = 0;

	msgq_init(&q, slots, sizeof(struct msg), QUEUE_SLOTS);
	for (unsigned i = 0; i < QUEUE_SLOTS; i++) {
		m = make_msg(next_send++);
		ZT_CHECK_EQ(msgq_send(&q, &m, NO_WAIT), 0);
	}
	m = make_msg(next_send);
	ZT_CHECK_EQ(msgq_send(&q, &m, NO_WAIT), -ZE_AGAIN);
	ZT_CHECK_EQ(msgq_count(&q), QUEUE_SLOTS);
	/* Half out, more in: the ring wraps several times. */
	for (unsigned cycle = 0; cycle < WRAP_CYCLES * 2; cycle++) {
		for (unsigned i = 0; i < QUEUE_SLOTS / 2 + 1; i++) {
			ZT_CHECK_EQ(msgq_recv(&q, &m, NO_WAIT), 0);
			ZT_CHECK_EQ(m.seq, next_recv);
			ZT_CHECK_EQ(m.check, ~next_recv);
			next_recv++;
		}
		for (unsigned i = 0; i < QUEUE_SLOTS / 2 + 1; i++) {
			m = make_msg(next_send++);
			ZT_CHECK_EQ(msgq_send(&q, &m, NO_WAIT), 0);
		}
	}
	while (msgq_recv(&q, &m, NO_WAIT) == 0) {
		ZT_CHECK_EQ(m.seq, next_recv);
		next_recv++;
	}
	ZT_CHECK_EQ(next_recv, next_send);
	ZT_CHECK_EQ(msgq_count(&q), 0);
}

enum {
	EV_R_WAITING = 1,
	EV_SHELL_SENDING,
	EV_R_GOT,
	EV_SHELL_SENT,
	EV_S_SENDING,
	EV_SHELL_RECEIVING,
	EV_S_SENT,
	EV_SHELL_RECEIVED
};

struct blocking_ctx {
	struct msgq q;
	struct msg slots[SMALL_QUEUE];
	struct zt_events ev;
	struct msg got;
	int rc;
};

static void blocking_receiver(void *arg)
{
	struct blocking_ctx *c = arg;

	zt_event(&c->ev, EV_R_WAITING);
	c->rc = msgq_recv(&c->q, &c->got, WAIT_FOREVER);
	zt_event(&c->ev, EV_R_GOT);
}

static void blocking_sender(void *arg)
{
	struct blocking_ctx *c = arg;
	struct msg m = make_msg(SMALL_QUEUE);

	zt_event(&c->ev, EV_S_SENDING);
	c->rc = msgq_send(&c->q, &m, WAIT_FOREVER);
	zt_event(&c->ev, EV_S_SENT);
}

ZTEST(sync, msgq_blocks_when_empty_or_full)
{
	static const int want_recv[] = { EV_R_WAITING, EV_SHELL_SENDING, EV_R_GOT, EV_SHELL_SENT };
	static const int want_send[] = {
		EV_S_SENDING,
		EV_SHELL_RECEIVING,
		EV_S_SENT,
		EV_SHELL_RECEIVED,
	};
	struct blocking_ctx c = { 0 };
	struct thread *t;
	struct msg m = make_msg(7), out[SMALL_QUEUE + 1];
	bool blocked;
	unsigned cpu = this_cpu_id();

	/* An empty queue: the receiver waits, and runs the moment we send. */
	msgq_init(&c.q, c.slots, sizeof(struct msg), SMALL_QUEUE);
	zt_events_reset(&c.ev);
	t = zt_start("receiver", blocking_receiver, &c, ZT_PRIO_WORKER, cpu);
	ZT_CHECK(t);
	blocked = t->state == THREAD_BLOCKED;
	zt_event(&c.ev, EV_SHELL_SENDING);
	int rc_send = msgq_send(&c.q, &m, ms_to_ticks(ZT_SLACK_MS));
	zt_event(&c.ev, EV_SHELL_SENT);
	ZT_CHECK(zt_join_all(&t, 1));
	ZT_CHECK(blocked);
	ZT_CHECK_EQ(rc_send, 0);
	ZT_CHECK_EQ(c.rc, 0);
	ZT_CHECK_EQ(c.got.seq, 7);
	ZT_CHECK(zt_events_equal(&c.ev, want_recv, ZT_ARRAY_SIZE(want_recv)));

	/* A full queue: the sender waits until we take one out. */
	msgq_init(&c.q, c.slots, sizeof(struct msg), SMALL_QUEUE);
	zt_events_reset(&c.ev);
	for (uint32_t i = 0; i < SMALL_QUEUE; i++) {
		m = make_msg(i);
		ZT_CHECK_EQ(msgq_send(&c.q, &m, NO_WAIT), 0);
	}
	t = zt_start("sender", blocking_sender, &c, ZT_PRIO_WORKER, cpu);
	ZT_CHECK(t);
	blocked = t->state == THREAD_BLOCKED;
	zt_event(&c.ev, EV_SHELL_RECEIVING);
	int rc_recv = msgq_recv(&c.q, &out[0], ms_to_ticks(ZT_SLACK_MS));
	zt_event(&c.ev, EV_SHELL_RECEIVED);
	ZT_CHECK(zt_join_all(&t, 1));
	for (unsigned i = 1; i <= SMALL_QUEUE; i++)
		ZT_CHECK_EQ(msgq_recv(&c.q, &out[i], NO_WAIT), 0);
	ZT_CHECK(blocked);
	ZT_CHECK_EQ(rc_recv, 0);
	ZT_CHECK_EQ(c.rc, 0);
	for (unsigned i = 0; i <= SMALL_QUEUE; i++)
		ZT_CHECK_EQ(out[i].seq, i);
	ZT_CHECK(zt_events_equal(&c.ev, want_send, ZT_ARRAY_SIZE(want_send)));
}

/* A stream between two cores through a tiny queue: both ends block often. */
struct stream_ctx {
	struct msgq q;
	struct msg slots[STREAM_QUEUE];
	unsigned send_errors, recv_errors, out_of_order;
	uint32_t received;
};

static void stream_producer(void *arg)
{
	struct stream_ctx *c = arg;

	for (uint32_t i = 0; i < STREAM_MESSAGES; i++) {
		struct msg m = make_msg(i);
		if (msgq_send(&c->q, &m, ms_to_ticks(ZT_JOIN_TIMEOUT_MS)) != 0)
			c->send_errors++;
	}
}

static void stream_consumer(void *arg)
{
	struct stream_ctx *c = arg;
	struct msg m;

	for (uint32_t i = 0; i < STREAM_MESSAGES; i++) {
		if (msgq_recv(&c->q, &m, ms_to_ticks(ZT_JOIN_TIMEOUT_MS)) != 0) {
			c->recv_errors++;
			continue;
		}
		if (m.seq != c->received || m.check != ~m.seq)
			c->out_of_order++;
		c->received = m.seq + 1;
	}
}

ZTEST(sync, msgq_stream_across_cores)
{
	static struct stream_ctx c;
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS);
	struct thread *ts[2];

	c = (struct stream_ctx){ 0 };
	msgq_init(&c.q, c.slots, sizeof(struct msg), STREAM_QUEUE);
	ts[0] = zt_start("consumer", stream_consumer, &c, ZT_PRIO_WORKER, cpus[n - 1]);
	ts[1] = zt_start("producer", stream_producer, &c, ZT_PRIO_WORKER, cpus[0]);
	ZT_CHECK(zt_join_all(ts, 2));
	ZT_CHECK_EQ(c.send_errors, 0);
	ZT_CHECK_EQ(c.recv_errors, 0);
	ZT_CHECK_EQ(c.out_of_order, 0);
	ZT_CHECK_EQ(c.received, STREAM_MESSAGES);
	ZT_CHECK_EQ(msgq_count(&c.q), 0);
	ztest_figure(ctx, "messages", STREAM_MESSAGES);
	ztest_figure(ctx, "cross_core", n > 1);
}

/* --- spinlocks ------------------------------------------------------------------ */

struct spin_ctx {
	struct spinlock lock;
	volatile uint64_t value;
	volatile int inside;
	volatile int start;
	unsigned overlaps;
	unsigned not_locked;
};

struct spin_worker {
	struct spin_ctx *shared;
	unsigned rounds;
	uint64_t max_wait;
};

static void count_under_spinlock(void *arg)
{
	struct spin_worker *w = arg;
	struct spin_ctx *c = w->shared;

	zt_spin_until(&c->start, ms_to_ticks(ZT_SLACK_MS));
	for (unsigned r = 0; r < w->rounds; r++) {
		uint64_t t0 = time_now();
		uint64_t flags = spin_lock_irqsave(&c->lock);
		uint64_t waited = time_now() - t0;

		if (waited > w->max_wait)
			w->max_wait = waited;
		if (__atomic_exchange_n(&c->inside, 1, __ATOMIC_ACQ_REL))
			c->overlaps++;
		if (!spin_is_locked(&c->lock))
			c->not_locked++;
		uint64_t v = c->value;
		for (volatile unsigned i = 0; i < CRITICAL_SPIN; i++)
			;
		c->value = v + 1;
		__atomic_store_n(&c->inside, 0, __ATOMIC_RELEASE);
		spin_unlock_irqrestore(&c->lock, flags);
	}
}

ZTEST(sync, spinlock_contention)
{
	static struct spin_ctx c;
	static struct spin_worker w[MAX_CPUS];
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), created = 0;
	struct thread *ts[MAX_CPUS] = { 0 };
	uint64_t max_wait = 0;

	c = (struct spin_ctx){ .lock = SPINLOCK_INIT };
	/* Raised, so that the thread on this core waits for the others too. */
	unsigned old = zt_set_own_prio(ZT_PRIO_STARTER);
	for (unsigned i = 0; i < n; i++) {
		w[i] = (struct spin_worker){ .shared = &c, .rounds = SPIN_TOTAL / n };
		created += (ts[i] = zt_start("spin", count_under_spinlock, &w[i], ZT_PRIO_WORKER,
		                             cpus[i])) != 0;
	}
	__atomic_store_n(&c.start, 1, __ATOMIC_RELEASE);
	zt_set_own_prio(old);
	ZT_CHECK(zt_join_all(ts, n));
	ZT_CHECK_EQ(created, n);
	ZT_CHECK_EQ(c.overlaps, 0);
	ZT_CHECK_EQ(c.not_locked, 0);
	ZT_CHECK_EQ(c.value, (uint64_t)n * (SPIN_TOTAL / n));
	ZT_CHECK(!spin_is_locked(&c.lock));
	for (unsigned i = 0; i < n; i++)
		max_wait = w[i].max_wait > max_wait ? w[i].max_wait : max_wait;
	ztest_figure(ctx, "increments", c.value);
	ztest_figure(ctx, "max_wait_ticks", max_wait);
}
