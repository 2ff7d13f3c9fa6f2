/* Direct interrupt delivery: see vgic/vgic_direct.h. */
#include "vgic/vgic_direct.h"
#include "arch/arm64/sysreg.h"
#include "drivers/gicv3.h"
#include "kernel/board_dt.h"
#include "kernel/boot.h"
#include "kernel/ipi.h"
#include "kernel/irq.h"
#include "kernel/irq_priority.h"
#include "kernel/percpu.h"
#include "zvm/guest_layout.h"
#include "vmm/vcpu.h"
#include "vgic/vgic_internal.h"
#include "vmm/vm.h"

static const unsigned guest_ppis[] = { GUEST_INTID_VIRT_TIMER, GUEST_INTID_PHYS_TIMER };
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * ZVM's own IPIs ride on SGIs 0 .. IPI_KINDS-1 (kernel/ipi.h), Group 0 on
 * a direct-delivery core; the guest has the others, on its own cores.
 */
#define GUEST_SGI_FIRST IPI_KINDS
#define GUEST_SGIS      ((uint32_t)((1u << GIC_SGI_COUNT) - (1u << GUEST_SGI_FIRST)))

/* The INTIDs whose state is the physical GIC's, not the model's. */
static uint32_t physical_intids(void)
{
	uint32_t mask = GUEST_SGIS;

	for (unsigned i = 0; i < COUNT(guest_ppis); i++)
		mask |= 1u << guest_ppis[i];
	return mask;
}

/* None of the guest's interrupts outlives its run on this core. */
static void quiesce_guest_intids(void)
{
	uint32_t mask = physical_intids();

	gic_private_write(this_cpu()->id, GICD_ICENABLER, mask);
	gic_private_write(this_cpu()->id, GICD_ICPENDR, mask);
	gic_private_write(this_cpu()->id, GICD_ICACTIVER, mask);
}

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
	quiesce_guest_intids();
	/* The guest expects the reset state: EOI also deactivates. */
	this_cpu()->eoi_split = false;
	write_sysreg(icc_ctlr_el1, 0);
	write_sysreg(icc_pmr_el1, ICC_PMR_ALLOW_ALL);
	write_sysreg(icc_bpr1_el1, 0);
	isb();
}

/*
 * Interrupts the guest acknowledged but never ended, and active priorities
 * it wrote itself, must not keep ZVM's running priority up: every Group 1
 * active priority register the core has is cleared (ICC_AP1R1_EL1 with 6
 * priority bits or more, ICC_AP1R2/3_EL1 with 7, IHI 0069 12.2.2).
 */
static void clear_group1_active_priorities(void)
{
	uint64_t bits =
	        (read_sysreg(icc_ctlr_el1) >> ICC_CTLR_PRIBITS_SHIFT & ICC_CTLR_PRIBITS_MASK) + 1;

	write_sysreg(icc_ap1r0_el1, 0);
	if (bits >= 6)
		write_sysreg_s("S3_0_C12_C9_1", 0); /* ICC_AP1R1_EL1 */
	if (bits >= 7) {
		write_sysreg_s("S3_0_C12_C9_2", 0); /* ICC_AP1R2_EL1 */
		write_sysreg_s("S3_0_C12_C9_3", 0); /* ICC_AP1R3_EL1 */
	}
}

void vgic_direct_leave(struct vcpu *v)
{
	(void)v;
	quiesce_guest_intids();
	clear_group1_active_priorities();
	write_sysreg(icc_ctlr_el1, ICC_CTLR_EOIMODE);
	this_cpu()->eoi_split = true;
	write_sysreg(icc_pmr_el1, ICC_PMR_ALLOW_ALL);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_igrpen1_el1, 1);
	own_interrupts_as_fiq(false);
	isb();
}

/* The physical priority of a guest interrupt the guest gave priority p. */
static uint8_t physical_priority(uint8_t p)
{
	return (uint8_t)(IRQ_PRIO_DIRECT_GUEST_FLOOR | p >> 1);
}

void vgic_direct_sync(struct vcpu *v)
{
	if (vgic_writes(&v->vm->vgic) == v->vgic_writes_seen)
		return;
	uint64_t flags = spin_lock_irqsave(&v->vm->lock);

	v->vgic_writes_seen = vgic_writes(&v->vm->vgic);
	uint32_t mask = physical_intids();
	for (unsigned intid = 0; intid < GIC_PRIVATE_COUNT; intid++) {
		struct vgic_irq *irq = vgic_irq_get(&v->vm->vgic, intid, v->index);
		if (!irq || !(mask >> intid & 1))
			continue;
		gic_set_priority(intid, physical_priority(irq->priority));
		if (irq->enabled && irq->group1 && v->vm->vgic.enable_grp1)
			gic_enable_irq(intid);
		else
			gic_disable_irq(intid);
	}
	spin_unlock_irqrestore(&v->vm->lock, flags);
}

/*
 * The guest's ICC_SGI1R_EL1 write still traps (HCR_EL2.FMO keeps FIQs,
 * ZVM's, at EL2, and with it the SGI registers, IHI 0069 12.1.9).  The
 * model names the targets among the VM's own vCPUs, and each gets the
 * physical SGI on its own core, as Group 1: the guest's.  Nothing reaches
 * a core that is not the VM's; an SGI that ZVM keeps for its own IPIs is
 * refused and counted.
 */
void vgic_direct_send_sgi(struct vcpu *v, uint64_t sgi1r)
{
	struct vm *vm = v->vm;
	unsigned intid = (unsigned)(sgi1r >> ICC_SGI1R_INTID_SHIFT & ICC_SGI1R_INTID_MASK);
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	uint32_t targets = vgic_sgi_targets(&vm->vgic, v->index, sgi1r);

	if (!(GUEST_SGIS >> intid & 1)) {
		vm->vgic.sgis_refused++;
		targets = 0;
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	for (unsigned t = 0; t < vm->vcpu_count; t++) {
		if (targets >> t & 1)
			gic_send_sgi(intid, cpu_data(vm->vcpus[t].cpu)->mpidr, false);
	}
}

/* The pending and active registers of a redistributor's SGI_base. */
static bool is_state_register(uint64_t offset)
{
	return offset == GICR_ISPENDR0 || offset == GICR_ICPENDR0 || offset == GICR_ISACTIVER0 ||
	       offset == GICR_ICACTIVER0;
}

/*
 * The pending and active state of the guest's SGIs and timer PPIs is in
 * the physical redistributor of the vCPU's core: reads report it, and
 * writes set or clear it there.  Everything else is the model's.
 */
int vgic_direct_redist_mmio(void *vgic, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	struct vcpu *v = vcpu_current();
	unsigned frame = (unsigned)(offset / GUEST_GICR_STRIDE);
	uint64_t reg = offset % GUEST_GICR_STRIDE;
	uint32_t mask = physical_intids();
	uint64_t model_part;
	int err;

	if (!v || &v->vm->vgic != vgic || frame >= v->vm->vcpu_count || size != VGIC_WORD ||
	    !is_state_register(reg))
		return vgic_redist_mmio(vgic, offset, size, write, value);
	unsigned cpu = v->vm->vcpus[frame].cpu;
	model_part = write ? *value & ~(uint64_t)mask : 0;
	err = vgic_redist_mmio(vgic, offset, size, write, write ? &model_part : value);
	if (err)
		return err;
	if (write)
		gic_private_write(cpu, reg - GICR_SGI_BASE, (uint32_t)*value & mask);
	else
		*value = (*value & ~(uint64_t)mask) |
		         (gic_private_read(cpu, reg - GICR_SGI_BASE) & mask);
	return 0;
}
