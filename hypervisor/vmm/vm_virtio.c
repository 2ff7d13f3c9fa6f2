/*
 * A VM's VirtIO devices: creation, their MMIO windows, interrupts and
 * devicetree nodes.  See vm_virtio.h.
 */
#include "vmm/vm_virtio.h"

#include "vmm/vm.h"

/* Under the VM's lock (a QueueNotify in the trap path), as the UART's output. */
static void console_output(void *ctx, const uint8_t *buf, size_t n)
{
	struct vm *vm = ctx;

	console_ring_write(&vm->console, buf, n);
	if (vm->console_notify)
		vm->console_notify();
}

/* Under the VM's lock: whoever took it kicks the vCPUs after. */
static void set_irq(void *ctx, bool level)
{
	struct vm_virtio_dev *d = ctx;

	vgic_set_level(&d->vm->vgic, d->intid, 0, level);
}

int vm_virtio_register(struct vm *vm)
{
	struct vm_virtio_devs *v = &vm->virtio;
	int err = 0;

	v->ram = (struct guest_ram){ .base = vm->cfg.ram.base,
		                     .size = vm->cfg.ram.size,
		                     .host = (uint8_t *)(uintptr_t)vm->ram_pa };
	v->count = 0;
	for (uint32_t i = 0; i < vm->cfg.virtio_count && !err; i++) {
		const struct vm_virtio *c = &vm->cfg.virtio[i];
		struct vm_virtio_dev *d = &v->dev[v->count++];
		struct mmio_region r = { vm_virtio_base(c), VIRTIO_MMIO_REGION_SIZE,
			                 virtio_mmio_access, &d->console.dev, "virtio" };

		d->vm = vm;
		d->intid = c->intid;
		virtio_console_init(&d->console, &v->ram, console_output, vm, set_irq, d);
		err = mmio_register(&vm->mmio, &r);
	}
	return err;
}

unsigned vm_virtio_snapshot(const struct vm *vm, struct vm_virtio_snapshot *out)
{
	for (unsigned i = 0; i < vm->virtio.count; i++) {
		const struct vm_virtio_dev *d = &vm->virtio.dev[i];
		out[i] = (struct vm_virtio_snapshot){
			.slot = vm->cfg.virtio[i].slot,
			.intid = d->intid,
			.status = d->console.dev.status,
			.kind = d->console.dev.backend->kind,
			.stats = d->console.dev.stats,
			.bytes_out = d->console.bytes_out,
			.bytes_in = d->console.bytes_in,
		};
	}
	return vm->virtio.count;
}

void vm_virtio_dt(const struct vm *vm, struct guest_dt_params *p)
{
	for (uint32_t i = 0; i < vm->cfg.virtio_count; i++) {
		const struct vm_virtio *c = &vm->cfg.virtio[i];
		p->virtio_mask |= 1u << c->slot;
		p->virtio_intid[c->slot] = c->intid;
	}
}

struct virtio_console *vm_virtio_live_console(struct vm *vm)
{
	for (unsigned i = 0; i < vm->virtio.count; i++) {
		struct virtio_console *c = &vm->virtio.dev[i].console;
		if (virtio_device_live(&c->dev))
			return c;
	}
	return NULL;
}
