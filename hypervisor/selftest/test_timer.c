/*
 * Kernel timer tests: deadlines are never early, due timers fire in
 * deadline order, cancel and re-arm work, and every core has its timers.
 * Completion is signalled by a callback giving a semaphore, never by sleeping.
 */
#include "selftest/ztest.h"
#include "selftest/ztest_util.h"
#include "kernel/ktimer.h"
#include "kernel/sem.h"
#include "kernel/time.h"

#define ORDER_TIMERS      32
#define ORDER_SEED        0x2545f491u
#define ORDER_STEP_US     200
#define LEAD_US           1000 /* first deadline: after all are armed */
#define PERIODIC_FIRES    5
#define PERIOD_US         300
#define FAR_FUTURE_MS     60000 /* never reached while the test runs */
#define REMOTE_VICTIM_MS  300
#define REMOTE_WITNESS_MS 350

struct tt_run;

struct tt_timer {
	struct ktimer kt;
	unsigned index;
	volatile unsigned fired;
	uint64_t fired_at;
	unsigned fired_cpu;
	struct tt_run *run;
};

/* Timers that count down to one semaphore give. */
struct tt_run {
	struct sem done;
	volatile unsigned fired;
	unsigned expected;
	unsigned order[ORDER_TIMERS];
	uint64_t max_late;
};

static void run_init(struct tt_run *run, unsigned expected)
{
	sem_init(&run->done, 0, 1);
	run->fired = 0;
	run->expected = expected;
	run->max_late = 0;
}

static void on_fire(struct ktimer *kt)
{
	struct tt_timer *t = container_of(kt, struct tt_timer, kt);
	struct tt_run *run = t->run;
	uint64_t now = time_now();

	t->fired_at = now;
	t->fired_cpu = this_cpu_id();
	t->fired++;
	if (now - kt->deadline > run->max_late)
		run->max_late = now - kt->deadline;
	unsigned slot = __atomic_fetch_add(&run->fired, 1, __ATOMIC_ACQ_REL);
	if (slot < ORDER_TIMERS)
		run->order[slot] = t->index;
	if (slot + 1 >= run->expected)
		sem_give(&run->done); /* a count of one: later gives just fail */
}

static void timer_init(struct tt_timer *t, struct tt_run *run, unsigned index)
{
	ktimer_init(&t->kt, on_fire);
	t->index = index;
	t->fired = 0;
	t->fired_at = 0;
	t->run = run;
}

static bool wait_run(struct tt_run *run)
{
	return sem_take(&run->done, ms_to_ticks(ZT_SLACK_MS)) == 0;
}

/* --- many timers, shuffled deadlines -------------------------------------- */

ZTEST(timer, deadline_order)
{
	static struct tt_timer timers[ORDER_TIMERS];
	static struct tt_run run;
	unsigned rank[ORDER_TIMERS];
	uint32_t seed = ORDER_SEED;
	bool done;

	for (unsigned i = 0; i < ORDER_TIMERS; i++)
		rank[i] = i;
	for (unsigned i = ORDER_TIMERS - 1; i > 0; i--) { /* Fisher-Yates */
		unsigned j = zt_rand(&seed) % (i + 1), tmp = rank[i];
		rank[i] = rank[j];
		rank[j] = tmp;
	}
	run_init(&run, ORDER_TIMERS);
	/* Armed with IRQs off: none may fire before a sooner one is armed. */
	uint64_t flags = irq_save();
	uint64_t base = time_now() + us_to_ticks(LEAD_US);
	for (unsigned i = 0; i < ORDER_TIMERS; i++) {
		timer_init(&timers[i], &run, i);
		ktimer_arm(&timers[i].kt, base + rank[i] * us_to_ticks(ORDER_STEP_US));
	}
	irq_restore(flags);
	done = wait_run(&run);
	for (unsigned i = 0; i < ORDER_TIMERS; i++)
		ktimer_cancel(&timers[i].kt);
	ZT_CHECK(done);
	ZT_CHECK_EQ(run.fired, ORDER_TIMERS);
	for (unsigned k = 0; k < ORDER_TIMERS; k++) {
		struct tt_timer *t = &timers[run.order[k]];
		ZT_CHECK_EQ(rank[run.order[k]], k);
		ZT_CHECK_EQ(t->fired, 1);
		ZT_CHECK(t->fired_at >= t->kt.deadline);
		ZT_CHECK(!t->kt.armed);
	}
	ztest_figure(ctx, "max_late_ticks", run.max_late);
}

