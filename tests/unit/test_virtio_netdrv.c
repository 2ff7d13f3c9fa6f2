/*
 * ZVM's virtio-net driver (drivers/virtio_netdrv.c, the board NIC's)
 * against ZVM's own virtio-net device model (vdev/virtio_net.c) on the
 * modern transport: negotiation and the MAC, frames both ways beyond one
 * ring's worth (buffers are posted again), a full transmit ring drops and
 * recovers, bad lengths, and a device that lies (a short written length,
 * a used entry for a chain it never had) is counted, never believed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/virtio_netdrv.h"
#include "lib/zerror.h"
#include "vdev/virtio_defs.h"
#include "vdev/virtio_net.h"

#define RAM_SIZE (1u << 20)
#define ROUNDS   (3u * VNETDRV_QUEUE_SIZE)

static const uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
static uint8_t *ram_host;
static struct guest_ram ram;
static struct virtio_net dev;
static struct vdrv drv;
static struct vnetdrv n;
static uint8_t got[ETH_FRAME_MAX];
static size_t got_len;
static unsigned got_count;

static void no_kick(void *ctx)
{
	(void)ctx;
}

static void no_irq(void *ctx, bool level)
{
	(void)ctx;
	(void)level;
}

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

static void take(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	assert_true(len <= sizeof(got));
	memcpy(got, frame, len);
	got_len = len;
	got_count++;
}

static void make_frame(uint8_t *f, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(i * 7u + seed);
	f[ETH_SRC] = 0x02; /* a unicast source */
}

static int setup(void **state)
{
	(void)state;
	ram_host = aligned_alloc(4096, RAM_SIZE);
	memset(ram_host, 0, RAM_SIZE);
	ram = (struct guest_ram){ (uint64_t)(uintptr_t)ram_host, RAM_SIZE, ram_host };
	virtio_net_init(&dev, &ram, mac, no_kick, NULL, no_irq, NULL);
	struct vdrv_io io = { io_read, io_write, &dev.dev };
	assert_int_equal(vdrv_probe(&drv, &io, VIRTIO_ID_NET), 0);
	assert_true(vnetdrv_mem_bytes() <= RAM_SIZE);
	assert_int_equal(vnetdrv_start(&n, &drv, ram_host), 0);
	got_count = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram_host);
	return 0;
}

static void negotiates_and_reads_the_mac(void **state)
{
	(void)state;
	assert_true(virtio_device_live(&dev.dev));
	assert_true(vdrv_has_feature(&drv, VIRTIO_F_VERSION_1));
	assert_true(n.has_mac);
	assert_memory_equal(n.mac, mac, ETH_ALEN);
}

static void receives_more_frames_than_one_ring_holds(void **state)
{
	uint8_t f[ETH_FRAME_MAX];

	(void)state;
	for (unsigned i = 0; i < ROUNDS; i++) {
		size_t len = ETH_HDR_LEN + (i * 37u) % ETH_MTU;
		make_frame(f, len, i);
		assert_int_equal(virtio_net_rx(&dev, f, len), 0);
		assert_int_equal(vnetdrv_rx(&n, take, NULL, 8), 1);
		assert_int_equal(got_len, len);
		assert_memory_equal(got, f, len);
	}
	assert_int_equal(n.stats.rx_packets, ROUNDS);
	assert_int_equal(n.stats.rx_errors, 0);
	assert_int_equal(vnetdrv_rx(&n, take, NULL, 8), 0);
}

static void a_batch_stops_at_max(void **state)
{
	uint8_t f[64];

	(void)state;
	make_frame(f, sizeof(f), 1);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(virtio_net_rx(&dev, f, sizeof(f)), 0);
	assert_int_equal(vnetdrv_rx(&n, take, NULL, 8), 8);
	assert_int_equal(vnetdrv_rx(&n, take, NULL, 8), 2);
	assert_int_equal(got_count, 10);
}

static void sends_frames_the_device_takes_whole(void **state)
{
	uint8_t f[ETH_FRAME_MAX], out[ETH_FRAME_MAX];
	size_t out_len;

	(void)state;
	for (unsigned i = 0; i < ROUNDS; i++) {
		size_t len = ETH_HDR_LEN + (i * 53u) % ETH_MTU;
		make_frame(f, len, i);
		assert_int_equal(vnetdrv_tx(&n, f, len), 0);
		assert_int_equal(virtio_net_tx(&dev, out, &out_len), 1);
		virtio_net_tx_done(&dev);
		assert_int_equal(out_len, len);
		assert_memory_equal(out, f, len);
	}
	assert_int_equal(n.stats.tx_packets, ROUNDS);
	assert_int_equal(n.stats.tx_dropped, 0);
	assert_int_equal(dev.stats.tx_errors, 0);
}

