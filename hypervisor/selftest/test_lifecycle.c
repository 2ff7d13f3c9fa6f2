/*
 * Built-in lifecycle tests on the test VM (ztest_vm.h): the operations in
 * order, a randomized sequence of every operation (the refused ones
 * included) with the state checked after each step, and the guest's own
 * power-off.  What a VM holds (pages, threads) comes back when it goes.
 */
#include "kernel/mem.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "selftest/ztest.h"
#include "selftest/ztest_cores.h"
#include "selftest/ztest_util.h"
#include "selftest/ztest_vm.h"

#define REPEATED_ROUNDS  10
#define RANDOM_STEPS     200
/* Every this many steps a running guest must show it still beats. */
#define BEAT_CHECK_EVERY 8

static bool pause_is_quiet(struct ztest_ctx *ctx, struct vm *vm, unsigned round)
{
	uint64_t frozen = vm->last_heartbeat;

	thread_sleep(ms_to_ticks(ZT_VM_QUIET_MS));
	if (vm->last_heartbeat == frozen)
		return true;
	ztest_fail(ctx, __FILE__, __LINE__, "round %u: beat while paused", round);
	return false;
}

static bool one_round(struct ztest_ctx *ctx, struct vm *vm, unsigned round)
{
	struct zerr_msg msg;

	if (!zt_vm_start_beating(ctx, vm))
		return false;
	if (vm_pause(vm, &msg) || vm->state != VM_PAUSED)
		return ztest_fail(ctx, __FILE__, __LINE__, "round %u: pause", round), false;
	if (!pause_is_quiet(ctx, vm, round))
		return false;
	uint64_t t1 = time_now();
	if (vm_resume(vm, &msg) || !zt_vm_wait(zt_vm_beat_after, vm, t1))
		return ztest_fail(ctx, __FILE__, __LINE__, "round %u: resume", round), false;
	if (vm_stop(vm, &msg) || vm->state != VM_STOPPED || vm->threads_live)
		return ztest_fail(ctx, __FILE__, __LINE__, "round %u: stop", round), false;
	return true;
}

/* start, pause (no beat while paused), resume, stop: ten times over. */
ZTEST(lifecycle, repeated)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, {
		unsigned round = 0;
		while (round < REPEATED_ROUNDS && one_round(ctx, vm, round))
			round++;
		if (round == REPEATED_ROUNDS)
			ztest_figure(ctx, "rounds", REPEATED_ROUNDS);
	});
}

/* --- a randomized sequence --- */

enum op {
	OP_START,
	OP_PAUSE,
	OP_RESUME,
	OP_STOP,
	OP_RESTART,
	OP_SHUTDOWN,
	OP_RECREATE,
	OP_COUNT
};

static const char *const op_names[OP_COUNT] = { "start",   "pause",    "resume",  "stop",
	                                        "restart", "shutdown", "recreate" };

/* What the operation should leave, or -1 when it must be refused. */
static int expected_state(enum op op, enum vm_state s)
{
	bool live = s == VM_RUNNING || s == VM_PAUSED;

	switch (op) {
	case OP_START: return s == VM_STOPPED ? VM_RUNNING : -1;
	case OP_PAUSE: return s == VM_RUNNING ? VM_PAUSED : -1;
	case OP_RESUME: return s == VM_PAUSED ? VM_RUNNING : -1;
	case OP_STOP: return live ? VM_STOPPED : -1;
	case OP_RESTART: return live ? VM_RUNNING : -1;
	case OP_SHUTDOWN: return -1; /* the bare-metal guest takes no request */
	case OP_RECREATE: return s == VM_STOPPED ? VM_STOPPED : -1;
	default: break;
	}
	return -1;
}

