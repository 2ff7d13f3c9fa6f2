/* The wall clock: a copy of ZVM's time base and this VM's counter offset. */
#include "kernel/wallclock.h"
#include "arch/cpu.h"

static struct {
	bool valid;
	struct timebase_snapshot tb;
	uint64_t voff;   /* physical - virtual counter */
	uint64_t window; /* ticks between the two physical reads around it */
} clock;

static uint64_t physical_count(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static uint64_t virtual_count(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static uint64_t measure_voff(uint64_t *window)
{
	uint64_t before = physical_count();
	uint64_t v = virtual_count();
	uint64_t after = physical_count();

	*window = after - before;
	return before + (after - before) / 2 - v;
}

bool wallclock_sync(const struct zvm_timebase *page)
{
	struct timebase_snapshot tb;

	if (!timebase_read(page, &tb))
		return false;
	clock.voff = measure_voff(&clock.window);
	clock.tb = tb;
	clock.valid = true;
	return true;
}

bool wallclock_changed(const struct zvm_timebase *page)
{
	return !clock.valid || __atomic_load_n(&page->seq, __ATOMIC_ACQUIRE) != clock.tb.seq;
}

uint64_t wallclock_at(uint64_t vcount)
{
	return clock.valid ? timebase_to_ns(&clock.tb, vcount + clock.voff) : 0;
}

uint32_t wallclock_seq(void)
{
	return clock.tb.seq;
}

uint64_t wallclock_voff(void)
{
	return clock.voff;
}

uint64_t wallclock_voff_window(void)
{
	return clock.window;
}
