/*
 * EL2 controls.  With HCR_EL2.IMO clear a physical IRQ targets EL1 and is
 * never taken while the core runs at EL2, so ZVM routes IRQs, FIQs and
 * SErrors to itself first thing.  A guest core adds stage-2 and its traps.
 */
#include "arch/arm64/el2.h"
#include "arch/arm64/sysreg.h"

#define VMPIDR_RES1     (1ull << 31)
#define SCTLR_EL1_RESET 0x30d00800ull /* RES1 bits; MMU and caches off */
#define CPACR_EL1_FPEN  (3ull << 20)  /* no FP/SIMD traps at EL1/EL0 */

void el2_init_cpu(void)
{
	write_sysreg(hcr_el2, HCR_HOST);
	isb();
}

/*
 * The guest finds its core as after reset: the vCPU owns the core, so no
 * other EL1 state needs saving around it, only clearing once here.
 */
static void reset_el1(void)
{
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	write_sysreg(tcr_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(vbar_el1, 0);
	write_sysreg(cpacr_el1, CPACR_EL1_FPEN);
	write_sysreg(cntkctl_el1, 0);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(contextidr_el1, 0);
}

void el2_enter_guest_mode(const struct el2_guest_setup *setup)
{
	write_sysreg(vtcr_el2, setup->vtcr);
	write_sysreg(vttbr_el2, setup->vttbr);
	write_sysreg(vmpidr_el2, setup->vmpidr | VMPIDR_RES1);
	write_sysreg(cntvoff_el2, setup->cntvoff);
	reset_el1();
	write_sysreg(hcr_el2, setup->direct_irq ? HCR_GUEST_DIRECT : HCR_GUEST);
	isb();
	__asm__ volatile("tlbi vmalls12e1" ::: "memory");
	dsb(nsh);
	isb();
}

void el2_enter_host_mode(void)
{
	write_sysreg(hcr_el2, HCR_HOST);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	isb();
}
