/*
 * Built-in VM tests: lifecycle sequences, isolation, interrupt delivery,
 * PSCI and recovery, with the bare-metal test guest of the system package
 * on a free core.  They skip on a system without either.  The guest's
 * heartbeat hypercall (one per 10 virtual-timer ticks) is the witness that
 * it runs and that its timer interrupts arrive.
 */
#include "kernel/boot.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"
#include "selftest/ztest.h"
#include "selftest/ztest_util.h"
#include "vmm/vm.h"
#include "vmm/vm_boot.h"

#define TEST_VM_MIB      32
#define WAIT_MS          5000
#define POLL_MS          1
#define QUIET_MS         300 /* three heartbeat periods of the guest */
#define LIFECYCLE_ROUNDS 10

/* Polls cond (bounded) while the VM runs on its own core. */
static bool wait_for(bool (*cond)(struct vm *vm, uint64_t arg), struct vm *vm, uint64_t arg)
{
	uint64_t deadline = time_now_plus(ms_to_ticks(WAIT_MS));

	while (!cond(vm, arg)) {
		if (time_now() > deadline)
			return false;
		thread_sleep(ms_to_ticks(POLL_MS));
	}
	return true;
}

static bool beat_after(struct vm *vm, uint64_t since)
{
	return __atomic_load_n(&vm->last_heartbeat, __ATOMIC_RELAXED) > since;
}

static bool restarted(struct vm *vm, uint64_t count)
{
	return vm->restarts >= count && vm->state == VM_RUNNING;
}

static bool reaped_in_state(struct vm *vm, uint64_t state)
{
	return vm->state == (enum vm_state)state && !vm->threads_live;
}

static int free_core(void)
{
	for (unsigned c = 1; c < cpus_possible; c++) {
		if (cpu_data(c)->state == CPU_ONLINE && !vm_core_taken(c))
			return (int)c;
	}
	return -ZE_NOENT;
}

/* A 1-vCPU bare-metal VM on a free core, or NULL after skipping. */
static struct vm *make_vm(struct ztest_ctx *ctx, enum vm_recovery recovery)
{
	static struct vm_config cfg;
	struct vm_blob image;
	struct vm *vm;
	struct zerr_msg msg;
	int core = free_core();

	if (core < 0 || vm_boot_image("baremetal.bin", &image.data, &image.size)) {
		ztest_skip(ctx, "needs a free core and baremetal.bin in the system package");
		return 0;
	}
	memset(&cfg, 0, sizeof(cfg));
	fmt_snprintf(cfg.name, sizeof(cfg.name), "ztest-vm");
	fmt_snprintf(cfg.image, sizeof(cfg.image), "baremetal.bin");
	cfg.os_type = VM_OS_BAREMETAL;
	cfg.vcpu_count = 1;
	cfg.cpus[0] = (uint32_t)core;
	cfg.ram.base = GUEST_RAM_BASE;
	cfg.ram.size = (uint64_t)TEST_VM_MIB << 20;
	cfg.uart = true;
	cfg.recovery = recovery;
	if (vm_create(&cfg, &image, 0, &vm, &msg)) {
		ztest_fail(ctx, __FILE__, __LINE__, "vm_create: %s", msg.text);
		return 0;
	}
	return vm;
}

static void destroy(struct vm *vm)
{
	if (vm->state == VM_RUNNING || vm->state == VM_PAUSED)
		vm_stop(vm, NULL);
	vm_delete(vm, NULL);
}

/* Runs body; the VM is deleted whatever body decided. */
#define WITH_VM(recovery, ...)                          \
	do {                                            \
		struct vm *vm = make_vm(ctx, recovery); \
		struct zerr_msg msg;                    \
		if (!vm)                                \
			return;                         \
		(void)msg;                              \
		__VA_ARGS__;                            \
		destroy(vm);                            \
	} while (0)

