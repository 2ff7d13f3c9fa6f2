/*
 * Injecting an exception into the guest that runs on this core.  Its EL1
 * registers are live here (the core is the vCPU's alone), so they are
 * written directly; the trap frame's ELR/SPSR are what the eret restores.
 */
#include "arch/arm64/guest_exception.h"
#include "arch/arm64/sysreg.h"
#include "arch/arm64/trap_frame.h"

#define ID_MMFR1_PAN_SHIFT 20 /* ID_AA64MMFR1_EL1.PAN (ARM ARM D13.2.65) */
#define ID_PFR1_SSBS_SHIFT 4  /* ID_AA64PFR1_EL1.SSBS (ARM ARM D13.2.69) */
#define ID_FIELD_MASK      0xfull

static struct guest_cpu_features cpu_features(void)
{
	struct guest_cpu_features f = {
		.pan = (read_sysreg(id_aa64mmfr1_el1) >> ID_MMFR1_PAN_SHIFT & ID_FIELD_MASK) != 0,
		.ssbs = (read_sysreg(id_aa64pfr1_el1) >> ID_PFR1_SSBS_SHIFT & ID_FIELD_MASK) != 0,
	};
	return f;
}

uint64_t guest_sync_vector(const struct trap_frame *f)
{
	return read_sysreg(vbar_el1) + guest_sync_vector_offset(f->spsr);
}

void guest_inject_abort(struct trap_frame *f, uint64_t esr, uint64_t va)
{
	struct guest_cpu_features feat = cpu_features();
	uint64_t from = f->spsr;
	uint64_t vector = guest_sync_vector(f);

	write_sysreg(esr_el1, esr);
	write_sysreg(far_el1, va);
	write_sysreg(elr_el1, f->elr);
	write_sysreg(spsr_el1, from);
	f->spsr = guest_entry_pstate(from, read_sysreg(sctlr_el1), &feat);
	f->elr = vector;
}
