/*
 * A VM's virtio-blk devices in ZVM: their backings (a RAM disk in ZVM's
 * memory, or a partition of the board's disk) and where their requests
 * run.  A QueueNotify, trapped on the guest's core under the VM's lock,
 * only marks the device pending and wakes the disk thread on ZVM's core
 * (a semaphore: an SGI when it sleeps).  That thread takes each request
 * under the VM's lock (virtio_blk_take: pop and check), does the I/O
 * without it (virtio_blk_execute: memcpy, or the board disk's driver) and
 * completes it under the lock again (status, used ring, the device's
 * level SPI through the vGIC), then kicks the vCPUs the interrupt targets.
 *
 * A request in flight holds the VM's RAM: vm_virtio_quiesce() closes the
 * VM's I/O and waits for it to drain before a start reloads the RAM or a
 * delete frees it; a reset by the driver meanwhile drops the completion
 * (virtio_blk.c's epoch).
 */
#include "vmm/vm_virtio.h"

#include "drivers/board_blk.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/sem.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"
#include "vmm/vm.h"
#include "vmm/vm_boot.h"

/* Above the shell (20), below the health monitor (10): I/O is a backend. */
#define DISK_THREAD_PRIORITY 15
#define DISK_THREAD_CPU      0u /* ZVM's core */
/* Posts outstanding at most; more are merged (every device is scanned). */
#define DISK_POSTS_MAX       1024u
/* vm_virtio_quiesce() looks again this often while a request runs. */
#define QUIESCE_POLL_MS      1u

static struct sem posted;

/* --- backings --------------------------------------------------------------- */

static int ram_disk_rw(void *ctx, bool write, uint64_t sector, const struct blk_iov *iov,
                       unsigned n)
{
	const struct vm_virtio_dev *d = ctx;
	uint8_t *at = (uint8_t *)(uintptr_t)d->ram_disk_pa + sector * VIRTIO_BLK_SECTOR_SIZE;

	for (unsigned i = 0; i < n; i++) {
		if (write)
			memcpy(at, iov[i].host, iov[i].len);
		else
			memcpy(iov[i].host, at, iov[i].len);
		at += iov[i].len;
	}
	return 0;
}

/* A RAM disk is as durable as it gets. */
static int ram_disk_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static int partition_rw(void *ctx, bool write, uint64_t sector, const struct blk_iov *iov,
                        unsigned n)
{
	const struct vm_virtio_dev *d = ctx;

	return board_blk_rw(write, d->cfg->offset / VIRTIO_BLK_SECTOR_SIZE + sector, iov, n);
}

static int partition_flush(void *ctx)
{
	(void)ctx;
	return board_blk_flush();
}

/*
 * A new RAM disk starts with its package image, if it names one (the
 * validator checked that it is there and fits); the rest stays zero.  Only
 * when it is made: a restart keeps what the guest wrote, a VM deleted and
 * created again starts from the image.
 */
static void ram_disk_fill(struct vm_virtio_dev *d)
{
	const void *data;
	size_t size;

	if (!d->cfg->image[0])
		return;
	if (vm_boot_image(d->cfg->image, &data, &size) || size > d->cfg->size) {
		log_msg(LOG_ERROR, "vm '%s' virtio@%x: RAM disk image '%s' missing or too large",
		        d->vm->cfg.name, d->cfg->slot, d->cfg->image);
		return;
	}
	memcpy((void *)(uintptr_t)d->ram_disk_pa, data, size);
}

static int ram_disk_backing(struct vm_virtio_dev *d, struct blk_backing *b)
{
	const struct vm_virtio *c = d->cfg;

	if (!d->ram_disk_pa) {
		d->ram_disk_pa = page_alloc_size(c->size);
		if (!d->ram_disk_pa) {
			log_msg(LOG_ERROR, "vm '%s' virtio@%x: no memory for its %llu KiB RAM disk",
			        d->vm->cfg.name, c->slot, (unsigned long long)(c->size >> 10));
			return -ZE_NOMEM;
		}
		memset((void *)(uintptr_t)d->ram_disk_pa, 0, c->size);
		ram_disk_fill(d);
	}
	*b = (struct blk_backing){ .sectors = c->size / VIRTIO_BLK_SECTOR_SIZE,
		                   .read_only = c->read_only,
		                   .can_flush = true,
		                   .rw = ram_disk_rw,
		                   .flush = ram_disk_flush,
		                   .ctx = d };
	return 0;
}

/* The partition must lie on the disk the board has (zvmpack cannot know it). */
static int partition_backing(struct vm_virtio_dev *d, struct blk_backing *b)
{
	const struct vm_virtio *c = d->cfg;
	uint64_t disk_bytes = board_blk_sectors() * VIRTIO_BLK_SECTOR_SIZE;

	if (!board_blk_present()) {
		log_msg(LOG_ERROR, "vm '%s' virtio@%x: the board has no disk for its partition",
		        d->vm->cfg.name, c->slot);
		return -ZE_NOENT;
	}
	if (c->offset > disk_bytes || c->size > disk_bytes - c->offset) {
		log_msg(LOG_ERROR,
		        "vm '%s' virtio@%x: partition <0x%llx 0x%llx> ends past the board disk "
		        "(0x%llx bytes)",
		        d->vm->cfg.name, c->slot, (unsigned long long)c->offset,
		        (unsigned long long)c->size, (unsigned long long)disk_bytes);
		return -ZE_MALFORMED;
	}
	*b = (struct blk_backing){ .sectors = c->size / VIRTIO_BLK_SECTOR_SIZE,
		                   .read_only = c->read_only || board_blk_read_only(),
		                   .can_flush = true,
		                   .rw = partition_rw,
		                   .flush = partition_flush,
		                   .ctx = d };
	return 0;
}

