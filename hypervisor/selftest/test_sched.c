/*
 * Scheduler tests: strict priority order, immediate preemption, FIFO among
 * equals, sleeping, wait timeouts and threads on every core.  Threads that
 * must compete for a core are put on the test's own core (the shell's).
 */
#include "selftest/ztest.h"
#include "selftest/ztest_util.h"
#include "kernel/boot.h"
#include "lib/zerror.h"
#include "kernel/ktimer.h"
#include "kernel/mem.h"
#include "kernel/msgq.h"
#include "kernel/mutex.h"
#include "kernel/sem.h"
#include "kernel/time.h"

#define PRIO_HIGH        5
#define PRIO_LOW         12
#define YIELD_ROUNDS     3
#define WAIT_TIMEOUT_MS  5
#define MSG_SLOTS        2
#define CHURN_THREADS    48
#define SHELL_PRIO_BELOW 25 /* runs only once the test waits */

static uint64_t switches_on(unsigned cpu)
{
	return __atomic_load_n(&cpu_data(cpu)->rq.switches, __ATOMIC_RELAXED);
}

/* --- strict priority order ------------------------------------------------ */

static const unsigned order_prios[] = { 15, 12, 17, 11, 14, 13, 16 };

static void record_prio(void *arg)
{
	zt_event(arg, thread_current()->prio);
}

ZTEST(sched, priority_order)
{
	struct zt_events ev;
	struct thread *ts[ZT_ARRAY_SIZE(order_prios)] = { 0 };
	unsigned n = ZT_ARRAY_SIZE(order_prios), created = 0, ran_early;
	unsigned cpu = this_cpu_id();
	uint64_t sw0 = switches_on(cpu);
	int want[ZT_ARRAY_SIZE(order_prios)];

	zt_events_reset(&ev);
	unsigned old = zt_set_own_prio(ZT_PRIO_STARTER);
	for (unsigned i = 0; i < n; i++)
		created += (ts[i] = zt_start("prio", record_prio, &ev, order_prios[i], cpu)) != 0;
	/* A ready thread's priority change re-sorts it: 17 becomes 10, first. */
	if (ts[2])
		thread_set_priority(ts[2], 10);
	ran_early = __atomic_load_n(&ev.count, __ATOMIC_ACQUIRE);
	zt_set_own_prio(old);
	ZT_CHECK(zt_join_all(ts, n));
	ZT_CHECK_EQ(created, n);
	ZT_CHECK_EQ(ran_early, 0);
	want[0] = 10;
	for (unsigned i = 1; i < n; i++)
		want[i] = 10 + (int)i;
	ZT_CHECK(zt_events_equal(&ev, want, n));
	ztest_figure(ctx, "switches", switches_on(cpu) - sw0);
}

/* --- a higher priority made ready preempts at once ----------------------- */

enum {
	EV_L_BEFORE = 1,
	EV_H_WOKE,
	EV_L_AFTER,
	EV_SHELL
};

struct preempt_ctx {
	struct sem go;
	struct zt_events ev;
	uint64_t given_at, woke_at;
	volatile int woke;
};

static void high_waiter(void *arg)
{
	struct preempt_ctx *c = arg;

	if (sem_take(&c->go, WAIT_FOREVER) == 0) {
		c->woke_at = time_now();
		zt_event(&c->ev, EV_H_WOKE);
		__atomic_store_n(&c->woke, 1, __ATOMIC_RELEASE);
	}
}

static void low_giver(void *arg)
{
	struct preempt_ctx *c = arg;

	zt_event(&c->ev, EV_L_BEFORE);
	c->given_at = time_now();
	sem_give(&c->go);
	zt_event(&c->ev, EV_L_AFTER);
}

ZTEST(sched, preempt_on_wake)
{
	struct preempt_ctx c = { 0 };
	struct thread *ts[2];
	unsigned cpu = this_cpu_id();
	enum thread_state h_state;
	static const int want[] = { EV_L_BEFORE, EV_H_WOKE, EV_L_AFTER, EV_SHELL };

	sem_init(&c.go, 0, 1);
	zt_events_reset(&c.ev);
	/* Both outrank the caller: each runs inside thread_create. */
	ts[0] = zt_start("high", high_waiter, &c, PRIO_HIGH, cpu);
	h_state = ts[0] ? ts[0]->state : THREAD_DEAD;
	ts[1] = zt_start("low", low_giver, &c, PRIO_LOW, cpu);
	zt_event(&c.ev, EV_SHELL);
	if (!ts[1])
		sem_give(&c.go);
	ZT_CHECK(zt_join_all(ts, 2));
	ZT_CHECK(ts[0] == 0 && ts[1] == 0);
	ZT_CHECK_EQ(h_state, THREAD_BLOCKED);
	ZT_CHECK(zt_events_equal(&c.ev, want, ZT_ARRAY_SIZE(want)));
	ZT_CHECK(c.woke_at >= c.given_at);
	ztest_figure(ctx, "wake_ticks", c.woke_at - c.given_at);
}

