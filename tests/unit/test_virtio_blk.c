/*
 * virtio-blk, the device model, driven by ZVM's own virtio-mmio driver core
 * (drivers/virtio_drv.c) over the transport, as ZVM drives the board's disk
 * and as Linux drives ours: negotiation and capacity, writes read back with
 * the same checksum, flush, GET_ID, every refusal (range, length, read-only,
 * unknown type) with its status and counter, odd framings, chains without a
 * header or status (NEEDS_RESET), buffers outside RAM, requests dropped by a
 * reset, and the kick that posts the work elsewhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/virtio_drv.h"
#include "lib/crc32.h"
#include "lib/zerror.h"
#include "vdev/virtio_blk.h"

#define RAM_SIZE     (1u << 20)
#define QSIZE        64
#define DISK_SECTORS 64u
#define DISK_BYTES   (DISK_SECTORS * VIRTIO_BLK_SECTOR_SIZE)
/* Where things live in the RAM: the queue, headers, data, statuses. */
#define AT_QUEUE     0x0000u
#define AT_HDR       0x8000u
#define AT_DATA      0x10000u
#define AT_DATA2     0x40000u
#define AT_STAT      0x9000u

static uint8_t *ram_host;
static struct guest_ram ram;
static uint8_t disk[DISK_BYTES];
static unsigned flushes, kicks, irqs, rw_fail;
static bool line, want_event_idx;
static struct virtio_blk blk;
static struct vdrv drv;
static struct vdrv_queue q;

/* --- the backing: a RAM disk of the test's ---------------------------------- */
static int disk_rw(void *ctx, bool write, uint64_t sector, const struct blk_iov *iov, unsigned n)
{
	uint64_t at = sector * VIRTIO_BLK_SECTOR_SIZE;

	(void)ctx;
	if (rw_fail)
		return rw_fail--, -ZE_INVAL;
	for (unsigned i = 0; i < n; i++) {
		assert_true(at + iov[i].len <= DISK_BYTES);
		if (write)
			memcpy(disk + at, iov[i].host, iov[i].len);
		else
			memcpy(iov[i].host, disk + at, iov[i].len);
		at += iov[i].len;
	}
	return 0;
}

static int disk_flush(void *ctx)
{
	(void)ctx;
	flushes++;
	return 0;
}

static void count_irq(void *ctx, bool level)
{
	(void)ctx;
	if (level && !line)
		irqs++;
	line = level;
}

/* --- the driver's register access: straight into the transport ------------ */
static uint32_t io_read(void *ctx, uint32_t off)
{
	uint64_t v = 0;
	assert_int_equal(virtio_mmio_access(ctx, off, 4, false, &v), 0);
	return (uint32_t)v;
}

static void io_write(void *ctx, uint32_t off, uint32_t value)
{
	uint64_t v = value;
	assert_int_equal(virtio_mmio_access(ctx, off, 4, true, &v), 0);
}

static uint64_t addr(uint32_t off)
{
	return (uint64_t)(uintptr_t)(ram_host + off);
}

/* A device over the test disk, driven up to DRIVER_OK with its queue. */
static void bring_up(bool read_only, bool can_flush)
{
	struct blk_backing backing = { .sectors = DISK_SECTORS,
		                       .read_only = read_only,
		                       .can_flush = can_flush,
		                       .rw = disk_rw,
		                       .flush = disk_flush };
	struct vdrv_io io = { io_read, io_write, &blk.dev };

	memset(ram_host, 0, RAM_SIZE);
	flushes = kicks = irqs = rw_fail = 0;
	line = false;
	virtio_blk_init(&blk, &ram, &backing, "zvm-test-disk", count_irq, NULL);
	assert_int_equal(vdrv_probe(&drv, &io, VIRTIO_ID_BLOCK), 0);
	assert_int_equal(
	        vdrv_negotiate(&drv, (1u << VIRTIO_BLK_F_FLUSH) | (1u << VIRTIO_BLK_F_RO) |
	                                     (1u << VIRTIO_BLK_F_BLK_SIZE) |
	                                     (1u << VIRTIO_BLK_F_SEG_MAX) |
	                                     (want_event_idx ? 1ull << VIRTIO_F_EVENT_IDX : 0)),
	        0);
	assert_int_equal(vdrv_queue_setup(&drv, &q, 0, ram_host + AT_QUEUE, QSIZE), 0);
	vdrv_driver_ok(&drv);
	assert_true(virtio_device_live(&blk.dev));
}

