/*
 * GICv3 driver (IHI 0069).  Every interrupt is non-secure Group 1 with
 * affinity routing; SGIs and PPIs live in each core's redistributor, SPIs in
 * the distributor and are routed to exactly one core.
 */
#include "drivers/gicv3.h"
#include "drivers/mmio.h"
#include "lib/gicv3_defs.h"
#include "kernel/irq_priority.h"
#include "arch/arm64/sysreg.h"
#include "kernel/percpu.h"
#include "lib/zerror.h"

#define WAIT_LOOPS 1000000

static uintptr_t gicd;
static struct gic_rd_region rd_regions[GIC_MAX_RD_REGIONS];
static unsigned rd_count;
static uint64_t rd_stride;
static unsigned spi_count;

static int wait_clear(uintptr_t reg, uint32_t bit)
{
	for (int i = 0; i < WAIT_LOOPS; i++) {
		if (!(mmio_read32(reg) & bit))
			return 0;
	}
	return -ZE_TIMEOUT;
}

int gic_init(uintptr_t dist, const struct gic_rd_region *regions, unsigned count, uint64_t stride)
{
	if (count == 0 || count > GIC_MAX_RD_REGIONS)
		return -ZE_INVAL;
	gicd = dist;
	rd_count = count;
	rd_stride = stride;
	for (unsigned i = 0; i < count; i++)
		rd_regions[i] = regions[i];

	unsigned lines = 32 * ((mmio_read32(gicd + GICD_TYPER) & GICD_TYPER_ITLINES) + 1);
	spi_count = (lines > GIC_INTID_SPECIAL ? GIC_INTID_SPECIAL : lines) - GIC_SPI_BASE;

	mmio_write32(gicd + GICD_CTLR, 0);
	if (wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP))
		return -2;
	for (unsigned n = GIC_SPI_BASE; n < GIC_SPI_BASE + spi_count; n += 32) {
		mmio_write32(gicd + GICD_ICENABLER + n / 8, ~0u);
		mmio_write32(gicd + GICD_ICPENDR + n / 8, ~0u);
		mmio_write32(gicd + GICD_ICACTIVER + n / 8, ~0u);
		mmio_write32(gicd + GICD_IGROUPR + n / 8, ~0u);
	}
	for (unsigned n = GIC_SPI_BASE; n < GIC_SPI_BASE + spi_count; n++)
		mmio_write8(gicd + GICD_IPRIORITYR + n, IRQ_PRIO_DEFAULT);
	if (wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP))
		return -2;
	/* Group 0 too: a direct-delivery core takes ZVM's own interrupts as
	 * Group 0 FIQs, and the distributor forwards no group it has not
	 * enabled, SGIs and PPIs included (IHI 0069 12.9.4). */
	mmio_write32(gicd + GICD_CTLR,
	             GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1 | GICD_CTLR_ENABLE_GRP0);
	return 0;
}

unsigned gic_spi_count(void)
{
	return spi_count;
}

static uint64_t mpidr_to_typer_affinity(uint64_t mpidr)
{
	/* GICR_TYPER.Affinity_Value is Aff3.Aff2.Aff1.Aff0 in bits [63:32]. */
	return ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);
}

static uintptr_t find_redistributor(uint64_t mpidr)
{
	uint64_t want = mpidr_to_typer_affinity(mpidr);

	for (unsigned r = 0; r < rd_count; r++) {
		uintptr_t rd = rd_regions[r].base;
		uintptr_t end = rd + rd_regions[r].size;

		while (rd < end) {
			uint64_t typer = mmio_read64(rd + GICR_TYPER);
			if ((typer >> 32) == want)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			rd += rd_stride ? rd_stride :
			                  (uintptr_t)((typer & GICR_TYPER_VLPIS) ? GICR_FRAME_V4 :
			                                                           GICR_FRAME_V3);
		}
	}
	return 0;
}

static void init_cpu_interface(void)
{
	write_sysreg(icc_sre_el2, read_sysreg(icc_sre_el2) | ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	write_sysreg(icc_pmr_el1, ICC_PMR_ALLOW_ALL);
	write_sysreg(icc_bpr1_el1, 0);
	/* EOImode 1: EOI only drops priority, deactivation is separate, so an
	 * interrupt handed to a guest stays active until the guest ends it. */
	write_sysreg(icc_ctlr_el1, ICC_CTLR_EOIMODE);
	write_sysreg(icc_igrpen1_el1, 1);
	write_sysreg(icc_igrpen0_el1, 1); /* used only by direct-delivery cores */
	isb();
}

int gic_init_cpu(void)
{
	struct percpu *cpu = this_cpu();
	uintptr_t rd = find_redistributor(cpu->mpidr);

	if (!rd)
		return -ZE_NOENT;
	cpu->gicr_base = rd;
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (wait_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP))
		return -2;

	uintptr_t sgi = rd + GICR_SGI_BASE;
	mmio_write32(sgi + GICD_ICENABLER, ~0u);
	mmio_write32(sgi + GICD_ICPENDR, ~0u);
	mmio_write32(sgi + GICD_ICACTIVER, ~0u);
	mmio_write32(sgi + GICD_IGROUPR, ~0u);
	for (unsigned n = 0; n < GIC_SPI_BASE; n++)
		mmio_write8(sgi + GICD_IPRIORITYR + n, IRQ_PRIO_DEFAULT);
	if (wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP))
		return -2;
	init_cpu_interface();
	return 0;
}

