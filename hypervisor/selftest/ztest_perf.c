/* Round trips timed by the test guest, reported in ns (see ztest_perf.h). */
#include "selftest/ztest_perf.h"
#include "lib/format.h"
#include "selftest/ztest_vm.h"

#define PERF_LINE_MAX 160

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

void zt_perf_measure(struct ztest_ctx *ctx, struct vm *vm, char key, const char *what,
                     uint64_t avg_limit_ns)
{
	char prefix[32], line[PERF_LINE_MAX];
	struct perf_figures f;

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
