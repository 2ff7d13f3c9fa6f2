/*
 * Traps from a guest, handled in place on the guest's own core: the guest's
 * registers are the trap frame.  Fast paths (hypercalls, PSCI, emulated
 * device registers, SGIs) return straight to the guest; what must leave the
 * guest (stop, crash) goes through vcpu_leave().
 */
#include "vmm/vcpu.h"
#include "vmm/vcpu_time.h"
#include "arch/arm64/debug_regs.h"
#include "arch/arm64/esr.h"
#include "arch/arm64/guest_exception.h"
#include "arch/arm64/pmu.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/trap.h"
#include "kernel/irq.h"
#include "kernel/irq_priority.h"
#include "kernel/log.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "lib/psci_defs.h"
#include "zvm/hypercall.h"
#include "vgic/vgic_direct.h"
#include "vgic/vgic_lr.h"
#include "vmm/guest_fault.h"
#include "vmm/mmio.h"
#include "vmm/vm.h"
#include "vmm/smccc.h"
#include "vmm/vpsci.h"
#include "zshm/zshm.h"
#include "zshm/zvm_time.h"

#define INSN_SIZE 4
#define XZR       31

/* ICC_SGI1R_EL1 as an MSR trap ISS (ARM ARM D13.2.37, EC 0x18). */
#define SYSREG_ISS_MASK 0x3ffc1eu /* Op0 Op2 Op1 CRn CRm, no Rt/dir */
#define SYSREG_ISS(op0, op1, crn, crm, op2) \
	(((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1))
#define ISS_ICC_SGI1R      SYSREG_ISS(3, 0, 12, 11, 5)
#define SYSREG_ISS_RT(iss) (((iss) >> 5) & 0x1f)
#define SYSREG_ISS_READ    1u

static uint64_t reg_read(const struct trap_frame *f, unsigned r)
{
	return r == XZR ? 0 : f->x[r];
}

static void reg_write(struct trap_frame *f, unsigned r, uint64_t v)
{
	if (r != XZR)
		f->x[r] = v;
}

static bool is_psci(uint32_t fn)
{
	return (fn >= PSCI_FN_BASE_32 && fn <= PSCI_FN_LAST_32) ||
	       (fn >= PSCI_FN_BASE_64 && fn <= PSCI_FN_LAST_64);
}

static void handle_call(struct vcpu *v, struct trap_frame *f)
{
	uint32_t fn = (uint32_t)f->x[0];

	v->stats.hypercalls++;
	if (is_psci(fn)) {
		f->x[0] = (uint64_t)vpsci_call(v, f);
		return;
	}
	if (smccc_owns(fn)) {
		smccc_call(v, f);
		return;
	}
	switch (fn) {
	case ZVM_HC_VERSION: f->x[0] = ZVM_HC_ABI_VERSION; break;
	case ZVM_HC_NULL: f->x[0] = 0; break;
	case ZVM_HC_HEARTBEAT:
		vm_heartbeat(v->vm);
		f->x[0] = 0;
		break;
	case ZVM_HC_CONSOLE_PUTC:
		vm_console_putc(v->vm, (char)f->x[1]);
		f->x[0] = 0;
		break;
	case ZVM_HC_VM_ID: f->x[0] = v->vm->id; break;
	case ZVM_HC_ZSHM_NOTIFY: f->x[0] = (uint64_t)zshm_notify(v, f->x[1], f->x[2]); break;
	case ZVM_HC_TIME_REPORT:
		f->x[0] = (uint64_t)zvm_time_report(v->vm->id, f->x[1] + v->vm->cntvoff, f->x[2]);
		break;
	default: f->x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED; break;
	}
}

static void handle_sysreg(struct vcpu *v, struct trap_frame *f, uint32_t iss)
{
	v->stats.sysreg++;
	if ((iss & SYSREG_ISS_MASK) == ISS_ICC_SGI1R && !(iss & SYSREG_ISS_READ)) {
		vm_send_sgi(v, reg_read(f, SYSREG_ISS_RT(iss)));
		return;
	}
	if (debug_is_reg(iss)) {
		uint64_t value = reg_read(f, SYSREG_ISS_RT(iss));

		debug_emulate(iss, &value);
		if (iss & SYSREG_ISS_READ)
			reg_write(f, SYSREG_ISS_RT(iss), value);
		return;
	}
	if (pmu_is_reg(iss)) {
		uint64_t value = reg_read(f, SYSREG_ISS_RT(iss));

		pmu_emulate(iss, &value);
		if (iss & SYSREG_ISS_READ)
			reg_write(f, SYSREG_ISS_RT(iss), value);
		return;
	}
	/* Anything else ZVM traps reads as zero and ignores writes. */
	if (iss & SYSREG_ISS_READ)
		reg_write(f, SYSREG_ISS_RT(iss), 0);
}

/* The access is the guest's fault: it gets the abort a real bus would give. */
static void give_abort(struct vcpu *v, struct trap_frame *f, const struct guest_abort *a)
{
	__atomic_fetch_add(&v->vm->aborts_injected, 1, __ATOMIC_RELAXED);
	guest_inject_abort(f, guest_external_dabt_esr(f->spsr, a->write), a->va);
}

/* The first faults of a VM are logged, then every power of two: a guest
 * that loops on its own fault handler cannot flood the log. */
#define FAULT_LOG_FIRST 8

static bool fault_log_due(uint64_t n)
{
	return n <= FAULT_LOG_FIRST || (n & (n - 1)) == 0;
}

/*
 * An access nothing of the VM can take: counted and logged, then the VM's
 * abort-policy.  Returns only when the guest takes an abort.
 */
static void guest_fault(struct vcpu *v, struct trap_frame *f, enum guest_fault kind,
                        const struct guest_abort *a, bool fetch)
{
	struct vm *vm = v->vm;
	char what[VM_REASON_MAX];
	uint64_t n;

	guest_fault_describe(kind, a, fetch, f->elr, what, sizeof(what));
	__atomic_fetch_add(&vm->faults[kind], 1, __ATOMIC_RELAXED);
	n = __atomic_add_fetch(&vm->guest_faults, 1, __ATOMIC_RELAXED);
	if (vm->cfg.abort_policy == VM_ABORT_CRASH)
		vm_crash(v, "%s", what);
	/* A fetch abort at the vector it would be sent to would come straight
	 * back: no handler to run, only a loop. */
	if (fetch && f->elr == guest_sync_vector(f))
		vm_crash(v, "%s (its own exception vector)", what);
	if (fault_log_due(n))
		log_msg(LOG_WARN, "vm %u '%s': %s: abort injected (fault %lu)", vm->id,
		        vm->cfg.name, what, n);
	__atomic_fetch_add(&vm->aborts_injected, 1, __ATOMIC_RELAXED);
	guest_inject_abort(f,
	                   fetch ? guest_external_iabt_esr(f->spsr) :
	                           guest_external_dabt_esr(f->spsr, a->write),
	                   a->va);
}

/* The device's handler runs under the VM's lock; whom it interrupted is
 * kicked after. */
static int emulate(struct vm *vm, const struct mmio_region *r, const struct guest_abort *a,
                   uint64_t *value)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	int err = r->handler(r->dev, a->ipa - r->base, a->size, a->write, value);
	uint32_t kicks = vgic_take_kicks(&vm->vgic);

	spin_unlock_irqrestore(&vm->lock, flags);
	vm_kick_vcpus(vm, kicks);
	return err;
}

