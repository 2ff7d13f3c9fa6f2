/* SMCCC architecture calls and KVM's vendor hypervisor services (smccc.h). */
#include "vmm/smccc.h"
#include "arch/arm64/sysreg.h"
#include "lib/psci_defs.h"
#include "lib/smccc_defs.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "zshm/zvm_time.h"

#define SMCCC_ARCH_FIRST 0x80000000u
#define SMCCC_ARCH_LAST  0x8000ffffu
#define NOT_SUPPORTED    ((uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED)
#define LOW32(v)         ((uint64_t)(uint32_t)(v))
#define HIGH32(v)        ((uint64_t)((v) >> 32))

bool smccc_owns(uint32_t fn)
{
	return (fn >= SMCCC_ARCH_FIRST && fn <= SMCCC_ARCH_LAST) ||
	       (fn >= SMCCC_VENDOR_HYP_FIRST && fn <= SMCCC_VENDOR_HYP_LAST);
}

/* ARCH_FEATURES: only the calls answered here; no workaround is offered. */
static uint64_t arch_features(uint32_t fn)
{
	switch (fn) {
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES: return 0;
	default: return NOT_SUPPORTED;
	}
}

/*
 * The PTP call: UTC and the counter sampled together (one counter read,
 * converted by the published relation), split in 32-bit halves as KVM
 * returns them: x0:x1 the time in ns, x2:x3 the counter.  The virtual
 * counter is the physical one less the VM's CNTVOFF.
 */
static void ptp(struct vcpu *v, struct trap_frame *f)
{
	struct timebase_snapshot s;
	uint64_t counter, ns;
	uint64_t which = f->x[1];

	if ((which != KVM_PTP_VIRT_COUNTER && which != KVM_PTP_PHYS_COUNTER) ||
	    !zvm_time_snapshot(&s)) {
		f->x[0] = NOT_SUPPORTED;
		return;
	}
	counter = counter_now();
	ns = zvm_time_at(&s, counter);
	zvm_time_count_ptp(v->vm->id, counter);
	if (which == KVM_PTP_VIRT_COUNTER)
		counter -= v->vm->cntvoff;
	f->x[0] = HIGH32(ns);
	f->x[1] = LOW32(ns);
	f->x[2] = HIGH32(counter);
	f->x[3] = LOW32(counter);
}

void smccc_call(struct vcpu *v, struct trap_frame *f)
{
	uint32_t fn = (uint32_t)f->x[0];

	switch (fn) {
	case SMCCC_VERSION: f->x[0] = SMCCC_VERSION_1_1; break;
	case SMCCC_ARCH_FEATURES: f->x[0] = arch_features((uint32_t)f->x[1]); break;
	case SMCCC_VENDOR_HYP_CALL_UID:
		f->x[0] = KVM_UID_W0;
		f->x[1] = KVM_UID_W1;
		f->x[2] = KVM_UID_W2;
		f->x[3] = KVM_UID_W3;
		break;
	case KVM_HYP_FEATURES:
		f->x[0] = (1u << KVM_FUNC_FEATURES) | (1u << KVM_FUNC_PTP);
		f->x[1] = f->x[2] = f->x[3] = 0;
		break;
	case KVM_HYP_PTP: ptp(v, f); break;
	default: f->x[0] = NOT_SUPPORTED; break;
	}
}
