/* Just enough GICv3 for one vCPU's virtual timer interrupt. */
#include <stdint.h>

#include "gic.h"
#include "lib/gicv3_defs.h"
#include "zvm/guest_layout.h"

#define TIMER_PRIORITY 0x80

static void w32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static uint32_t r32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

void gic_init(unsigned intid)
{
	uint64_t rd = GUEST_GICR_BASE;

	w32(GUEST_GICD_BASE + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1);
	w32(rd + GICR_WAKER, r32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (r32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	w32(rd + GICR_IGROUPR0, ~0u);
	*(volatile uint8_t *)(uintptr_t)(rd + GICR_IPRIORITYR0 + intid) = TIMER_PRIORITY;
	w32(rd + GICR_ISENABLER0, 1u << intid);
	__asm__ volatile("msr icc_sre_el1, %0; isb" : : "r"((uint64_t)ICC_SRE_SRE));
	__asm__ volatile("msr icc_pmr_el1, %0" : : "r"((uint64_t)ICC_PMR_ALLOW_ALL));
	__asm__ volatile("msr icc_igrpen1_el1, %0; isb" : : "r"((uint64_t)ICC_IGRPEN_ENABLE));
}

unsigned gic_ack(void)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
	return (unsigned)iar;
}

void gic_end(unsigned intid)
{
	__asm__ volatile("msr icc_eoir1_el1, %0; isb" : : "r"((uint64_t)intid));
}
