/*
 * vGIC core: the state of every interrupt of a VM, where each one waits,
 * and the ways it becomes pending (IHI 0069 chapter 4, the interrupt life
 * cycle).  The register models and the queue live in their own files.
 */
#include "vgic/vgic_internal.h"
#include "lib/zerror.h"
#include "lib/string.h"

#define UPPER_AFFINITY                                                       \
	(GIC_AFF_FIELD << GIC_AFF1_SHIFT | GIC_AFF_FIELD << GIC_AFF2_SHIFT | \
	 GIC_AFF_FIELD << GIC_AFF3_SHIFT)

static struct vgic_irq *irq_at(struct vgic *vgic, unsigned intid, unsigned vcpu)
{
	if (intid < GIC_PRIVATE_COUNT)
		return &vgic->irq[vcpu * GIC_PRIVATE_COUNT + intid];
	return &vgic->irq[VGIC_PRIVATE_SLOTS + intid - GIC_SPI_BASE];
}

struct vgic_irq *vgic_irq_get(struct vgic *vgic, unsigned intid, unsigned vcpu)
{
	if (intid < GIC_PRIVATE_COUNT) {
		if (vcpu >= vgic->vcpus)
			return NULL;
	} else if (intid >= GIC_SPI_BASE + vgic->spis) {
		return NULL;
	}
	return irq_at(vgic, intid, vcpu);
}

unsigned vgic_irq_index(const struct vgic *vgic, const struct vgic_irq *irq)
{
	return (unsigned)(irq - vgic->irq);
}

static bool is_spi(const struct vgic_irq *irq)
{
	return irq->owner == VGIC_NO_VCPU;
}

/*
 * Pending as the list registers see it.  A level interrupt follows its
 * line, but not while active: the line is sampled again when the guest has
 * finished with it (the EOI maintenance interrupt), so that a device that
 * dropped its line in the handler causes no second, spurious delivery.
 */
bool vgic_irq_pending(const struct vgic_irq *irq)
{
	return irq->latch || (!irq->edge && irq->line && !irq->active);
}

/*
 * Only Group 1 reaches the guest, and GICD_CTLR.EnableGrp1 gates every
 * Group 1 interrupt, SGIs and PPIs included, as on the board and in QEMU.
 */
bool vgic_irq_deliverable(const struct vgic *vgic, const struct vgic_irq *irq)
{
	return vgic_irq_pending(irq) && irq->enabled && irq->group1 && vgic->enable_grp1;
}

static unsigned first_awake_vcpu(const struct vgic *vgic)
{
	for (unsigned v = 0; v < vgic->vcpus; v++) {
		if (!vgic->redist[v].sleep)
			return v;
	}
	return 0;
}

/* IHI 0069 4.6: an SPI goes to the PE its IROUTER names, or to any. */
static unsigned spi_target(const struct vgic *vgic, const struct vgic_irq *irq)
{
	uint64_t route = vgic->irouter[irq->intid - GIC_SPI_BASE];

	if (route & GICD_IROUTER_IRM)
		return first_awake_vcpu(vgic);
	for (unsigned v = 0; v < vgic->vcpus; v++) {
		if ((vgic->redist[v].mpidr & VGIC_AFF_MASK) == (route & VGIC_AFF_MASK))
			return v;
	}
	return VGIC_NO_VCPU; /* stays pending until IROUTER names a vCPU */
}

unsigned vgic_irq_target(const struct vgic *vgic, const struct vgic_irq *irq)
{
	return is_spi(irq) ? spi_target(vgic, irq) : irq->owner;
}

/*
 * A pending state in the latch of an interrupt that a list register holds
 * is invisible to the guest.  The model's view of that LR is only as fresh
 * as the vCPU's last trap: an edge interrupt has no EOI maintenance, so
 * the guest may long since have taken and retired it while the model still
 * counts it as "in the LR", and a vCPU idling in WFI would never trap to
 * have the latch loaded.  So the holder is kicked: its next trap folds the
 * LR back and loads what is pending.
 */
