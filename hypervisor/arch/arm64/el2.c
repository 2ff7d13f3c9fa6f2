/*
 * EL2 controls.  With HCR_EL2.IMO clear a physical IRQ targets EL1 and is
 * never taken while the core runs at EL2, so ZVM routes IRQs, FIQs and
 * SErrors to itself first thing.  A guest core adds stage-2 and its traps.
 */
#include "arch/arm64/el2.h"
#include "arch/arm64/el1_reset.h"
#include "arch/arm64/pmu.h"
#include "arch/arm64/sysreg.h"

#define VMPIDR_RES1 (1ull << 31)

void el2_init_cpu(void)
{
	write_sysreg(hcr_el2, HCR_HOST);
	isb();
}

void el2_enter_guest_mode(const struct el2_guest_setup *setup)
{
	write_sysreg(vtcr_el2, setup->vtcr);
	write_sysreg(vttbr_el2, setup->vttbr);
	write_sysreg(vmpidr_el2, setup->vmpidr | VMPIDR_RES1);
	write_sysreg(cntvoff_el2, setup->cntvoff);
	el1_reset_all(); /* nothing of a previous guest of this core is left */
	write_sysreg(mdcr_el2, setup->mdcr);
	write_sysreg(hcr_el2, setup->direct_irq ? HCR_GUEST_DIRECT : HCR_GUEST);
	isb();
	__asm__ volatile("tlbi vmalls12e1" ::: "memory");
	dsb(nsh);
	isb();
}

void el2_enter_host_mode(void)
{
	write_sysreg(hcr_el2, HCR_HOST);
	write_sysreg(mdcr_el2, pmu_host_mdcr());
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	isb();
}
