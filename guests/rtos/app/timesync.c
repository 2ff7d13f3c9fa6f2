/*
 * Time synchronization from ZVM's time base page (kernel/wallclock.c):
 * at boot, before the scheduler starts, the RTOS measures what a sync
 * costs (time_sync: from the first read of the page to a set clock, 1000
 * samples) and syncs; once the benchmark suite is over (its timer
 * benchmarks own the virtual timer until then) the controller thread
 * watches the page's seqcount and syncs again whenever ZVM's time changes.  After every sync the clock is
 * reported to ZVM (ZVM_HC_TIME_REPORT), which answers how far it is from
 * the time base; both go to the console as one JSON line:
 *   {"rtos":"time","seq":S,"vcount":V,"utc_ns":T,"voff":O,"window":W,"offset_ns":D}
 * (W: the ticks the CNTVOFF measurement spanned; the clock is right
 * within W / 2 ticks).
 */
#include "app/app.h"
#include "arch/hvc.h"
#include "app/bench.h"
#include "bench/stats.h"
#include "drivers/timer.h"
#include "kernel/console.h"
#include "kernel/sched.h"
#include "kernel/wallclock.h"
#include "zvm/hypercall.h"

#define TIME_POLL_MS  20 /* how soon a change of ZVM's time is seen */
#define TIME_LINE_MAX 256

static const struct zvm_timebase *page;

/* The clock at this instant, and what ZVM says of it. */
static void report(void)
{
	uint64_t v = timer_now();
	uint64_t ns = wallclock_at(v);
	int64_t offset = hvc3(ZVM_HC_TIME_REPORT, v, ns);

	kprintf("{\"rtos\":\"time\",\"seq\":%u,\"vcount\":%llu,\"utc_ns\":%llu,\"voff\":%llu,"
	        "\"window\":%llu,\"offset_ns\":%lld}\n",
	        (unsigned int)wallclock_seq(), (unsigned long long)v, (unsigned long long)ns,
	        (unsigned long long)wallclock_voff(), (unsigned long long)wallclock_voff_window(),
	        (long long)offset);
}

/* time_sync: counter ticks from the first load of the page to a set clock. */
static bool measure_sync(void)
{
	static struct bench_stats stats;
	char line[TIME_LINE_MAX];

	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	for (unsigned int i = 0; i < BENCH_TOTAL; i++) {
		uint64_t t0 = ptimer_now();

		if (!wallclock_sync(page))
			return false;
		stats_add(&stats, ptimer_now() - t0);
	}
	stats_json(line, sizeof(line), "time_sync", &stats, timer_frequency());
	kprintf("%s\n", line);
	return true;
}

void timesync_watch(void)
{
	if (!page)
		return;
	for (;;) {
		thread_sleep(TIME_POLL_MS * timer_frequency() / 1000);
		if (wallclock_changed(page) && wallclock_sync(page))
			report();
	}
}

void timesync_start(const struct platform *plat)
{
	if (!plat->timebase_base)
		return;
	page = (const struct zvm_timebase *)(uintptr_t)plat->timebase_base;
	if (!measure_sync()) {
		kprintf("{\"rtos\":\"time\",\"error\":\"no time base record\"}\n");
		page = NULL;
		return;
	}
	report();
}