static bool hidden_in_lr(const struct vgic *vgic, const struct vgic_irq *irq)
{
	return irq->lr_vcpu != VGIC_NO_VCPU && irq->latch && vgic_irq_deliverable(vgic, irq);
}

/* Waiting means: pending or active, and in no list register. */
void vgic_irq_update(struct vgic *vgic, struct vgic_irq *irq)
{
	if (hidden_in_lr(vgic, irq))
		vgic->kicks |= 1u << irq->lr_vcpu;
	unsigned want = VGIC_NO_VCPU;

	if (irq->lr_vcpu == VGIC_NO_VCPU && (vgic_irq_pending(irq) || irq->active))
		want = vgic_irq_target(vgic, irq);
	if (irq->queued_on != want) {
		if (irq->queued_on != VGIC_NO_VCPU)
			vgic_queue_remove(vgic, irq);
		if (want != VGIC_NO_VCPU)
			vgic_queue_insert(vgic, want, irq);
	}
	if (want != VGIC_NO_VCPU && vgic_irq_deliverable(vgic, irq))
		vgic->kicks |= 1u << want;
}

void vgic_update_all(struct vgic *vgic)
{
	for (unsigned i = 0; i < vgic->irq_count; i++)
		vgic_irq_update(vgic, &vgic->irq[i]);
}

/* Pending is a state, not a count: a second request while pending merges. */
void vgic_irq_request(struct vgic *vgic, struct vgic_irq *irq)
{
	irq->count.injected++;
	if (irq->latch)
		irq->count.merged++;
	irq->latch = true;
	vgic_irq_update(vgic, irq);
}

void vgic_irq_withdraw(struct vgic *vgic, struct vgic_irq *irq)
{
	if (irq->latch) {
		irq->latch = false;
		irq->count.cleared++;
	}
	/* The LR cannot be reached from here; forget it when it comes back. */
	if (irq->lr_vcpu != VGIC_NO_VCPU && irq->lr_took_latch && !irq->lr_latch_cleared) {
		irq->lr_latch_cleared = true;
		irq->count.cleared++;
	}
	vgic_irq_update(vgic, irq);
}

void vgic_irq_set_active(struct vgic *vgic, struct vgic_irq *irq, bool active)
{
	irq->active = active;
	vgic_irq_update(vgic, irq);
}

static void reset_irq(struct vgic_irq *irq, unsigned intid, unsigned owner)
{
	irq->prev = VGIC_NIL;
	irq->next = VGIC_NIL;
	irq->intid = (uint16_t)intid;
	irq->owner = (uint8_t)owner;
	irq->queued_on = VGIC_NO_VCPU;
	irq->lr_vcpu = VGIC_NO_VCPU;
	/*
	 * Group 1, as QEMU's virt leaves a GIC it boots a kernel on: the same
	 * guest binary then runs natively and under ZVM.  SGIs are always
	 * edge-triggered; PPIs and SPIs reset to level (IHI 0069 12.9.9).
	 */
	irq->group1 = true;
	irq->edge = intid < GIC_SGI_COUNT;
}

static bool mpidrs_distinct(const uint64_t *mpidr, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		for (unsigned j = i + 1; j < count; j++) {
			if ((mpidr[i] & VGIC_AFF_MASK) == (mpidr[j] & VGIC_AFF_MASK))
				return false;
		}
	}
	return true;
}

