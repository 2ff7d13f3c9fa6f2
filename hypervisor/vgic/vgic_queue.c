/*
 * The per-vCPU pending queue and the list-register hand-over.
 *
 * Each vCPU's queue holds the interrupts that wait for a list register:
 * pending or active, targeted at that vCPU, and in no LR.  It is ordered by
 * priority (lower value first, IHI 0069 4.8), then by arrival.  The links
 * live in the interrupt's own state, one slot per INTID, so an INTID is in
 * at most one queue at most once, and the queues cannot overflow: nothing
 * that is pending can fail to be recorded.
 */
#include "vgic/vgic_internal.h"
#include "lib/zerror.h"

#define LR_PENDING_BIT VGIC_LR_PENDING
#define LR_ACTIVE_BIT  VGIC_LR_ACTIVE

static struct vgic_irq *node(struct vgic *vgic, uint16_t index)
{
	return &vgic->irq[index];
}

/* After the last entry of equal or better priority: FIFO within a priority. */
void vgic_queue_insert(struct vgic *vgic, unsigned vcpu, struct vgic_irq *irq)
{
	struct vgic_queue *q = &vgic->queue[vcpu];
	uint16_t self = (uint16_t)vgic_irq_index(vgic, irq);
	uint16_t after = q->tail;

	while (after != VGIC_NIL && node(vgic, after)->priority > irq->priority)
		after = node(vgic, after)->prev;
	irq->prev = after;
	irq->next = after == VGIC_NIL ? q->head : node(vgic, after)->next;
	if (irq->next == VGIC_NIL)
		q->tail = self;
	else
		node(vgic, irq->next)->prev = self;
	if (after == VGIC_NIL)
		q->head = self;
	else
		node(vgic, after)->next = self;
	irq->queued_on = (uint8_t)vcpu;
	q->length++;
}

void vgic_queue_remove(struct vgic *vgic, struct vgic_irq *irq)
{
	struct vgic_queue *q = &vgic->queue[irq->queued_on];

	if (irq->prev == VGIC_NIL)
		q->head = irq->next;
	else
		node(vgic, irq->prev)->next = irq->next;
	if (irq->next == VGIC_NIL)
		q->tail = irq->prev;
	else
		node(vgic, irq->next)->prev = irq->prev;
	irq->prev = VGIC_NIL;
	irq->next = VGIC_NIL;
	irq->queued_on = VGIC_NO_VCPU;
	q->length--;
}

/* The pending state moves into the LR; the LR owns it until returned. */
static void hand_out(struct vgic *vgic, unsigned vcpu, struct vgic_irq *irq, struct vgic_pick *out)
{
	uint8_t state = irq->active ? LR_ACTIVE_BIT : 0;

	if (vgic_irq_deliverable(vgic, irq)) {
		state |= LR_PENDING_BIT;
		irq->lr_took_latch = irq->latch;
		irq->latch = false;
	}
	irq->lr_latch_cleared = false;
	irq->hw_held = false; /* the LR owns the physical interrupt now */
	irq->lr_state = state;
	irq->lr_vcpu = (uint8_t)vcpu;
	vgic_queue_remove(vgic, irq);
	out->intid = irq->intid;
	out->hw_intid = irq->hw_intid;
	out->priority = irq->priority;
	out->state = state;
	out->hw = irq->hw;
	/* With HW set the EOI bit is part of pINTID (IHI 0069 12.4.6). */
	out->eoi_maint = !irq->edge && !irq->hw;
}

static bool wants_lr(const struct vgic *vgic, const struct vgic_irq *irq, bool active_pass)
{
	if (active_pass)
		return irq->active;
	return !irq->active && vgic_irq_deliverable(vgic, irq);
}

static unsigned pick_pass(struct vgic *vgic, unsigned vcpu, struct vgic_pick *out, unsigned n,
                          unsigned max, bool active_pass)
{
	uint16_t at = vgic->queue[vcpu].head;

	while (at != VGIC_NIL && n < max) {
		struct vgic_irq *irq = node(vgic, at);

		at = irq->next; /* hand_out() unlinks irq */
		if (wants_lr(vgic, irq, active_pass))
			hand_out(vgic, vcpu, irq, &out[n++]);
	}
	return n;
}

unsigned vgic_pick(struct vgic *vgic, unsigned vcpu, struct vgic_pick *out, unsigned max)
{
	unsigned n;

	if (vcpu >= vgic->vcpus)
		return 0;
	n = pick_pass(vgic, vcpu, out, 0, max, true);
	return pick_pass(vgic, vcpu, out, n, max, false);
}

/* Pending left the LR: the guest acknowledged the interrupt. */
static void note_taken(struct vgic_irq *irq)
{
	irq->count.delivered++;
	if (irq->lr_took_latch && !irq->lr_latch_cleared)
		irq->taken_latch++;
}

/* Still pending in the LR: the latched request goes back to the latch. */
static void fold_back_pending(struct vgic_irq *irq)
{
	if (!irq->lr_took_latch || irq->lr_latch_cleared)
		return;
	if (irq->latch)
		irq->count.merged++; /* a newer request joins this one */
	irq->latch = true;
}