static void put_header(uint32_t at, uint32_t type, uint64_t sector)
{
	uint32_t zero = 0;
	memcpy(ram_host + at, &type, 4);
	memcpy(ram_host + at + 4, &zero, 4);
	memcpy(ram_host + at + 8, &sector, 8);
}

/* One request: header, data (readable for OUT), status; served; its status. */
static int request(uint32_t type, uint64_t sector, uint32_t data_off, uint32_t len)
{
	bool device_writes = type != VIRTIO_BLK_T_OUT;
	struct vdrv_buf bufs[3] = {
		{ addr(AT_HDR), VIRTIO_BLK_REQ_HDR_SIZE, false },
		{ addr(data_off), len, device_writes },
		{ addr(AT_STAT), 1, true },
	};
	unsigned n = 0;
	uint16_t head;
	uint32_t written;

	put_header(AT_HDR, type, sector);
	ram_host[AT_STAT] = 0xee;
	bufs[n++] = bufs[0];
	if (len)
		bufs[n++] = bufs[1];
	bufs[n++] = bufs[2];
	int h = vdrv_queue_add(&q, bufs, n);
	assert_true(h >= 0);
	vdrv_queue_kick(&drv, &q);
	if (!virtio_device_live(&blk.dev))
		return -1;
	assert_true(vdrv_queue_get_used(&q, &head, &written));
	assert_int_equal(head, h);
	assert_int_equal(written,
	                 (ram_host[AT_STAT] == VIRTIO_BLK_S_OK && device_writes ?
	                          (type == VIRTIO_BLK_T_GET_ID ? VIRTIO_BLK_ID_BYTES : len) :
	                          0) +
	                         1);
	return ram_host[AT_STAT];
}

static void fill(uint32_t off, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		ram_host[off + i] = (uint8_t)((i * 31u + seed) >> 3);
}

static int setup(void **state)
{
	(void)state;
	ram_host = aligned_alloc(4096, RAM_SIZE);
	ram = (struct guest_ram){ (uint64_t)(uintptr_t)ram_host, RAM_SIZE, ram_host };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram_host);
	return 0;
}

/* --- tests -------------------------------------------------------------------- */
static void negotiates_and_reports_capacity(void **state)
{
	(void)state;
	bring_up(false, true);
	assert_true(vdrv_has_feature(&drv, VIRTIO_BLK_F_FLUSH));
	assert_true(vdrv_has_feature(&drv, VIRTIO_BLK_F_BLK_SIZE));
	assert_true(vdrv_has_feature(&drv, VIRTIO_BLK_F_SEG_MAX));
	assert_false(vdrv_has_feature(&drv, VIRTIO_BLK_F_RO));
	assert_true(vdrv_has_feature(&drv, VIRTIO_F_VERSION_1));
	assert_int_equal(vdrv_config_read64(&drv, VIRTIO_BLK_CFG_CAPACITY), DISK_SECTORS);
	assert_int_equal(vdrv_config_read(&drv, VIRTIO_BLK_CFG_BLK_SIZE, 4), 512);
	assert_int_equal(vdrv_config_read(&drv, VIRTIO_BLK_CFG_SEG_MAX, 4), VIRTIO_BLK_SEG_MAX);

	bring_up(true, false);
	assert_true(vdrv_has_feature(&drv, VIRTIO_BLK_F_RO));
	assert_false(vdrv_has_feature(&drv, VIRTIO_BLK_F_FLUSH));
}

