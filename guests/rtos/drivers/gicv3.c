/*
 * GICv3 driver for one CPU (IHI 0069).  Works on the real distributor
 * natively and on ZVM's emulated one: we only use the Non-secure view and
 * group 1 interrupts, with affinity routing.
 */
#include "drivers/gicv3.h"
#include "drivers/mmio.h"
#include "arch/cpu.h"

#define GICR_FRAME_STRIDE GICR_FRAME_V3 /* QEMU virt and ZVM: no VLPI frames */

/* ICC system registers by encoding, so any assembler takes them (12.2). */
#define ICC_SRE_EL1     S3_0_C12_C12_5
#define ICC_PMR_EL1     S3_0_C4_C6_0
#define ICC_BPR1_EL1    S3_0_C12_C12_3
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_IAR1_EL1    S3_0_C12_C12_0
#define ICC_EOIR1_EL1   S3_0_C12_C12_1
#define ICC_SGI1R_EL1   S3_0_C12_C11_5

/* MPIDR_EL1 affinity fields (D13.2.86), as the GIC routes by them. */
#define MPIDR_AFF0(m) (((m) >> GIC_AFF0_SHIFT) & GIC_AFF_FIELD)
#define MPIDR_AFF1(m) (((m) >> GIC_AFF1_SHIFT) & GIC_AFF_FIELD)
#define MPIDR_AFF2(m) (((m) >> GIC_AFF2_SHIFT) & GIC_AFF_FIELD)
#define MPIDR_AFF3(m) (((m) >> GIC_AFF3_SHIFT) & GIC_AFF_FIELD)

/* MPIDR_EL1's affinity fields where GICD_IROUTER wants them (12.9.22):
 * Aff3 at 32, Aff2..Aff0 at 23..0, Interrupt_Routing_Mode 0 (one PE). */
#define IROUTER_AFFINITY_MASK (GIC_AFF_FIELD << GIC_AFF3_SHIFT | 0xffffffull)

static uint64_t gicd;
static uint64_t gicr; /* this CPU's RD_base */

static void wait_rwp(uint64_t reg, uint32_t bit)
{
	while (mmio_read32(reg) & bit)
		;
}

static uint32_t mpidr_to_affinity(uint64_t mpidr)
{
	return (uint32_t)(MPIDR_AFF3(mpidr) << 24 | MPIDR_AFF2(mpidr) << 16 |
	                  MPIDR_AFF1(mpidr) << 8 | MPIDR_AFF0(mpidr));
}

static uint64_t find_redistributor(uint64_t base, uint64_t size)
{
	uint32_t me = mpidr_to_affinity(read_sysreg(mpidr_el1));
	uint64_t frame;

	for (frame = base; frame < base + size; frame += GICR_FRAME_STRIDE) {
		uint64_t typer = mmio_read64(frame + GICR_TYPER);

		if ((uint32_t)(typer >> GICR_TYPER_AFF_SHIFT) == me)
			return frame;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

static void redistributor_wake(void)
{
	uint32_t waker = mmio_read32(gicr + GICR_WAKER);

	mmio_write32(gicr + GICR_WAKER, waker & ~GICR_WAKER_SLEEP);
	while (mmio_read32(gicr + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
}

static void cpu_interface_init(void)
{
	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | ICC_SRE_SRE);
	isb();
	write_sysreg(ICC_PMR_EL1, ICC_PMR_ALLOW_ALL);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_IGRPEN1_EL1, ICC_IGRPEN_ENABLE);
	isb();
}

int gicv3_init(uint64_t dist_base, uint64_t redist_base, uint64_t redist_size)
{
	gicd = dist_base;
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1);
	wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);

	gicr = find_redistributor(redist_base, redist_size);
	if (!gicr)
		return -1;
	redistributor_wake();
	/* All SGIs and PPIs: group 1, disabled until someone asks. */
	mmio_write32(gicr + GICR_ICENABLER0, 0xffffffffu);
	wait_rwp(gicr, GICR_CTLR_RWP);
	mmio_write32(gicr + GICR_IGROUPR0, 0xffffffffu);
	cpu_interface_init();
	return 0;
}

void gicv3_enable_private(uint32_t intid, uint8_t priority)
{
	mmio_write8(gicr + GICR_IPRIORITYR0 + intid, priority);
	mmio_write32(gicr + GICR_ISENABLER0, 1u << intid);
}

void gicv3_disable_private(uint32_t intid)
{
	mmio_write32(gicr + GICR_ICENABLER0, 1u << intid);
	wait_rwp(gicr, GICR_CTLR_RWP);
}

void gicv3_enable_spi(uint32_t intid, uint8_t priority)
{
	uint64_t bank = (intid / GIC_BITS_PER_REG) * 4;
	uint32_t bit = 1u << (intid % GIC_BITS_PER_REG);
	uint64_t cfg = gicd + GICD_ICFGR + intid / 16 * 4;
	uint64_t mpidr = read_sysreg(mpidr_el1);

	mmio_write32(gicd + GICD_IGROUPR + bank, mmio_read32(gicd + GICD_IGROUPR + bank) | bit);
	mmio_write8(gicd + GICD_IPRIORITYR + intid, priority);
	mmio_write32(cfg, mmio_read32(cfg) | GIC_ICFGR_EDGE << (intid % 16 * GIC_ICFGR_BITS));
	mmio_write64(gicd + GICD_IROUTER + (uint64_t)intid * 8, mpidr & IROUTER_AFFINITY_MASK);
	mmio_write32(gicd + GICD_ISENABLER + bank, bit);
}

void gicv3_disable_spi(uint32_t intid)
{
	mmio_write32(gicd + GICD_ICENABLER + (intid / GIC_BITS_PER_REG) * 4,
	             1u << (intid % GIC_BITS_PER_REG));
	wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
}

uint32_t gicv3_ack(void)
{
	return (uint32_t)read_sysreg(ICC_IAR1_EL1);
}

void gicv3_eoi(uint32_t intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
}

void gicv3_send_sgi_self(uint32_t intid)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint64_t sgi = (uint64_t)intid << ICC_SGI1R_INTID_SHIFT |
	               MPIDR_AFF3(mpidr) << ICC_SGI1R_AFF3_SHIFT |
	               MPIDR_AFF2(mpidr) << ICC_SGI1R_AFF2_SHIFT |
	               MPIDR_AFF1(mpidr) << ICC_SGI1R_AFF1_SHIFT |
	               1ull << MPIDR_AFF0(mpidr); /* target list */

	write_sysreg(ICC_SGI1R_EL1, sgi);
	isb();
}
