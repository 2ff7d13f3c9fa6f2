/*
 * Keys that keep a direct-delivery guest's core from ZVM every way its CPU
 * interface allows (issue 12); each prints one line and never returns.
 * ZVM must stop the VM all the same (tests/system/test_direct_stop.py):
 *   C  spin on CNTVCT_EL0, nothing masked
 *   M  PMR 0, both interrupt groups off, DAIF masked, spin
 *   p  ICC_AP1R0_EL1 bit 0: running priority 0x00, DAIF masked, spin
 *   W  the same, waiting in WFI instead
 *   T  its timer PPI at priority 0, acknowledged and never ended, spin
 */
#include <stdint.h>

#include "gic.h"
#include "guest.h"
#include "lib/gicv3_defs.h"
#include "zvm/guest_layout.h"

/* By encoding (op0 3, op1 0, CRn 12, CRm 9, op2 0): older assemblers. */
#define ICC_AP1R0_EL1      "S3_0_C12_C9_0"
#define GIC_INTID_SPURIOUS 1023
#define CNT_CTL_ENABLE     1u

static void __attribute__((noreturn)) spin_on_counter(void)
{
	uint64_t t;

	for (;;)
		__asm__ volatile("mrs %0, cntvct_el0" : "=r"(t));
}

static void __attribute__((noreturn)) interfaces_off(void)
{
	puts("holding off every interrupt: PMR 0, both groups off, DAIF masked\n");
	__asm__ volatile("msr icc_pmr_el1, %0; msr icc_igrpen1_el1, %0; msr icc_igrpen0_el1, %0; "
	                 "msr daifset, #0xf; isb"
	                 :
	                 : "r"(0ull));
	for (;;)
		;
}

static void __attribute__((noreturn)) running_priority_zero(bool wait)
{
	puts(wait ? "holding off every interrupt: running priority 0, in WFI\n" :
	            "holding off every interrupt: running priority 0\n");
	__asm__ volatile("msr " ICC_AP1R0_EL1 ", %0; msr daifset, #0xf; isb" : : "r"(1ull));
	for (;;) {
		if (wait)
			__asm__ volatile("wfi");
	}
}

/* Priority 0 is the guest's to ask for; what it gets is ZVM's business. */
static void __attribute__((noreturn)) timer_at_priority_zero_never_ended(void)
{
	volatile uint8_t *prio =
	        (volatile uint8_t *)(uintptr_t)(GUEST_GICR_BASE + GICR_IPRIORITYR0 +
	                                        GUEST_INTID_VIRT_TIMER);
	unsigned intid;

	__asm__ volatile("msr daifset, #0xf; isb");
	*prio = 0;
	__asm__ volatile("msr cntv_cval_el0, xzr; msr cntv_ctl_el0, %0; isb"
	                 :
	                 : "r"((uint64_t)CNT_CTL_ENABLE));
	do
		intid = gic_ack();
	while (intid == GIC_INTID_SPURIOUS);
	puts("acknowledged interrupt ");
	putu(intid);
	puts(" at priority 0, never ending it\n");
	spin_on_counter();
}

bool holdoff_key(int c)
{
	switch (c) {
	case 'C': puts("spinning on the counter, nothing masked\n"); spin_on_counter();
	case 'M': interfaces_off();
	case 'p': running_priority_zero(false);
	case 'W': running_priority_zero(true);
	case 'T': timer_at_priority_zero_never_ended();
	default: return false;
	}
}