/* --- cancel ------------------------------------------------------------------ */

ZTEST(timer, cancel)
{
	/* Deadlines in ms; the first and a middle one are cancelled. */
	static const unsigned due_ms[] = { 2, 3, 4, 6 };
	static const bool cancel[] = { true, false, true, false };
	struct tt_timer t[ZT_ARRAY_SIZE(due_ms)], never;
	struct tt_run run;
	bool cancelled[ZT_ARRAY_SIZE(due_ms)], done;
	unsigned n = ZT_ARRAY_SIZE(due_ms);

	run_init(&run, 2);
	timer_init(&never, &run, n);
	uint64_t flags = irq_save();
	uint64_t base = time_now();
	for (unsigned i = 0; i < n; i++) {
		timer_init(&t[i], &run, i);
		ktimer_arm(&t[i].kt, base + ms_to_ticks(due_ms[i]));
	}
	for (unsigned i = 0; i < n; i++)
		cancelled[i] = cancel[i] && ktimer_cancel(&t[i].kt);
	irq_restore(flags);
	done = wait_run(&run);
	/* The last survivor is due after every cancelled one. */
	bool again = ktimer_cancel(&t[0].kt) || ktimer_cancel(&t[2].kt);
	bool fired_late = ktimer_cancel(&t[3].kt);
	for (unsigned i = 0; i < n; i++)
		ktimer_cancel(&t[i].kt);
	ZT_CHECK(done);
	ZT_CHECK(!ktimer_cancel(&never.kt));
	ZT_CHECK(!again);
	ZT_CHECK(!fired_late);
	for (unsigned i = 0; i < n; i++) {
		ZT_CHECK_EQ(cancelled[i], cancel[i]);
		ZT_CHECK_EQ(t[i].fired, cancel[i] ? 0 : 1);
		ZT_CHECK(!t[i].kt.armed);
	}
	ZT_CHECK_EQ(run.order[0], 1);
	ZT_CHECK_EQ(run.order[1], 3);
}

/* --- re-arm -------------------------------------------------------------------- */

ZTEST(timer, rearm_sooner_and_later)
{
	struct tt_timer sooner, later;
	struct tt_run run;
	uint64_t sooner_due, later_due;
	bool done;

	run_init(&run, 2);
	timer_init(&sooner, &run, 0);
	timer_init(&later, &run, 1);
	uint64_t flags = irq_save();
	ktimer_arm(&sooner.kt, time_now_plus(ms_to_ticks(FAR_FUTURE_MS)));
	ktimer_arm(&later.kt, time_now_plus(ms_to_ticks(1)));
	sooner_due = time_now_plus(ms_to_ticks(2));
	later_due = time_now_plus(ms_to_ticks(4));
	ktimer_arm(&sooner.kt, sooner_due);
	ktimer_arm(&later.kt, later_due);
	irq_restore(flags);
	done = wait_run(&run);
	ktimer_cancel(&sooner.kt);
	ktimer_cancel(&later.kt);
	ZT_CHECK(done);
	ZT_CHECK_EQ(sooner.fired, 1);
	ZT_CHECK_EQ(later.fired, 1);
	ZT_CHECK(sooner.fired_at >= sooner_due);
	ZT_CHECK(later.fired_at >= later_due);
	ZT_CHECK_EQ(run.order[0], 0);
	ZT_CHECK_EQ(run.order[1], 1);
}

/* A callback that re-arms itself: the usual periodic timer. */
struct periodic {
	struct ktimer kt;
	struct sem done;
	volatile unsigned fired;
	unsigned early;
	uint64_t max_late;
};

static void periodic_fire(struct ktimer *kt)
{
	struct periodic *p = container_of(kt, struct periodic, kt);
	uint64_t now = time_now();

	if (now < kt->deadline)
		p->early++;
	else if (now - kt->deadline > p->max_late)
		p->max_late = now - kt->deadline;
	if (++p->fired < PERIODIC_FIRES)
		ktimer_arm(kt, kt->deadline + us_to_ticks(PERIOD_US));
	else
		sem_give(&p->done);
}

