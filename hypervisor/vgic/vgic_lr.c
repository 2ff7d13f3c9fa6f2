/*
 * List-register management (IHI 0069 section 12.4: ICH_* registers).
 * Physical timer PPIs of a guest core are hardware-linked to the vCPU: the
 * guest's own deactivation ends the physical interrupt, so a timer costs
 * one trap, not two.
 */
#include "vgic/vgic_lr.h"
#include "arch/arm64/sysreg.h"
#include "drivers/gicv3.h"
#include "kernel/irq.h"
#include "kernel/irq_priority.h"
#include "kernel/percpu.h"
#include "zvm/guest_layout.h"
#include "vmm/vcpu.h"
#include "vgic/vgic.h"
#include "vgic/vgic_internal.h"
#include "vmm/vm.h"
#include "zshm/zshm.h"

/*
 * LR 0 belongs to the hardware-linked virtual timer and LR 1 to the EL1
 * physical timer, each loaded by the vectors' fast path without the
 * register model; the model uses the others.  A physical timer cannot fire
 * again before the guest deactivates it through its LR, so the LR is
 * always free when it does.
 */
#define TIMER_LR       0
#define PTIMER_LR      1
#define MODEL_LR_FIRST 2

static const unsigned forwarded_ppis[] = { GUEST_INTID_VIRT_TIMER, GUEST_INTID_PHYS_TIMER };