/* Returns whether the access was done (the guest goes on after it). */
static bool handle_data_abort(struct vcpu *v, struct trap_frame *f)
{
	struct guest_abort a = arch_decode_abort(f->esr, f->far, read_sysreg(hpfar_el2));
	const struct mmio_region *r;
	uint64_t value;

	enum guest_fault kind;

	if (!abort_is_mmio_candidate(&a)) {
		give_abort(v, f, &a);
		return false;
	}
	r = mmio_find(&v->vm->mmio, a.ipa);
	kind = guest_fault_classify(&a, false, r != NULL);
	if (kind != GUEST_FAULT_NONE) {
		guest_fault(v, f, kind, &a, false);
		return false;
	}
	v->stats.mmio++;
	value = a.write ? abort_store_value(&a, reg_read(f, a.reg)) : 0;
	if (emulate(v->vm, r, &a, &value)) {
		give_abort(v, f, &a); /* a width or alignment the register refuses */
		return false;
	}
	if (!a.write)
		reg_write(f, a.reg, abort_load_value(&a, value));
	return true;
}

/* A fetch ZVM cannot serve: nothing but RAM is executable for a guest. */
static void handle_fetch_abort(struct vcpu *v, struct trap_frame *f)
{
	struct guest_abort a = arch_decode_abort(f->esr, f->far, read_sysreg(hpfar_el2));

	if (!abort_is_mmio_candidate(&a)) {
		__atomic_fetch_add(&v->vm->aborts_injected, 1, __ATOMIC_RELAXED);
		guest_inject_abort(f, guest_external_iabt_esr(f->spsr), a.va);
		return;
	}
	guest_fault(v, f, guest_fault_classify(&a, true, false), &a, true);
}

