/* Generic timer, EL2 physical instance (ARM ARM D11.2; CNTHP_CTL_EL2). */
#include "drivers/arch_timer.h"
#include "kernel/irq_priority.h"
#include "drivers/gicv3.h"
#include "arch/arm64/sysreg.h"
#include "lib/generic_timer_defs.h"

#define CNTHCTL_EL1PCTEN (1u << 0) /* EL1 may read the physical counter */
#define CNTHCTL_EL1PCEN  (1u << 1) /* EL1 may use the physical timer */

void arch_timer_init_cpu(unsigned intid)
{
	write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	write_sysreg(cntvoff_el2, 0);
	gic_set_priority(intid, IRQ_PRIO_TIMER);
	gic_enable_irq(intid);
}

/* Tickless: the timer is only ever armed for the next real deadline. */
void arch_timer_set_deadline(uint64_t counter_value)
{
	write_sysreg(cnthp_cval_el2, counter_value);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void arch_timer_stop(void)
{
	write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	isb();
}
