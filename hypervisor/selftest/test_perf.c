/*
 * Built-in performance tests: round trips through ZVM timed by the test
 * guest itself (guests/baremetal/perf.c, 1000 rounds each), reported as
 * min/avg/max in nanoseconds.  The limits here are sanity bounds for QEMU
 * without -icount on a shared host, where the guest's counter is host
 * time: the average must stay below them; the worst case is reported, not
 * judged, because one descheduled QEMU thread makes it.  The latency
 * targets themselves are judged on the worst case in bench/ (icount).
 */
#include "kernel/time.h"
#include "lib/format.h"
#include "selftest/ztest.h"
#include "selftest/ztest_vm.h"

#define PERF_LINE_MAX          160
/* Sanity bounds on the average round trip, in ns (QEMU TCG, shared host). */
#define HVC_NULL_AVG_LIMIT_NS  100000
#define GICD_READ_AVG_LIMIT_NS 200000

struct perf_figures {
	uint64_t n, min, avg, max, freq;
};

static bool parse(const char *line, struct perf_figures *f)
{
	return zt_line_field(line, "n", &f->n) && zt_line_field(line, "min", &f->min) &&
	       zt_line_field(line, "avg", &f->avg) && zt_line_field(line, "max", &f->max) &&
	       zt_line_field(line, "freq", &f->freq) && f->freq && f->n;
}

static uint64_t ticks_ns(uint64_t ticks, uint64_t freq)
{
	return ticks * 1000000000ull / freq;
}

static void measure(struct ztest_ctx *ctx, struct vm *vm, char key, const char *what,
                    uint64_t avg_limit_ns)
{
	char prefix[32], line[PERF_LINE_MAX];
	struct perf_figures f;

	if (!zt_vm_start_beating(ctx, vm))
		return;
	uint64_t from = zt_vm_console_end(vm);
	if (!zt_vm_key(ctx, vm, key))
		return;
	fmt_snprintf(prefix, sizeof(prefix), "perf %s", what);
	if (!zt_vm_console_line(vm, from, prefix, line, sizeof(line)))
		return ztest_fail(ctx, __FILE__, __LINE__, "the guest printed no '%s' line",
		                  prefix);
	if (!parse(line, &f))
		return ztest_fail(ctx, __FILE__, __LINE__, "unreadable: %s", line);
	ZT_CHECK(f.min <= f.avg && f.avg <= f.max);
	ztest_figure(ctx, "rounds", f.n);
	ztest_figure(ctx, "min_ns", ticks_ns(f.min, f.freq));
	ztest_figure(ctx, "avg_ns", ticks_ns(f.avg, f.freq));
	ztest_figure(ctx, "max_ns", ticks_ns(f.max, f.freq));
	if (ticks_ns(f.avg, f.freq) > avg_limit_ns)
		ztest_fail(ctx, __FILE__, __LINE__, "average %lu ns is above the %lu ns bound",
		           ticks_ns(f.avg, f.freq), avg_limit_ns);
}

static void hvc_null(struct ztest_ctx *ctx, struct vm *vm)
{
	measure(ctx, vm, 'H', "hvc_null", HVC_NULL_AVG_LIMIT_NS);
}

static void gicd_read(struct ztest_ctx *ctx, struct vm *vm)
{
	measure(ctx, vm, 'G', "gicd_read", GICD_READ_AVG_LIMIT_NS);
}

/* A null hypercall: guest to ZVM and back. */
ZTEST(perf, hvc_null_round_trip)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, hvc_null(ctx, vm));
}

/* A GICD_TYPER read: a stage-2 abort, decoded, emulated by the vGIC. */
ZTEST(perf, gicd_read_round_trip)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, gicd_read(ctx, vm));
}