int vgic_init(struct vgic *vgic, unsigned vcpus, const uint64_t *vcpu_mpidr, unsigned spi_count,
              void *storage)
{
	if (!vgic || !storage || vcpus == 0 || vcpus > VGIC_MAX_VCPUS || spi_count > VGIC_MAX_SPIS)
		return -ZE_INVAL;
	if ((uintptr_t)storage % sizeof(uint64_t))
		return -ZE_INVAL;
	if (vcpu_mpidr && !mpidrs_distinct(vcpu_mpidr, vcpus))
		return -ZE_INVAL;
	memset(vgic, 0, sizeof(*vgic));
	memset(storage, 0, VGIC_STORAGE_SIZE(spi_count));
	vgic->irouter = storage;
	vgic->irq = (struct vgic_irq *)(vgic->irouter + spi_count);
	vgic->irq_count = VGIC_PRIVATE_SLOTS + spi_count;
	vgic->vcpus = vcpus;
	vgic->spis = spi_count;
	for (unsigned v = 0; v < VGIC_MAX_VCPUS; v++) {
		vgic->queue[v].head = VGIC_NIL;
		vgic->queue[v].tail = VGIC_NIL;
		vgic->redist[v].sleep = true; /* GICR_WAKER resets asleep */
		if (v < vcpus)
			vgic->redist[v].mpidr = vcpu_mpidr ? vcpu_mpidr[v] & VGIC_AFF_MASK :
			                                     (uint64_t)v << GIC_AFF0_SHIFT;
		for (unsigned i = 0; i < GIC_PRIVATE_COUNT; i++)
			reset_irq(irq_at(vgic, i, v), i, v);
	}
	for (unsigned s = 0; s < spi_count; s++) {
		reset_irq(irq_at(vgic, GIC_SPI_BASE + s, 0), GIC_SPI_BASE + s, VGIC_NO_VCPU);
		/* As on the board, where CPU 0 has affinity 0.0.0.0. */
		vgic->irouter[s] = vgic->redist[0].mpidr;
	}
	return 0;
}

int vgic_inject(struct vgic *vgic, unsigned intid, unsigned vcpu)
{
	struct vgic_irq *irq = vgic_irq_get(vgic, intid, vcpu);

	if (!irq)
		return -ZE_INVAL;
	vgic_irq_request(vgic, irq);
	return 0;
}

int vgic_set_level(struct vgic *vgic, unsigned intid, unsigned vcpu, bool level)
{
	struct vgic_irq *irq = vgic_irq_get(vgic, intid, vcpu);
	bool rising;

	if (!irq)
		return -ZE_INVAL;
	rising = level && !irq->line;
	irq->line = level;
	if (rising && irq->edge) {
		vgic_irq_request(vgic, irq); /* an edge input: the edge counts */
		return 0;
	}
	if (rising) {
		irq->count.injected++;
		irq->line_rises++;
	}
	vgic_irq_update(vgic, irq);
	return 0;
}

static bool sgi_targets(const struct vgic *vgic, unsigned from, unsigned to, uint64_t sgi1r)
{
	uint64_t mpidr = vgic->redist[to].mpidr;
	uint64_t upper = (sgi1r >> ICC_SGI1R_AFF1_SHIFT & GIC_AFF_FIELD) << GIC_AFF1_SHIFT |
	                 (sgi1r >> ICC_SGI1R_AFF2_SHIFT & GIC_AFF_FIELD) << GIC_AFF2_SHIFT |
	                 (sgi1r >> ICC_SGI1R_AFF3_SHIFT & GIC_AFF_FIELD) << GIC_AFF3_SHIFT;
	unsigned aff0 = (unsigned)(mpidr >> GIC_AFF0_SHIFT & GIC_AFF_FIELD);
	unsigned first = (unsigned)(sgi1r >> ICC_SGI1R_RS_SHIFT & ICC_SGI1R_RS_MASK) *
	                 ICC_SGI1R_TARGETS_PER_RS;

	if (sgi1r & ICC_SGI1R_IRM)
		return to != from;
	if ((mpidr & UPPER_AFFINITY) != upper)
		return false;
	if (aff0 < first || aff0 >= first + ICC_SGI1R_TARGETS_PER_RS)
		return false;
	return (sgi1r & ICC_SGI1R_TARGETS_MASK) >> (aff0 - first) & 1;
}