static void write_flush_read_back(void **state)
{
	(void)state;
	bring_up(false, true);
	fill(AT_DATA, 8 * 512, 7);
	uint32_t crc = crc32(ram_host + AT_DATA, 8 * 512);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 5, AT_DATA, 8 * 512), VIRTIO_BLK_S_OK);
	assert_int_equal(crc32(disk + 5 * 512, 8 * 512), crc);
	assert_int_equal(request(VIRTIO_BLK_T_FLUSH, 0, 0, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(flushes, 1);
	memset(ram_host + AT_DATA2, 0, 8 * 512);
	assert_int_equal(request(VIRTIO_BLK_T_IN, 5, AT_DATA2, 8 * 512), VIRTIO_BLK_S_OK);
	assert_int_equal(crc32(ram_host + AT_DATA2, 8 * 512), crc);
	assert_int_equal(blk.stats.writes, 1);
	assert_int_equal(blk.stats.reads, 1);
	assert_int_equal(blk.stats.flushes, 1);
	assert_int_equal(blk.stats.bytes_written, 8 * 512);
	assert_int_equal(blk.stats.bytes_read, 8 * 512);
	assert_int_equal(blk.dev.stats.requests, 3);
	assert_int_equal(blk.dev.stats.notifications, 3);
	assert_true(irqs >= 1);
	assert_int_equal(blk.stats.io_errors, 0);
	/* The last sector, exactly. */
	assert_int_equal(request(VIRTIO_BLK_T_IN, DISK_SECTORS - 1, AT_DATA2, 512),
	                 VIRTIO_BLK_S_OK);
}

static void refusals_are_counted(void **state)
{
	(void)state;
	bring_up(false, false);
	/* Past the end, straddling the end, a huge sector (no overflow). */
	assert_int_equal(request(VIRTIO_BLK_T_IN, DISK_SECTORS, AT_DATA, 512), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, DISK_SECTORS - 1, AT_DATA, 1024),
	                 VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(VIRTIO_BLK_T_IN, UINT64_MAX, AT_DATA, 512), VIRTIO_BLK_S_IOERR);
	/* Not whole sectors. */
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 0, AT_DATA, 100), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(VIRTIO_BLK_T_IN, 0, AT_DATA, 513), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk.stats.io_errors, 5);
	/* Unknown types, and FLUSH where it was not offered. */
	assert_int_equal(request(99, 0, AT_DATA, 512), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(request(VIRTIO_BLK_T_FLUSH, 0, 0, 0), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(blk.stats.unsupported, 2);
	/* A backing that fails. */
	rw_fail = 1;
	assert_int_equal(request(VIRTIO_BLK_T_IN, 0, AT_DATA, 512), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk.stats.io_errors, 6);
	assert_int_equal(blk.stats.reads, 0);
	/* The device still runs. */
	assert_true(virtio_device_live(&blk.dev));
	assert_int_equal(request(VIRTIO_BLK_T_IN, 0, AT_DATA, 512), VIRTIO_BLK_S_OK);
}

static void read_only_refuses_writes(void **state)
{
	(void)state;
	bring_up(true, true);
	memset(disk, 0x5a, sizeof(disk));
	fill(AT_DATA, 512, 1);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 0, AT_DATA, 512), VIRTIO_BLK_S_IOERR);
	assert_int_equal(disk[0], 0x5a);
	assert_int_equal(blk.stats.io_errors, 1);
	assert_int_equal(request(VIRTIO_BLK_T_IN, 0, AT_DATA, 512), VIRTIO_BLK_S_OK);
	assert_int_equal(ram_host[AT_DATA], 0x5a);
}

static void get_id(void **state)
{
	(void)state;
	bring_up(false, true);
	assert_int_equal(request(VIRTIO_BLK_T_GET_ID, 0, AT_DATA, VIRTIO_BLK_ID_BYTES),
	                 VIRTIO_BLK_S_OK);
	assert_memory_equal(ram_host + AT_DATA, "zvm-test-disk\0\0\0\0\0\0\0", VIRTIO_BLK_ID_BYTES);
	assert_int_equal(blk.stats.get_ids, 1);
}

/* The header split in two, data and status sharing one buffer (ANY_LAYOUT). */
static void any_framing(void **state)
{
	(void)state;
	bring_up(false, true);
	fill(AT_DATA, 1024, 3);
	put_header(AT_HDR, VIRTIO_BLK_T_OUT, 2);
	memcpy(ram_host + AT_DATA - 16, ram_host + AT_HDR, 16); /* header then data, one buffer */
	struct vdrv_buf out[3] = {
		{ addr(AT_DATA - 16), 10, false },
		{ addr(AT_DATA - 6), 6 + 1024, false },
		{ addr(AT_STAT), 1, true },
	};
	uint16_t head;
	uint32_t written;
	assert_true(vdrv_queue_add(&q, out, 3) >= 0);
	vdrv_queue_kick(&drv, &q);
	assert_true(vdrv_queue_get_used(&q, &head, &written));
	assert_int_equal(ram_host[AT_STAT], VIRTIO_BLK_S_OK);
	assert_memory_equal(disk + 2 * 512, ram_host + AT_DATA, 1024);

	/* IN: the data and the status in one writable buffer. */
	put_header(AT_HDR, VIRTIO_BLK_T_IN, 2);
	struct vdrv_buf in[2] = {
		{ addr(AT_HDR), 16, false },
		{ addr(AT_DATA2), 1024 + 1, true },
	};
	assert_true(vdrv_queue_add(&q, in, 2) >= 0);
	vdrv_queue_kick(&drv, &q);
	assert_true(vdrv_queue_get_used(&q, &head, &written));
	assert_int_equal(written, 1025);
	assert_int_equal(ram_host[AT_DATA2 + 1024], VIRTIO_BLK_S_OK);
	assert_memory_equal(ram_host + AT_DATA2, disk + 2 * 512, 1024);
}

