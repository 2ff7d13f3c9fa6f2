/*
 * Emulated PSCI.  CPU_ON starts a sibling vCPU's thread on its own core;
 * CPU_OFF parks the caller's; SYSTEM_OFF and SYSTEM_RESET end or restart
 * the whole VM, never the board.
 */
#include "vmm/vpsci.h"
#include "arch/arm64/psci.h"
#include "lib/gicv3_defs.h"
#include "lib/smccc_defs.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

/* SYSTEM_RESET2's reset type in x1 (DEN 0022D 5.1.19). */
#define RESET2_VENDOR    (1ull << 31)
#define RESET2_WARM      0 /* SYSTEM_WARM_RESET, architectural */
#define RESET2_TYPE_MASK 0xffffffffull

static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (vm->vcpus[i].mpidr == (mpidr & MPIDR_AFFINITY_MASK))
			return &vm->vcpus[i];
	}
	return 0;
}

static int64_t cpu_on(struct vcpu *v, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	struct vcpu *target = vcpu_by_mpidr(v->vm, mpidr);

	if (!target)
		return PSCI_INVALID_PARAMS;
	return vm_vcpu_power_on(target, entry, ctx);
}

static int64_t affinity_info(struct vcpu *v, uint64_t mpidr, uint64_t level)
{
	struct vcpu *target = vcpu_by_mpidr(v->vm, mpidr);

	if (level != 0 || !target)
		return PSCI_INVALID_PARAMS;
	return target->power == VCPU_ON ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
}

static int64_t features(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_64:
	case PSCI_CPU_ON_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_RESET2_32:
	case PSCI_SYSTEM_RESET2_64:
	/* SMCCC 1.1 is there: Linux then asks SMCCC_VERSION (DEN 0022D 5.1.14). */
	case SMCCC_VERSION: return 0;
	default: return PSCI_NOT_SUPPORTED;
	}
}

/*
 * ZVM boots Linux with "panic=-1 reboot=panic_warm" (vm_run.c): after a
 * panic Linux resets at once, as a warm reset, which its PSCI driver makes
 * SYSTEM_RESET2; an ordinary reboot is cold: SYSTEM_RESET.  So for Linux a
 * warm reset is its panic.  Other guests' resets are reboots.
 */
static int64_t system_reset2(struct vcpu *v, uint64_t type)
{
	type &= RESET2_TYPE_MASK;
	if (!(type & RESET2_VENDOR) && type != RESET2_WARM)
		return PSCI_INVALID_PARAMS;
	if (type == RESET2_WARM && v->vm->cfg.os_type == VM_OS_LINUX)
		vm_guest_power_event(v, VM_EVENT_PANIC_RESET);
	vm_guest_power_event(v, VM_EVENT_SYSTEM_RESET);
}

int64_t vpsci_call(struct vcpu *v, struct trap_frame *f)
{
	uint32_t fn = (uint32_t)f->x[0];

	switch (fn) {
	case PSCI_VERSION: return VPSCI_VERSION_1_1;
	case PSCI_FEATURES: return features((uint32_t)f->x[1]);
	case PSCI_MIGRATE_INFO_TYPE: return PSCI_MIGRATE_NOT_REQUIRED;
	case PSCI_CPU_ON_64:
	case PSCI_CPU_ON_32: return cpu_on(v, f->x[1], f->x[2], f->x[3]);
	case PSCI_AFFINITY_INFO_64:
	case PSCI_AFFINITY_INFO_32: return affinity_info(v, f->x[1], f->x[2]);
	case PSCI_CPU_OFF: vcpu_leave(v, VCPU_EXIT_OFF);
	case PSCI_SYSTEM_OFF: vm_guest_power_event(v, VM_EVENT_SYSTEM_OFF);
	case PSCI_SYSTEM_RESET: vm_guest_power_event(v, VM_EVENT_SYSTEM_RESET);
	case PSCI_SYSTEM_RESET2_32:
	case PSCI_SYSTEM_RESET2_64: return system_reset2(v, f->x[1]);
	default: return PSCI_NOT_SUPPORTED;
	}
}
