/*
 * The board's virtio-blk disk, driven by ZVM (VIRTIO 1.2 5.2 from the
 * driver's side).  See board_blk.h.
 */
#include "drivers/board_blk.h"

#include "drivers/gicv3.h"
#include "drivers/mmio.h"
#include "drivers/virtio_drv.h"
#include "kernel/board_dt.h"
#include "kernel/boot.h"
#include "kernel/irq.h"
#include "kernel/irq_priority.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/mutex.h"
#include "kernel/percpu.h"
#include "kernel/sem.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "lib/zerror.h"

/* ZVM's core serves the disk, as it runs the shell and the health monitor. */
#define DISK_CPU        0u
/* Enough for the longest request: header, VIRTIO_BLK_SEG_MAX pieces, status. */
#define DISK_QUEUE_SIZE 128u
#define DISK_PAGE       4096u
/* A request the device does not finish in this long is given up. */
#define DISK_TIMEOUT_MS 10000u

#define BIT64(n) (1ull << (n))

/* What the device reads and writes around the data: DMA-visible, ours. */
struct disk_req_frame {
	uint32_t type, reserved;
	uint64_t sector;
	uint8_t status;
};

static struct {
	bool present;
	uint64_t base;
	uint32_t intid;
	uint64_t sectors;
	struct vdrv drv;
	struct vdrv_queue q;
	struct mutex lock; /* one request at a time */
	struct sem done;   /* given by the interrupt */
	struct disk_req_frame *frame;
	struct board_blk_stats stats;
} disk;

static uint32_t disk_read32(void *ctx, uint32_t off)
{
	return mmio_read32((uintptr_t)ctx + off);
}

static void disk_write32(void *ctx, uint32_t off, uint32_t value)
{
	mmio_write32((uintptr_t)ctx + off, value);
}

static enum irq_result disk_irq(unsigned intid, void *arg)
{
	(void)intid;
	(void)arg;
	if (vdrv_interrupt_ack(&disk.drv)) {
		disk.stats.interrupts++;
		sem_give(&disk.done);
	}
	return IRQ_HANDLED;
}

/* 3.1.1 on one candidate window: 0 when it is a disk and now runs. */
static int start_disk(const struct board_virtio *v)
{
	struct vdrv_io io = { disk_read32, disk_write32, (void *)(uintptr_t)v->reg.base };
	int rc = vdrv_probe(&disk.drv, &io, VIRTIO_ID_BLOCK);

	if (rc)
		return rc;
	rc = vdrv_negotiate(&disk.drv, BIT64(VIRTIO_BLK_F_FLUSH) | BIT64(VIRTIO_BLK_F_RO));
	if (rc)
		return rc;
	void *mem = kmalloc_aligned(vdrv_queue_bytes(DISK_QUEUE_SIZE), DISK_PAGE);
	disk.frame = kzalloc(sizeof(*disk.frame));
	if (!mem || !disk.frame) {
		vdrv_fail(&disk.drv);
		return -ZE_NOMEM;
	}
	memset(mem, 0, vdrv_queue_bytes(DISK_QUEUE_SIZE));
	rc = vdrv_queue_setup(&disk.drv, &disk.q, 0, mem, DISK_QUEUE_SIZE);
	if (rc) {
		vdrv_fail(&disk.drv);
		return rc;
	}
	disk.sectors = vdrv_config_read64(&disk.drv, VIRTIO_BLK_CFG_CAPACITY);
	disk.base = v->reg.base;
	disk.intid = v->intid;
	vdrv_driver_ok(&disk.drv);
	return 0;
}

void board_blk_init(void)
{
	mutex_init(&disk.lock, "board-disk");
	sem_init(&disk.done, 0, DISK_QUEUE_SIZE);
	for (unsigned i = 0; i < board.virtio_count && !disk.present; i++) {
		if (start_disk(&board.virtio[i]) == 0)
			disk.present = true;
	}
	if (!disk.present) {
		log_msg(LOG_INFO, "board disk: none (no virtio-blk among %u virtio-mmio slots)",
		        board.virtio_count);
		return;
	}
	irq_register(disk.intid, disk_irq, 0, "board-disk");
	gic_set_priority(disk.intid, IRQ_PRIO_DEVICE);
	gic_route_spi(disk.intid, cpu_data(DISK_CPU)->mpidr);
	gic_enable_irq(disk.intid);
	log_msg(LOG_INFO, "board disk: virtio-blk at 0x%llx, INTID %u, %llu sectors (%llu MiB)%s",
	        (unsigned long long)disk.base, disk.intid, (unsigned long long)disk.sectors,
	        (unsigned long long)(disk.sectors >> 11),
	        board_blk_read_only() ? ", read-only" : "");
}

