/*
 * IPI tests: a cross-core call runs on the core it names, in interrupt
 * context there; receive counts move; a resched IPI preempts a busy core.
 * With one core online only the local paths are checked.
 */
#include "selftest/ztest.h"
#include "selftest/ztest_util.h"
#include "lib/zerror.h"
#include "kernel/ipi.h"
#include "kernel/sem.h"
#include "kernel/time.h"

#define CALLS_PER_CORE 5
#define PAIR_CALLS     24
#define PRIO_WAKER     5
#define PRIO_BUSY      15

struct call_probe {
	volatile unsigned calls;
	unsigned cpu;
	bool irq;
	bool irqs_masked;
};

static void probe(void *arg)
{
	struct call_probe *p = arg;

	p->cpu = this_cpu_id();
	p->irq = in_irq();
	p->irqs_masked = irqs_disabled();
	p->calls++;
}

static uint64_t call_timeout(void)
{
	return ms_to_ticks(ZT_SLACK_MS);
}

ZTEST(ipi, call_each_core)
{
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), self = this_cpu_id();
	struct call_probe p[MAX_CPUS] = { 0 };
	struct call_probe none = { 0 };
	uint64_t worst = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t t0 = time_now();
		int rc = ipi_call(cpus[i], probe, &p[i], call_timeout());
		uint64_t took = time_now() - t0;

		ZT_CHECK_EQ(rc, 0);
		ZT_CHECK_EQ(p[i].calls, 1);
		ZT_CHECK_EQ(p[i].cpu, cpus[i]);
		/* Locally it is a plain call; remotely the IPI handler runs it. */
		ZT_CHECK_EQ(p[i].irq, cpus[i] != self);
		ZT_CHECK(p[i].irqs_masked);
		if (cpus[i] != self && took > worst)
			worst = took;
	}
	ZT_CHECK_EQ(ipi_call(MAX_CPUS, probe, &none, call_timeout()), -ZE_INVAL);
	for (unsigned c = 0; c < MAX_CPUS; c++) {
		if (cpu_data(c)->state != CPU_ONLINE)
			ZT_CHECK_EQ(ipi_call(c, probe, &none, call_timeout()), -ZE_INVAL);
	}
	ZT_CHECK_EQ(none.calls, 0);
	ztest_figure(ctx, "cores", n);
	if (n > 1)
		ztest_figure(ctx, "max_call_ticks", worst);
}

ZTEST(ipi, received_counts)
{
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), self = this_cpu_id();
	uint64_t self_calls = ipi_received(self, IPI_CALL);

	for (unsigned i = 0; i < n; i++) {
		unsigned c = cpus[i];
		uint64_t calls0 = ipi_received(c, IPI_CALL);
		uint64_t resched0 = ipi_received(c, IPI_RESCHED);
		struct call_probe p = { 0 };

		for (unsigned k = 0; k < CALLS_PER_CORE; k++)
			ZT_CHECK_EQ(ipi_call(c, probe, &p, call_timeout()), 0);
		ZT_CHECK_EQ(p.calls, CALLS_PER_CORE);
		if (c != self)
			ZT_CHECK(ipi_received(c, IPI_CALL) - calls0 >= CALLS_PER_CORE);
		/* A resched SGI reaches any core, this one included. */
		ipi_send(c, IPI_RESCHED);
		uint64_t deadline = time_now_plus(call_timeout());
		while (ipi_received(c, IPI_RESCHED) == resched0 && time_now() < deadline)
			cpu_relax();
		ZT_CHECK(ipi_received(c, IPI_RESCHED) > resched0);
	}
	/* Calling oneself takes no IPI at all. */
	ZT_CHECK_EQ(ipi_received(self, IPI_CALL), self_calls);
	ZT_CHECK_EQ(ipi_received(MAX_CPUS, IPI_CALL), 0);
}

/* --- a resched IPI preempts a busy core -------------------------------------- */

struct resched_ctx {
	struct sem go;
	volatile int busy_running;
	volatile int woke;
	volatile int busy_saw_wake;
	unsigned woke_cpu;
	uint64_t given_at, woke_at;
};

static void remote_waiter(void *arg)
{
	struct resched_ctx *c = arg;

	if (sem_take(&c->go, WAIT_FOREVER) != 0)
		return;
	c->woke_at = time_now();
	c->woke_cpu = this_cpu_id();
	__atomic_store_n(&c->woke, 1, __ATOMIC_RELEASE);
}

