/*
 * Scheduler benchmarks.
 *   task_switch: two equal-priority threads yield to each other; a sample
 *     is from just before one thread's yield to the other running.
 *   preemption: a low-priority thread resumes a suspended high-priority
 *     one; a sample is from just before the resume to the high one running.
 */
#include "app/bench.h"
#include "drivers/timer.h"

static struct bench_stats stats;
static volatile uint64_t stamp;
static volatile bool finished;
static unsigned int threads_left;
static struct thread *high_thread;

static void yielder(void *arg)
{
	(void)arg;
	while (!stats_full(&stats)) {
		stats_add(&stats, timer_now() - stamp);
		stamp = timer_now();
		thread_yield();
	}
	/* The other thread is ready behind us; the last one out reports. */
	if (--threads_left == 0) {
		bench_report("task_switch", &stats);
		bench_finish();
	}
}

void bench_task_switch(void)
{
	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	threads_left = 2;
	stamp = timer_now();
	bench_spawn(0, "yield-a", yielder, NULL, PRIO_BENCH_MID);
	bench_spawn(1, "yield-b", yielder, NULL, PRIO_BENCH_MID);
}

static void preempted(void *arg)
{
	(void)arg;
	high_thread = thread_current();
	while (!stats_full(&stats)) {
		thread_suspend();
		stats_add(&stats, timer_now() - stamp);
	}
	finished = true;
}

static void preempter(void *arg)
{
	(void)arg;
	while (!finished) {
		stamp = timer_now();
		thread_resume(high_thread);
	}
	bench_report("preemption", &stats);
	bench_finish();
}

void bench_preemption(void)
{
	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	finished = false;
	/* The high thread runs at once and suspends itself. */
	bench_spawn(0, "high", preempted, NULL, PRIO_BENCH_HIGH);
	bench_spawn(1, "low", preempter, NULL, PRIO_BENCH_LOW);
}
