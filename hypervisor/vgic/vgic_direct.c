/* Direct interrupt delivery: see vgic/vgic_direct.h. */
#include "vgic/vgic_direct.h"
#include "arch/arm64/sysreg.h"
#include "drivers/gicv3.h"
#include "kernel/board_dt.h"
#include "kernel/boot.h"
#include "kernel/ipi.h"
#include "kernel/irq_priority.h"
#include "kernel/percpu.h"
#include "zvm/guest_layout.h"
#include "vmm/vcpu.h"
#include "vgic/vgic_internal.h"
#include "vmm/vm.h"

static const unsigned guest_ppis[] = { GUEST_INTID_VIRT_TIMER, GUEST_INTID_PHYS_TIMER };
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* From here on ZVM acknowledges only Group 0 on this core (irq.c): the
 * Group 1 interface is the guest's. */
static void own_interrupts_as_fiq(bool fiq)
{
	/* Back as IRQs, at what ipi.c and arch_timer.c set (one value). */
	uint8_t prio = fiq ? IRQ_PRIO_OWN_FIQ : IRQ_PRIO_IPI;

	if (fiq)
		this_cpu()->group1_is_guests = true;
	ipi_set_group0(fiq, prio);
	gic_set_group0(board.timer.hyp_phys_intid, fiq);
	gic_set_priority(board.timer.hyp_phys_intid, prio);
	if (!fiq)
		this_cpu()->group1_is_guests = false;
}

void vgic_direct_enter(struct vcpu *v)
{
	v->vgic_writes_seen = vgic_writes(&v->vm->vgic);
	write_sysreg(ich_hcr_el2, 0);
	own_interrupts_as_fiq(true);
	for (unsigned i = 0; i < COUNT(guest_ppis); i++)
		gic_disable_irq(guest_ppis[i]);
	/* The guest expects the reset state: EOI also deactivates. */
	this_cpu()->eoi_split = false;
	write_sysreg(icc_ctlr_el1, 0);
	write_sysreg(icc_pmr_el1, ICC_PMR_ALLOW_ALL);
	write_sysreg(icc_bpr1_el1, 0);
	isb();
}

void vgic_direct_leave(struct vcpu *v)
{
	(void)v;
	for (unsigned i = 0; i < COUNT(guest_ppis); i++) {
		gic_disable_irq(guest_ppis[i]);
		if (gic_irq_active(guest_ppis[i]))
			gic_clear_active(guest_ppis[i]);
	}
	/* Interrupts the guest acknowledged but never ended must not keep
	 * ZVM's running priority up. */
	write_sysreg(icc_ap1r0_el1, 0);
	write_sysreg(icc_ctlr_el1, ICC_CTLR_EOIMODE);
	this_cpu()->eoi_split = true;
	write_sysreg(icc_pmr_el1, ICC_PMR_ALLOW_ALL);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_igrpen1_el1, 1);
	own_interrupts_as_fiq(false);
	isb();
}

void vgic_direct_sync(struct vcpu *v)
{
	if (vgic_writes(&v->vm->vgic) == v->vgic_writes_seen)
		return;
	uint64_t flags = spin_lock_irqsave(&v->vm->lock);

	v->vgic_writes_seen = vgic_writes(&v->vm->vgic);
	for (unsigned i = 0; i < COUNT(guest_ppis); i++) {
		struct vgic_irq *irq = vgic_irq_get(&v->vm->vgic, guest_ppis[i], v->index);
		if (!irq)
			continue;
		gic_set_priority(guest_ppis[i], irq->priority);
		if (irq->enabled && irq->group1)
			gic_enable_irq(guest_ppis[i]);
		else
			gic_disable_irq(guest_ppis[i]);
	}
	spin_unlock_irqrestore(&v->vm->lock, flags);
}