uint32_t vgic_sgi_targets(const struct vgic *vgic, unsigned from_vcpu, uint64_t sgi1r)
{
	uint32_t mask = 0;

	if (from_vcpu >= vgic->vcpus)
		return 0;
	for (unsigned v = 0; v < vgic->vcpus; v++) {
		if (sgi_targets(vgic, from_vcpu, v, sgi1r))
			mask |= 1u << v;
	}
	return mask;
}

int vgic_send_sgi(struct vgic *vgic, unsigned from_vcpu, uint64_t sgi1r)
{
	unsigned intid = (unsigned)(sgi1r >> ICC_SGI1R_INTID_SHIFT & ICC_SGI1R_INTID_MASK);
	uint32_t targets = vgic_sgi_targets(vgic, from_vcpu, sgi1r);
	int sent = 0;

	if (from_vcpu >= vgic->vcpus)
		return -ZE_INVAL;
	/*
	 * With one security state (DS=1) ICC_SGI1R_EL1 raises the SGI
	 * whatever its group at the target (IHI 0069 12.2.22); only delivery
	 * is limited to Group 1.
	 */
	for (unsigned v = 0; v < vgic->vcpus; v++) {
		if (!(targets >> v & 1))
			continue;
		vgic_irq_request(vgic, irq_at(vgic, intid, v));
		sent++;
	}
	return sent;
}

int vgic_set_hw(struct vgic *vgic, unsigned intid, unsigned vcpu, unsigned hw_intid)
{
	struct vgic_irq *irq = vgic_irq_get(vgic, intid, vcpu);

	if (!irq || hw_intid > GIC_SPI_LAST)
		return -ZE_INVAL;
	irq->hw = hw_intid != 0;
	irq->hw_intid = (uint16_t)hw_intid;
	return 0;
}

uint32_t vgic_take_kicks(struct vgic *vgic)
{
	uint32_t kicks = vgic->kicks;

	vgic->kicks = 0;
	return kicks;
}

/* Read without the VM's lock, on the way back to a guest. */
uint32_t vgic_writes(const struct vgic *vgic)
{
	return __atomic_load_n(&vgic->writes, __ATOMIC_ACQUIRE);
}

const struct vgic_irq_counters *vgic_counters(const struct vgic *vgic, unsigned intid,
                                              unsigned vcpu)
{
	struct vgic_irq *irq = vgic_irq_get((struct vgic *)vgic, intid, vcpu);

	return irq ? &irq->count : NULL;
}

static bool counted(const struct vgic *vgic, const struct vgic_irq *irq)
{
	if (irq->owner != VGIC_NO_VCPU)
		return irq->owner < vgic->vcpus;
	return irq->intid < GIC_SPI_BASE + vgic->spis;
}

/* Latched requests still waiting: in the latch or in a list register. */
static uint64_t outstanding(const struct vgic_irq *irq)
{
	bool in_lr = irq->lr_vcpu != VGIC_NO_VCPU && irq->lr_took_latch && !irq->lr_latch_cleared;

	return (uint64_t)irq->latch + in_lr;
}

/*
 * Every request ends in exactly one way: taken by the guest, merged into
 * one already pending, cleared by the guest, or still waiting.  A level
 * line's pending state is the line's, not a request's, so it is left out.
 */
void vgic_stats(const struct vgic *vgic, struct vgic_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < vgic->irq_count; i++) {
		const struct vgic_irq *irq = &vgic->irq[i];
		uint64_t waiting, requests, ended;

		if (!counted(vgic, irq))
			continue;
		waiting = outstanding(irq);
		requests = irq->count.injected - irq->line_rises;
		ended = (uint64_t)irq->taken_latch + irq->count.merged + irq->count.cleared +
		        waiting;
		out->injected += irq->count.injected;
		out->delivered += irq->count.delivered;
		out->merged += irq->count.merged;
		out->cleared += irq->count.cleared;
		out->outstanding += waiting;
		out->lost += requests > ended ? requests - ended : ended - requests;
	}
	out->unhandled = vgic->unhandled;
}
