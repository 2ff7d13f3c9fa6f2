/* zvm time: the time base and each VM's synchronization; zvm time set. */
#include "arch/arm64/sysreg.h"
#include "kernel/cmd.h"
#include "kernel/time.h"
#include "vmm/vm.h"
#include "vmm/vm_snapshot.h"
#include "zshm/vm_time_offset.h"
#include "zshm/zvm_time.h"

#define SECS_PER_DAY      86400ull
#define DAYS_0000_TO_1970 719468ull /* days from 0000-03-01 to 1970-01-01 */
#define DAYS_PER_ERA      146097ull /* 400 Gregorian years */

struct civil {
	uint64_t year;
	unsigned month, day, hour, min, sec;
};

/* Days since 1970 to a Gregorian date (the era/day-of-era method). */
static struct civil civil_from_unix(uint64_t secs)
{
	uint64_t z = secs / SECS_PER_DAY + DAYS_0000_TO_1970;
	uint64_t era = z / DAYS_PER_ERA, doe = z % DAYS_PER_ERA;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;
	unsigned month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	uint64_t rest = secs % SECS_PER_DAY;

	return (struct civil){
		.year = yoe + era * 400 + (month <= 2),
		.month = month,
		.day = (unsigned)(doy - (153 * mp + 2) / 5 + 1),
		.hour = (unsigned)(rest / 3600),
		.min = (unsigned)(rest / 60 % 60),
		.sec = (unsigned)(rest % 60),
	};
}

static void print_utc(struct cmd_io *io, uint64_t ns)
{
	uint64_t secs = ns / TIMEBASE_NS_PER_SEC;
	uint64_t frac = ns % TIMEBASE_NS_PER_SEC;
	struct civil c = civil_from_unix(secs);

	cmd_printf(io, "%04lu-%02u-%02u %02u:%02u:%02u.%09lu UTC (%lu.%09lu)", c.year, c.month,
	           c.day, c.hour, c.min, c.sec, frac, secs, frac);
}

static void print_base(struct cmd_io *io, const struct timebase_snapshot *s)
{
	uint64_t counter = counter_now();

	cmd_printf(io, "time base: counter %lu, %lu Hz\n", counter, s->counter_hz);
	cmd_printf(io, "utc: ");
	print_utc(io, zvm_time_at(s, counter));
	cmd_printf(io, "%s\n",
	           s->flags & ZVM_TIMEBASE_UTC_VALID ? "" : " (no UTC yet: since boot)");
	if (s->error_bound_ns == UINT64_MAX)
		cmd_printf(io, "error bound: unknown\n");
	else
		cmd_printf(io, "error bound: %lu ns\n", s->error_bound_ns);
	cmd_printf(io, "source: %s, generation %lu, set at counter %lu\n",
	           zvm_time_source_name(s->source), s->generation, s->counter_value);
}

static void print_vm(struct cmd_io *io, const struct vm_snapshot *vm,
                     const struct timebase_snapshot *s)
{
	struct zvm_time_vm_stats st;
	const char *by = "-";
	int64_t offset;
	bool measured;

	zvm_time_vm_stats(vm->id, &st);
	measured = vm_time_offset(vm, s, &offset, &by);
	cmd_printf(io, "%-3u %-16s %-5s %-8lu ", vm->id, vm->cfg.name,
	           vm->cfg.time_base ? "yes" : "no", st.reports);
	if (measured)
		cmd_printf(io, "%-14ld ", offset);
	else
		cmd_printf(io, "%-14s ", "-");
	cmd_printf(io, "%-9lu %s\n", st.ptp_calls, by);
}

static int cmd_time(struct cmd_io *io, int argc, char **argv)
{
	struct timebase_snapshot s;
	struct vm_snapshot vm;

	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	if (!zvm_time_snapshot(&s)) {
		cmd_printf(io, "no time base\n");
		return CMD_ERR_FAIL;
	}
	print_base(io, &s);
	cmd_printf(io, "ID  NAME             PAGE  REPORTS  OFFSET_NS      PTP_CALLS BY\n");
	for (unsigned i = 0; i < VM_MAX; i++) {
		if (vm_snapshot_at(i, &vm))
			print_vm(io, &vm, &s);
	}
	return CMD_OK;
}
CMD_REGISTER(zvm_time, "zvm time", "zvm time",
             "Shows the time base (counter, UTC, frequency, error bound, source) and "
             "each VM's synchronization: its last reported offset and its PTP calls.",
             cmd_time);

static int cmd_time_set(struct cmd_io *io, int argc, char **argv)
{
	uint64_t secs;

	if (argc != 2)
		return CMD_ERR_USAGE;
	if (!cmd_parse_u64(argv[1], &secs) || secs == 0 ||
	    secs > UINT64_MAX / TIMEBASE_NS_PER_SEC) {
		cmd_printf(io, "'%s' is no time: give seconds since 1970-01-01 UTC\n", argv[1]);
		return CMD_ERR_FAIL;
	}
	int rc = zvm_time_set(secs * TIMEBASE_NS_PER_SEC, ZVM_TIME_SECOND_ERROR_NS,
	                      ZVM_TIMEBASE_SRC_AGENT);
	if (rc) {
		cmd_printf(io, "cannot set the time: %s\n", zerror_name(rc));
		return CMD_ERR_FAIL;
	}
	cmd_printf(io, "time base set: ");
	print_utc(io, secs * TIMEBASE_NS_PER_SEC);
	cmd_printf(io, "\n");
	return CMD_OK;
}
CMD_REGISTER(zvm_time_set, "zvm time set", "zvm time set <unix-seconds>",
             "Sets ZVM's UTC (error bound 1 s); every VM's time base page follows.", cmd_time_set);