bool board_blk_present(void)
{
	return disk.present;
}

uint64_t board_blk_sectors(void)
{
	return disk.present ? disk.sectors : 0;
}

bool board_blk_read_only(void)
{
	return vdrv_has_feature(&disk.drv, VIRTIO_BLK_F_RO);
}

bool board_blk_can_flush(void)
{
	return vdrv_has_feature(&disk.drv, VIRTIO_BLK_F_FLUSH);
}

uint64_t board_blk_base(void)
{
	return disk.base;
}

void board_blk_get_stats(struct board_blk_stats *out)
{
	*out = disk.stats;
}

/* Waits for the chain from head to come back (under disk.lock). */
static int wait_done(int head)
{
	uint64_t deadline = time_now_plus(ms_to_ticks(DISK_TIMEOUT_MS));

	for (;;) {
		uint16_t got;
		uint32_t written;
		while (vdrv_queue_get_used(&disk.q, &got, &written)) {
			if (got == head)
				return 0;
		}
		uint64_t now = time_now();
		if (now >= deadline || sem_take(&disk.done, deadline - now) == -ZE_TIMEOUT) {
			/* One last look: the interrupt may have raced the deadline. */
			while (vdrv_queue_get_used(&disk.q, &got, &written)) {
				if (got == head)
					return 0;
			}
			return -ZE_TIMEOUT;
		}
	}
}

/* One request: the frame's header, the data, the frame's status. */
static int submit(uint32_t type, uint64_t sector, const struct blk_iov *iov, unsigned n,
                  bool device_writes)
{
	struct vdrv_buf bufs[VIRTIO_BLK_SEG_MAX + 2];
	unsigned count = 0;

	if (!disk.present || n > VIRTIO_BLK_SEG_MAX)
		return -ZE_INVAL;
	disk.frame->type = type;
	disk.frame->reserved = 0;
	disk.frame->sector = sector;
	disk.frame->status = 0xff;
	bufs[count++] = (struct vdrv_buf){ (uint64_t)(uintptr_t)disk.frame, VIRTIO_BLK_REQ_HDR_SIZE,
		                           false };
	for (unsigned i = 0; i < n; i++)
		bufs[count++] = (struct vdrv_buf){ (uint64_t)(uintptr_t)iov[i].host, iov[i].len,
			                           device_writes };
	bufs[count++] = (struct vdrv_buf){ (uint64_t)(uintptr_t)&disk.frame->status, 1, true };
	int head = vdrv_queue_add(&disk.q, bufs, count);
	if (head < 0)
		return head;
	disk.stats.requests++;
	vdrv_queue_kick(&disk.drv, &disk.q);
	int rc = wait_done(head);
	if (rc) {
		/* The chain stays the device's: the disk is given up on. */
		disk.stats.timeouts++;
		disk.present = false;
		log_msg(LOG_ERROR, "board disk: no answer in %u ms; disk disabled",
		        DISK_TIMEOUT_MS);
		return rc;
	}
	if (__atomic_load_n(&disk.frame->status, __ATOMIC_ACQUIRE) != VIRTIO_BLK_S_OK) {
		disk.stats.errors++;
		return -ZE_CORRUPT;
	}
	return 0;
}

int board_blk_rw(bool write, uint64_t sector, const struct blk_iov *iov, unsigned n)
{
	uint64_t bytes = 0;

	for (unsigned i = 0; i < n; i++)
		bytes += iov[i].len;
	if (bytes % VIRTIO_BLK_SECTOR_SIZE || sector > disk.sectors ||
	    bytes / VIRTIO_BLK_SECTOR_SIZE > disk.sectors - sector)
		return -ZE_INVAL;
	mutex_lock(&disk.lock, WAIT_FOREVER);
	int rc = submit(write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector, iov, n, !write);
	if (rc == 0) {
		if (write)
			disk.stats.bytes_written += bytes;
		else
			disk.stats.bytes_read += bytes;
	}
	mutex_unlock(&disk.lock);
	return rc;
}

int board_blk_flush(void)
{
	if (!board_blk_can_flush())
		return 0; /* 5.2.6.2: without FLUSH, the device writes through */
	mutex_lock(&disk.lock, WAIT_FOREVER);
	int rc = submit(VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false);
	if (rc == 0)
		disk.stats.flushes++;
	mutex_unlock(&disk.lock);
	return rc;
}