static bool lifecycle_rounds(struct ztest_ctx *ctx, struct vm *vm, struct zerr_msg *msg)
{
	for (unsigned round = 0; round < LIFECYCLE_ROUNDS; round++) {
		uint64_t t0 = time_now();
		if (vm_start(vm, msg) || !wait_for(beat_after, vm, t0))
			return ztest_fail(ctx, __FILE__, __LINE__,
			                  "round %u: no heartbeat after start", round),
			       false;
		if (vm_pause(vm, msg) || vm->state != VM_PAUSED)
			return ztest_fail(ctx, __FILE__, __LINE__, "round %u: pause", round), false;
		uint64_t frozen = vm->last_heartbeat;
		thread_sleep(ms_to_ticks(QUIET_MS));
		if (vm->last_heartbeat != frozen)
			return ztest_fail(ctx, __FILE__, __LINE__, "round %u: beat while paused",
			                  round),
			       false;
		uint64_t t1 = time_now();
		if (vm_resume(vm, msg) || !wait_for(beat_after, vm, t1))
			return ztest_fail(ctx, __FILE__, __LINE__, "round %u: resume", round),
			       false;
		if (vm_stop(vm, msg) || vm->state != VM_STOPPED || vm->threads_live)
			return ztest_fail(ctx, __FILE__, __LINE__, "round %u: stop", round), false;
	}
	return true;
}

ZTEST(vm, lifecycle_repeated)
{
	bool ok = false;

	WITH_VM(VM_RECOVERY_NONE, ok = lifecycle_rounds(ctx, vm, &msg));
	if (ok)
		ztest_figure(ctx, "rounds", LIFECYCLE_ROUNDS);
}

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/*
 * Every page of guest RAM maps into the VM's own block, which holds
 * nothing of ZVM or of the other VMs; the emulated devices and the space
 * past its RAM are not mapped at all, so touching them traps.
 */
static bool isolated(struct ztest_ctx *ctx, struct vm *vm)
{
	extern char _head[], _end[];
	const uint64_t unmapped[] = { GUEST_GICD_BASE, GUEST_GICR_BASE, GUEST_UART_BASE,
		                      vm->cfg.ram.base + vm->cfg.ram.size, 0 };
	uint64_t pa;
	enum stage2_mem type;

	for (uint64_t off = 0; off < vm->cfg.ram.size; off += PAGE_SIZE) {
		if (!stage2_translate(&vm->s2, vm->cfg.ram.base + off, &pa, &type) ||
		    pa != vm->ram_pa + off || type != STAGE2_RAM)
			return ztest_fail(ctx, __FILE__, __LINE__, "guest page 0x%lx", off), false;
	}
	if (overlaps(vm->ram_pa, vm->cfg.ram.size, (uintptr_t)_head, (uintptr_t)(_end - _head)))
		return ztest_fail(ctx, __FILE__, __LINE__, "its RAM holds ZVM"), false;
	for (unsigned i = 0; i < VM_MAX; i++) {
		struct vm *other = vm_at(i);
		if (other && other != vm &&
		    overlaps(vm->ram_pa, vm->cfg.ram.size, other->ram_pa, other->cfg.ram.size))
			return ztest_fail(ctx, __FILE__, __LINE__, "shares RAM with vm %u",
			                  other->id),
			       false;
	}
	for (unsigned i = 0; i < ZT_ARRAY_SIZE(unmapped); i++) {
		if (stage2_translate(&vm->s2, unmapped[i], &pa, &type))
			return ztest_fail(ctx, __FILE__, __LINE__, "IPA 0x%lx is mapped",
			                  unmapped[i]),
			       false;
	}
	return true;
}

ZTEST(vm, isolation)
{
	WITH_VM(VM_RECOVERY_NONE, isolated(ctx, vm));
}

static bool interrupts_delivered(struct ztest_ctx *ctx, struct vm *vm, struct zerr_msg *msg)
{
	struct vgic_stats gs;
	uint64_t t0 = time_now();

	/* Five beats: fifty virtual-timer interrupts taken by the guest. */
	if (vm_start(vm, msg))
		return ztest_fail(ctx, __FILE__, __LINE__, "%s", msg->text), false;
	for (int beat = 0; beat < 5; beat++) {
		uint64_t since = beat ? vm->last_heartbeat : t0;
		if (!wait_for(beat_after, vm, since))
			return ztest_fail(ctx, __FILE__, __LINE__, "beat %d missing", beat), false;
	}
	vgic_stats(&vm->vgic, &gs);
	if (gs.lost)
		return ztest_fail(ctx, __FILE__, __LINE__, "%lu interrupts lost", gs.lost), false;
	ztest_figure(ctx, "timer_fast", cpu_data(vm->vcpus[0].cpu)->fast_timer_count);
	return true;
}

