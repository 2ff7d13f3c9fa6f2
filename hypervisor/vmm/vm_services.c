/*
 * What the trap path asks of a VM, on the VM's own cores: the windows of
 * its emulated devices, SGIs, PSCI power changes, heartbeats and crashes.  Everything
 * touching shared VM state holds the VM's lock; other vCPUs that get new
 * interrupts are kicked after it is released.
 */
#include "vmm/vm.h"
#include "vgic/vgic_direct.h"
#include "vgic/vgic_lr.h"
#include "arch/arm64/debug_regs.h"
#include "arch/arm64/pmu.h"
#include "kernel/log.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "arch/arm64/psci.h"

/* The vCPUs in mask have new interrupts: mark them, bring them through EL2
 * (a vCPU on this very core syncs on its own way back). */
void vm_kick_vcpus(struct vm *vm, uint32_t mask)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (!(mask & (1u << i)))
			continue;
		__atomic_store_n(&vm->vcpus[i].irq_dirty, true, __ATOMIC_RELEASE);
		vcpu_kick(&vm->vcpus[i]);
	}
}

static int add_region(struct vm *vm, uint64_t base, uint64_t size, mmio_handler handler, void *dev,
                      const char *name)
{
	struct mmio_region r = { base, size, handler, dev, name };

	return mmio_register(&vm->mmio, &r);
}

/* Where each device lives is the guest's machine (zvm/guest_layout.h). */
int vm_register_mmio(struct vm *vm)
{
	int err;

	mmio_table_init(&vm->mmio);
	bool direct = vm->cfg.direct_irq;

	err = add_region(vm, GUEST_GICD_BASE, GUEST_GICD_SIZE, vgic_dist_mmio, &vm->vgic, "gicd");
	if (!err)
		err = add_region(vm, GUEST_GICR_BASE, GUEST_GICR_STRIDE * vm->vcpu_count,
		                 direct ? vgic_direct_redist_mmio : vgic_lr_redist_mmio, &vm->vgic,
		                 "gicr");
	if (!err && vm->cfg.uart)
		err = add_region(vm, GUEST_UART_BASE, GUEST_UART_SIZE, vuart_mmio, &vm->uart,
		                 "uart");
	if (!err)
		err = vm_virtio_register(vm);
	/* The table no longer changes while the VM exists. */
	vm->gicd_region = err ? NULL : mmio_find(&vm->mmio, GUEST_GICD_BASE);
	return err;
}

void vm_send_sgi(struct vcpu *v, uint64_t sgi1r)
{
	struct vm *vm = v->vm;

	if (vm->cfg.direct_irq) {
		vgic_direct_send_sgi(v, sgi1r);
		return;
	}
	uint64_t flags = spin_lock_irqsave(&vm->lock);

	vgic_send_sgi(&vm->vgic, v->index, sgi1r);
	uint32_t kicks = vgic_take_kicks(&vm->vgic);
	spin_unlock_irqrestore(&vm->lock, flags);
	vm_kick_vcpus(vm, kicks);
}

bool vm_console_break(struct vm *vm)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	bool sent = vm->cfg.uart && vuart_input_break(&vm->uart);
	uint32_t kicks = vgic_take_kicks(&vm->vgic);

	spin_unlock_irqrestore(&vm->lock, flags);
	vm_kick_vcpus(vm, kicks);
	return sent;
}

size_t vm_console_input(struct vm *vm, const char *s, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	/* Input goes to hvc0 once its driver runs, else to the UART. */
	struct virtio_console *hvc = vm_virtio_live_console(vm);
	size_t taken = hvc          ? virtio_console_input(hvc, s, n) :
	               vm->cfg.uart ? vuart_input(&vm->uart, s, n) :
	                              0;
	uint32_t kicks = vgic_take_kicks(&vm->vgic);

	spin_unlock_irqrestore(&vm->lock, flags);
	vm_kick_vcpus(vm, kicks);
	return taken;
}

void vm_console_putc(struct vm *vm, char c)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);

	console_ring_write(&vm->console, &c, 1);
	spin_unlock_irqrestore(&vm->lock, flags);
	if (vm->console_notify)
		vm->console_notify();
}

