/*
 * With HCR_EL2.IMO clear a physical IRQ targets EL1 and is never taken
 * while the core runs at EL2, so ZVM routes IRQs, FIQs and SErrors to
 * itself before anything else.
 */
#include "arch/arm64/el2.h"
#include "arch/arm64/sysreg.h"

void el2_init_cpu(void)
{
	write_sysreg(hcr_el2, HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO);
	isb();
}
