/*
 * libFuzzer target: virtio-blk's request parser (vdev/virtio_blk.c) behind
 * the transport and the virtqueue walker, as a hostile guest feeds it.
 * The device is brought up as Linux does (features, one queue, DRIVER_OK);
 * the input is then the guest's RAM: the descriptor table, the available
 * ring and every header, buffer and status byte the descriptors name.
 * The first byte picks the disk (read-only, FLUSH offered) and the
 * features the driver accepts (EVENT_IDX, INDIRECT_DESC).
 *
 * Whatever the input: the backing sees only whole sectors inside the disk
 * and never a write to a read-only one, every request taken whole is
 * given back exactly once, nothing outside the RAM is touched (ASan), and
 * the device is live or asks for a reset.  (The used ring's contents are
 * not checked: the guest's buffers may lie over it.)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/zerror.h"
#include "vdev/virtio_blk.h"
#include "vdev/virtio_defs.h"

#define RAM_BASE     0x40000000ull
#define RAM_SIZE     0x4000u
#define QSIZE        16u
/* Where the queue's parts are: the input writes them like any RAM. */
#define DESC_OFF     0x0000u
#define AVAIL_OFF    0x0100u
#define USED_OFF     0x0200u
#define DISK_SECTORS 16u
#define ROUNDS       3u /* notify, serve: the guest may have queued more meanwhile */

#define FLAG_READ_ONLY 0x1u
#define FLAG_NO_FLUSH  0x2u
#define FLAG_EVENT_IDX 0x4u
#define FLAG_INDIRECT  0x8u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t disk[DISK_SECTORS * VIRTIO_BLK_SECTOR_SIZE];
static struct blk_backing backing;

static int disk_rw(void *ctx, bool write, uint64_t sector, const struct blk_iov *iov, unsigned n)
{
	uint64_t bytes = 0;

	(void)ctx;
	if (write && backing.read_only)
		abort();
	for (unsigned i = 0; i < n; i++)
		bytes += iov[i].len;
	if (bytes % VIRTIO_BLK_SECTOR_SIZE || sector > DISK_SECTORS ||
	    bytes / VIRTIO_BLK_SECTOR_SIZE > DISK_SECTORS - sector)
		abort();
	uint8_t *at = disk + sector * VIRTIO_BLK_SECTOR_SIZE;
	for (unsigned i = 0; i < n; i++) {
		if (write)
			memcpy(at, iov[i].host, iov[i].len);
		else
			memcpy(iov[i].host, at, iov[i].len);
		at += iov[i].len;
	}
	return 0;
}

static int disk_flush(void *ctx)
{
	(void)ctx;
	if (!backing.can_flush)
		abort();
	return 0;
}

static void reg(struct virtio_blk *b, uint32_t off, uint32_t value)
{
	uint64_t v = value;
	if (virtio_mmio_access(&b->dev, off, 4, true, &v))
		abort();
}

/* 3.1.1 and 4.2.3.2 as Linux's virtio_mmio and virtio_blk do them. */
static void bring_up(struct virtio_blk *b, uint8_t flags)
{
	uint32_t features = (1u << VIRTIO_BLK_F_SEG_MAX) | (1u << VIRTIO_BLK_F_BLK_SIZE) |
	                    (flags & FLAG_READ_ONLY ? 1u << VIRTIO_BLK_F_RO : 0) |
	                    (flags & FLAG_NO_FLUSH ? 0 : 1u << VIRTIO_BLK_F_FLUSH) |
	                    (flags & FLAG_EVENT_IDX ? 1u << VIRTIO_F_EVENT_IDX : 0) |
	                    (flags & FLAG_INDIRECT ? 1u << VIRTIO_F_INDIRECT_DESC : 0);

	reg(b, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	reg(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg(b, VIRTIO_MMIO_DRIVER_FEATURES, features);
	reg(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg(b, VIRTIO_MMIO_DRIVER_FEATURES, 1u); /* VERSION_1 */
	reg(b, VIRTIO_MMIO_STATUS,
	    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	reg(b, VIRTIO_MMIO_QUEUE_SEL, 0);
	reg(b, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	reg(b, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(RAM_BASE + DESC_OFF));
	reg(b, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RAM_BASE + AVAIL_OFF));
	reg(b, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RAM_BASE + USED_OFF));
	reg(b, VIRTIO_MMIO_QUEUE_READY, 1);
	reg(b, VIRTIO_MMIO_STATUS,
	    VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
	            VIRTIO_STATUS_DRIVER_OK);
	if (!virtio_device_live(&b->dev))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static struct virtio_blk blk;
	struct guest_ram gr;

	if (size < 1)
		return 0;
	if (!ram)
		ram = aligned_alloc(4096, RAM_SIZE);
	uint8_t flags = data[0];
	size_t image = size - 1 < RAM_SIZE ? size - 1 : RAM_SIZE;
	memset(ram, 0, RAM_SIZE);
	gr = (struct guest_ram){ .base = RAM_BASE, .size = RAM_SIZE, .host = ram };
	backing = (struct blk_backing){ .sectors = DISK_SECTORS,
		                        .read_only = (flags & FLAG_READ_ONLY) != 0,
		                        .can_flush = !(flags & FLAG_NO_FLUSH),
		                        .rw = disk_rw,
		                        .flush = disk_flush };
	virtio_blk_init(&blk, &gr, &backing, "fuzz", NULL, NULL);
	bring_up(&blk, flags);
	/* The guest's RAM, rings included, arrives after set-up, as it would. */
	memcpy(ram, data + 1, image);

	for (unsigned round = 0; round < ROUNDS; round++) {
		reg(&blk, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		/* Every request taken whole came back once, and only those. */
		uint16_t completed = (uint16_t)(blk.dev.stats.requests - blk.stats.malformed);
		if (blk.dev.queue[0].used_idx != completed)
			abort();
		if (!virtio_device_live(&blk.dev) && !(blk.dev.status & VIRTIO_STATUS_NEEDS_RESET))
			abort();
	}
	const struct virtio_blk_stats *s = &blk.stats;
	if (s->reads + s->writes + s->flushes + s->get_ids + s->io_errors + s->unsupported >
	    blk.dev.stats.requests)
		abort();
	return 0;
}
