/* Just enough GICv3 for one vCPU's virtual timer interrupt. */
#include <stdint.h>

#include "gic.h"
#include "zvm/guest_layout.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_G1_ARE	((1u << 1) | (1u << 4))
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(1u << 1)
#define GICR_WAKER_ASLEEP	(1u << 2)
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_IPRIORITYR		0x0400
#define TIMER_PRIORITY		0x80

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

	w32(GUEST_GICD_BASE + GICD_CTLR, GICD_CTLR_G1_ARE);
	w32(rd + GICR_WAKER, r32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (r32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	w32(rd + GICR_SGI + GICR_IGROUPR0, ~0u);
	*(volatile uint8_t *)(uintptr_t)(rd + GICR_SGI + GICR_IPRIORITYR + intid) = TIMER_PRIORITY;
	w32(rd + GICR_SGI + GICR_ISENABLER0, 1u << intid);
	__asm__ volatile("msr icc_sre_el1, %0; isb" : : "r"(1ull));
	__asm__ volatile("msr icc_pmr_el1, %0" : : "r"(0xffull));
	__asm__ volatile("msr icc_igrpen1_el1, %0; isb" : : "r"(1ull));
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