static void missing_header_or_status_needs_reset(void **state)
{
	(void)state;
	bring_up(false, true);
	struct vdrv_buf no_status[1] = { { addr(AT_HDR), 16, false } };
	put_header(AT_HDR, VIRTIO_BLK_T_FLUSH, 0);
	assert_true(vdrv_queue_add(&q, no_status, 1) >= 0);
	vdrv_queue_kick(&drv, &q);
	assert_true(vdrv_needs_reset(&drv));
	assert_int_equal(blk.stats.malformed, 1);

	bring_up(false, true);
	struct vdrv_buf short_header[2] = { { addr(AT_HDR), 8, false },
		                            { addr(AT_STAT), 1, true } };
	assert_true(vdrv_queue_add(&q, short_header, 2) >= 0);
	vdrv_queue_kick(&drv, &q);
	assert_true(vdrv_needs_reset(&drv));
	assert_int_equal(blk.stats.malformed, 1);
}

static void data_outside_ram_needs_reset(void **state)
{
	(void)state;
	bring_up(false, true);
	put_header(AT_HDR, VIRTIO_BLK_T_IN, 0);
	struct vdrv_buf bufs[3] = {
		{ addr(AT_HDR), 16, false },
		{ addr(RAM_SIZE - 256), 512, true }, /* runs past the end of RAM */
		{ addr(AT_STAT), 1, true },
	};
	assert_true(vdrv_queue_add(&q, bufs, 3) >= 0);
	vdrv_queue_kick(&drv, &q);
	assert_true(vdrv_needs_reset(&drv));
	assert_int_equal(blk.dev.stats.queue_errors[VIRTQ_ERR_ADDR], 1);
	assert_int_equal(blk.stats.reads, 0);
}

static void kick_count(void *ctx)
{
	(void)ctx;
	kicks++;
}

static void kick_posts_work_and_reset_drops_it(void **state)
{
	(void)state;
	struct blk_req r;
	uint16_t head;
	uint32_t written;

	bring_up(false, true);
	blk.kick = kick_count;
	fill(AT_DATA, 512, 9);
	put_header(AT_HDR, VIRTIO_BLK_T_OUT, 1);
	struct vdrv_buf bufs[3] = {
		{ addr(AT_HDR), 16, false },
		{ addr(AT_DATA), 512, false },
		{ addr(AT_STAT), 1, true },
	};
	assert_true(vdrv_queue_add(&q, bufs, 3) >= 0);
	vdrv_queue_kick(&drv, &q);
	/* Posted, not served: nothing used yet. */
	assert_int_equal(kicks, 1);
	assert_false(vdrv_queue_get_used(&q, &head, &written));
	/* The worker's three steps. */
	assert_int_equal(virtio_blk_take(&blk, &r), 1);
	virtio_blk_execute(&blk, &r);
	assert_true(virtio_blk_complete(&blk, &r));
	virtio_blk_notify_driver(&blk);
	assert_true(vdrv_queue_get_used(&q, &head, &written));
	assert_int_equal(ram_host[AT_STAT], VIRTIO_BLK_S_OK);
	assert_memory_equal(disk + 512, ram_host + AT_DATA, 512);

	/* A request the driver reset under: executed, never completed. */
	assert_true(vdrv_queue_add(&q, bufs, 3) >= 0);
	vdrv_queue_kick(&drv, &q);
	assert_int_equal(virtio_blk_take(&blk, &r), 1);
	io_write(&blk.dev, VIRTIO_MMIO_STATUS, 0);
	virtio_blk_execute(&blk, &r);
	assert_false(virtio_blk_complete(&blk, &r));
	assert_false(vdrv_queue_get_used(&q, &head, &written));
}

