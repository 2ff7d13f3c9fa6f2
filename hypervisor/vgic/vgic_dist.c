/*
 * The emulated distributor (GICD, IHI 0069 12.9): one security state
 * (DS=1), affinity routing always on (ARE=1), no LPIs.  SGI and PPI state
 * lives in the redistributors, so the distributor's copies of it are RAZ/WI.
 */
#include "vgic/vgic_internal.h"
#include "lib/zerror.h"

#define TYPER_IDBITS     10 /* INTIDs 0..1023: no LPIs */
#define IROUTER_WRITABLE (VGIC_AFF_MASK | GICD_IROUTER_IRM)
#define HALF_SHIFT       32

/* The enables are read without the VM's lock too (vgic_dist_read_lockless),
 * so they are loaded and stored whole. */
static uint32_t ctlr_read(const struct vgic *vgic)
{
	bool grp0 = __atomic_load_n(&vgic->enable_grp0, __ATOMIC_RELAXED);
	bool grp1 = __atomic_load_n(&vgic->enable_grp1, __ATOMIC_RELAXED);

	return GICD_CTLR_ARE | GICD_CTLR_DS | (grp0 ? GICD_CTLR_ENABLE_GRP0 : 0) |
	       (grp1 ? GICD_CTLR_ENABLE_GRP1 : 0);
}

/* ARE and DS read as one and ignore writes: this GIC has no other mode. */
static void ctlr_write(struct vgic *vgic, uint32_t value)
{
	bool grp1 = value & GICD_CTLR_ENABLE_GRP1;

	__atomic_store_n(&vgic->enable_grp0, (bool)(value & GICD_CTLR_ENABLE_GRP0),
	                 __ATOMIC_RELAXED);
	if (grp1 != vgic->enable_grp1) {
		__atomic_store_n(&vgic->enable_grp1, grp1, __ATOMIC_RELAXED);
		vgic_update_all(vgic); /* gates every interrupt at once */
	}
}

static uint32_t typer_read(const struct vgic *vgic)
{
	unsigned intids = GIC_SPI_BASE + vgic->spis;
	unsigned lines = (intids + GICD_TYPER_LINES_PER_UNIT - 1) / GICD_TYPER_LINES_PER_UNIT - 1;
	unsigned cpus = vgic->vcpus < GICD_TYPER_CPUS_MAX ? vgic->vcpus : GICD_TYPER_CPUS_MAX;

	return lines | (cpus - 1) << GICD_TYPER_CPUS_SHIFT |
	       (TYPER_IDBITS - 1) << GICD_TYPER_IDBITS_SHIFT | GICD_TYPER_A3V;
}

static bool is_scalar(uint64_t offset)
{
	return offset == GICD_CTLR || offset == GICD_TYPER || offset == GICD_IIDR ||
	       offset == GICD_TYPER2 || offset == GIC_PIDR2;
}

/*
 * The scalar registers hold no interrupt state: TYPER, IIDR, TYPER2 and
 * PIDR2 are fixed when the VM is made, CTLR's enables are single loads.
 * Reading one takes no lock, changes nothing and kicks no one, so the trap
 * path may serve it without the VM's lock (vmm/mmio_fast.c).  Only the
 * accesses vgic_dist_access() accepts (aligned words) are served;
 * everything else returns false for the full path and its checks.
 */
bool vgic_dist_read_lockless(const struct vgic *vgic, uint64_t offset, unsigned size,
                             uint64_t *value)
{
	if (size != VGIC_WORD)
		return false;
	switch (offset) { /* is_scalar()'s, each word-aligned */
	case GICD_CTLR: *value = ctlr_read(vgic); return true;
	case GICD_TYPER: *value = typer_read(vgic); return true;
	case GICD_IIDR: *value = VGIC_IIDR; return true;
	case GICD_TYPER2: *value = 0; return true; /* no extended SPIs, no vPEs */
	case GIC_PIDR2: *value = GIC_PIDR2_ARCH_GICV3; return true;
	default: return false;
	}
}

/* offset is one of is_scalar()'s, an aligned word. */
static void scalar_access(struct vgic *vgic, uint64_t offset, bool write, uint64_t *value)
{
	if (write && offset == GICD_CTLR)
		ctlr_write(vgic, (uint32_t)*value);
	if (!write)
		(void)vgic_dist_read_lockless(vgic, offset, VGIC_WORD, value);
}

/* 64 bits, readable and writable whole or as 32-bit halves (IHI 0069 12.1.3). */
static int irouter_access(struct vgic *vgic, uint64_t offset, unsigned size, bool write,
                          uint64_t *value)
{
	unsigned intid = (unsigned)((offset - GICD_IROUTER) / VGIC_DOUBLE);
	unsigned shift = offset % VGIC_DOUBLE ? HALF_SHIFT : 0;
	uint64_t mask = size == VGIC_DOUBLE ? ~0ull : (uint64_t)UINT32_MAX << shift;
	struct vgic_irq *irq;
	uint64_t *route;

	if (size != VGIC_DOUBLE && size != VGIC_WORD)
		return -ZE_INVAL; /* alignment was checked by the caller */
	irq = intid >= GIC_SPI_BASE ? vgic_irq_get(vgic, intid, 0) : NULL;
	if (!irq) { /* not an implemented SPI: RAZ/WI */
		if (!write)
			*value = 0;
		return 0;
	}
	route = &vgic->irouter[intid - GIC_SPI_BASE];
	if (!write) {
		*value = (*route & mask) >> shift;
		return 0;
	}
	*route = (*route & ~mask) | ((*value << shift) & mask & IROUTER_WRITABLE);
	vgic_irq_update(vgic, irq); /* may move to another vCPU's queue */
	return 0;
}

int vgic_dist_access(struct vgic *vgic, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	int err;

	if (offset >= GUEST_GICD_SIZE || !vgic_access_size_ok(offset, size))
		return -ZE_INVAL;
	if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END)
		return irouter_access(vgic, offset, size, write, value);
	err = vgic_bank_access(vgic, 0, GIC_SPI_BASE, GIC_SPI_BASE + vgic->spis, GIC_INTID_LIMIT,
	                       offset, size, write, value);
	if (err != VGIC_REG_UNKNOWN)
		return err;
	if (is_scalar(offset & ~(uint64_t)(VGIC_WORD - 1))) {
		if (size != VGIC_WORD) /* words only, and aligned */
			return -ZE_INVAL;
		scalar_access(vgic, offset, write, value);
		return 0;
	}
	vgic->unhandled++;
	if (!write)
		*value = 0;
	return 0;
}

int vgic_dist_mmio(void *vgic, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	struct vgic *g = vgic;
	int err = vgic_dist_access(g, offset, size, write, value);

	if (!err && write)
		__atomic_store_n(&g->writes, g->writes + 1, __ATOMIC_RELEASE);
	return err;
}
