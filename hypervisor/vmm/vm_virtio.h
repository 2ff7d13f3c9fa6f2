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
#include "vdev/virtio_blk.h"
#include "vdev/virtio_console.h"
#include "vdev/virtio_net.h"
#include "vmm/guest_dt.h"
#include "vmm/vm_config.h"

struct vm;

struct vm_virtio_dev {
	struct vm *vm;
	uint32_t intid;
	const struct vm_virtio *cfg; /* its entry in vm->cfg */
	struct virtio_device *dev;   /* the transport of whichever model below */
	union {
		struct virtio_console console;
		struct virtio_blk blk;
		struct virtio_net net;
	} model;
	/* net: its virtual switch port (-1: none yet). */
	int port;
	/* blk: a RAM disk's pages, kept across restarts until the VM is deleted. */
	uint64_t ram_disk_pa;
	/* blk: a QueueNotify posted to ZVM's core and not yet served. */
	bool pending;
};

struct vm_virtio_devs {
	struct guest_ram ram; /* the VM's RAM as the devices reach it */
	struct vm_virtio_dev dev[VM_MAX_VIRTIO];
	unsigned count;
	/* Under the VM's lock: whether ZVM's core may start a request (set
	 * when the devices are made, cleared when the VM is reaped) and how
	 * many it has in flight outside the lock (vm_virtio_blk.c). */
	bool io_open;
	unsigned io_busy;
};

/* One device as `zvm info` shows it: copied under the VM's lock. */
struct vm_virtio_snapshot {
	uint32_t slot, intid, status;
	const char *kind;
	struct virtio_stats stats;
	uint64_t bytes_out, bytes_in;
	/* blk only (is_blk): where its sectors are, and its request counters. */
	bool is_blk, read_only;
	enum vm_virtio_backing backing;
	uint64_t offset, size;
	struct virtio_blk_stats blk;
	/* net only (is_net): its MAC, frames, and the switch's counts for its port. */
	bool is_net;
	uint8_t mac[VM_MAC_LEN];
	struct virtio_net_stats net;
	uint64_t spoofed, switch_dropped;
};

/* Creates the configured devices afresh (as after reset) and registers
 * their windows; the VM does not run.  0, mmio_register()'s error, or a
 * disk's (logged): no board disk, a partition past its end, no memory. */
int vm_virtio_register(struct vm *vm);
/* A device's interrupt line (under the VM's lock; the caller kicks the vCPUs). */
void vm_virtio_set_irq(void *ctx, bool level);
/* --- blk devices (vm_virtio_blk.c) --- */
/* Starts the thread on ZVM's core that serves every VM's disks (boot). */
void vm_virtio_blk_start(void);
/* Makes device d's backing (a RAM disk's pages on its first start). */
int vm_virtio_blk_setup(struct vm_virtio_dev *d);
/* No request of the VM's disks runs after this returns (the VM's vCPUs are
 * gone; ZVM's core, may sleep): before its RAM is loaded again or freed. */
void vm_virtio_quiesce(struct vm *vm);
/* Frees what the devices kept across restarts (the VM is being deleted). */
void vm_virtio_release(struct vm *vm);
/* Takes the VM's net devices off the virtual switch (it is being deleted). */
void vm_virtio_net_release(struct vm *vm);
/* Copies every device's state and counters (under the VM's lock). */
unsigned vm_virtio_snapshot(const struct vm *vm, struct vm_virtio_snapshot *out);
/* The devices' nodes in the VM's devicetree. */
void vm_virtio_dt(const struct vm *vm, struct guest_dt_params *p);
/* The console device once its driver runs, else NULL (under the VM's lock). */
struct virtio_console *vm_virtio_live_console(struct vm *vm);

#endif
