/* Generic timer access (Arm ARM D11). */
#include "drivers/timer.h"
#include "arch/cpu.h"

/* CNTV_CTL_EL0 / CNTP_CTL_EL0 bits (D13.8.17). */
#define CNT_CTL_ENABLE (1u << 0)

uint64_t timer_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

uint64_t timer_frequency(void)
{
	return read_sysreg(cntfrq_el0);
}

void vtimer_set_deadline(uint64_t deadline)
{
	write_sysreg(cntv_cval_el0, deadline);
	write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
	isb();
}

void vtimer_stop(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

uint64_t vtimer_deadline(void)
{
	return read_sysreg(cntv_cval_el0);
}

void ptimer_set_deadline(uint64_t deadline)
{
	write_sysreg(cntp_cval_el0, deadline);
	write_sysreg(cntp_ctl_el0, CNT_CTL_ENABLE);
	isb();
}

void ptimer_stop(void)
{
	write_sysreg(cntp_ctl_el0, 0);
	isb();
}

uint64_t ptimer_now(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}
