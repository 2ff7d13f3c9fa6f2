/*
 * The interrupt-bank registers.  GICD (for SPIs) and GICR SGI_base (for a
 * vCPU's SGIs and PPIs) put them at the same offsets (IHI 0069 12.9 and
 * 12.11, tables 12-25 and 12-29: the GICD_ names serve both), so one model
 * serves both; each frame says which INTIDs it owns.  IGRPMODR and NSACR
 * are RAZ/WI: one security state (DS = 1).
 */
#include "vgic/vgic_internal.h"
#include "lib/zerror.h"

#define BITS_PER_BYTE 8

/* The seven blocks in address order, from GICD_IGROUPR. */
enum bits_block {
	BLOCK_GROUP,
	BLOCK_SET_ENABLE,
	BLOCK_CLEAR_ENABLE,
	BLOCK_SET_PENDING,
	BLOCK_CLEAR_PENDING,
	BLOCK_SET_ACTIVE,
	BLOCK_CLEAR_ACTIVE,
	BLOCK_COUNT,
};

struct frame {
	struct vgic *vgic;
	unsigned vcpu;
	unsigned lo, hi; /* INTIDs the frame models */
};

static struct vgic_irq *frame_irq(const struct frame *f, unsigned intid)
{
	if (intid < f->lo || intid >= f->hi)
		return NULL; /* RAZ/WI: not this frame's, or not implemented */
	return vgic_irq_get(f->vgic, intid, f->vcpu);
}

/* As the guest reads it: the LR's share of the state included. */
static bool read_bit(const struct vgic_irq *irq, enum bits_block block)
{
	bool in_lr = irq->lr_vcpu != VGIC_NO_VCPU;

	switch (block) {
	case BLOCK_GROUP: return irq->group1;
	case BLOCK_SET_ENABLE:
	case BLOCK_CLEAR_ENABLE: return irq->enabled;
	case BLOCK_SET_PENDING:
	case BLOCK_CLEAR_PENDING:
		return irq->latch || irq->line || (in_lr && (irq->lr_state & VGIC_LR_PENDING));
	default: return irq->active || (in_lr && (irq->lr_state & VGIC_LR_ACTIVE));
	}
}

static void write_bit(struct vgic *vgic, struct vgic_irq *irq, enum bits_block block, bool one)
{
	switch (block) {
	case BLOCK_GROUP:
		irq->group1 = one;
		vgic_irq_update(vgic, irq);
		return;
	case BLOCK_SET_ENABLE:
	case BLOCK_CLEAR_ENABLE:
		if (one) { /* write-1-to-set / write-1-to-clear */
			irq->enabled = block == BLOCK_SET_ENABLE;
			vgic_irq_update(vgic, irq);
		}
		return;
	case BLOCK_SET_PENDING:
		if (one)
			vgic_irq_request(vgic, irq);
		return;
	case BLOCK_CLEAR_PENDING:
		if (one)
			vgic_irq_withdraw(vgic, irq);
		return;
	default:
		if (one)
			vgic_irq_set_active(vgic, irq, block == BLOCK_SET_ACTIVE);
		return;
	}
}

static void bits_access(const struct frame *f, enum bits_block block, unsigned first, bool write,
                        uint64_t *value)
{
	uint32_t word = 0;

	for (unsigned bit = 0; bit < GIC_BITS_PER_REG; bit++) {
		struct vgic_irq *irq = frame_irq(f, first + bit);

		if (!irq)
			continue;
		if (write)
			write_bit(f->vgic, irq, block, *value >> bit & 1);
		else
			word |= (uint32_t)read_bit(irq, block) << bit;
	}
	if (!write)
		*value = word;
}

/* A new priority means a new place in the queue. */
static void set_priority(struct vgic *vgic, struct vgic_irq *irq, uint8_t prio)
{
	if (irq->priority == prio)
		return;
	if (irq->queued_on != VGIC_NO_VCPU)
		vgic_queue_remove(vgic, irq);
	irq->priority = prio;
	vgic_irq_update(vgic, irq);
}