#define LR_CASE(n) \
	case n: return read_sysreg(ich_lr##n##_el2);
static uint64_t lr_read(unsigned n)
{
	switch (n) {
		LR_CASE(0)
		LR_CASE(1)
		LR_CASE(2)
		LR_CASE(3)
		LR_CASE(4)
		LR_CASE(5)
		LR_CASE(6)
		LR_CASE(7)
		LR_CASE(8)
		LR_CASE(9)
		LR_CASE(10)
		LR_CASE(11)
		LR_CASE(12)
		LR_CASE(13)
		LR_CASE(14)
		LR_CASE(15)
	default: break; /* lr_count() never allows more */
	}
	return 0;
}

#define LW_CASE(n) \
	case n: write_sysreg(ich_lr##n##_el2, v); return;
static void lr_write(unsigned n, uint64_t v)
{
	switch (n) {
		LW_CASE(0)
		LW_CASE(1)
		LW_CASE(2)
		LW_CASE(3)
		LW_CASE(4)
		LW_CASE(5)
		LW_CASE(6)
		LW_CASE(7)
		LW_CASE(8)
		LW_CASE(9)
		LW_CASE(10)
		LW_CASE(11)
		LW_CASE(12)
		LW_CASE(13)
		LW_CASE(14)
		LW_CASE(15)
	default: break;
	}
}

static unsigned lr_count(void)
{
	unsigned n = (unsigned)(read_sysreg(ich_vtr_el2) & ICH_VTR_LISTREGS) + 1;

	return n < ICH_LR_MAX ? n : ICH_LR_MAX;
}

static uint64_t lr_encode(const struct vgic_pick *p)
{
	uint64_t lr = p->intid | ICH_LR_GROUP1 | ((uint64_t)p->priority << ICH_LR_PRIORITY_SHIFT) |
	              ((uint64_t)p->state << ICH_LR_STATE_SHIFT);

	if (p->hw)
		lr |= ICH_LR_HW | ((uint64_t)p->hw_intid << ICH_LR_PINTID_SHIFT);
	else if (p->eoi_maint)
		lr |= ICH_LR_EOI;
	return lr;
}

static void update_fast_timer(struct vcpu *v);

/*
 * The guest's timer registers, as EL2 reads them with HCR_EL2.E2H == 0:
 * the EL1 physical and the virtual timer of this core, the vCPU's own.
 */
static uint64_t timer_ctl(unsigned intid)
{
	return intid == GUEST_INTID_VIRT_TIMER ? read_sysreg(cntv_ctl_el0) :
	                                         read_sysreg(cntp_ctl_el0);
}

/*
 * Follows the fall of the timer lines of v, which runs on this core (VM
 * lock held): a level the guest's timer no longer asserts is no longer
 * pending, and a physical interrupt the model held active is released so
 * that the timer's next expiry is taken.  Two register reads, and only
 * while a line is up or held.
 */
static void sample_timers(struct vcpu *v)
{
	for (unsigned i = 0; i < sizeof(forwarded_ppis) / sizeof(forwarded_ppis[0]); i++) {
		unsigned intid = forwarded_ppis[i];
		struct vgic_irq *irq = vgic_irq_get(&v->vm->vgic, intid, v->index);

		if (!irq || (!irq->line && !irq->hw_held))
			continue;
		if (vgic_timer_sample(&v->vm->vgic, intid, v->index, timer_ctl(intid)) == 1)
			gic_clear_active(intid);
	}
}

/* VM lock held. */
static void fold_back(struct vcpu *v)
{
	if (v->lrs_used)
		v->irq_dirty = true; /* what came back may be due again */
	for (unsigned n = MODEL_LR_FIRST; n < MODEL_LR_FIRST + v->lrs_used; n++) {
		uint64_t lr = lr_read(n);
		lr_write(n, 0);
		vgic_lr_return(&v->vm->vgic, v->index, (unsigned)(lr & ICH_LR_VINTID_MASK),
		               (enum vgic_lr_state)(lr >> ICH_LR_STATE_SHIFT));
	}
	v->lrs_used = 0;
	sample_timers(v);
}

void vgic_lr_save(struct vcpu *v)
{
	uint64_t flags = spin_lock_irqsave(&v->vm->lock);

	fold_back(v);
	spin_unlock_irqrestore(&v->vm->lock, flags);
}

void vgic_lr_sync(struct vcpu *v)
{
	struct vgic_pick picks[ICH_LR_MAX];
	unsigned n;

	/* The guest reprogrammed its GIC: is the timer's fast path still right? */
	bool reprogrammed = vgic_writes(&v->vm->vgic) != v->vgic_writes_seen;

	/* Nothing loaded, nothing new: most hypercall and MMIO traps. */
	if (!reprogrammed && !v->lrs_used && !__atomic_load_n(&v->irq_dirty, __ATOMIC_ACQUIRE))
		return;
	uint64_t flags = spin_lock_irqsave(&v->vm->lock);
	if (reprogrammed)
		update_fast_timer(v);
	fold_back(v);
	v->irq_dirty = false;
	zshm_take_doorbells(v);
	n = vgic_pick(&v->vm->vgic, v->index, picks, lr_count() - MODEL_LR_FIRST);
	for (unsigned i = 0; i < n; i++)
		lr_write(MODEL_LR_FIRST + i, lr_encode(&picks[i]));
	v->lrs_used = n;
	v->stats.injected += n;
	write_sysreg(ich_hcr_el2, ICH_HCR_EN | vgic_maintenance(&v->vm->vgic, v->index, picks, n));
	spin_unlock_irqrestore(&v->vm->lock, flags);
}

/* A guest timer fired on this core: hand it to the vCPU, still active. */
static enum irq_result forward_ppi(unsigned intid, void *arg)
{
	struct vcpu *v = vcpu_current();

	(void)arg;
	if (!v)
		return IRQ_HANDLED;
	uint64_t flags = spin_lock_irqsave(&v->vm->lock);
	vgic_timer_fired(&v->vm->vgic, intid, v->index);
	uint32_t kicks = vgic_take_kicks(&v->vm->vgic);
	spin_unlock_irqrestore(&v->vm->lock, flags);
	vm_kick_vcpus(v->vm, kicks);
	return IRQ_FORWARDED;
}

/*
 * The LR value the vectors' fast path loads when this timer of the vCPU
 * fires, or 0 while the guest has the timer masked in its GIC, or
 * interrupts are delivered directly.
 *
 * Every VM.  LRs 0 and 1 are per core, and each vCPU has a core of its
 * own, so vCPUs never share them.  The model never holds the timer's INTID
 * in an LR while its own LR does: the model gets it only from a physical
 * interrupt taken while this value was 0 (the PPI disabled), and that
 * interrupt stays active, so it cannot fire into the fast LR, until the
 * guest ends it through the model's LR or its line falls.  The timer lost
 * with SMP Linux (an RCU stall in stop_machine) was the lost second SGI:
 * an IPI to a vCPU idling in WFI (fixed in vgic.c, hidden_in_lr()), and a
 * stale edge-latched timer (vgic_timer.c).
 */
static uint64_t fast_lr_value(struct vcpu *v, unsigned intid)
{
	struct vgic_irq *t = vgic_irq_get(&v->vm->vgic, intid, v->index);

	if (!t || !t->enabled || !t->group1 || !v->vm->vgic.enable_grp1 || v->vm->cfg.direct_irq)
		return 0;
	return intid | ICH_LR_HW | ICH_LR_GROUP1 | ((uint64_t)intid << ICH_LR_PINTID_SHIFT) |
	       ((uint64_t)t->priority << ICH_LR_PRIORITY_SHIFT) |
	       ((uint64_t)VGIC_LR_PENDING << ICH_LR_STATE_SHIFT);
}

/* Recomputed before the return to the guest whenever it wrote its
 * distributor or redistributors. */
static void update_fast_timer(struct vcpu *v)
{
	v->vgic_writes_seen = vgic_writes(&v->vm->vgic);
	cpu_data(v->cpu)->fast_timer_lr = fast_lr_value(v, GUEST_INTID_VIRT_TIMER);
	cpu_data(v->cpu)->fast_ptimer_lr = fast_lr_value(v, GUEST_INTID_PHYS_TIMER);
}

/*
 * The guest's view of its redistributor includes its timer lines as they
 * are now, so they are sampled first (the MMIO dispatch holds the VM's
 * lock; the access traps on the core of the vCPU that makes it).  The
 * distributor needs no sampling: its copies of SGI and PPI state are
 * RAZ/WI (affinity routing), so its window is vgic_dist_mmio() itself.
 */
int vgic_lr_redist_mmio(void *vgic, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	struct vcpu *v = vcpu_current();

	if (v)
		sample_timers(v);
	return vgic_redist_mmio(vgic, offset, size, write, value);
}

uint64_t vgic_lr_fast_timer_count(const struct vcpu *v)
{
	return v->in_guest ? cpu_data(v->cpu)->fast_timer_count : v->stats.timer_fast;
}

/*
 * The maintenance interrupt is a level (IHI 0069, ICH_MISR_EL2): it stays
 * asserted while its cause lasts, and acknowledging it does not end the
 * cause.  An LR that the guest EOIed with LR.EOI set stays invalid and
 * flagged in ICH_EISR_EL2 until the LR itself is rewritten, so rewriting
 * ICH_HCR_EL2 alone left the interrupt asserted and irq_dispatch()
 * acknowledging it for ever: the vCPU never ran again.  So: ICH_HCR_EL2
 * without NPIE, then every LR folded back into the model (zeroed), which
 * ends every cause and tells the model the guest is done, so that it
 * samples the level line again.  vgic_lr_sync() refills the LRs on the
 * way back to the guest.
 */
static enum irq_result maintenance(unsigned intid, void *arg)
{
	struct vcpu *v = vcpu_current();

	(void)intid;
	(void)arg;
	write_sysreg(ich_hcr_el2, ICH_HCR_EN); /* neither NPIE nor UIE */
	if (v)
		vgic_lr_save(v);
	return IRQ_HANDLED;
}

void vgic_lr_enter(struct vcpu *v)
{
	unsigned count = lr_count();

	for (unsigned n = 0; n < count; n++)
		lr_write(n, 0);
	v->lrs_used = 0;
	write_sysreg(ich_ap1r0_el2, 0);
	write_sysreg(ich_vmcr_el2, 0);
	write_sysreg(ich_hcr_el2, ICH_HCR_EN);
	this_cpu()->fast_timer_count = 0;
	update_fast_timer(v);
	irq_register(GUEST_INTID_MAINT, maintenance, 0, "vgic-maint");
	gic_set_priority(GUEST_INTID_MAINT, IRQ_PRIO_GUEST_PPI);
	gic_enable_irq(GUEST_INTID_MAINT);
	for (unsigned i = 0; i < sizeof(forwarded_ppis) / sizeof(forwarded_ppis[0]); i++) {
		irq_register(forwarded_ppis[i], forward_ppi, 0, "guest-timer");
		gic_set_priority(forwarded_ppis[i], IRQ_PRIO_GUEST_PPI);
		gic_enable_irq(forwarded_ppis[i]);
	}
	isb();
}

void vgic_lr_leave(struct vcpu *v)
{
	this_cpu()->fast_timer_lr = 0;
	this_cpu()->fast_ptimer_lr = 0;
	v->stats.timer_fast = this_cpu()->fast_timer_count;
	vgic_lr_save(v);
	lr_write(TIMER_LR, 0);
	lr_write(PTIMER_LR, 0);
	write_sysreg(ich_hcr_el2, 0);
	gic_disable_irq(GUEST_INTID_MAINT);
	for (unsigned i = 0; i < sizeof(forwarded_ppis) / sizeof(forwarded_ppis[0]); i++) {
		gic_disable_irq(forwarded_ppis[i]);
		/* The guest never ended it: end it here, or it stays stuck. */
		if (gic_irq_active(forwarded_ppis[i]))
			gic_clear_active(forwarded_ppis[i]);
	}
	isb();
}