int vgic_lr_return(struct vgic *vgic, unsigned vcpu, unsigned intid, enum vgic_lr_state state)
{
	struct vgic_irq *irq = vgic_irq_get(vgic, intid, vcpu);
	unsigned now = (unsigned)state;

	if (!irq || irq->lr_vcpu != vcpu || now > VGIC_LR_PENDING_ACTIVE)
		return -ZE_INVAL;
	/* An LR never becomes pending by itself. */
	if ((now & LR_PENDING_BIT) && !(irq->lr_state & LR_PENDING_BIT))
		return -ZE_INVAL;
	if (irq->lr_state & LR_PENDING_BIT) {
		if (now & LR_PENDING_BIT)
			fold_back_pending(irq);
		else
			note_taken(irq);
	}
	irq->active = now & LR_ACTIVE_BIT;
	/* Not ended by the guest: a linked physical interrupt is still active. */
	irq->hw_held = irq->hw && now != VGIC_LR_INVALID;
	irq->lr_vcpu = VGIC_NO_VCPU;
	irq->lr_state = VGIC_LR_INVALID;
	irq->lr_took_latch = false;
	irq->lr_latch_cleared = false;
	vgic_irq_update(vgic, irq);
	return 0;
}

int vgic_completed(struct vgic *vgic, unsigned vcpu, unsigned intid, bool still_active)
{
	return vgic_lr_return(vgic, vcpu, intid, still_active ? VGIC_LR_ACTIVE : VGIC_LR_INVALID);
}

static const struct vgic_irq *first_deliverable(const struct vgic *vgic, unsigned vcpu)
{
	if (vcpu >= vgic->vcpus)
		return NULL;
	for (uint16_t at = vgic->queue[vcpu].head; at != VGIC_NIL; at = vgic->irq[at].next) {
		if (wants_lr(vgic, &vgic->irq[at], false))
			return &vgic->irq[at];
	}
	return NULL;
}

bool vgic_has_deliverable(const struct vgic *vgic, unsigned vcpu)
{
	return first_deliverable(vgic, vcpu) != NULL;
}

/* "Pending" in ICH_MISR_EL2.NP is the pending state alone (IHI 0069 12.4.9). */
uint64_t vgic_maintenance(const struct vgic *vgic, unsigned vcpu, const struct vgic_pick *picks,
                          unsigned n)
{
	if (!vgic_has_deliverable(vgic, vcpu))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		if (picks[i].state == VGIC_LR_PENDING)
			return ICH_HCR_NPIE;
	}
	return n >= 2 ? ICH_HCR_UIE : 0;
}

int vgic_top_priority(const struct vgic *vgic, unsigned vcpu)
{
	const struct vgic_irq *irq = first_deliverable(vgic, vcpu);

	return irq ? irq->priority : -1;
}

/* Walks one queue: links both ways, order, owner marks, length. */
static int check_queue(const struct vgic *vgic, unsigned vcpu)
{
	const struct vgic_queue *q = &vgic->queue[vcpu];
	uint16_t prev = VGIC_NIL;
	unsigned length = 0;

	for (uint16_t at = q->head; at != VGIC_NIL; at = vgic->irq[at].next) {
		const struct vgic_irq *irq = &vgic->irq[at];

		if (at >= vgic->irq_count || length++ >= vgic->irq_count)
			return -ZE_INVAL;
		if (irq->prev != prev || irq->queued_on != vcpu)
			return -ZE_INVAL;
		if (prev != VGIC_NIL && vgic->irq[prev].priority > irq->priority)
			return -ZE_INVAL;
		prev = at;
	}
	return prev == q->tail && length == q->length ? 0 : -ZE_INVAL;
}

static bool irq_exists(const struct vgic *vgic, const struct vgic_irq *irq)
{
	if (irq->owner != VGIC_NO_VCPU)
		return irq->owner < vgic->vcpus;
	return irq->intid < GIC_SPI_BASE + vgic->spis;
}

/* Every waiting interrupt is in the right queue; nothing else is queued. */
int vgic_check(const struct vgic *vgic)
{
	for (unsigned v = 0; v < VGIC_MAX_VCPUS; v++) {
		if (check_queue(vgic, v))
			return -ZE_INVAL;
		if (v >= vgic->vcpus && vgic->queue[v].length)
			return -ZE_INVAL;
	}
	for (unsigned i = 0; i < vgic->irq_count; i++) {
		const struct vgic_irq *irq = &vgic->irq[i];
		unsigned want = VGIC_NO_VCPU;

		if (!irq_exists(vgic, irq)) {
			if (irq->queued_on != VGIC_NO_VCPU || irq->lr_vcpu != VGIC_NO_VCPU)
				return -ZE_INVAL;
			continue;
		}
		if (irq->lr_vcpu == VGIC_NO_VCPU && (vgic_irq_pending(irq) || irq->active))
			want = vgic_irq_target(vgic, irq);
		if (irq->queued_on != want)
			return -ZE_INVAL;
	}
	return 0;
}
