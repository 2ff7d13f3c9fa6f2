/*
 * Built-in interrupt tests with the test VM (ztest_vm.h): its virtual timer
 * interrupts arrive, none is lost, and pausing the VM while its timer is
 * due loses nothing either.  The vGIC's own counters are the witness.
 */
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "selftest/ztest.h"
#include "selftest/ztest_vm.h"

#define BEATS        5 /* fifty virtual-timer interrupts taken by the guest */
#define PAUSE_ROUNDS 5

static bool beats(struct ztest_ctx *ctx, struct vm *vm, unsigned n)
{
	for (unsigned beat = 0; beat < n; beat++) {
		if (!zt_vm_wait(zt_vm_beat_after, vm, vm->last_heartbeat))
			return ztest_fail(ctx, __FILE__, __LINE__, "beat %u missing", beat), false;
	}
	return true;
}

static bool none_lost(struct ztest_ctx *ctx, struct vm *vm)
{
	struct vgic_stats gs;

	vgic_stats(&vm->vgic, &gs);
	if (!gs.lost)
		return true;
	ztest_fail(ctx, __FILE__, __LINE__, "%lu interrupts lost", gs.lost);
	return false;
}

static void timer_delivery(struct ztest_ctx *ctx, struct vm *vm)
{
	if (!zt_vm_start_beating(ctx, vm) || !beats(ctx, vm, BEATS) || !none_lost(ctx, vm))
		return;
	ztest_figure(ctx, "timer_fast", cpu_data(vm->vcpus[0].cpu)->fast_timer_count);
}

/* The guest's timer interrupts arrive, and the vGIC lost none. */
ZTEST(irq, timer_delivery)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, timer_delivery(ctx, vm));
}

static void pause_with_timer_due(struct ztest_ctx *ctx, struct vm *vm)
{
	struct zerr_msg msg;

	if (!zt_vm_start_beating(ctx, vm))
		return;
	for (unsigned round = 0; round < PAUSE_ROUNDS; round++) {
		if (vm_pause(vm, &msg))
			return ztest_fail(ctx, __FILE__, __LINE__, "pause: %s", msg.text);
		/* Its 10 ms timer comes due several times while it cannot run. */
		thread_sleep(ms_to_ticks(ZT_VM_QUIET_MS / 3));
		if (vm_resume(vm, &msg))
			return ztest_fail(ctx, __FILE__, __LINE__, "resume: %s", msg.text);
		if (!beats(ctx, vm, 1))
			return;
	}
	if (none_lost(ctx, vm))
		ztest_figure(ctx, "rounds", PAUSE_ROUNDS);
}

/* A timer that comes due while the VM is paused is taken after the resume. */
ZTEST(irq, timer_due_while_paused)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, pause_with_timer_due(ctx, vm));
}
