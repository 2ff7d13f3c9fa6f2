/*
 * A VM's VirtIO devices in ZVM: one virtio-mmio window per configured
 * device (vm_config.h's struct vm_virtio), registered in the VM's MMIO
 * region table, interrupting on its SPI through the vGIC, and described in
 * the VM's devicetree.  The console's transmit and receive run in place
 * (short copies to and from the console ring); see the README's VirtIO
 * paragraph for where the heavier backends run.
 */
#ifndef VMM_VM_VIRTIO_H
#define VMM_VM_VIRTIO_H

#include <stddef.h>
#include <stdint.h>

#include "vdev/guest_ram.h"
#include "vdev/virtio_console.h"
#include "vmm/guest_dt.h"
#include "vmm/vm_config.h"

struct vm;

struct vm_virtio_dev {
	struct vm *vm;
	uint32_t intid;
	struct virtio_console console; /* the only device type so far */
};

struct vm_virtio_devs {
	struct guest_ram ram; /* the VM's RAM as the devices reach it */
	struct vm_virtio_dev dev[VM_MAX_VIRTIO];
	unsigned count;
};

/* One device as `zvm info` shows it: copied under the VM's lock. */
struct vm_virtio_snapshot {
	uint32_t slot, intid, status;
	const char *kind;
	struct virtio_stats stats;
	uint64_t bytes_out, bytes_in;
};

/* Creates the configured devices afresh (as after reset) and registers
 * their windows; the VM does not run.  0 or mmio_register()'s error. */
int vm_virtio_register(struct vm *vm);
/* Copies every device's state and counters (under the VM's lock). */
unsigned vm_virtio_snapshot(const struct vm *vm, struct vm_virtio_snapshot *out);
/* The devices' nodes in the VM's devicetree. */
void vm_virtio_dt(const struct vm *vm, struct guest_dt_params *p);
/* The console device once its driver runs, else NULL (under the VM's lock). */
struct virtio_console *vm_virtio_live_console(struct vm *vm);

#endif