/* The driver core: a full queue says so, freed chains come back. */
static void driver_queue_fills_and_drains(void **state)
{
	(void)state;
	bring_up(false, true);
	blk.kick = kick_count;
	put_header(AT_HDR, VIRTIO_BLK_T_FLUSH, 0);
	struct vdrv_buf bufs[2] = { { addr(AT_HDR), 16, false }, { addr(AT_STAT), 1, true } };
	for (unsigned i = 0; i < QSIZE / 2; i++)
		assert_true(vdrv_queue_add(&q, bufs, 2) >= 0);
	assert_int_equal(vdrv_queue_add(&q, bufs, 2), -ZE_NO_SPACE);
	assert_int_equal(vdrv_queue_add(&q, bufs, 0), -ZE_INVAL);
	vdrv_queue_kick(&drv, &q);
	assert_int_equal(virtio_blk_serve(&blk), QSIZE / 2);
	uint16_t head;
	uint32_t written;
	unsigned got = 0;
	while (vdrv_queue_get_used(&q, &head, &written))
		got++;
	assert_int_equal(got, QSIZE / 2);
	assert_int_equal(q.num_free, QSIZE);
	assert_int_equal(flushes, QSIZE / 2);
}

/* One flush request made available and served; whether it interrupted. */
static bool flush_interrupts(void)
{
	unsigned before = irqs;
	struct vdrv_buf bufs[2] = { { addr(AT_HDR), 16, false }, { addr(AT_STAT), 1, true } };

	put_header(AT_HDR, VIRTIO_BLK_T_FLUSH, 0);
	assert_true(vdrv_queue_add(&q, bufs, 2) >= 0);
	vdrv_queue_kick(&drv, &q);
	assert_int_equal(virtio_blk_serve(&blk), 1);
	vdrv_interrupt_ack(&drv); /* lowers the line: the next one is a new edge */
	return irqs != before;
}

/* The driver core with EVENT_IDX: no interrupt until it rearms, and a
 * rearm tells it of entries that came meanwhile. */
static void driver_event_idx_suppresses_until_rearmed(void **state)
{
	uint16_t head;
	uint32_t written;

	(void)state;
	want_event_idx = true;
	bring_up(false, true);
	blk.kick = kick_count; /* served by the test, not in place */
	want_event_idx = false;
	assert_true(vdrv_has_feature(&drv, VIRTIO_F_EVENT_IDX));
	assert_true(flush_interrupts());         /* used_event 0: the first entry */
	assert_false(flush_interrupts());        /* not rearmed: quiet */
	assert_true(vdrv_queue_rearm(&drv, &q)); /* two entries not taken yet */
	while (vdrv_queue_get_used(&q, &head, &written))
		;
	assert_false(vdrv_queue_rearm(&drv, &q));
	assert_true(flush_interrupts()); /* rearmed: heard again */
	/* Without EVENT_IDX every batch interrupts; rearm only looks. */
	bring_up(false, true);
	blk.kick = kick_count;
	assert_false(vdrv_has_feature(&drv, VIRTIO_F_EVENT_IDX));
	assert_true(flush_interrupts());
	assert_true(flush_interrupts());
	assert_true(vdrv_queue_rearm(&drv, &q));
}

static void probe_refuses_other_devices(void **state)
{
	(void)state;
	struct vdrv d;
	struct vdrv_io io = { io_read, io_write, &blk.dev };
	bring_up(false, true);
	assert_int_equal(vdrv_probe(&d, &io, VIRTIO_ID_NET), -ZE_NOENT);
	assert_int_equal(vdrv_probe(&d, &io, 0), -ZE_NOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(negotiates_and_reports_capacity),
		cmocka_unit_test(write_flush_read_back),
		cmocka_unit_test(refusals_are_counted),
		cmocka_unit_test(read_only_refuses_writes),
		cmocka_unit_test(get_id),
		cmocka_unit_test(any_framing),
		cmocka_unit_test(missing_header_or_status_needs_reset),
		cmocka_unit_test(data_outside_ram_needs_reset),
		cmocka_unit_test(kick_posts_work_and_reset_drops_it),
		cmocka_unit_test(driver_queue_fills_and_drains),
		cmocka_unit_test(driver_event_idx_suppresses_until_rearmed),
		cmocka_unit_test(probe_refuses_other_devices),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
