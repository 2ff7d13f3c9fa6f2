/*
 * The emulated redistributors (GICR, IHI 0069 12.11): one 128 KiB frame
 * per vCPU, RD_base (control, identity, power) then SGI_base (the vCPU's
 * SGIs and PPIs).  No LPIs, so the LPI registers are RAZ/WI.
 */
#include "vgic/vgic_internal.h"
#include "lib/zerror.h"

#define GICR_FRAME_SIZE GUEST_GICR_STRIDE
#define HALF_SHIFT      32

static uint64_t packed_affinity(uint64_t mpidr)
{
	return (mpidr >> GIC_AFF3_SHIFT & GIC_AFF_FIELD) << (3 * GICR_TYPER_AFF_BITS) |
	       (mpidr >> GIC_AFF2_SHIFT & GIC_AFF_FIELD) << (2 * GICR_TYPER_AFF_BITS) |
	       (mpidr >> GIC_AFF1_SHIFT & GIC_AFF_FIELD) << GICR_TYPER_AFF_BITS |
	       (mpidr >> GIC_AFF0_SHIFT & GIC_AFF_FIELD);
}

static uint64_t typer_read(const struct vgic *vgic, unsigned vcpu)
{
	uint64_t typer = packed_affinity(vgic->redist[vcpu].mpidr) << GICR_TYPER_AFF_SHIFT |
	                 (uint64_t)vcpu << GICR_TYPER_PROC_NUM_SHIFT;

	if (vcpu == vgic->vcpus - 1)
		typer |= GICR_TYPER_LAST;
	return typer;
}

/*
 * Going to sleep and waking complete at once: ChildrenAsleep always
 * follows ProcessorSleep, so the guest's handshake loop ends immediately.
 */
static uint32_t waker_read(const struct vgic_redist *rd)
{
	return rd->sleep ? GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP : 0;
}

static void waker_write(struct vgic *vgic, unsigned vcpu, uint32_t value)
{
	bool sleep = value & GICR_WAKER_SLEEP;

	if (sleep == vgic->redist[vcpu].sleep)
		return;
	vgic->redist[vcpu].sleep = sleep;
	vgic_update_all(vgic); /* 1-of-N SPIs prefer an awake vCPU */
}

static int typer_access(const struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size,
                        uint64_t *value)
{
	uint64_t typer = typer_read(vgic, vcpu);

	if (size == VGIC_DOUBLE && offset == GICR_TYPER)
		*value = typer;
	else if (size == VGIC_WORD)
		*value = (uint32_t)(offset == GICR_TYPER ? typer : typer >> HALF_SHIFT);
	else
		return -ZE_INVAL;
	return 0;
}

static bool is_scalar(uint64_t offset)
{
	return offset == GICR_CTLR || offset == GICR_IIDR || offset == GICR_WAKER ||
	       offset == GIC_PIDR2;
}

static int rd_base_access(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size,
                          bool write, uint64_t *value)
{
	uint64_t result = 0;
	uint64_t word = offset & ~(uint64_t)(VGIC_WORD - 1);
	uint64_t ignored;

	if (word == GICR_TYPER || word == GICR_TYPER_HIGH) /* read-only */
		return typer_access(vgic, vcpu, offset, size, write ? &ignored : value);
	if (!is_scalar(word))
		return VGIC_REG_UNKNOWN;
	if (size != VGIC_WORD) /* words only, and aligned */
		return -ZE_INVAL;
	switch (offset) {
	case GICR_CTLR: break; /* EnableLPIs RAZ/WI, writes complete at once */
	case GICR_IIDR: result = VGIC_IIDR; break;
	case GICR_WAKER:
		if (write)
			waker_write(vgic, vcpu, (uint32_t)*value);
		result = waker_read(&vgic->redist[vcpu]);
		break;
	default: result = GIC_PIDR2_ARCH_GICV3; break;
	}
	if (!write)
		*value = result;
	return 0;
}

int vgic_redist_access(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, bool write,
                       uint64_t *value)
{
	int err;

	if (vcpu >= vgic->vcpus || offset >= GICR_FRAME_SIZE || !vgic_access_size_ok(offset, size))
		return -ZE_INVAL;
	if (offset < GICR_SGI_BASE)
		err = rd_base_access(vgic, vcpu, offset, size, write, value);
	else
		err = vgic_bank_access(vgic, vcpu, 0, GIC_PRIVATE_COUNT, GIC_PRIVATE_COUNT,
		                       offset - GICR_SGI_BASE, size, write, value);
	if (err != VGIC_REG_UNKNOWN)
		return err;
	vgic->unhandled++;
	if (!write)
		*value = 0;
	return 0;
}

int vgic_redist_mmio(void *vgic, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	struct vgic *g = vgic;
	unsigned frame = (unsigned)(offset / GICR_FRAME_SIZE);
	int err = vgic_redist_access(g, frame, offset % GICR_FRAME_SIZE, size, write, value);

	if (!err && write)
		__atomic_store_n(&g->writes, g->writes + 1, __ATOMIC_RELEASE);
	return err;
}
