/* Round trips through ZVM, timed by the guest (see perf.h). */
#include "perf.h"

#include "guest.h"
#include "lib/gicv3_defs.h"
#include "zvm/guest_layout.h"
#include "zvm/hypercall.h"

static inline uint64_t now(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0; isb" : "=r"(v));
	return v;
}

static void add(struct perf_stats *st, uint64_t ticks)
{
	st->min = st->n && st->min < ticks ? st->min : ticks;
	st->max = st->max > ticks ? st->max : ticks;
	st->sum += ticks;
	st->n++;
}

void perf_hvc_null(struct perf_stats *st)
{
	*st = (struct perf_stats){ 0 };
	for (unsigned i = 0; i < PERF_ROUNDS; i++) {
		register uint64_t x0 __asm__("x0") = ZVM_HC_NULL;
		uint64_t t0 = now();
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
		add(st, now() - t0);
	}
}

void perf_gicd_read(struct perf_stats *st)
{
	volatile uint32_t *typer = (volatile uint32_t *)(uintptr_t)(GUEST_GICD_BASE + GICD_TYPER);

	*st = (struct perf_stats){ 0 };
	for (unsigned i = 0; i < PERF_ROUNDS; i++) {
		uint64_t t0 = now();
		(void)*typer;
		add(st, now() - t0);
	}
}

static void print_figures(const char *what, const struct perf_stats *st)
{
	uint64_t freq;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	puts("perf ");
	puts(what);
	puts(" n=");
	putu(st->n);
	puts(" min=");
	putu(st->min);
	puts(" avg=");
	putu(st->n ? st->sum / st->n : 0);
	puts(" max=");
	putu(st->max);
	puts(" freq=");
	putu(freq);
	puts("\n");
}

void perf_report_hvc_null(void)
{
	struct perf_stats st;

	perf_hvc_null(&st);
	print_figures("hvc_null", &st);
}

void perf_report_gicd_read(void)
{
	struct perf_stats st;

	perf_gicd_read(&st);
	print_figures("gicd_read", &st);
}