/* A give from a timer interrupt preempts a busy thread on the way out. */
struct irq_preempt_ctx {
	struct preempt_ctx p;
	struct ktimer timer;
	volatile int busy_saw_wake;
};

static void give_from_irq(struct ktimer *t)
{
	struct irq_preempt_ctx *c = container_of(t, struct irq_preempt_ctx, timer);

	c->p.given_at = time_now();
	sem_give(&c->p.go);
}

static void busy_until_woken(void *arg)
{
	struct irq_preempt_ctx *c = arg;

	ktimer_arm(&c->timer, time_now_plus(us_to_ticks(500)));
	/* Without preemption the waiter could only run after this gives up. */
	c->busy_saw_wake = zt_spin_until(&c->p.woke, ms_to_ticks(ZT_SLACK_MS));
}

ZTEST(sched, preempt_from_irq)
{
	struct irq_preempt_ctx c = { 0 };
	struct thread *ts[2];
	unsigned cpu = this_cpu_id();

	sem_init(&c.p.go, 0, 1);
	zt_events_reset(&c.p.ev);
	ktimer_init(&c.timer, give_from_irq);
	ts[0] = zt_start("high", high_waiter, &c.p, PRIO_HIGH, cpu);
	ts[1] = zt_start("busy", busy_until_woken, &c, PRIO_LOW, cpu);
	if (!ts[1])
		sem_give(&c.p.go);
	ZT_CHECK(zt_join_all(ts, 2));
	ktimer_cancel(&c.timer);
	ZT_CHECK(ts[0] == 0 && ts[1] == 0);
	ZT_CHECK(c.p.woke);
	ZT_CHECK(c.busy_saw_wake);
	ZT_CHECK(c.p.woke_at >= c.p.given_at);
	ztest_figure(ctx, "irq_wake_ticks", c.p.woke_at - c.p.given_at);
}

/* --- FIFO among equals, with yield ----------------------------------------- */

static void yield_rounds(void *arg)
{
	struct zt_events *ev = arg;
	int me = thread_current()->name[0];

	for (unsigned r = 0; r < YIELD_ROUNDS; r++) {
		zt_event(ev, me);
		thread_yield();
	}
}

ZTEST(sched, fifo_yield)
{
	static const char *const names[] = { "A", "B", "C" };
	struct zt_events ev;
	struct thread *ts[ZT_ARRAY_SIZE(names)] = { 0 };
	unsigned n = ZT_ARRAY_SIZE(names), created = 0, cpu = this_cpu_id();
	int want[YIELD_ROUNDS * ZT_ARRAY_SIZE(names)];
	uint64_t sw0 = switches_on(cpu);

	zt_events_reset(&ev);
	unsigned old = zt_set_own_prio(ZT_PRIO_STARTER);
	for (unsigned i = 0; i < n; i++)
		created +=
		        (ts[i] = zt_start(names[i], yield_rounds, &ev, ZT_PRIO_WORKER, cpu)) != 0;
	zt_set_own_prio(old);
	ZT_CHECK(zt_join_all(ts, n));
	ZT_CHECK_EQ(created, n);
	for (unsigned i = 0; i < ZT_ARRAY_SIZE(want); i++)
		want[i] = names[i % n][0];
	ZT_CHECK(zt_events_equal(&ev, want, ZT_ARRAY_SIZE(want)));
	ztest_figure(ctx, "switches", switches_on(cpu) - sw0);
}

/* Yielding with no equal peer keeps the CPU: lower priorities do not run. */
ZTEST(sched, yield_alone_keeps_cpu)
{
	struct zt_events ev;
	struct thread *t;
	static const int want[] = { 'Y', 'Y', 'Y', EV_SHELL };

	zt_events_reset(&ev);
	t = zt_start("Y", yield_rounds, &ev, ZT_PRIO_WORKER, this_cpu_id());
	zt_event(&ev, EV_SHELL);
	ZT_CHECK(zt_join_all(&t, 1));
	ZT_CHECK(zt_events_equal(&ev, want, ZT_ARRAY_SIZE(want)));
}

/* --- sleeping ------------------------------------------------------------ */

static const uint32_t sleep_us[] = { 0, 50, 1000, 3000, 200, 10000 };