static int apply(struct ztest_ctx *ctx, struct vm **vm, enum op op, struct zerr_msg *msg)
{
	switch (op) {
	case OP_START: return vm_start(*vm, msg);
	case OP_PAUSE: return vm_pause(*vm, msg);
	case OP_RESUME: return vm_resume(*vm, msg);
	case OP_STOP: return vm_stop(*vm, msg);
	case OP_RESTART: return vm_restart(*vm, msg);
	case OP_SHUTDOWN: return vm_shutdown(*vm, msg);
	case OP_RECREATE:
		if ((*vm)->state != VM_STOPPED)
			return vm_delete(*vm, msg); /* refused: it runs */
		zt_vm_destroy(*vm);
		*vm = zt_vm_create(ctx, VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS);
		return *vm ? 0 : -ZE_NOMEM;
	default: break;
	}
	return -ZE_INVAL;
}

static void count_one(struct thread *t, void *ctx)
{
	(void)t;
	(*(unsigned *)ctx)++;
}

static unsigned count_threads(void)
{
	unsigned n = 0;

	thread_for_each(count_one, &n);
	return n;
}

static uint64_t free_pages(void)
{
	struct mem_stats st;

	mem_get_stats(&st);
	return st.pages_free;
}

/* A running guest keeps beating: the state is not only a word in ZVM. */
static bool state_is_true(struct ztest_ctx *ctx, struct vm *vm, unsigned step)
{
	if (vm->state != VM_RUNNING || step % BEAT_CHECK_EVERY)
		return true;
	if (zt_vm_wait(zt_vm_beat_after, vm, time_now()))
		return true;
	ztest_fail(ctx, __FILE__, __LINE__, "step %u: running but no heartbeat", step);
	return false;
}

static bool one_step(struct ztest_ctx *ctx, struct vm **vm, uint32_t *rnd, unsigned step)
{
	struct zerr_msg msg = { 0 };
	enum op op = (enum op)(zt_rand(rnd) % OP_COUNT);
	enum vm_state before = (*vm)->state;
	int want = expected_state(op, before);
	int rc = apply(ctx, vm, op, &msg);

	if (!*vm)
		return false; /* recreate failed, and said so */
	if (want < 0 && rc == 0)
		return ztest_fail(ctx, __FILE__, __LINE__, "step %u: %s of a %s VM was accepted",
		                  step, op_names[op], vm_state_name(before)),
		       false;
	if (want >= 0 && rc != 0)
		return ztest_fail(ctx, __FILE__, __LINE__, "step %u: %s of a %s VM: %s", step,
		                  op_names[op], vm_state_name(before), msg.text),
		       false;
	enum vm_state now = (*vm)->state;
	if (now != (want < 0 ? before : (enum vm_state)want))
		return ztest_fail(ctx, __FILE__, __LINE__, "step %u: %s left it %s", step,
		                  op_names[op], vm_state_name(now)),
		       false;
	return state_is_true(ctx, *vm, step);
}

/*
 * RANDOM_STEPS operations drawn from the test's seed (so a failure is
 * replayed with --seed), refused ones included: after each the state is
 * what the operation promises, and at the end the pages and threads are
 * what they were before the VM existed.
 */
ZTEST(lifecycle, random_sequence)
{
	uint32_t rnd = (uint32_t)ctx->seed | 1u, core;
	unsigned step = 0;

	/* A core first: borrowing one stops a VM, which changes the counts. */
	if (!ztest_take_cores(ctx, 1, &core))
		return;
	uint64_t pages_before = free_pages();
	unsigned threads_before = count_threads();
	struct vm *vm = zt_vm_create(ctx, VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS);
	if (!vm)
		return;
	while (step < RANDOM_STEPS && one_step(ctx, &vm, &rnd, step))
		step++;
	if (vm)
		zt_vm_destroy(vm);
	if (step < RANDOM_STEPS)
		return;
	ZT_CHECK_EQ(free_pages(), pages_before);
	ZT_CHECK_EQ(count_threads(), threads_before);
	ztest_figure(ctx, "steps", RANDOM_STEPS);
}

