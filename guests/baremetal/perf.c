/* Round trips through ZVM, timed by the guest (see perf.h). */
#include "perf.h"

#include "gic.h"
#include "guest.h"
#include "lib/gicv3_defs.h"
#include "zvm/guest_layout.h"
#include "zvm/hypercall.h"

uint64_t perf_now(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0; isb" : "=r"(v));
	return v;
}

void perf_add(struct perf_stats *st, uint64_t ticks)
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
		uint64_t t0 = perf_now();
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
		perf_add(st, perf_now() - t0);
	}
}

void perf_gicd_read(struct perf_stats *st)
{
	volatile uint32_t *typer = (volatile uint32_t *)(uintptr_t)(GUEST_GICD_BASE + GICD_TYPER);

	*st = (struct perf_stats){ 0 };
	for (unsigned i = 0; i < PERF_ROUNDS; i++) {
		uint64_t t0 = perf_now();
		(void)*typer;
		perf_add(st, perf_now() - t0);
	}
}

void perf_print(const char *what, const struct perf_stats *st)
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
	perf_print("hvc_null", &st);
}

void perf_report_gicd_read(void)
{
	struct perf_stats st;

	perf_gicd_read(&st);
	perf_print("gicd_read", &st);
}

void perf_report_self_sgi(unsigned intid, volatile uint64_t *taken_at, volatile uint64_t *taken)
{
	struct perf_stats st = { 0 };

	gic_enable(intid);
	for (unsigned i = 0; i < PERF_ROUNDS; i++) {
		uint64_t before = *taken, t0 = perf_now();
		gic_self_sgi(intid);
		while (*taken == before)
			;
		perf_add(&st, *taken_at - t0);
	}
	perf_print("self_sgi", &st);
}