struct sleep_result {
	unsigned early;
	uint64_t max_late;
};

static void sleep_series(struct sleep_result *r)
{
	for (unsigned i = 0; i < ZT_ARRAY_SIZE(sleep_us); i++) {
		uint64_t ticks = us_to_ticks(sleep_us[i]);
		uint64_t start = time_now(), deadline = start + ticks;

		thread_sleep(ticks);
		uint64_t now = time_now();
		if (now - start < ticks)
			r->early++;
		thread_sleep_until(deadline + ticks);
		uint64_t now2 = time_now();
		if (now2 < deadline + ticks)
			r->early++;
		uint64_t late = now2 - (deadline + ticks);
		if (late > r->max_late)
			r->max_late = late;
	}
}

static void sleeper(void *arg)
{
	sleep_series(arg);
}

ZTEST(sched, sleep_deadline)
{
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), created = 0;
	struct thread *ts[MAX_CPUS] = { 0 };
	struct sleep_result res[MAX_CPUS + 1] = { 0 };
	uint64_t max_late = 0;

	for (unsigned i = 0; i < n; i++)
		created += (ts[i] = zt_start("sleeper", sleeper, &res[i], ZT_PRIO_WORKER,
		                             cpus[i])) != 0;
	sleep_series(&res[n]); /* and the test's own thread */
	ZT_CHECK(zt_join_all(ts, n));
	ZT_CHECK_EQ(created, n);
	for (unsigned i = 0; i <= n; i++) {
		ZT_CHECK_EQ(res[i].early, 0);
		if (res[i].max_late > max_late)
			max_late = res[i].max_late;
	}
	ZT_CHECK(max_late < ms_to_ticks(ZT_SLACK_MS));
	ztest_figure(ctx, "max_late_ticks", max_late);
}

/* --- wait timeouts --------------------------------------------------------- */

/* 0 if the call timed out after at least timeout and not absurdly later. */
static int check_elapsed(uint64_t start, uint64_t timeout, uint64_t *late)
{
	uint64_t elapsed = time_now() - start;

	if (elapsed < timeout)
		return -1;
	*late = elapsed - timeout > *late ? elapsed - timeout : *late;
	return elapsed - timeout < ms_to_ticks(ZT_SLACK_MS) ? 0 : 1;
}

struct holder_ctx {
	struct mutex m;
	struct sem release;
	volatile int locked;
};

static void mutex_holder(void *arg)
{
	struct holder_ctx *h = arg;

	if (mutex_lock(&h->m, WAIT_FOREVER) != 0)
		return;
	h->locked = 1;
	sem_take(&h->release, WAIT_FOREVER);
	mutex_unlock(&h->m);
}

ZTEST(sched, wait_timeouts)
{
	uint64_t timeout = ms_to_ticks(WAIT_TIMEOUT_MS), late = 0, start;
	struct sem s;
	struct msgq q;
	uint32_t slots[MSG_SLOTS], msg = 7;
	struct holder_ctx h = { 0 };
	struct thread *t;
	int rc_sem, rc_recv, rc_send, rc_mutex, rc_again;
	int el_sem, el_recv, el_send, el_mutex;

	sem_init(&s, 0, 1);
	ZT_CHECK_EQ(sem_take(&s, NO_WAIT), -ZE_AGAIN);
	start = time_now();
	rc_sem = sem_take(&s, timeout);
	el_sem = check_elapsed(start, timeout, &late);

	msgq_init(&q, slots, sizeof(slots[0]), MSG_SLOTS);
	ZT_CHECK_EQ(msgq_recv(&q, &msg, NO_WAIT), -ZE_AGAIN);
	start = time_now();
	rc_recv = msgq_recv(&q, &msg, timeout);
	el_recv = check_elapsed(start, timeout, &late);
	for (unsigned i = 0; i < MSG_SLOTS; i++)
		ZT_CHECK_EQ(msgq_send(&q, &msg, NO_WAIT), 0);
	start = time_now();
	rc_send = msgq_send(&q, &msg, timeout);
	el_send = check_elapsed(start, timeout, &late);

	mutex_init(&h.m, "zt-held");
	sem_init(&h.release, 0, 1);
	t = zt_start("holder", mutex_holder, &h, ZT_PRIO_WORKER, this_cpu_id());
	ZT_CHECK(t);
	rc_again = mutex_lock(&h.m, NO_WAIT);
	start = time_now();
	rc_mutex = mutex_lock(&h.m, timeout);
	el_mutex = check_elapsed(start, timeout, &late);
	bool still_held = mutex_owner(&h.m) == t;
	sem_give(&h.release);
	ZT_CHECK(zt_join_all(&t, 1));

	ZT_CHECK(h.locked);
	ZT_CHECK(still_held);
	ZT_CHECK_EQ(rc_again, -ZE_AGAIN);
	ZT_CHECK_EQ(rc_sem, -ZE_TIMEOUT);
	ZT_CHECK_EQ(rc_recv, -ZE_TIMEOUT);
	ZT_CHECK_EQ(rc_send, -ZE_TIMEOUT);
	ZT_CHECK_EQ(rc_mutex, -ZE_TIMEOUT);
	ZT_CHECK_EQ(el_sem, 0);
	ZT_CHECK_EQ(el_recv, 0);
	ZT_CHECK_EQ(el_send, 0);
	ZT_CHECK_EQ(el_mutex, 0);
	ZT_CHECK_EQ(msgq_count(&q), MSG_SLOTS);
	/* The released mutex is free again, and a timeout left no trace. */
	ZT_CHECK_EQ(mutex_lock(&h.m, NO_WAIT), 0);
	ZT_CHECK_EQ(mutex_unlock(&h.m), 0);
	ZT_CHECK_EQ(thread_current()->prio, thread_current()->base_prio);
	ZT_CHECK(!thread_current()->timeout.armed);
	ztest_figure(ctx, "max_late_ticks", late);
}