/* Under the VM's lock, on the guest's core: post, do not serve. */
static void post_kick(void *ctx)
{
	struct vm_virtio_dev *d = ctx;

	__atomic_store_n(&d->pending, true, __ATOMIC_RELEASE);
	sem_give(&posted); /* -ZE_BUSY: enough posts wait, the scan finds this one */
}

int vm_virtio_blk_setup(struct vm_virtio_dev *d)
{
	struct blk_backing backing;
	char id[VIRTIO_BLK_ID_BYTES + 1];
	int rc = d->cfg->backing == VM_BACKING_RAM ? ram_disk_backing(d, &backing) :
	                                             partition_backing(d, &backing);

	if (rc)
		return rc;
	fmt_snprintf(id, sizeof(id), "zvm-%s-%x", d->vm->cfg.name, d->cfg->slot);
	virtio_blk_init(&d->model.blk, &d->vm->virtio.ram, &backing, id, vm_virtio_set_irq, d);
	d->model.blk.kick = post_kick;
	d->model.blk.kick_ctx = d;
	return 0;
}

/* --- the disk thread on ZVM's core ------------------------------------------- */

/* The request being served: one at a time, so one buffer. */
static struct blk_req req;

/* Takes one request of d if the VM's I/O is open: true with it in req. */
static bool take_one(struct vm *vm, struct vm_virtio_dev *d)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	bool got = vm->virtio.io_open && virtio_blk_take(&d->model.blk, &req) > 0;

	if (got)
		vm->virtio.io_busy++;
	uint32_t kicks = vgic_take_kicks(&vm->vgic); /* a NEEDS_RESET interrupt */
	spin_unlock_irqrestore(&vm->lock, flags);
	vm_kick_vcpus(vm, kicks);
	return got;
}

static void complete_one(struct vm *vm, struct vm_virtio_dev *d)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);

	if (vm->virtio.io_open && virtio_blk_complete(&d->model.blk, &req))
		virtio_blk_notify_driver(&d->model.blk);
	vm->virtio.io_busy--;
	uint32_t kicks = vgic_take_kicks(&vm->vgic);
	spin_unlock_irqrestore(&vm->lock, flags);
	vm_kick_vcpus(vm, kicks);
}

/* Every request waiting on d; the registry is held only to find the VM. */
static void serve_device(struct vm *vm, struct vm_virtio_dev *d)
{
	while (take_one(vm, d)) {
		vm_registry_unlock(); /* the VM stays: io_busy holds its delete */
		virtio_blk_execute(&d->model.blk, &req);
		complete_one(vm, d);
		vm_registry_lock();
	}
}

static void serve_vm(struct vm *vm)
{
	for (unsigned i = 0; i < vm->virtio.count; i++) {
		struct vm_virtio_dev *d = &vm->virtio.dev[i];
		if (d->cfg->type == VM_VIRTIO_BLK &&
		    __atomic_exchange_n(&d->pending, false, __ATOMIC_ACQ_REL))
			serve_device(vm, d);
	}
}

static void disk_thread(void *arg)
{
	(void)arg;
	for (;;) {
		sem_take(&posted, WAIT_FOREVER);
		vm_registry_lock();
		for (unsigned i = 0; i < VM_MAX; i++) {
			struct vm *vm = vm_at(i);
			if (vm && vm->used)
				serve_vm(vm);
		}
		vm_registry_unlock();
	}
}

void vm_virtio_blk_start(void)
{
	sem_init(&posted, 0, DISK_POSTS_MAX);
	if (!thread_create("vdisk", disk_thread, 0, DISK_THREAD_PRIORITY, DISK_THREAD_CPU, 0))
		log_msg(LOG_ERROR, "virtio-blk: cannot create the disk thread");
}

void vm_virtio_quiesce(struct vm *vm)
{
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&vm->lock);
		vm->virtio.io_open = false;
		unsigned busy = vm->virtio.io_busy;
		spin_unlock_irqrestore(&vm->lock, flags);
		if (!busy)
			return;
		thread_sleep(ms_to_ticks(QUIESCE_POLL_MS));
	}
}

void vm_virtio_release(struct vm *vm)
{
	vm_virtio_quiesce(vm);
	for (unsigned i = 0; i < vm->cfg.virtio_count; i++) {
		struct vm_virtio_dev *d = &vm->virtio.dev[i];
		if (d->ram_disk_pa) {
			page_free_size(d->ram_disk_pa, vm->cfg.virtio[i].size);
			d->ram_disk_pa = 0;
		}
	}
}
