/*
 * The bare-metal guest as a virtio-blk driver, for the built-in virtio
 * tests (hypervisor/selftest/test_virtio.c).  It drives the first
 * "virtio,mmio" node of its devicetree with ZVM's own driver core
 * (drivers/virtio_drv.c, the code ZVM drives the board's disk with).
 * Keys:
 *   v  a storm with EVENT_IDX: STORM_REQUESTS requests, STORM_DEPTH in
 *      flight, then a flush
 *   V  the same without EVENT_IDX
 *   a  a chain whose buffer lies outside the guest's RAM: the device must
 *      ask for a reset; then a reset and a request that works
 *   l  LATENCY_ROUNDS flushes one at a time, each timed from its
 *      QueueNotify to its completion in the interrupt handler (a
 *      "perf virtio_blk_flush" line, perf.c)
 * Completions are taken in the interrupt handler only, so an interrupt
 * that never comes stalls the storm and the guest says so: nothing polls
 * the used ring behind the interrupt's back.  Request i writes block
 * i % STORM_BLOCKS in even rounds of the disk and reads it back in odd
 * ones, checking every byte against the round that wrote it.
 */
#include "virtio_test.h"

#include "guest.h"
#include "perf.h"
#include "drivers/virtio_drv.h"
#include "lib/fdt.h"
#include "lib/string.h"
#include "lib/zerror.h"
#include "vdev/virtio_defs.h"
#include "zvm/guest_layout.h"

#define DTB_MAX        0x10000u
#define QSIZE          64u
#define QUEUE_BYTES    0x2000u /* >= vdrv_queue_bytes(QSIZE), checked */
#define STORM_DEPTH    16u     /* requests in flight: 3 descriptors each */
#define STORM_REQUESTS 2048u
#define BLOCK_BYTES    1024u
#define STORM_BLOCKS   128u /* 128 KiB of the disk */
#define STALL_S        10u  /* no completion for this long: a lost interrupt */
#define LATENCY_ROUNDS 200u

struct request {
	uint8_t header[VIRTIO_BLK_REQ_HDR_SIZE];
	uint8_t data[BLOCK_BYTES];
	volatile uint8_t status;
	uint32_t number; /* which request of the storm; UINT32_MAX: the flush */
	bool busy;
};

static uint8_t queue_mem[QUEUE_BYTES] __attribute__((aligned(4096)));
static struct request requests[STORM_DEPTH];
static int8_t slot_of_head[QSIZE];
static struct vdrv drv;
static struct vdrv_queue queue;
static volatile uint32_t *window;
static unsigned device_intid;
static uint64_t capacity;

/* What the interrupt handler counts, read by the storm loop. */
static volatile uint64_t irqs, used, bad, errors, in_flight;
static volatile bool live;

static uint32_t mmio_read(void *ctx, uint32_t off)
{
	(void)ctx;
	return window[off / 4];
}

static void mmio_write(void *ctx, uint32_t off, uint32_t value)
{
	(void)ctx;
	window[off / 4] = value;
}

static void say(const char *a, uint64_t n, const char *b)
{
	puts(a);
	putu(n);
	puts(b);
}

unsigned virtio_test_init(const void *dtb)
{
	struct fdt fdt;
	uint64_t base, size;
	uint32_t spi;
	int node;

	if (fdt_init(&fdt, dtb, DTB_MAX))
		return 0;
	node = fdt_node_offset_by_compatible(&fdt, -1, "virtio,mmio");
	if (node < 0)
		return 0;
	if (fdt_read_reg(&fdt, node, 0, &base, &size) ||
	    fdt_read_u32_index(&fdt, node, "interrupts", 1, &spi)) {
		puts("virtio: device node unusable\n");
		return 0;
	}
	window = (volatile uint32_t *)(uintptr_t)base;
	device_intid = 32 + spi;
	say("virtio: device at slot ", (base - GUEST_VIRTIO_BASE) / GUEST_VIRTIO_STRIDE, "\n");
	return device_intid;
}

