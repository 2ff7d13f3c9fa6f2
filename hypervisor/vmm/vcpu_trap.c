/*
 * Traps from a guest, handled in place on the guest's own core: the guest's
 * registers are the trap frame.  Fast paths (hypercalls, PSCI, emulated
 * device registers, SGIs) return straight to the guest; what must leave the
 * guest (stop, crash) goes through vcpu_leave().
 */
#include "vmm/vcpu.h"
#include "arch/arm64/esr.h"
#include "arch/arm64/sysreg.h"
#include "kernel/irq.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "zvm/hypercall.h"
#include "vgic/vgic_lr.h"
#include "vmm/vm.h"
#include "vmm/vpsci.h"

#define PSCI_FN_FIRST		0x84000000u
#define PSCI_FN_LAST_64		0xc400001fu
#define PSCI_FN_LAST_32		0x8400001fu
#define HPFAR_FIPA_MASK		0x00000ffffffffff0ull	/* HPFAR_EL2.FIPA: IPA[51:12] */
#define HPFAR_FIPA_SHIFT	8
#define PAGE_OFFSET_MASK	0xfffull
#define INSN_SIZE		4
#define XZR			31

/* ICC_SGI1R_EL1 as an MSR trap ISS (ARM ARM D13.2.37, EC 0x18). */
#define SYSREG_ISS_MASK		0x3ffc1eu	/* Op0 Op2 Op1 CRn CRm, no Rt/dir */
#define SYSREG_ISS(op0, op1, crn, crm, op2) \
	(((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1))
#define ISS_ICC_SGI1R		SYSREG_ISS(3, 0, 12, 11, 5)
#define SYSREG_ISS_RT(iss)	(((iss) >> 5) & 0x1f)
#define SYSREG_ISS_READ		1u

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
	return (fn >= PSCI_FN_FIRST && fn <= PSCI_FN_LAST_32) ||
	       (fn >= (PSCI_FN_FIRST | 0x40000000u) && fn <= PSCI_FN_LAST_64);
}

static void handle_call(struct vcpu *v, struct trap_frame *f)
{
	uint32_t fn = (uint32_t)f->x[0];

	v->stats.hypercalls++;
	if (is_psci(fn)) {
		f->x[0] = (uint64_t)vpsci_call(v, f);
		return;
	}
	switch (fn) {
	case ZVM_HC_VERSION: f->x[0] = ZVM_HC_ABI_VERSION; break;
	case ZVM_HC_NULL: f->x[0] = 0; break;
	case ZVM_HC_HEARTBEAT: vm_heartbeat(v->vm); f->x[0] = 0; break;
	case ZVM_HC_CONSOLE_PUTC: vm_console_putc(v->vm, (char)f->x[1]); f->x[0] = 0; break;
	case ZVM_HC_VM_ID: f->x[0] = v->vm->id; break;
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
	/* Anything else ZVM traps reads as zero and ignores writes. */
	if (iss & SYSREG_ISS_READ)
		reg_write(f, SYSREG_ISS_RT(iss), 0);
}

static void handle_data_abort(struct vcpu *v, struct trap_frame *f)
{
	uint32_t iss = esr_iss(f->esr);
	uint64_t ipa = ((read_sysreg(hpfar_el2) & HPFAR_FIPA_MASK) << HPFAR_FIPA_SHIFT) |
		       (f->far & PAGE_OFFSET_MASK);
	unsigned size = 1u << ((iss >> ESR_DABT_SAS_SHIFT) & 3);
	unsigned rt = (iss >> ESR_DABT_SRT_SHIFT) & 0x1f;
	bool write = iss & ESR_DABT_WNR;
	uint64_t value = write ? reg_read(f, rt) : 0;

	if (!(iss & ESR_DABT_ISV))
		vm_crash(v, "unemulatable access to IPA 0x%lx at PC 0x%lx", ipa, f->elr);
	v->stats.mmio++;
	if (vm_mmio(v, ipa, size, write, &value))
		vm_crash(v, "%s of IPA 0x%lx outside its memory at PC 0x%lx",
			 write ? "write" : "read", ipa, f->elr);
	if (!write)
		reg_write(f, rt, value);
}

static void handle_sync(struct vcpu *v, struct trap_frame *f)
{
	unsigned ec = esr_class(f->esr);

	switch (ec) {
	case ESR_EC_HVC64:
		handle_call(v, f);
		return;			/* HVC's ELR already points past it */
	case ESR_EC_SMC64:
		handle_call(v, f);
		break;
	case ESR_EC_SYSREG:
		handle_sysreg(v, f, esr_iss(f->esr));
		break;
	case ESR_EC_DABT_LOWER:
		handle_data_abort(v, f);
		break;
	case ESR_EC_IABT_LOWER:
		vm_crash(v, "instruction fetch from IPA outside its memory, PC 0x%lx", f->elr);
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
		sem_take(&v->wake, WAIT_FOREVER);	/* the core idles meanwhile */
		req = __atomic_load_n(&v->requests, __ATOMIC_ACQUIRE);
		if (req & VCPU_REQ_STOP)
			vcpu_leave(v, VCPU_EXIT_STOP);
	}
	if (!direct)
		vgic_lr_sync(v);
}

void vcpu_trap(struct trap_frame *frame, unsigned kind)
{
	struct vcpu *v = vcpu_current();

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
}