/* The bank that holds intid's bit: this core's SGI frame or the distributor. */
static uintptr_t bank(unsigned intid)
{
	return intid < GIC_SPI_BASE ? this_cpu()->gicr_base + GICR_SGI_BASE : gicd;
}

static void wait_rwp(unsigned intid)
{
	if (intid < GIC_SPI_BASE)
		wait_clear(this_cpu()->gicr_base + GICR_CTLR, GICR_CTLR_RWP);
	else
		wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);
}

void gic_enable_irq(unsigned intid)
{
	mmio_write32(bank(intid) + GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

void gic_disable_irq(unsigned intid)
{
	mmio_write32(bank(intid) + GICD_ICENABLER + (intid / 32) * 4, 1u << (intid % 32));
	wait_rwp(intid);
}

bool gic_irq_enabled(unsigned intid)
{
	return mmio_read32(bank(intid) + GICD_ISENABLER + (intid / 32) * 4) & (1u << (intid % 32));
}

void gic_set_priority(unsigned intid, uint8_t prio)
{
	mmio_write8(bank(intid) + GICD_IPRIORITYR + intid, prio);
}

void gic_route_spi(unsigned intid, uint64_t mpidr)
{
	uint64_t aff = (mpidr & 0xffffff) | (((mpidr >> 32) & 0xff) << 32);

	mmio_write64(gicd + GICD_IROUTER + intid * 8, aff);
}

/* ICC_SGI1R_EL1 fields from a target's MPIDR (Aff0 splits into RS and a bit). */
#define SGI1R_TARGET(aff0) (1ull << ((aff0) % ICC_SGI1R_TARGETS_PER_RS))
#define SGI1R_AFF1(m)      ((((m) >> GIC_AFF1_SHIFT) & GIC_AFF_FIELD) << ICC_SGI1R_AFF1_SHIFT)
#define SGI1R_INTID(n)     ((uint64_t)((n)&ICC_SGI1R_INTID_MASK) << ICC_SGI1R_INTID_SHIFT)
#define SGI1R_AFF2(m)      ((((m) >> GIC_AFF2_SHIFT) & GIC_AFF_FIELD) << ICC_SGI1R_AFF2_SHIFT)
#define SGI1R_RS(aff0) \
	((uint64_t)(((aff0) / ICC_SGI1R_TARGETS_PER_RS) & ICC_SGI1R_RS_MASK) << ICC_SGI1R_RS_SHIFT)
#define SGI1R_AFF3(m) ((((m) >> GIC_AFF3_SHIFT) & GIC_AFF_FIELD) << ICC_SGI1R_AFF3_SHIFT)

/* ICC_SGI0R_EL1 has the same layout.  An SGI is forwarded only when the
 * group it is sent as is its group at the target (IHI 0069 12.2.21). */
void gic_send_sgi(unsigned sgi, uint64_t mpidr, bool group0)
{
	uint64_t aff0 = mpidr & 0xff;
	uint64_t value = SGI1R_TARGET(aff0) | SGI1R_AFF1(mpidr) | SGI1R_INTID(sgi) |
	                 SGI1R_AFF2(mpidr) | SGI1R_RS(aff0) | SGI1R_AFF3(mpidr);

	dsb(ishst); /* what the target will read must be visible first */
	if (group0)
		write_sysreg(icc_sgi0r_el1, value);
	else
		write_sysreg(icc_sgi1r_el1, value);
	isb();
}

uint32_t gic_ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(icc_iar1_el1);

	dsb(sy);
	return intid;
}

uint32_t gic_ack_group0(void)
{
	uint32_t intid = (uint32_t)read_sysreg(icc_iar0_el1);

	dsb(sy);
	return intid;
}

void gic_eoi(uint32_t intid)
{
	write_sysreg(icc_eoir1_el1, intid);
	isb();
}

void gic_eoi_group0(uint32_t intid)
{
	write_sysreg(icc_eoir0_el1, intid);
	isb();
}

void gic_set_group0(unsigned intid, bool group0)
{
	uintptr_t reg = bank(intid) + GICD_IGROUPR + (intid / 32) * 4;
	uint32_t bit = 1u << (intid % 32);

	mmio_write32(reg, group0 ? mmio_read32(reg) & ~bit : mmio_read32(reg) | bit);
}

void gic_deactivate(uint32_t intid)
{
	write_sysreg(icc_dir_el1, intid);
	isb();
}

bool gic_irq_active(unsigned intid)
{
	return mmio_read32(bank(intid) + GICD_ISACTIVER + (intid / 32) * 4) & (1u << (intid % 32));
}

void gic_clear_active(unsigned intid)
{
	mmio_write32(bank(intid) + GICD_ICACTIVER + (intid / 32) * 4, 1u << (intid % 32));
}

uint32_t gic_private_read(unsigned cpu, uint64_t offset)
{
	return mmio_read32(cpu_data(cpu)->gicr_base + GICR_SGI_BASE + offset);
}

void gic_private_write(unsigned cpu, uint64_t offset, uint32_t value)
{
	mmio_write32(cpu_data(cpu)->gicr_base + GICR_SGI_BASE + offset, value);
}
