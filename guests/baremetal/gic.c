/* Just enough GICv3 for the virtual timer, SGIs between vCPUs and a few SPIs. */
#include <stdbool.h>
#include <stdint.h>

#include "gic.h"
#include "lib/gicv3_defs.h"
#include "zvm/guest_layout.h"

#define PRIORITY 0x80

static void w32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static uint32_t r32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

/* vCPU cpu's redistributor frames (its MPIDR Aff0 is cpu). */
static uint64_t redist(unsigned cpu)
{
	return GUEST_GICR_BASE + cpu * GUEST_GICR_STRIDE;
}

void gic_init_cpu(unsigned cpu)
{
	uint64_t rd = redist(cpu);

	w32(rd + GICR_WAKER, r32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (r32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	w32(rd + GICR_IGROUPR0, ~0u);
	__asm__ volatile("msr icc_sre_el1, %0; isb" : : "r"((uint64_t)ICC_SRE_SRE));
	__asm__ volatile("msr icc_pmr_el1, %0" : : "r"((uint64_t)ICC_PMR_ALLOW_ALL));
	__asm__ volatile("msr icc_igrpen1_el1, %0; isb" : : "r"((uint64_t)ICC_IGRPEN_ENABLE));
}

void gic_init(unsigned intid)
{
	w32(GUEST_GICD_BASE + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1);
	gic_init_cpu(0);
	gic_enable(intid);
}

void gic_enable_on(unsigned cpu, unsigned intid)
{
	*(volatile uint8_t *)(uintptr_t)(redist(cpu) + GICR_IPRIORITYR0 + intid) = PRIORITY;
	w32(redist(cpu) + GICR_ISENABLER0, 1u << intid);
}

void gic_enable(unsigned intid)
{
	gic_enable_on(0, intid);
}

void gic_disable(unsigned intid)
{
	w32(GUEST_GICR_BASE + GICR_ICENABLER0, 1u << intid);
}

bool gic_pending(unsigned intid)
{
	return r32(GUEST_GICR_BASE + GICR_ISPENDR0) >> intid & 1;
}

/* To this vCPU alone: its own affinity, its Aff0 in the target list. */
void gic_self_sgi(unsigned intid)
{
	uint64_t mpidr, aff0;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	aff0 = mpidr >> GIC_AFF0_SHIFT & GIC_AFF_FIELD;
	uint64_t sgi1r = (uint64_t)intid << ICC_SGI1R_INTID_SHIFT |
	                 (mpidr >> GIC_AFF1_SHIFT & GIC_AFF_FIELD) << ICC_SGI1R_AFF1_SHIFT |
	                 (mpidr >> GIC_AFF2_SHIFT & GIC_AFF_FIELD) << ICC_SGI1R_AFF2_SHIFT |
	                 (mpidr >> GIC_AFF3_SHIFT & GIC_AFF_FIELD) << ICC_SGI1R_AFF3_SHIFT |
	                 (aff0 / ICC_SGI1R_TARGETS_PER_RS) << ICC_SGI1R_RS_SHIFT |
	                 1ull << (aff0 % ICC_SGI1R_TARGETS_PER_RS);

	__asm__ volatile("msr icc_sgi1r_el1, %0; isb" : : "r"(sgi1r));
}

/* To vCPU cpu (Aff0 cpu, Aff1-3 zero), or with others to every vCPU but this one. */
void gic_sgi(unsigned intid, unsigned cpu, bool others)
{
	uint64_t sgi1r = (uint64_t)intid << ICC_SGI1R_INTID_SHIFT;

	if (others)
		sgi1r |= ICC_SGI1R_IRM;
	else
		sgi1r |= (uint64_t)(cpu / ICC_SGI1R_TARGETS_PER_RS) << ICC_SGI1R_RS_SHIFT |
		         1ull << (cpu % ICC_SGI1R_TARGETS_PER_RS);
	__asm__ volatile("msr icc_sgi1r_el1, %0; isb" : : "r"(sgi1r));
}

/* An edge SPI of group 1, routed to vCPU 0 (affinity 0). */
void gic_enable_spi(unsigned intid)
{
	uint64_t d = GUEST_GICD_BASE;
	uint32_t bit = 1u << (intid % 32), word = intid / 32 * 4;

	w32(d + GICD_IGROUPR + word, r32(d + GICD_IGROUPR + word) | bit);
	*(volatile uint8_t *)(uintptr_t)(d + GICD_IPRIORITYR + intid) = PRIORITY;
	w32(d + GICD_ICFGR + intid / 16 * 4,
	    r32(d + GICD_ICFGR + intid / 16 * 4) | 2u << (intid % 16 * 2));
	*(volatile uint64_t *)(uintptr_t)(d + GICD_IROUTER + intid * 8) = 0;
	w32(d + GICD_ISENABLER + word, bit);
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
