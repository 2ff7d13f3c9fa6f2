/*
 * Built-in recovery tests: the test VM (ztest_vm.h) crashes in each way a
 * guest on its own core can, ZVM notices, applies the VM's policy (restart
 * from the pristine image) and the guest runs again.  Each result carries
 * the time to detect the crash and the time until the guest beats again.
 * A dead core and a Linux panic are the system tests' (tests/system): the
 * first cannot be given back, the second needs Linux.
 */
#include "kernel/time.h"
#include "lib/string.h"
#include "selftest/ztest.h"
#include "selftest/ztest_vm.h"

static bool crashed(struct vm *vm, uint64_t count)
{
	return vm->crashes >= count;
}

/* Makes the guest crash with key and follows the restart policy through. */
static void crash_and_recover(struct ztest_ctx *ctx, struct vm *vm, char key, const char *reason)
{
	if (!zt_vm_start_beating(ctx, vm) || !zt_vm_key(ctx, vm, key))
		return;
	uint64_t t0 = time_now();
	if (!zt_vm_wait(crashed, vm, 1))
		return ztest_fail(ctx, __FILE__, __LINE__, "no crash seen: %s", vm->reason);
	uint64_t detected = time_now();
	if (!zt_vm_wait(zt_vm_restarted, vm, 1))
		return ztest_fail(ctx, __FILE__, __LINE__, "not restarted: %s", vm->reason);
	if (!zt_vm_wait(zt_vm_beat_after, vm, detected))
		return ztest_fail(ctx, __FILE__, __LINE__, "no heartbeat after the restart");
	uint64_t running = time_now();
	ZT_CHECK_EQ(vm->crashes, 1);
	if (!strstr(vm->last_crash, reason))
		return ztest_fail(ctx, __FILE__, __LINE__, "crash reason '%s', not '%s'",
		                  vm->last_crash, reason);
	ztest_figure(ctx, "detect_ms", ticks_to_ns(detected - t0) / 1000000);
	ztest_figure(ctx, "running_again_ms", ticks_to_ns(running - detected) / 1000000);
}

/* The VM's abort policy, set before its first start. */
static void crash_with_policy(struct ztest_ctx *ctx, struct vm *vm, enum vm_abort_policy policy,
                              char key, const char *reason)
{
	vm->cfg.abort_policy = policy;
	crash_and_recover(ctx, vm, key, reason);
}

#define RECOVERY_TEST(name, policy, key, reason)                             \
	ZTEST(recovery, name)                                                \
	{                                                                    \
		ZT_WITH_VM(VM_RECOVERY_RESTART, ZT_VM_HEARTBEAT_DETECT_MS,   \
		           crash_with_policy(ctx, vm, policy, key, reason)); \
	}

/* abort-policy "crash": the write itself ends the VM. */
RECOVERY_TEST(wild_write_crash_policy, VM_ABORT_CRASH, 'w', "outside its memory")
/* abort-policy "inject": the guest gets an abort it did not expect, and hangs. */
RECOVERY_TEST(wild_write_inject_policy, VM_ABORT_INJECT, 'w', "missed its heartbeat")
RECOVERY_TEST(undefined_instruction, VM_ABORT_INJECT, 'u', "missed its heartbeat")
RECOVERY_TEST(masked_hang, VM_ABORT_INJECT, 'h', "missed its heartbeat")
RECOVERY_TEST(interrupt_storm, VM_ABORT_INJECT, 's', "missed its heartbeat")

/* A guest's own reset is an event, not a crash: it boots again, uncounted. */
ZTEST(recovery, guest_reset_is_no_crash)
{
	ZT_WITH_VM(VM_RECOVERY_RESTART, ZT_VM_HEARTBEAT_PATIENT_MS, {
		if (zt_vm_start_beating(ctx, vm) && zt_vm_key(ctx, vm, 'r')) {
			uint64_t t0 = time_now();
			if (!zt_vm_wait(zt_vm_restarted, vm, 1) ||
			    !zt_vm_wait(zt_vm_beat_after, vm, t0))
				ztest_fail(ctx, __FILE__, __LINE__, "not rebooted: %s", vm->reason);
			else if (vm->crashes)
				ztest_fail(ctx, __FILE__, __LINE__, "counted as a crash");
		}
	});
}