static void priority_access(const struct frame *f, unsigned first, unsigned size, bool write,
                            uint64_t *value)
{
	uint64_t bytes = 0;

	for (unsigned i = 0; i < size; i++) {
		struct vgic_irq *irq = frame_irq(f, first + i);

		if (!irq)
			continue;
		if (write)
			set_priority(f->vgic, irq, (uint8_t)(*value >> (BITS_PER_BYTE * i)));
		else
			bytes |= (uint64_t)irq->priority << (BITS_PER_BYTE * i);
	}
	if (!write)
		*value = bytes;
}

/* SGIs are always edge-triggered: their Int_config is read-only. */
static void config_access(const struct frame *f, unsigned first, bool write, uint64_t *value)
{
	unsigned per_word = GIC_BITS_PER_REG / GIC_ICFGR_BITS;
	uint32_t word = 0;

	for (unsigned i = 0; i < per_word; i++) {
		struct vgic_irq *irq = frame_irq(f, first + i);
		unsigned shift = i * GIC_ICFGR_BITS;

		if (!irq)
			continue;
		if (write && irq->intid >= GIC_SGI_COUNT) {
			irq->edge = *value >> shift & GIC_ICFGR_EDGE;
			vgic_irq_update(f->vgic, irq);
		}
		word |= (irq->edge ? GIC_ICFGR_EDGE : 0) << shift;
	}
	if (!write)
		*value = word;
}

static bool in_block(uint64_t offset, uint64_t base, unsigned limit, unsigned bits_per_intid)
{
	return offset >= base && offset < base + limit * bits_per_intid / BITS_PER_BYTE;
}

int vgic_bank_access(struct vgic *vgic, unsigned vcpu, unsigned lo, unsigned hi, unsigned limit,
                     uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	struct frame f = { vgic, vcpu, lo, hi };
	bool word_access = size == VGIC_WORD && !(offset & (VGIC_WORD - 1));

	if (offset >= GICD_IGROUPR && offset < GICD_IGROUPR + BLOCK_COUNT * GIC_BITS_BLOCK) {
		uint64_t in = offset - GICD_IGROUPR;
		unsigned first = (unsigned)(in % GIC_BITS_BLOCK) * BITS_PER_BYTE;

		if (first >= limit)
			return VGIC_REG_UNKNOWN;
		if (!word_access)
			return -ZE_INVAL;
		bits_access(&f, (enum bits_block)(in / GIC_BITS_BLOCK), first, write, value);
		return 0;
	}
	if (in_block(offset, GICD_IPRIORITYR, limit, BITS_PER_BYTE)) {
		/* Byte-accessible (IHI 0069 12.9.18). */
		if (size != 1 && !word_access)
			return -ZE_INVAL;
		priority_access(&f, (unsigned)(offset - GICD_IPRIORITYR), size, write, value);
		return 0;
	}
	if (in_block(offset, GICD_ICFGR, limit, GIC_ICFGR_BITS)) {
		if (!word_access)
			return -ZE_INVAL;
		config_access(&f, (unsigned)(offset - GICD_ICFGR) * BITS_PER_BYTE / GIC_ICFGR_BITS,
		              write, value);
		return 0;
	}
	if (in_block(offset, GICD_IGRPMODR, limit, 1) || in_block(offset, GICD_NSACR, limit, 2)) {
		if (!word_access)
			return -ZE_INVAL;
		if (!write)
			*value = 0;
		return 0;
	}
	return VGIC_REG_UNKNOWN;
}

/* Naturally aligned bytes, halfwords, words or doublewords. */
bool vgic_access_size_ok(uint64_t offset, unsigned size)
{
	if (size != 1 && size != 2 && size != VGIC_WORD && size != VGIC_DOUBLE)
		return false;
	return !(offset & (size - 1));
}
