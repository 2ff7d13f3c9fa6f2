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
#include "selftest/ztest_perf.h"
#include "selftest/ztest_vm.h"

/* Sanity bounds on the average round trip, in ns (QEMU TCG, shared host). */
#define HVC_NULL_AVG_LIMIT_NS  100000
#define GICD_READ_AVG_LIMIT_NS 200000
#define SELF_SGI_AVG_LIMIT_NS  200000

static void measure(struct ztest_ctx *ctx, struct vm *vm, char key, const char *what,
                    uint64_t avg_limit_ns)
{
	if (zt_vm_start_beating(ctx, vm))
		zt_perf_measure(ctx, vm, key, what, avg_limit_ns);
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

static void self_sgi(struct ztest_ctx *ctx, struct vm *vm)
{
	measure(ctx, vm, 'I', "self_sgi", SELF_SGI_AVG_LIMIT_NS);
}

/* An interrupt round trip: the guest's self-SGI (its ICC_SGI1R_EL1 write
 * traps, the vGIC puts it in a list register) to its handler. */
ZTEST(perf, self_sgi_round_trip)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, self_sgi(ctx, vm));
}