static void a_full_transmit_ring_drops_then_recovers(void **state)
{
	uint8_t f[100], out[ETH_FRAME_MAX];
	size_t out_len;

	(void)state;
	make_frame(f, sizeof(f), 3);
	for (unsigned i = 0; i < VNETDRV_QUEUE_SIZE; i++)
		assert_int_equal(vnetdrv_tx(&n, f, sizeof(f)), 0);
	assert_int_equal(vnetdrv_tx(&n, f, sizeof(f)), -ZE_NO_SPACE);
	assert_int_equal(n.stats.tx_dropped, 1);
	while (virtio_net_tx(&dev, out, &out_len) == 1)
		;
	virtio_net_tx_done(&dev);
	assert_int_equal(vnetdrv_tx_reclaim(&n), VNETDRV_QUEUE_SIZE);
	assert_int_equal(vnetdrv_tx(&n, f, sizeof(f)), 0);
}

static void bad_lengths_are_refused(void **state)
{
	uint8_t f[ETH_FRAME_MAX + 1] = { 0 };

	(void)state;
	assert_int_equal(vnetdrv_tx(&n, f, ETH_HDR_LEN - 1), -ZE_INVAL);
	assert_int_equal(vnetdrv_tx(&n, f, ETH_FRAME_MAX + 1), -ZE_INVAL);
	assert_int_equal(n.stats.tx_errors, 2);
	assert_int_equal(n.stats.tx_packets, 0);
}

/* The used ring's entry slot, written as a lying device would. */
static void forge_used(struct vdrv_queue *q, uint32_t id, uint32_t len, bool new_entry)
{
	uint16_t idx;

	memcpy(&idx, q->used + 2, 2);
	if (!new_entry)
		idx = (uint16_t)(idx - 1u);
	uint8_t *e = q->used + VIRTQ_RING_HEADER + VIRTQ_USED_ELEM_SIZE * (idx & (q->size - 1u));
	memcpy(e, &id, 4);
	memcpy(e + 4, &len, 4);
	if (new_entry) {
		idx++;
		memcpy(q->used + 2, &idx, 2);
	}
}

static void a_lying_device_is_counted_not_believed(void **state)
{
	uint8_t f[64];

	(void)state;
	/* A received frame whose written length says less than a header. */
	make_frame(f, sizeof(f), 5);
	assert_int_equal(virtio_net_rx(&dev, f, sizeof(f)), 0);
	uint16_t idx;
	memcpy(&idx, n.rxq.used + 2, 2);
	uint8_t *e = n.rxq.used + VIRTQ_RING_HEADER +
	             VIRTQ_USED_ELEM_SIZE * ((uint16_t)(idx - 1u) & (n.rxq.size - 1u));
	uint32_t len = 5;
	memcpy(e + 4, &len, 4); /* keep the device's id, shorten its length */
	assert_int_equal(vnetdrv_rx(&n, take, NULL, 8), 1);
	assert_int_equal(got_count, 0);
	assert_int_equal(n.stats.rx_errors, 1);
	/* A transmit "completion" for a chain the device never had. */
	forge_used(&n.txq, 3, 0, true);
	assert_int_equal(vnetdrv_tx_reclaim(&n), 0);
	assert_int_equal(n.txq.bogus_used, 1);
	/* Every receive buffer is still the device's: a ring's worth goes through. */
	for (unsigned i = 0; i < VNETDRV_QUEUE_SIZE; i++)
		assert_int_equal(virtio_net_rx(&dev, f, sizeof(f)), 0);
	assert_int_equal(vnetdrv_rx(&n, take, NULL, VNETDRV_QUEUE_SIZE), VNETDRV_QUEUE_SIZE);
	assert_int_equal(got_count, VNETDRV_QUEUE_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(negotiates_and_reads_the_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(receives_more_frames_than_one_ring_holds, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_batch_stops_at_max, setup, teardown),
		cmocka_unit_test_setup_teardown(sends_frames_the_device_takes_whole, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_full_transmit_ring_drops_then_recovers, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(bad_lengths_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_lying_device_is_counted_not_believed, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
