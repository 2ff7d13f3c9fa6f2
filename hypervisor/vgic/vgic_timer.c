/*
 * A guest timer's interrupt as a level line (see vgic.h).  The physical
 * timer PPI of a guest core is hardware-linked to its vCPU: while a list
 * register holds the virtual INTID, the guest's own deactivation ends the
 * physical interrupt.  While no list register does (the guest disabled the
 * PPI in its redistributor, or the interrupt waits for a free LR), the
 * physical interrupt stays active on ZVM's behalf so that it does not fire
 * again at once; that hold is what vgic_timer_sample() releases when the
 * line falls.  An edge latch here would leave a pending state that the
 * timer no longer asserts (issue 12: shown in GICR_ISPENDR0 and delivered
 * once the guest enables the PPI again).
 */
#include "vgic/vgic_internal.h"
#include "lib/generic_timer_defs.h"
#include "lib/zerror.h"

static struct vgic_irq *timer_irq(struct vgic *vgic, unsigned intid, unsigned vcpu)
{
	if (intid < GIC_SGI_COUNT || intid >= GIC_PRIVATE_COUNT)
		return NULL; /* a timer's interrupt is a PPI */
	return vgic_irq_get(vgic, intid, vcpu);
}

bool vgic_timer_asserted(uint64_t cnt_ctl)
{
	return (cnt_ctl & (CNT_CTL_ENABLE | CNT_CTL_ISTATUS | CNT_CTL_IMASK)) ==
	       (CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
}

/*
 * The physical PPI was taken, so the line is asserted now.  It counts as a
 * new assertion even when the model never saw the line fall: the guest may
 * have ended the last one through the hardware link without a trap.
 */
int vgic_timer_fired(struct vgic *vgic, unsigned intid, unsigned vcpu)
{
	struct vgic_irq *irq = timer_irq(vgic, intid, vcpu);

	if (!irq)
		return -ZE_INVAL;
	irq->hw_held = irq->hw;
	irq->line = false;
	return vgic_set_level(vgic, intid, vcpu, true);
}

/*
 * Only a fall is taken from the register: a rise is the physical
 * interrupt's to report, because only an interrupt ZVM acknowledged can be
 * handed to a hardware-linked list register.
 */
int vgic_timer_sample(struct vgic *vgic, unsigned intid, unsigned vcpu, uint64_t cnt_ctl)
{
	struct vgic_irq *irq = timer_irq(vgic, intid, vcpu);

	if (!irq)
		return -ZE_INVAL;
	if (vgic_timer_asserted(cnt_ctl))
		return 0;
	if (irq->line)
		vgic_set_level(vgic, intid, vcpu, false);
	if (!irq->hw_held || irq->active || irq->lr_vcpu != VGIC_NO_VCPU)
		return 0;
	irq->hw_held = false;
	return 1;
}
