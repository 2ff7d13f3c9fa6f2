/*
 * What leaving the guest costs: the round trips that a hypervisor adds to a
 * guest's own work (issue "guest partitions", bench/vm/).
 *   hvc_null:  hvc #0 with ZVM_HC_NULL, back with 0 in x0.  Under ZVM the
 *              call is a trap to EL2 and ZVM's hypercall dispatch; natively
 *              it is answered by arch/el2_stub.S, which returns at once: the
 *              bare cost of an exception round trip ("no hypervisor").
 *   gicd_read: one 32-bit read of the distributor's GICD_TYPER.  Natively
 *              the real distributor answers; under ZVM the read faults at
 *              stage 2 and ZVM's emulated distributor answers.
 * Both samples include one counter read, like every other figure.
 */
#include "app/bench.h"
#include "arch/el2_stub.h"
#include "drivers/mmio.h"
#include "drivers/timer.h"
#include "kernel/panic.h"
#include "lib/gicv3_defs.h"
#include "zvm/hypercall.h"

static struct bench_stats stats;

/* SMCCC (ARM DEN 0028) 1.0 lets the callee change x0-x17; x0 is the
 * result. */
static uint64_t hvc_call(uint64_t function)
{
	register uint64_t x0 __asm__("x0") = function;

	__asm__ volatile("hvc #0"
	                 : "+r"(x0)
	                 :
	                 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
	                   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

static void hvc_null(void *arg)
{
	uint64_t t0, result;
	unsigned int i;

	(void)arg;
	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	for (i = 0; i < BENCH_TOTAL; i++) {
		t0 = timer_now();
		result = hvc_call(ZVM_HC_NULL);
		stats_add(&stats, timer_now() - t0);
		if (result != 0) {
			/* Another hypervisor (or none that knows ZVM's calls):
			 * nothing to measure, but the rest of the suite is. */
			bench_report_error("hvc_null", "ZVM_HC_NULL returned an error",
			                   (int64_t)result);
			bench_finish();
			return;
		}
	}
	bench_report("hvc_null", &stats);
	bench_finish();
}

/* Natively an hvc needs someone at EL2: our stub, or a hypervisor (which
 * then also offers PSCI through hvc).  Without either it is undefined. */
static bool hvc_answered(void)
{
	return el2_stub_installed || bench_env.plat->psci == PSCI_CONDUIT_HVC;
}

void bench_hvc_null(void)
{
	if (!hvc_answered()) {
		bench_finish(); /* nothing to measure: no line */
		return;
	}
	bench_spawn(0, "hvc", hvc_null, NULL, PRIO_BENCH_MID);
}

static void gicd_read(void *arg)
{
	uint64_t gicd_typer = bench_env.plat->gicd_base + GICD_TYPER;
	uint64_t t0;
	uint32_t first, value;
	unsigned int i;

	(void)arg;
	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	first = mmio_read32(gicd_typer);
	for (i = 0; i < BENCH_TOTAL; i++) {
		t0 = timer_now();
		value = mmio_read32(gicd_typer);
		stats_add(&stats, timer_now() - t0);
		if (value != first)
			panic("GICD_TYPER changed");
	}
	bench_report("gicd_read", &stats);
	bench_finish();
}

void bench_gicd_read(void)
{
	bench_spawn(0, "gicd", gicd_read, NULL, PRIO_BENCH_MID);
}
