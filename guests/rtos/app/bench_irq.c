/*
 * Interrupt benchmarks.  A thread sleeps until an exact virtual-timer
 * deadline; the timer interrupt's vector stamps the counter, and the thread
 * stamps it again when it runs:
 *   irq_latency   = vector entry - deadline
 *   irq_to_thread = thread running again - deadline
 * Idle, the CPU waits in WFI.  Under load a busy lower-priority thread runs
 * instead, and optionally the EL1 physical timer interrupts periodically at
 * a period co-prime to ours, so it sometimes delays the virtual timer.
 */
#include "app/bench.h"
#include "kernel/irq.h"
#include "kernel/panic.h"
#include "drivers/timer.h"

/* Between two deadlines: plenty for the thread to record and sleep again. */
#define IRQ_PERIOD_TICKS  10007
/* Second interrupt source period, prime so its phase drifts across ours. */
#define SECOND_IRQ_PERIOD 3001

struct irq_run {
	const char *irq_name;
	const char *thread_name; /* NULL: not reported */
	bool busy;
	bool second_irq;
	volatile bool stop;
};

static struct irq_run run;
static struct bench_stats irq_stats, thread_stats;
static volatile uint64_t busy_iterations;
static uint64_t second_irq_deadline;
static volatile uint32_t second_irq_count;

static void second_irq_handler(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	second_irq_count++;
	second_irq_deadline += SECOND_IRQ_PERIOD;
	ptimer_set_deadline(second_irq_deadline);
}

static void second_irq_start(void)
{
	second_irq_count = 0;
	second_irq_deadline = ptimer_now() + SECOND_IRQ_PERIOD;
	ptimer_set_deadline(second_irq_deadline);
	if (irq_attach(bench_env.plat->ptimer_intid, second_irq_handler, NULL))
		panic("physical timer interrupt");
}

static void second_irq_stop(void)
{
	ptimer_stop();
	irq_detach(bench_env.plat->ptimer_intid);
	if (second_irq_count == 0)
		panic("second interrupt source never fired");
}

static void busy_loop(void *arg)
{
	struct irq_run *r = arg;

	while (!r->stop)
		busy_iterations++;
}

static void measure(void *arg)
{
	struct irq_run *r = arg;
	uint64_t deadline, woke;
	unsigned int i;

	stats_init(&irq_stats, BENCH_WARMUP, BENCH_SAMPLES);
	stats_init(&thread_stats, BENCH_WARMUP, BENCH_SAMPLES);
	if (r->second_irq)
		second_irq_start();
	for (i = 0; i < BENCH_TOTAL; i++) {
		deadline = timer_now() + IRQ_PERIOD_TICKS;
		thread_sleep_until(deadline);
		woke = timer_now();
		if (sched_last_timer_irq.deadline != deadline)
			panic("timer interrupt for another deadline");
		stats_add(&irq_stats, sched_last_timer_irq.entry - deadline);
		stats_add(&thread_stats, woke - deadline);
	}
	if (r->second_irq)
		second_irq_stop();
	r->stop = true;
	bench_report(r->irq_name, &irq_stats);
	if (r->thread_name)
		bench_report(r->thread_name, &thread_stats);
	bench_finish();
}

static void start(const char *irq_name, const char *thread_name, bool busy, bool second_irq)
{
	run = (struct irq_run){ .irq_name = irq_name,
		                .thread_name = thread_name,
		                .busy = busy,
		                .second_irq = second_irq };
	/* The measuring thread first: it runs at once and goes to sleep; a
	 * busy thread started first would never let us start it. */
	bench_spawn(0, "irq", measure, &run, PRIO_BENCH_HIGH);
	if (busy)
		bench_spawn(1, "busy", busy_loop, &run, PRIO_BENCH_LOW);
}

void bench_irq_latency(void)
{
	start("irq_latency", "irq_to_thread", false, false);
}

void bench_irq_latency_load(void)
{
	start("irq_latency_load", NULL, true, false);
}

void bench_irq_latency_load_irq(void)
{
	start("irq_latency_load_irq2", NULL, true, true);
}
