/* Locked copies of a VM for the shell and the health monitor: vm_snapshot.h. */
#include "vmm/vm_snapshot.h"
#include "vmm/vcpu_time.h"
#include "kernel/thread.h"
#include "lib/string.h"
#include "vgic/vgic_lr.h"

/* Runs fn on the VM with the locks of docs/locking.md held, in order. */
static bool with_vm_locked(struct vm *vm, void (*fn)(struct vm *vm, void *out), void *out)
{
	if (!vm)
		return false;
	mutex_lock(&vm->ops, WAIT_FOREVER);
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	fn(vm, out);
	spin_unlock_irqrestore(&vm->lock, flags);
	mutex_unlock(&vm->ops);
	return true;
}

static void copy_uart(const struct vm *vm, struct uart_snapshot *u)
{
	/* No vGIC state before the VM's first start. */
	const struct vgic_irq *line =
	        vm->vgic.spis > GUEST_INTID_UART - GIC_SPI_BASE ?
	                &vm->vgic.irq[VGIC_PRIVATE_SLOTS + GUEST_INTID_UART - GIC_SPI_BASE] :
	                NULL;

	u->imsc = vm->uart.imsc;
	u->ris = vm->uart.ris;
	u->rx_count = vm->uart.rx_count;
	u->irq_level = vm->uart.irq_level;
	u->line = line ? *line : (struct vgic_irq){ 0 };
}

static void copy_summary(struct vm *vm, void *out)
{
	struct vm_snapshot *s = out;

	memset(s, 0, sizeof(*s));
	s->id = vm->id;
	s->cfg = vm->cfg;
	s->state = vm->state;
	memcpy(s->reason, vm->reason, sizeof(s->reason));
	s->vcpu_count = vm->vcpu_count;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = &vm->vcpus[i];
		s->vcpus[i] = (struct vcpu_snapshot){ v->cpu,
			                              vm->threads_live && v->power == VCPU_ON,
			                              vm_vcpu_core_dead(v),
			                              v->thread != 0,
			                              { 0 },
			                              vgic_lr_fast_timer_count(v),
			                              vcpu_time_mode_for(vm->cfg.direct_irq) };
		vcpu_time_read(v, s->vcpus[i].core_dead, &s->vcpus[i].stats);
	}
	s->ram_pa = vm->ram_pa;
	s->vmid = vm->vmid;
	stage2_get_stats(&vm->s2, &s->s2);
	s->image_size = vm->image.size;
	s->started_at = vm->started_at;
	s->cntvoff = vm->cntvoff;
	s->last_heartbeat = __atomic_load_n(&vm->last_heartbeat, __ATOMIC_RELAXED);
	s->restarts = vm->restarts;
	s->crashes = vm->crashes;
	s->guest_faults = vm->guest_faults;
	for (unsigned k = 0; k < GUEST_FAULT_KINDS; k++)
		s->faults[k] = __atomic_load_n(&vm->faults[k], __ATOMIC_RELAXED);
	s->aborts_injected = vm->aborts_injected;
	s->revocations = vm->revocations;
	s->reboot_pending = vm->reboot_pending;
	s->threads_live = vm->threads_live;
	vgic_stats(&vm->vgic, &s->vgic);
	if (vm->cfg.uart)
		copy_uart(vm, &s->uart);
	s->virtio_count = vm_virtio_snapshot(vm, s->virtio);
}

static void copy_counters(const struct vgic *vgic, unsigned intid, unsigned vcpu,
                          struct vgic_irq_counters *out)
{
	const struct vgic_irq_counters *c = vgic_counters(vgic, intid, vcpu);

	*out = c ? *c : (struct vgic_irq_counters){ 0 };
}

static void copy_irqs(struct vm *vm, void *out)
{
	struct vm_irq_snapshot *s = out;

	s->vcpu_count = vm->vcpu_count;
	for (unsigned v = 0; v < GUEST_MAX_VCPUS; v++) {
		for (unsigned i = 0; i < GIC_PRIVATE_COUNT; i++)
			copy_counters(&vm->vgic, i, v, &s->priv[v][i]);
	}
	for (unsigned i = 0; i < VGIC_MAX_SPIS; i++)
		copy_counters(&vm->vgic, GIC_SPI_BASE + i, 0, &s->spi[i]);
}

bool vm_snapshot_at(unsigned index, struct vm_snapshot *out)
{
	vm_registry_lock();
	bool found = with_vm_locked(vm_at(index), copy_summary, out);
	vm_registry_unlock();
	return found;
}

bool vm_snapshot_find(const char *name_or_id, struct vm_snapshot *out)
{
	vm_registry_lock();
	bool found = with_vm_locked(vm_find(name_or_id), copy_summary, out);
	vm_registry_unlock();
	return found;
}

bool vm_snapshot_irqs(const char *name_or_id, struct vm_irq_snapshot *out)
{
	vm_registry_lock();
	bool found = with_vm_locked(vm_find(name_or_id), copy_irqs, out);
	vm_registry_unlock();
	return found;
}

const char *vm_snapshot_vcpu_state(const struct vm_snapshot *vm, const struct vcpu_snapshot *v)
{
	if (v->core_dead)
		return "core stopped";
	if (vm->state == VM_STUCK && v->in_guest)
		return "not leaving its guest";
	return v->on ? "on" : "off";
}
