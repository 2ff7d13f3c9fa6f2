/*
 * Built-in scheduling and pinning tests with VMs: every vCPU runs on its
 * own core and nowhere else, a VM's stage-2 holds only its own memory, and
 * ZVM's core stays responsive while a guest storms on its core.
 */
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "selftest/ztest.h"
#include "selftest/ztest_util.h"
#include "selftest/ztest_vm.h"
#include "zvm/guest_layout.h"

#define PIN_SAMPLES        2000
#define RESPONSIVE_SLEEPS  100
/* "Responsive": a 1 ms sleep on ZVM's core never ends this late, however
 * the guest storms.  Generous, so that a loaded host is not a failure. */
#define RESPONSIVE_LATE_MS 1000

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

static bool ram_is_own(struct ztest_ctx *ctx, struct vm *vm)
{
	uint64_t pa;
	enum stage2_mem type;

	for (uint64_t off = 0; off < vm->cfg.ram.size; off += PAGE_SIZE) {
		if (!stage2_translate(&vm->s2, vm->cfg.ram.base + off, &pa, &type) ||
		    pa != vm->ram_pa + off || type != STAGE2_RAM)
			return ztest_fail(ctx, __FILE__, __LINE__, "guest page 0x%lx", off), false;
	}
	return true;
}

static bool shares_nothing(struct ztest_ctx *ctx, struct vm *vm)
{
	extern char _head[], _end[];

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
	return true;
}

/* The emulated devices and the space past its RAM are not mapped: they trap. */
static bool devices_unmapped(struct ztest_ctx *ctx, struct vm *vm)
{
	const uint64_t unmapped[] = { GUEST_GICD_BASE, GUEST_GICR_BASE, GUEST_UART_BASE,
		                      vm->cfg.ram.base + vm->cfg.ram.size, 0 };
	uint64_t pa;
	enum stage2_mem type;

	for (unsigned i = 0; i < ZT_ARRAY_SIZE(unmapped); i++) {
		if (stage2_translate(&vm->s2, unmapped[i], &pa, &type))
			return ztest_fail(ctx, __FILE__, __LINE__, "IPA 0x%lx is mapped",
			                  unmapped[i]),
			       false;
	}
	return true;
}

/* Stage-2 maps the VM's own block, nothing of ZVM or of the other VMs. */
ZTEST(sched, vm_isolation)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, {
		if (ram_is_own(ctx, vm) && shares_nothing(ctx, vm))
			devices_unmapped(ctx, vm);
	});
}

/* What runs on core c now is the guest of the vCPU that owns c, or none. */
static bool core_runs_its_own(struct ztest_ctx *ctx, unsigned c)
{
	struct percpu *cpu = cpu_data(c);
	struct vcpu *running = __atomic_load_n(&cpu->vcpu, __ATOMIC_RELAXED);

	if (!running)
		return true;
	if (running->cpu == c && cpu->owner == running)
		return true;
	ztest_fail(ctx, __FILE__, __LINE__,
	           "core %u runs vCPU %u of vm %u, which belongs on core %u", c, running->index,
	           running->vm->id, running->cpu);
	return false;
}

static void sample_pinning(struct ztest_ctx *ctx, struct vm *vm)
{
	unsigned seen_guest = 0;

	if (!zt_vm_start_beating(ctx, vm))
		return;
	for (unsigned sample = 0; sample < PIN_SAMPLES; sample++) {
		for (unsigned c = 0; c < cpus_possible; c++) {
			if (!core_runs_its_own(ctx, c))
				return;
			seen_guest += cpu_data(c)->vcpu != 0;
		}
		if (sample % 100 == 0)
			thread_sleep(ms_to_ticks(1));
	}
	ztest_figure(ctx, "samples", PIN_SAMPLES);
	ztest_figure(ctx, "guest_seen", seen_guest);
	if (!seen_guest)
		ztest_fail(ctx, __FILE__, __LINE__, "no core was ever seen in a guest");
}

/*
 * With the test VM running beside the system's VMs, samples which guest
 * every core runs: never one whose vCPU belongs to another core.
 */
ZTEST(sched, vcpus_stay_on_their_cores)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, sample_pinning(ctx, vm));
}

/* The worst lateness of RESPONSIVE_SLEEPS 1 ms sleeps on ZVM's core, in ms. */
static uint64_t worst_lateness_ms(void)
{
	uint64_t worst = 0, period = ms_to_ticks(1);

	for (unsigned i = 0; i < RESPONSIVE_SLEEPS; i++) {
		uint64_t due = time_now() + period;
		thread_sleep(period);
		uint64_t late = time_now() - due;
		worst = late > worst ? late : worst;
	}
	return ticks_to_ns(worst) / 1000000;
}

static void sleep_through_storm(struct ztest_ctx *ctx, struct vm *vm)
{
	if (!zt_vm_start_beating(ctx, vm) || !zt_vm_key(ctx, vm, 's'))
		return;
	uint64_t late = worst_lateness_ms();
	bool storming = vm->state == VM_RUNNING;

	ztest_figure(ctx, "worst_late_ms", late);
	if (late > RESPONSIVE_LATE_MS)
		ztest_fail(ctx, __FILE__, __LINE__, "a 1 ms sleep ended %lu ms late", late);
	else if (!storming)
		ztest_fail(ctx, __FILE__, __LINE__, "the storm ended too soon: %s", vm->reason);
}

/* A guest storming its own core takes nothing from ZVM's. */
ZTEST(sched, zvm_core_responsive_in_guest_storm)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, sleep_through_storm(ctx, vm));
}
