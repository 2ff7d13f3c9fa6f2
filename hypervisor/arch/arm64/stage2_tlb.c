/*
 * The AArch64 half of stage 2: installing a VM's tables on a core and
 * invalidating its TLB entries.  ZVM runs with HCR_EL2.E2H == 0.
 */
#include "arch/arm64/stage2.h"
#include "arch/arm64/sysreg.h"

void stage2_activate(const struct stage2 *s2)
{
	write_sysreg(vtcr_el2, stage2_vtcr(read_sysreg(id_aa64mmfr0_el1)));
	write_sysreg(vttbr_el2, stage2_vttbr(s2));
	isb();
}

/*
 * "TLBI VMALLS12E1IS" takes the VMID from VTTBR_EL2 (ARM ARM, TLB
 * maintenance instructions: TLBI VMALLS12E1IS), so the target VM's VTTBR is installed for the
 * duration of the flush, with interrupts masked so that nothing on this
 * core runs with the borrowed VMID, and the core's own value is put back.
 * The broadcast reaches every core of the inner-shareable domain, whichever
 * VM they run.
 */
void stage2_flush_tlb(const struct stage2 *s2)
{
	uint64_t flags = irq_save();
	uint64_t saved = read_sysreg(vttbr_el2);
	uint64_t target = stage2_vttbr(s2);

	dsb(ishst); /* descriptor writes reach the walkers first */
	if (saved != target) {
		write_sysreg(vttbr_el2, target);
		isb();
	}
	__asm__ volatile("tlbi vmalls12e1is" ::: "memory");
	dsb(ish);
	if (saved != target)
		write_sysreg(vttbr_el2, saved);
	isb();
	irq_restore(flags);
}
