/* The test runner thread (see ztest_runner.h). */
#include "selftest/ztest_runner.h"
#include "lib/zerror.h"
#include "kernel/percpu.h"
#include "kernel/sem.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"
#include "selftest/ztest_cores.h"
#include "selftest/ztest_results.h"

struct run_plan {
	const char *selector;
	unsigned repeat;
	uint64_t seed;
	bool borrow;
};

static struct thread *runner;
static struct sem job_ready, progress;
static struct run_plan plan;
static char selector_copy[ZTEST_SELECTOR_MAX];
static void (*progress_notify)(void);

/* splitmix64: every (run seed, round, test) gets a seed of its own. */
static uint64_t mix_seed(uint64_t seed, unsigned round, unsigned index)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull * (((uint64_t)round << 32) | index);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void announce(void)
{
	sem_give(&progress);
	if (progress_notify)
		progress_notify();
}

static void run_test(const struct ztest *t, unsigned round, unsigned index)
{
	struct ztest_ctx ctx = { .seed = mix_seed(plan.seed, round, index), .round = round };
	struct ztest_result r = { .test = t, .round = round };

	ztest_results_current(t, round);
	uint64_t start = time_now();
	r.outcome = ztest_execute(t, &ctx);
	r.time_us = ticks_to_ns(time_now() - start) / 1000;
	memcpy(r.reason, ctx.reason, sizeof(r.reason));
	memcpy(r.figures, ctx.figures, sizeof(r.figures));
	ztest_results_add(&r);
	announce();
}

static void run_plan(void)
{
	for (unsigned round = 1; round <= plan.repeat; round++) {
		unsigned index = 0;
		for (const struct ztest *t = ztest_first(); t < ztest_end(); t++, index++) {
			if (!ztest_matches(t, plan.selector))
				continue;
			if (ztest_results_cancel_requested())
				return;
			run_test(t, round, index);
		}
	}
}

static void runner_thread(void *arg)
{
	(void)arg;
	for (;;) {
		sem_take(&job_ready, WAIT_FOREVER);
		ztest_cores_allow_borrow(plan.borrow);
		run_plan();
		ztest_cores_give_back();
		ztest_results_end();
		announce();
	}
}

static unsigned count_selected(const char *selector)
{
	unsigned n = 0;

	for (const struct ztest *t = ztest_first(); t < ztest_end(); t++)
		n += ztest_matches(t, selector);
	return n;
}

static bool runner_ready(void)
{
	if (runner)
		return true;
	sem_init(&job_ready, 0, 1);
	sem_init(&progress, 0, 1);
	runner = thread_create("ztest", runner_thread, 0, ZTEST_RUNNER_PRIORITY, this_cpu_id(), 0);
	return runner != 0;
}

int ztest_runner_start(const char *selector, unsigned repeat, uint64_t seed, bool borrow)
{
	unsigned tests = count_selected(selector);

	if (!tests)
		return -ZE_NOENT;
	unsigned number = ztest_results_begin(selector, tests, repeat, seed);
	if (!number)
		return -ZE_BUSY;
	/* Only the caller that began the run gets here until it ends. */
	if (!runner_ready()) {
		ztest_results_end();
		return -ZE_NOMEM;
	}
	fmt_snprintf(selector_copy, sizeof(selector_copy), "%s", selector);
	plan = (struct run_plan){ selector_copy, repeat, seed, borrow };
	sem_give(&job_ready);
	return (int)number;
}

void ztest_runner_wait(uint64_t ticks)
{
	sem_take(&progress, ticks);
}

void ztest_runner_on_progress(void (*notify)(void))
{
	progress_notify = notify;
}