/* Reset, negotiation, the queue, DRIVER_OK (3.1.1); false after saying why. */
static bool bring_up(bool event_idx)
{
	struct vdrv_io io = { mmio_read, mmio_write, 0 };
	uint64_t wanted = 1ull << VIRTIO_BLK_F_FLUSH;

	live = false;
	if (event_idx)
		wanted |= 1ull << VIRTIO_F_EVENT_IDX;
	/* The reset first: the device lets go of the old queue before it is
	 * cleared. */
	bool reset = window && vdrv_queue_bytes(QSIZE) <= sizeof(queue_mem) &&
	             vdrv_probe(&drv, &io, VIRTIO_ID_BLOCK) == 0;
	memset(queue_mem, 0, sizeof(queue_mem));
	memset(requests, 0, sizeof(requests));
	memset(slot_of_head, 0xff, sizeof(slot_of_head)); /* -1: nothing */
	irqs = used = bad = errors = in_flight = 0;
	if (!reset || vdrv_negotiate(&drv, wanted) ||
	    vdrv_has_feature(&drv, VIRTIO_F_EVENT_IDX) != event_idx ||
	    vdrv_queue_setup(&drv, &queue, 0, queue_mem, QSIZE)) {
		puts("virtio: the block device did not come up\n");
		return false;
	}
	capacity = vdrv_config_read64(&drv, VIRTIO_BLK_CFG_CAPACITY);
	if (capacity * VIRTIO_BLK_SECTOR_SIZE < STORM_BLOCKS * BLOCK_BYTES) {
		say("virtio: disk too small: ", capacity, " sectors\n");
		return false;
	}
	vdrv_driver_ok(&drv);
	live = true;
	return true;
}

static uint8_t pattern(uint32_t block, uint32_t round, uint32_t i)
{
	return (uint8_t)(block * 31u + round * 7u + i * 13u);
}

static void put_header(struct request *r, uint32_t type, uint64_t sector)
{
	memset(r->header, 0, sizeof(r->header));
	memcpy(r->header, &type, 4);
	memcpy(r->header + 8, &sector, 8);
}

/* A completion: its status, and a read's bytes against the round that wrote them. */
static void complete(struct request *r)
{
	uint32_t block = r->number % STORM_BLOCKS, round = r->number / STORM_BLOCKS;

	if (r->status != VIRTIO_BLK_S_OK)
		errors++;
	else if (r->number != UINT32_MAX && (round & 1u)) {
		for (uint32_t i = 0; i < BLOCK_BYTES; i++)
			if (r->data[i] != pattern(block, round - 1u, i)) {
				bad++;
				break;
			}
	}
	r->busy = false;
	in_flight--;
	used++;
}

static void take_used(void)
{
	uint16_t head;
	uint32_t written;

	do {
		while (vdrv_queue_get_used(&queue, &head, &written)) {
			int slot = head < QSIZE ? slot_of_head[head] : -1;
			if (slot < 0 || !requests[slot].busy) {
				errors++; /* a head we have nothing in flight for */
				continue;
			}
			complete(&requests[slot]);
		}
	} while (vdrv_queue_rearm(&drv, &queue));
}

void virtio_test_irq(void)
{
	irqs++;
	if (!live) {
		(void)vdrv_interrupt_ack(&drv);
		return;
	}
	if (vdrv_interrupt_ack(&drv) & VIRTIO_MMIO_INT_VRING)
		take_used();
}

/* Makes request number n available in slot s (IRQs masked: the handler
 * shares the queue). */
static bool submit(unsigned s, uint32_t n)
{
	struct request *r = &requests[s];
	uint32_t block = n % STORM_BLOCKS, round = n / STORM_BLOCKS;
	bool flush = n == UINT32_MAX, write = !flush && !(round & 1u);
	struct vdrv_buf bufs[3];
	unsigned count = 0;
	int head;

	put_header(r,
	           flush ? VIRTIO_BLK_T_FLUSH :
	           write ? VIRTIO_BLK_T_OUT :
	                   VIRTIO_BLK_T_IN,
	           flush ? 0 : (uint64_t)block * (BLOCK_BYTES / VIRTIO_BLK_SECTOR_SIZE));
	bufs[count++] =
	        (struct vdrv_buf){ (uint64_t)(uintptr_t)r->header, sizeof(r->header), false };
	if (!flush) {
		for (uint32_t i = 0; write && i < BLOCK_BYTES; i++)
			r->data[i] = pattern(block, round, i);
		bufs[count++] =
		        (struct vdrv_buf){ (uint64_t)(uintptr_t)r->data, BLOCK_BYTES, !write };
	}
	r->status = 0xff;
	bufs[count++] = (struct vdrv_buf){ (uint64_t)(uintptr_t)&r->status, 1, true };
	r->number = n;
	r->busy = true;
	__asm__ volatile("msr daifset, #2" ::: "memory");
	head = vdrv_queue_add(&queue, bufs, count);
	if (head >= 0) {
		slot_of_head[head] = (int8_t)s;
		in_flight++;
		vdrv_queue_kick(&drv, &queue);
	}
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	if (head < 0)
		r->busy = false;
	return head >= 0;
}