ZTEST(vm, interrupt_delivery)
{
	WITH_VM(VM_RECOVERY_NONE, interrupts_delivered(ctx, vm, &msg));
}

static bool crash_then(struct ztest_ctx *ctx, struct vm *vm, char key, struct zerr_msg *msg)
{
	uint64_t t0 = time_now();

	if (vm_start(vm, msg) || !wait_for(beat_after, vm, t0))
		return ztest_fail(ctx, __FILE__, __LINE__, "no heartbeat"), false;
	return vm_console_input(vm, &key, 1) == 1 ||
	       (ztest_fail(ctx, __FILE__, __LINE__, "console input refused"), false);
}

/* PSCI SYSTEM_OFF from the guest stops the VM (no crash), never the board. */
ZTEST(vm, psci_system_off)
{
	WITH_VM(VM_RECOVERY_RESTART, {
		if (crash_then(ctx, vm, 'o', &msg)) {
			if (!wait_for(reaped_in_state, vm, VM_STOPPED) || vm->crashes)
				ztest_fail(ctx, __FILE__, __LINE__, "still %s",
				           vm_state_name(vm->state));
			else if (!strstr(vm->reason, "SYSTEM_OFF"))
				ztest_fail(ctx, __FILE__, __LINE__, "reason: %s", vm->reason);
		}
	});
}

/* A wild write crashes the VM; its policy boots it again from the image. */
ZTEST(vm, recovery_restarts)
{
	WITH_VM(VM_RECOVERY_RESTART, {
		if (crash_then(ctx, vm, 'w', &msg)) {
			if (!wait_for(restarted, vm, 1))
				ztest_fail(ctx, __FILE__, __LINE__, "not restarted: %s",
				           vm->reason);
			else if (!wait_for(beat_after, vm, time_now()))
				ztest_fail(ctx, __FILE__, __LINE__, "no heartbeat after restart");
			else
				ztest_figure(ctx, "faults", vm->guest_faults);
		}
	});
}

/*
 * A VM finds nothing of the VM that had its RAM before (issue 12): the
 * first word of every 64 bytes of the first VM's RAM gets a marker after it
 * stopped (standing for whatever it left; ZVM scrubs 2 MiB chunks, so a
 * line each is plenty and keeps the test quick without icount), then a new VM is created and started, first on that
 * RAM restarted, then as a new VM; when it has run (a heartbeat), no
 * word of its RAM may still hold the marker.
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

static bool run_once(struct ztest_ctx *ctx, struct vm *vm, struct zerr_msg *msg)
{
	uint64_t t0 = time_now();

	if (vm_start(vm, msg) || !wait_for(beat_after, vm, t0))
		return ztest_fail(ctx, __FILE__, __LINE__, "no heartbeat after start"), false;
	if (vm_stop(vm, msg) || vm->threads_live)
		return ztest_fail(ctx, __FILE__, __LINE__, "stop"), false;
	return true;
}

ZTEST(vm, ram_scrubbed_between_vms)
{
	uint64_t old_pa = 0, left = 1;
	bool ok = false;

	WITH_VM(VM_RECOVERY_NONE, {
		if (run_once(ctx, vm, &msg)) {
			mark_ram(vm);
			ok = run_once(ctx, vm, &msg); /* the same VM, restarted */
			left = markers_left(vm);
			mark_ram(vm);
			old_pa = vm->ram_pa;
		}
	});
	if (!ok)
		return;
	ZT_CHECK_EQ(left, 0);
	WITH_VM(VM_RECOVERY_NONE, {
		ok = vm->ram_pa == old_pa && run_once(ctx, vm, &msg);
		left = markers_left(vm);
		ztest_figure(ctx, "scrubbed_kib", vm->ram_scrubbed >> 10);
	});
	ZT_CHECK(ok); /* the new VM got the old one's RAM, and ran */
	ZT_CHECK_EQ(left, 0);
}
