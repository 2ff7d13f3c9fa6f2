/*
 * A VM's VirtIO devices: creation, their MMIO windows, interrupts and
 * devicetree nodes.  See vm_virtio.h.
 */
#include "vmm/vm_virtio.h"

#include "kernel/time.h"
#include "lib/string.h"
#include "net/net_service.h"
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
void vm_virtio_set_irq(void *ctx, bool level)
{
	struct vm_virtio_dev *d = ctx;

	vgic_set_level(&d->vm->vgic, d->intid, 0, level);
}

static void net_tx_kick(void *ctx)
{
	net_kick(ctx);
}

/* A net device afresh; its switch port on its first start, kept until deletion. */
static int net_setup(struct vm *vm, struct vm_virtio_dev *d, bool first)
{
	int err = 0;

	/* The switch may be delivering to the device: set it up between two frames. */
	net_service_lock();
	virtio_net_init(&d->model.net, &vm->virtio.ram, d->cfg->mac, net_tx_kick, d,
	                vm_virtio_set_irq, d);
	if (first) {
		d->port = -1;
		err = net_attach(d, vm->cfg.name);
	}
	net_service_unlock();
	return err;
}

void vm_virtio_net_release(struct vm *vm)
{
	net_service_lock();
	for (unsigned i = 0; i < vm->virtio.count; i++)
		if (vm->virtio.dev[i].cfg->type == VM_VIRTIO_NET)
			net_detach(&vm->virtio.dev[i]);
	net_service_unlock();
}

/* The interrupt timing's clock: the physical counter, one for every core. */
static uint64_t virtio_clock(void)
{
	return time_now();
}

int vm_virtio_register(struct vm *vm)
{
	struct vm_virtio_devs *v = &vm->virtio;
	int err = 0;

	virtio_set_clock(virtio_clock);
	v->ram = (struct guest_ram){ .base = vm->cfg.ram.base,
		                     .size = vm->cfg.ram.size,
		                     .host = (uint8_t *)(uintptr_t)vm->ram_pa };
	v->count = 0;
	for (uint32_t i = 0; i < vm->cfg.virtio_count && !err; i++) {
		const struct vm_virtio *c = &vm->cfg.virtio[i];
		struct vm_virtio_dev *d = &v->dev[v->count];
		bool first = d->vm == NULL;

		d->vm = vm;
		d->intid = c->intid;
		d->cfg = c;
		d->pending = false;
		if (c->type == VM_VIRTIO_BLK) {
			err = vm_virtio_blk_setup(d);
			d->dev = &d->model.blk.dev;
		} else if (c->type == VM_VIRTIO_NET) {
			err = net_setup(vm, d, first);
			d->dev = &d->model.net.dev;
		} else {
			virtio_console_init(&d->model.console, &v->ram, console_output, vm,
			                    vm_virtio_set_irq, d);
			d->dev = &d->model.console.dev;
		}
		struct mmio_region r = { vm_virtio_base(c), VIRTIO_MMIO_REGION_SIZE,
			                 virtio_mmio_access, d->dev, "virtio" };
		if (!err)
			err = mmio_register(&vm->mmio, &r);
		if (!err)
			v->count++; /* only a device made whole is shown or served */
	}
	/* Only now may ZVM's core serve the disks (the VM does not run yet). */
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	v->io_open = err == 0;
	spin_unlock_irqrestore(&vm->lock, flags);
	return err;
}

unsigned vm_virtio_snapshot(const struct vm *vm, struct vm_virtio_snapshot *out)
{
	for (unsigned i = 0; i < vm->virtio.count; i++) {
		const struct vm_virtio_dev *d = &vm->virtio.dev[i];
		const struct vm_virtio *c = &vm->cfg.virtio[i];
		out[i] = (struct vm_virtio_snapshot){
			.slot = c->slot,
			.intid = d->intid,
			.status = d->dev->status,
			.kind = d->dev->backend->kind,
			.stats = d->dev->stats,
		};
		if (c->type == VM_VIRTIO_BLK) {
			const struct virtio_blk *b = &d->model.blk;
			out[i].is_blk = true;
			out[i].read_only = b->backing.read_only;
			out[i].backing = c->backing;
			out[i].offset = c->offset;
			out[i].size = c->size;
			out[i].blk = b->stats;
			out[i].bytes_out = b->stats.bytes_written;
			out[i].bytes_in = b->stats.bytes_read;
		} else if (c->type == VM_VIRTIO_NET) {
			struct vswitch_port_stats ps = net_port_stats(d);
			out[i].is_net = true;
			memcpy(out[i].mac, c->mac, VM_MAC_LEN);
			out[i].net = d->model.net.stats;
			out[i].bytes_out = d->model.net.stats.tx_bytes;
			out[i].bytes_in = d->model.net.stats.rx_bytes;
			out[i].spoofed = ps.spoofed;
			out[i].switch_dropped = ps.malformed;
		} else {
			out[i].bytes_out = d->model.console.bytes_out;
			out[i].bytes_in = d->model.console.bytes_in;
		}
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
		struct vm_virtio_dev *d = &vm->virtio.dev[i];
		if (d->cfg->type == VM_VIRTIO_CONSOLE && virtio_device_live(d->dev))
			return &d->model.console;
	}
	return NULL;
}