static void remote_busy(void *arg)
{
	struct resched_ctx *c = arg;

	__atomic_store_n(&c->busy_running, 1, __ATOMIC_RELEASE);
	c->busy_saw_wake = zt_spin_until(&c->woke, ms_to_ticks(ZT_SLACK_MS));
}

ZTEST(ipi, resched_wakes_other_core)
{
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), self = this_cpu_id();
	unsigned target = cpus[n - 1];
	struct resched_ctx c = { 0 };
	struct thread *ts[2] = { 0 };
	bool busy_started = false;

	sem_init(&c.go, 0, 1);
	ts[0] = zt_start("waiter", remote_waiter, &c, PRIO_WAKER, target);
	if (target != self) {
		ts[1] = zt_start("busy", remote_busy, &c, PRIO_BUSY, target);
		busy_started = ts[1] && zt_spin_until(&c.busy_running, ms_to_ticks(ZT_SLACK_MS));
		/* The waiter outranks the busy thread, so it blocked first. */
		uint64_t deadline = time_now_plus(ms_to_ticks(ZT_SLACK_MS));
		while (ts[0] && ts[0]->state != THREAD_BLOCKED && time_now() < deadline)
			cpu_relax();
	}
	uint64_t resched0 = ipi_received(target, IPI_RESCHED);
	c.given_at = time_now();
	sem_give(&c.go);
	ZT_CHECK(zt_join_all(ts, 2));
	uint64_t resched1 = ipi_received(target, IPI_RESCHED);

	ZT_CHECK(c.woke);
	ZT_CHECK_EQ(c.woke_cpu, target);
	ZT_CHECK(c.woke_at >= c.given_at);
	if (target != self) {
		ZT_CHECK(busy_started);
		ZT_CHECK(c.busy_saw_wake);
		ZT_CHECK(resched1 > resched0);
	} else {
		ZT_CHECK_EQ(resched1, resched0); /* a local wake needs no IPI */
	}
	ztest_figure(ctx, "wake_ticks", c.woke_at - c.given_at);
	ztest_figure(ctx, "remote", target != self);
}

/* --- every core calls every other core at once ------------------------------- */

struct pair_ctx {
	volatile int *start;
	unsigned *cpus;
	unsigned n;
	unsigned ok, failed;
	struct call_probe p;
};

static void call_everyone(void *arg)
{
	struct pair_ctx *c = arg;

	zt_spin_until(c->start, ms_to_ticks(ZT_SLACK_MS));
	for (unsigned k = 0; k < PAIR_CALLS; k++) {
		unsigned target = c->cpus[k % c->n];
		if (ipi_call(target, probe, &c->p, ms_to_ticks(ZT_SLACK_MS)) == 0 &&
		    c->p.cpu == target)
			c->ok++;
		else
			c->failed++;
	}
}

ZTEST(ipi, calls_cross_at_once)
{
	static struct pair_ctx c[MAX_CPUS];
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), created = 0;
	struct thread *ts[MAX_CPUS] = { 0 };
	static volatile int start;
	uint64_t t0 = time_now();

	start = 0;

	/* Raised, so that the caller on this core waits for the others too. */
	unsigned old = zt_set_own_prio(ZT_PRIO_STARTER);
	for (unsigned i = 0; i < n; i++) {
		c[i] = (struct pair_ctx){ .start = &start, .cpus = cpus, .n = n };
		created += (ts[i] = zt_start("caller", call_everyone, &c[i], ZT_PRIO_WORKER,
		                             cpus[i])) != 0;
	}
	__atomic_store_n(&start, 1, __ATOMIC_RELEASE);
	zt_set_own_prio(old);
	ZT_CHECK(zt_join_all(ts, n));
	ZT_CHECK_EQ(created, n);
	for (unsigned i = 0; i < n; i++) {
		ZT_CHECK_EQ(c[i].failed, 0);
		ZT_CHECK_EQ(c[i].ok, PAIR_CALLS);
	}
	ztest_figure(ctx, "calls", n * PAIR_CALLS);
	ztest_figure(ctx, "avg_call_ticks", (time_now() - t0) / PAIR_CALLS);
}