/* --- every online core runs threads ------------------------------------------ */

struct where {
	unsigned cpu;
	unsigned pinned;
	volatile int ran;
};

static void report_core(void *arg)
{
	struct where *w = arg;

	w->cpu = this_cpu_id();
	w->pinned = thread_current()->cpu;
	__atomic_store_n(&w->ran, 1, __ATOMIC_RELEASE);
}

ZTEST(sched, all_cores_run)
{
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), created = 0;
	struct thread *ts[MAX_CPUS] = { 0 };
	struct where w[MAX_CPUS] = { 0 };

	for (unsigned i = 0; i < n; i++)
		created += (ts[i] = zt_start("core", report_core, &w[i], ZT_PRIO_WORKER,
		                             cpus[i])) != 0;
	ZT_CHECK(zt_join_all(ts, n));
	ZT_CHECK_EQ(created, n);
	/* Every online core not lent to a VM. */
	unsigned lent = 0;
	for (unsigned c = 0; c < MAX_CPUS; c++)
		lent += cpu_data(c)->state == CPU_ONLINE && cpu_data(c)->owner;
	ZT_CHECK_EQ(n + lent, cpus_online());
	for (unsigned i = 0; i < n; i++) {
		ZT_CHECK(w[i].ran);
		ZT_CHECK_EQ(w[i].cpu, cpus[i]);
		ZT_CHECK_EQ(w[i].pinned, cpus[i]);
	}
	/* No thread on a core that is not running, nor at the idle priority. */
	ZT_CHECK(!zt_start("bad", report_core, &w[0], ZT_PRIO_WORKER, MAX_CPUS));
	ZT_CHECK(!zt_start("bad", report_core, &w[0], PRIO_IDLE, cpus[0]));
	ztest_figure(ctx, "cores", n);
}

/* --- many short lives: create, exit, join, free ---------------------------------- */

static void short_life(void *arg)
{
	__atomic_fetch_add((unsigned *)arg, 1, __ATOMIC_RELAXED);
}

/*
 * Joins race with the exiting thread's last steps on its own core (the
 * joiner frees the thread), some joined while running, some after death.
 */
ZTEST(sched, create_join_churn)
{
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), ran = 0, joined = 0;
	struct mem_stats s0, s1;

	mem_get_stats(&s0);
	for (unsigned i = 0; i < CHURN_THREADS; i++) {
		unsigned prio = i % 2 ? ZT_PRIO_WORKER : SHELL_PRIO_BELOW;
		struct thread *t = zt_start("churn", short_life, &ran, prio, cpus[i % n]);

		if (t && thread_join(t, ms_to_ticks(ZT_JOIN_TIMEOUT_MS)) == 0)
			joined++;
	}
	mem_get_stats(&s1);
	ZT_CHECK_EQ(joined, CHURN_THREADS);
	ZT_CHECK_EQ(__atomic_load_n(&ran, __ATOMIC_RELAXED), CHURN_THREADS);
	ZT_CHECK_EQ(s1.kfree_errors, s0.kfree_errors);
	ZT_CHECK_EQ(s1.heap_used, s0.heap_used);
	ZT_CHECK_EQ(s1.heap_allocs, s0.heap_allocs);
	ZT_CHECK_EQ(mem_check(), 0);
}
