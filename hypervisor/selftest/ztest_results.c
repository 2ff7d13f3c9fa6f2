/* The store of the last test run (see ztest_results.h). */
#include "selftest/ztest_results.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"

static struct spinlock store_lock;
static struct ztest_run_info run;
static struct ztest_result kept[ZTEST_RESULTS_KEPT];

unsigned ztest_results_begin(const char *selector, unsigned tests, unsigned repeat, uint64_t seed)
{
	uint64_t flags = spin_lock_irqsave(&store_lock);
	unsigned number = run.number + 1;

	if (run.state == ZTEST_RUN_ACTIVE) {
		spin_unlock_irqrestore(&store_lock, flags);
		return 0;
	}
	memset(&run, 0, sizeof(run));
	run.number = number;
	run.state = ZTEST_RUN_ACTIVE;
	fmt_snprintf(run.selector, sizeof(run.selector), "%s", selector);
	run.tests = tests;
	run.repeat = repeat;
	run.seed = seed;
	run.started = time_now();
	spin_unlock_irqrestore(&store_lock, flags);
	return number;
}

void ztest_results_current(const struct ztest *t, unsigned round)
{
	uint64_t flags = spin_lock_irqsave(&store_lock);

	run.current = t;
	run.round = round;
	spin_unlock_irqrestore(&store_lock, flags);
}

void ztest_results_add(const struct ztest_result *r)
{
	uint64_t flags = spin_lock_irqsave(&store_lock);

	kept[run.produced % ZTEST_RESULTS_KEPT] = *r;
	run.produced++;
	run.count[r->outcome]++;
	spin_unlock_irqrestore(&store_lock, flags);
}

void ztest_results_end(void)
{
	uint64_t flags = spin_lock_irqsave(&store_lock);

	run.state = ZTEST_RUN_DONE;
	run.finished = time_now();
	run.current = 0;
	run.cancelled = run.produced < run.tests * run.repeat;
	spin_unlock_irqrestore(&store_lock, flags);
}

bool ztest_results_request_cancel(void)
{
	uint64_t flags = spin_lock_irqsave(&store_lock);
	bool active = run.state == ZTEST_RUN_ACTIVE;

	if (active)
		run.cancel_requested = true;
	spin_unlock_irqrestore(&store_lock, flags);
	return active;
}

bool ztest_results_cancel_requested(void)
{
	return __atomic_load_n(&run.cancel_requested, __ATOMIC_RELAXED);
}

void ztest_results_info(struct ztest_run_info *out)
{
	uint64_t flags = spin_lock_irqsave(&store_lock);

	*out = run;
	spin_unlock_irqrestore(&store_lock, flags);
}

unsigned ztest_results_oldest(const struct ztest_run_info *info)
{
	return info->produced > ZTEST_RESULTS_KEPT ? info->produced - ZTEST_RESULTS_KEPT : 0;
}

bool ztest_results_get(unsigned number, unsigned seq, struct ztest_result *out)
{
	uint64_t flags = spin_lock_irqsave(&store_lock);
	bool ok = number == run.number && seq < run.produced &&
	          run.produced - seq <= ZTEST_RESULTS_KEPT;

	if (ok)
		*out = kept[seq % ZTEST_RESULTS_KEPT];
	spin_unlock_irqrestore(&store_lock, flags);
	return ok;
}