/*
 * A stop that the vCPU's interrupts could not deliver revokes its stage-2
 * map (vm_run.c): the abort that follows is the way out, not the guest's
 * access to emulate or to count against it.
 */
static void leave_if_stopping(struct vcpu *v)
{
	if (__atomic_load_n(&v->requests, __ATOMIC_ACQUIRE) & VCPU_REQ_STOP)
		vcpu_leave(v, VCPU_EXIT_STOP);
}

/*
 * WFI of a direct-delivery guest (HCR_EL2.TWI there only): the core waits
 * here, at EL2, woken by the guest's interrupts and by ZVM's alike.  A
 * guest that holds the running priority at or above ZVM's FIQs (ICC_AP1Rn)
 * would never be woken again by them: it gets a WFI that completes at
 * once, which the architecture allows (ARM ARM D1, "Wait for Interrupt"),
 * and ZVM sees every return to it.  The wait is the vCPU's idle time
 * (vmm/vcpu_time.h).
 */
static void direct_wfi(struct vcpu *v)
{
	if (read_sysreg(icc_rpr_el1) <= IRQ_PRIO_OWN_FIQ)
		return;
	vcpu_time_sleeps(v);
	wfi();
	vcpu_time_wakes(v);
}

static void handle_sync(struct vcpu *v, struct trap_frame *f)
{
	unsigned ec = esr_class(f->esr);

	switch (ec) {
	case ESR_EC_WFX: direct_wfi(v); break;
	case ESR_EC_HVC64: handle_call(v, f); return; /* HVC's ELR already points past it */
	case ESR_EC_SMC64: handle_call(v, f); break;
	case ESR_EC_SYSREG: handle_sysreg(v, f, esr_iss(f->esr)); break;
	case ESR_EC_DABT_LOWER:
		leave_if_stopping(v);
		if (!handle_data_abort(v, f))
			return; /* the guest takes an abort instead */
		break;
	case ESR_EC_IABT_LOWER:
		leave_if_stopping(v);
		handle_fetch_abort(v, f);
		return; /* the guest takes an abort */
	default: {
		char what[96];
		esr_describe(f->esr, what, sizeof(what));
		vm_crash(v, "unexpected trap: %s at PC 0x%lx", what, f->elr);
	}
	}
	f->elr += INSN_SIZE;
}

/* Last thing before every return to the guest: requests, then interrupts. */
static void before_guest_return(struct vcpu *v)
{
	uint32_t req = __atomic_load_n(&v->requests, __ATOMIC_ACQUIRE);

	if (req & VCPU_REQ_STOP)
		vcpu_leave(v, VCPU_EXIT_STOP);
	bool direct = v->vm->cfg.direct_irq;

	while (req & VCPU_REQ_PAUSE) {
		if (!direct)
			vgic_lr_save(v);
		vcpu_time_switch(v, 0);
		sem_take(&v->wake, WAIT_FOREVER); /* the core idles meanwhile */
		vcpu_time_switch(v, &v->stats.el2_ticks);
		req = __atomic_load_n(&v->requests, __ATOMIC_ACQUIRE);
		if (req & VCPU_REQ_STOP)
			vcpu_leave(v, VCPU_EXIT_STOP);
	}
	if (direct)
		vgic_direct_sync(v);
	else
		vgic_lr_sync(v);
}

/* Every exception from a guest comes here straight from the vectors. */
void vcpu_trap(struct trap_frame *frame, unsigned kind)
{
	struct vcpu *v = vcpu_current();

	if (!v)
		trap_fault_report(frame, kind); /* a lower EL, but no guest: a bug */
	vcpu_time_switch(v, &v->stats.el2_ticks);
	v->stats.traps++;
	if (kind == VEC_IRQ_LOWER || kind == VEC_FIQ_LOWER) {
		v->stats.irqs++;
		irq_dispatch();
		sched_irq_exit();
	} else if (kind == VEC_SYNC_LOWER) {
		handle_sync(v, frame);
	} else {
		vm_crash(v, "%s from the guest at PC 0x%lx",
		         kind == VEC_SERROR_LOWER ? "SError" : "AArch32 exception", frame->elr);
	}
	before_guest_return(v);
	vcpu_time_switch(v, &v->stats.guest_ticks);
}