/* Sleeps until the handler takes a completion; false after STALL_S without one. */
static bool wait_progress(uint64_t seen)
{
	uint64_t end = bm_virtual_counter() + STALL_S * bm_counter_hz();

	while (used == seen) {
		if (bm_virtual_counter() > end)
			return false;
		bm_beat_if_due();
		__asm__ volatile("wfi");
	}
	return true;
}

/* Submits request after request, STORM_DEPTH at a time, then a flush. */
static bool run_storm(uint64_t *submitted)
{
	uint32_t next = 0;

	while (used < STORM_REQUESTS + 1u) {
		/* Read before the slots are looked at: a completion after it
		 * ends the wait below at once. */
		uint64_t seen = used;
		for (unsigned s = 0; s < STORM_DEPTH && next <= STORM_REQUESTS; s++) {
			if (requests[s].busy)
				continue;
			/* The flush goes last, once everything else is done. */
			if (next == STORM_REQUESTS && used < STORM_REQUESTS)
				break;
			if (!submit(s, next == STORM_REQUESTS ? UINT32_MAX : next))
				return false;
			next++;
		}
		*submitted = next;
		if (used < STORM_REQUESTS + 1u && !wait_progress(seen))
			return false;
	}
	return true;
}

/* " key=value", as the built-in tests read it (zt_line_field). */
static void figure(const char *key, uint64_t value)
{
	puts(" ");
	puts(key);
	puts("=");
	putu(value);
}

static void storm(bool event_idx)
{
	uint64_t submitted = 0, t0;
	bool done;

	if (!bring_up(event_idx))
		return;
	t0 = bm_virtual_counter();
	done = run_storm(&submitted);
	puts(done ? "virtio storm" : "virtio storm stalled");
	figure("event_idx", event_idx);
	figure("requests", submitted);
	figure("used", used);
	figure("interrupts", irqs);
	figure("in_flight", in_flight);
	figure("bad", bad);
	figure("errors", errors);
	figure("us", (bm_virtual_counter() - t0) * 1000000u / bm_counter_hz());
	puts("\n");
}

static bool wait_needs_reset(void)
{
	uint64_t end = bm_virtual_counter() + STALL_S * bm_counter_hz();

	while (!vdrv_needs_reset(&drv))
		if (bm_virtual_counter() > end)
			return false;
	return true;
}

/* A write whose data buffer is nowhere in the guest's RAM. */
static void malformed(void)
{
	struct request *r = &requests[0];
	struct vdrv_buf bufs[3] = {
		{ (uint64_t)(uintptr_t)r->header, sizeof(r->header), false },
		{ OUTSIDE_ANY_MAP, BLOCK_BYTES, false },
		{ (uint64_t)(uintptr_t)&r->status, 1, true },
	};
	bool needs_reset, ok;

	if (!bring_up(false))
		return;
	put_header(r, VIRTIO_BLK_T_OUT, 0);
	__asm__ volatile("msr daifset, #2" ::: "memory");
	(void)vdrv_queue_add(&queue, bufs, 3);
	vdrv_queue_kick(&drv, &queue);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	needs_reset = wait_needs_reset();
	/* A reset and one request that works: the device is whole again. */
	ok = bring_up(false) && submit(0, 0) && wait_progress(0) && errors == 0;
	puts("virtio malformed");
	figure("needs_reset", needs_reset);
	figure("after_reset_ok", ok);
	puts("\n");
}

/* One request in flight at a time: the device's round trip through ZVM. */
static void latency(void)
{
	struct perf_stats st = { 0 };

	if (!bring_up(false))
		return;
	for (unsigned i = 0; i < LATENCY_ROUNDS; i++) {
		uint64_t seen = used, t0 = perf_now();
		if (!submit(0, UINT32_MAX) || !wait_progress(seen)) {
			puts("virtio: latency run stalled\n");
			return;
		}
		perf_add(&st, perf_now() - t0);
	}
	perf_print("virtio_blk_flush", &st);
}

bool virtio_test_key(int c)
{
	switch (c) {
	case 'l': latency(); return true;
	case 'v': storm(true); return true;
	case 'V': storm(false); return true;
	case 'a': malformed(); return true;
	default: return false;
	}
}