/* PSCI SYSTEM_OFF from the guest stops the VM (no crash), never the board. */
ZTEST(lifecycle, guest_power_off)
{
	ZT_WITH_VM(VM_RECOVERY_RESTART, ZT_VM_HEARTBEAT_PATIENT_MS, {
		if (zt_vm_start_beating(ctx, vm) && zt_vm_key(ctx, vm, 'o')) {
			if (!zt_vm_wait(zt_vm_reaped_in_state, vm, VM_STOPPED) || vm->crashes)
				ztest_fail(ctx, __FILE__, __LINE__, "still %s",
				           vm_state_name(vm->state));
			else if (!strstr(vm->reason, "SYSTEM_OFF"))
				ztest_fail(ctx, __FILE__, __LINE__, "reason: %s", vm->reason);
		}
	});
}

/*
 * A VM finds nothing of the VM that had its RAM before (issue 12): the
 * first word of every 64 bytes of the first VM's RAM gets a marker after it
 * stopped (standing for whatever it left; ZVM scrubs 2 MiB chunks, so a
 * line each is plenty and keeps the test quick without icount), then a new
 * VM is created and started, first on that RAM restarted, then as a new VM;
 * when it has run (a heartbeat), no word of its RAM may still hold the
 * marker.
 */
#define SCRUB_MARKER 0x5a4d5653435255bull /* "ZMVSCRU" */
#define MARK_STRIDE  8                    /* words: one per 64 bytes */

static void mark_ram(struct vm *vm)
{
	uint64_t *w = (uint64_t *)(uintptr_t)vm->ram_pa;

	for (uint64_t i = 0; i < vm->cfg.ram.size / sizeof(*w); i += MARK_STRIDE)
		w[i] = SCRUB_MARKER ^ i;
}

static uint64_t markers_left(const struct vm *vm)
{
	const uint64_t *w = (const uint64_t *)(uintptr_t)vm->ram_pa;
	uint64_t left = 0;

	for (uint64_t i = 0; i < vm->cfg.ram.size / sizeof(*w); i += MARK_STRIDE)
		left += w[i] == (SCRUB_MARKER ^ i);
	return left;
}

static bool run_once(struct ztest_ctx *ctx, struct vm *vm)
{
	struct zerr_msg msg;

	if (!zt_vm_start_beating(ctx, vm))
		return false;
	if (vm_stop(vm, &msg) || vm->threads_live)
		return ztest_fail(ctx, __FILE__, __LINE__, "stop: %s", msg.text), false;
	return true;
}

/* Marks the first VM's RAM, restarts it, then marks it for the next VM. */
static bool restart_marked(struct ztest_ctx *ctx, struct vm *vm, uint64_t *old_pa)
{
	if (!run_once(ctx, vm))
		return false;
	mark_ram(vm);
	if (!run_once(ctx, vm)) /* the same VM, restarted */
		return false;
	if (markers_left(vm))
		return ztest_fail(ctx, __FILE__, __LINE__, "%lu markers survived a restart",
		                  markers_left(vm)),
		       false;
	mark_ram(vm);
	*old_pa = vm->ram_pa;
	return true;
}

static void new_vm_on_old_ram(struct ztest_ctx *ctx, struct vm *vm, uint64_t old_pa)
{
	if (vm->ram_pa != old_pa)
		return ztest_fail(ctx, __FILE__, __LINE__, "the new VM did not get the old RAM");
	if (!run_once(ctx, vm))
		return;
	ZT_CHECK_EQ(markers_left(vm), 0);
	ztest_figure(ctx, "scrubbed_kib", vm->ram_scrubbed >> 10);
}

ZTEST(lifecycle, ram_scrubbed_between_vms)
{
	uint64_t old_pa = 0;
	bool ok = false;

	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS,
	           ok = restart_marked(ctx, vm, &old_pa));
	if (ok)
		ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS,
		           new_vm_on_old_ram(ctx, vm, old_pa));
}