ZTEST(timer, rearm_from_callback)
{
	struct periodic p = { 0 };
	int rc;

	sem_init(&p.done, 0, 1);
	ktimer_init(&p.kt, periodic_fire);
	ktimer_arm(&p.kt, time_now_plus(us_to_ticks(PERIOD_US)));
	rc = sem_take(&p.done, ms_to_ticks(ZT_SLACK_MS));
	ktimer_cancel(&p.kt);
	ZT_CHECK_EQ(rc, 0);
	ZT_CHECK_EQ(p.fired, PERIODIC_FIRES);
	ZT_CHECK_EQ(p.early, 0);
	ZT_CHECK(!p.kt.armed);
	ztest_figure(ctx, "max_late_ticks", p.max_late);
}

/* --- timers on each core --------------------------------------------------------- */

struct core_timers {
	struct tt_run run;
	struct tt_timer local;
	struct tt_timer victim;  /* cancelled from another core */
	struct tt_timer witness; /* due after the victim */
	struct sem armed;
	bool remote_cancel;
	uint64_t fired_before, fired_after;
};

static void arm_on_own_core(void *arg)
{
	struct core_timers *c = arg;
	struct timer_queue *q = &this_cpu()->timers;

	c->fired_before = q->fired;
	ktimer_arm(&c->local.kt, time_now_plus(ms_to_ticks(1)));
	if (c->remote_cancel) {
		ktimer_arm(&c->victim.kt, time_now_plus(ms_to_ticks(REMOTE_VICTIM_MS)));
		ktimer_arm(&c->witness.kt, time_now_plus(ms_to_ticks(REMOTE_WITNESS_MS)));
	}
	sem_give(&c->armed);
	/* Each fire gives; wait until the ones that must fire have. */
	while (!c->local.fired || (c->remote_cancel && !c->witness.fired)) {
		if (sem_take(&c->run.done, ms_to_ticks(ZT_SLACK_MS)) != 0)
			break;
	}
	c->fired_after = q->fired;
	ktimer_cancel(&c->local.kt);
	ktimer_cancel(&c->victim.kt);
	ktimer_cancel(&c->witness.kt);
}

ZTEST(timer, each_core)
{
	static struct core_timers c[MAX_CPUS];
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), created = 0;
	struct thread *ts[MAX_CPUS] = { 0 };
	bool victim_cancelled = false;
	unsigned last = n - 1;

	for (unsigned i = 0; i < n; i++) {
		/* The last core's victim is cancelled by this (another) core. */
		c[i].remote_cancel = n > 1 && i == last;
		run_init(&c[i].run, 1);
		sem_init(&c[i].armed, 0, 1);
		timer_init(&c[i].local, &c[i].run, 0);
		timer_init(&c[i].victim, &c[i].run, 1);
		timer_init(&c[i].witness, &c[i].run, 2);
		created += (ts[i] = zt_start("timers", arm_on_own_core, &c[i], ZT_PRIO_WORKER,
		                             cpus[i])) != 0;
	}
	if (ts[last] && c[last].remote_cancel &&
	    sem_take(&c[last].armed, ms_to_ticks(ZT_SLACK_MS)) == 0)
		victim_cancelled = ktimer_cancel(&c[last].victim.kt);
	ZT_CHECK(zt_join_all(ts, n));
	ZT_CHECK_EQ(created, n);
	for (unsigned i = 0; i < n; i++) {
		ZT_CHECK_EQ(c[i].local.fired, 1);
		ZT_CHECK_EQ(c[i].local.fired_cpu, cpus[i]);
		ZT_CHECK_EQ(c[i].local.kt.cpu, cpus[i]);
		ZT_CHECK(c[i].fired_after > c[i].fired_before);
		ZT_CHECK(!c[i].local.kt.armed && !c[i].victim.kt.armed && !c[i].witness.kt.armed);
	}
	if (n > 1) {
		/* Cancel says true exactly when the callback will never run. */
		ZT_CHECK_EQ(c[last].witness.fired, 1);
		ZT_CHECK_EQ(c[last].victim.fired, victim_cancelled ? 0 : 1);
		ztest_figure(ctx, "remote_cancel", victim_cancelled);
	}
	ztest_figure(ctx, "cores", n);
}
