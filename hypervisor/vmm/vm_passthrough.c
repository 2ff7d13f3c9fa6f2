/*
 * Pass-through SPIs: a device interrupt the configuration gives a VM is
 * routed to the core of the VM's first vCPU and hardware-linked to the
 * same virtual INTID, so the guest's own deactivation ends the physical
 * interrupt.  Under direct delivery it goes to the guest without ZVM.
 */
#include "drivers/gicv3.h"
#include "kernel/irq_priority.h"
#include "kernel/irq.h"
#include "kernel/percpu.h"
#include "vmm/vm.h"

static enum irq_result forward_spi(unsigned intid, void *arg)
{
	struct vm *vm = arg;
	uint64_t flags = spin_lock_irqsave(&vm->lock);

	vgic_inject(&vm->vgic, intid, 0);
	uint32_t kicks = vgic_take_kicks(&vm->vgic);
	spin_unlock_irqrestore(&vm->lock, flags);
	vm_kick_vcpus(vm, kicks);
	return IRQ_FORWARDED;
}

void vm_passthrough_start(struct vm *vm)
{
	uint64_t mpidr = cpu_data(vm->vcpus[0].cpu)->mpidr;

	for (unsigned i = 0; i < vm->cfg.intid_count; i++) {
		unsigned intid = vm->cfg.intids[i];
		vgic_set_hw(&vm->vgic, intid, 0, intid);
		irq_register(intid, forward_spi, vm, "passthrough");
		gic_set_priority(intid, IRQ_PRIO_DEVICE);
		gic_route_spi(intid, mpidr);
		gic_enable_irq(intid);
	}
}

void vm_passthrough_stop(struct vm *vm)
{
	for (unsigned i = 0; i < vm->cfg.intid_count; i++) {
		unsigned intid = vm->cfg.intids[i];
		gic_disable_irq(intid);
		/* The guest may have left it active: end it for the next owner. */
		if (gic_irq_active(intid))
			gic_clear_active(intid);
		irq_register(intid, 0, 0, 0);
	}
}