void vm_heartbeat(struct vm *vm)
{
	__atomic_store_n(&vm->last_heartbeat, time_now(), __ATOMIC_RELAXED);
}

int vm_vcpu_power_on(struct vcpu *target, uint64_t entry, uint64_t ctx)
{
	struct vm *vm = target->vm;
	uint64_t flags = spin_lock_irqsave(&vm->lock);

	if (target->power == VCPU_ON) {
		spin_unlock_irqrestore(&vm->lock, flags);
		return PSCI_ALREADY_ON;
	}
	vcpu_set_boot(target, entry, ctx);
	target->power = VCPU_ON;
	spin_unlock_irqrestore(&vm->lock, flags);
	sem_give(&target->wake);
	return PSCI_SUCCESS;
}

void vm_guest_setup(struct vcpu *v, struct el2_guest_setup *setup)
{
	setup->vttbr = stage2_vttbr(&v->vm->s2);
	setup->vtcr = stage2_vtcr(read_sysreg(id_aa64mmfr0_el1));
	setup->vmpidr = v->mpidr;
	setup->cntvoff = v->vm->cntvoff;
	setup->direct_irq = v->vm->cfg.direct_irq;
	setup->mdcr = pmu_guest_mdcr(v->vm->cfg.pmu_counters) | debug_guest_mdcr();
}

void vm_vcpu_exited(struct vcpu *v, enum vcpu_exit why)
{
	if (why == VCPU_EXIT_OFF)
		v->power = VCPU_OFF;
}

/* Ends a running VM once, in state `to` (crashed or stopped), and asks
 * every vCPU to leave its guest; the health monitor reaps them. */
static bool mark_ended(struct vm *vm, enum vm_state to, const char *reason)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	bool first = vm->state == VM_RUNNING || vm->state == VM_PAUSED;

	if (first) {
		vm->state = to;
		if (to == VM_CRASHED) {
			vm->crashes++;
			fmt_snprintf(vm->last_crash, sizeof(vm->last_crash), "%s", reason);
		}
		fmt_snprintf(vm->reason, sizeof(vm->reason), "%s", reason);
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			__atomic_fetch_or(&vm->vcpus[i].requests, VCPU_REQ_STOP, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	return first;
}

void vm_crash_from_outside(struct vm *vm, const char *reason)
{
	if (!mark_ended(vm, VM_CRASHED, reason))
		return;
	log_msg(LOG_ERROR, "vm %u '%s' crashed: %s", vm->id, vm->cfg.name, reason);
	vm_kick_vcpus(vm, ~0u);
}

void vm_crash(struct vcpu *v, const char *fmt, ...)
{
	struct vm *vm = v->vm;
	char reason[VM_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (mark_ended(vm, VM_CRASHED, reason)) {
		log_msg(LOG_ERROR, "vm %u '%s' crashed on vCPU %u: %s", vm->id, vm->cfg.name,
		        v->index, reason);
		vm_kick_vcpus(vm, ~(1u << v->index));
		health_notify();
	}
	vcpu_leave(v, VCPU_EXIT_CRASH);
}

/* The guest ended itself on purpose: stopped, not crashed. */
static void __attribute__((noreturn)) guest_ended(struct vcpu *v, bool reboot, const char *reason)
{
	struct vm *vm = v->vm;

	if (reboot)
		vm->reboot_pending = true;
	if (mark_ended(vm, VM_STOPPED, reason)) {
		log_msg(LOG_INFO, "vm %u '%s' %s", vm->id, vm->cfg.name, reason);
		vm_kick_vcpus(vm, ~(1u << v->index));
		health_notify();
	}
	vcpu_leave(v, VCPU_EXIT_STOP);
}

void vm_guest_power_event(struct vcpu *v, enum vm_event ev)
{
	switch (ev) {
	case VM_EVENT_SYSTEM_RESET:
		guest_ended(v, true, "rebooted by the guest (PSCI SYSTEM_RESET)");
	case VM_EVENT_PANIC_RESET:
		vm_crash(v, "kernel panic (the guest's reset after a panic, PSCI SYSTEM_RESET2)");
	case VM_EVENT_SYSTEM_OFF:
	default: guest_ended(v, false, "powered off by the guest (PSCI SYSTEM_OFF)");
	}
}
