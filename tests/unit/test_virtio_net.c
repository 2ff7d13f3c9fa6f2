/*
 * virtio-net on the virtio-mmio transport, as Linux's virtio_net drives it
 * without offloads: the MAC and link status in config space; transmitted
 * frames come out whole behind their header and every chain comes back;
 * received frames fill one buffer each with num_buffers = 1; bad frames and
 * buffers are counted errors, a malformed ring needs reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/zerror.h"
#include "vdev/virtio_net.h"
#include "virtq_fixture.h"

#define QSIZE       16
#define QUEUE_SHIFT 0x4000u
#define FRAME_LEN   60u

static const uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static struct fx rx, tx;
static struct virtio_net net;
static unsigned irqs, kicks;
static bool line;

static void count_irq(void *ctx, bool level)
{
	(void)ctx;
	if (level && !line)
		irqs++;
	line = level;
}

static void kick(void *ctx)
{
	(void)ctx;
	kicks++;
}

static void wr(uint32_t off, uint32_t value)
{
	uint64_t v = value;
	assert_int_equal(virtio_mmio_access(&net.dev, off, 4, true, &v), 0);
}

static uint32_t rd(uint32_t off)
{
	uint64_t v = 0;
	assert_int_equal(virtio_mmio_access(&net.dev, off, 4, false, &v), 0);
	return (uint32_t)v;
}

static uint8_t rd8(uint32_t off)
{
	uint64_t v = 0;
	assert_int_equal(virtio_mmio_access(&net.dev, off, 1, false, &v), 0);
	return (uint8_t)v;
}

static void setup_queue(unsigned index, const struct fx *f)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, index);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)f->desc);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)f->avail);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)f->used);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static int setup(void **state)
{
	(void)state;
	fx_init(&rx, QSIZE);
	fx_second_queue(&tx, &rx, QUEUE_SHIFT);
	virtio_net_init(&net, &rx.ram, mac, kick, NULL, count_irq, NULL);
	irqs = kicks = 0;
	line = false;
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint32_t offered = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	assert_true(offered & (1u << VIRTIO_NET_F_MAC));
	assert_true(offered & (1u << VIRTIO_NET_F_STATUS));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (1u << VIRTIO_NET_F_MAC) | (1u << VIRTIO_NET_F_STATUS));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(VIRTIO_NET_RXQ, &rx);
	setup_queue(VIRTIO_NET_TXQ, &tx);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(virtio_device_live(&net.dev));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_free(&rx);
	return 0;
}

static void make_frame(uint8_t *f, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i);
	memcpy(f + ETH_SRC, mac, ETH_ALEN);
}

/* Offers a transmit chain: the header at buf, the frame in a second buffer. */
static void offer_tx(uint16_t head, uint64_t buf, const uint8_t *hdr, const uint8_t *frame,
                     size_t len)
{
	memcpy(fx_host(&tx, buf), hdr, VIRTIO_NET_HDR_SIZE);
	memcpy(fx_host(&tx, buf + 0x100), frame, len);
	fx_desc(&tx, head, buf, VIRTIO_NET_HDR_SIZE, VIRTQ_DESC_F_NEXT, (uint16_t)(head + 1));
	fx_desc(&tx, (uint16_t)(head + 1), buf + 0x100, (uint32_t)len, 0, 0);
	fx_offer(&tx, head);
}

static void config_has_mac_and_link_up(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ETH_ALEN; i++)
		assert_int_equal(rd8(VIRTIO_MMIO_CONFIG + i), mac[i]);
	uint64_t v = 0;
	assert_int_equal(virtio_mmio_access(&net.dev, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CONFIG_STATUS,
	                                    2, false, &v),
	                 0);
	assert_int_equal(v, VIRTIO_NET_S_LINK_UP);
}

static void transmits_whole_frames(void **state)
{
	(void)state;
	uint8_t hdr[VIRTIO_NET_HDR_SIZE] = { 0 }, f1[FRAME_LEN], f2[ETH_FRAME_MAX],
	        out[ETH_FRAME_MAX];
	size_t len = 0;

	make_frame(f1, sizeof(f1), 1);
	make_frame(f2, sizeof(f2), 7);
	offer_tx(0, FX_BUF, hdr, f1, sizeof(f1));
	offer_tx(2, FX_BUF + 0x1000, hdr, f2, sizeof(f2));
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	assert_int_equal(kicks, 1);
	assert_int_equal(virtio_net_tx(&net, out, &len), 1);
	assert_int_equal(len, sizeof(f1));
	assert_memory_equal(out, f1, sizeof(f1));
	assert_int_equal(virtio_net_tx(&net, out, &len), 1);
	assert_int_equal(len, sizeof(f2));
	assert_memory_equal(out, f2, sizeof(f2));
	assert_int_equal(virtio_net_tx(&net, out, &len), 0);
	virtio_net_tx_done(&net);
	assert_int_equal(fx_used_idx(&tx), 2);
	assert_int_equal(fx_used_id(&tx, 1), 2);
	assert_int_equal(fx_used_len(&tx, 0), 0);
	assert_int_equal(irqs, 1);
	assert_int_equal(net.stats.tx_packets, 2);
	assert_int_equal(net.stats.tx_bytes, sizeof(f1) + sizeof(f2));
}

static void bad_transmits_are_counted_and_given_back(void **state)
{
	(void)state;
	uint8_t hdr[VIRTIO_NET_HDR_SIZE] = { 0 }, gso[VIRTIO_NET_HDR_SIZE] = { 0 },
	        f[ETH_FRAME_MAX + 1], out[ETH_FRAME_MAX];
	size_t len = 0;

	make_frame(f, sizeof(f), 3);
	gso[VIRTIO_NET_HDR_GSO_TYPE] = 1; /* TCPv4: not offered */
	offer_tx(0, FX_BUF, gso, f, FRAME_LEN);
	offer_tx(2, FX_BUF + 0x1000, hdr, f, ETH_HDR_LEN - 1); /* runt */
	offer_tx(4, FX_BUF + 0x2000, hdr, f, sizeof(f));       /* oversized */
	/* A device-writable buffer in a transmit chain. */
	fx_desc(&tx, 6, FX_BUF + 0x3000, 64, VIRTQ_DESC_F_WRITE, 0);
	fx_offer(&tx, 6);
	offer_tx(8, FX_BUF + 0x4000, hdr, f, FRAME_LEN); /* the good one */
	assert_int_equal(virtio_net_tx(&net, out, &len), 1);
	assert_int_equal(len, FRAME_LEN);
	assert_int_equal(net.stats.tx_errors, 4);
	assert_int_equal(net.stats.tx_packets, 1);
	assert_int_equal(fx_used_idx(&tx), 5);
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}

static void receives_into_one_buffer_each(void **state)
{
	(void)state;
	uint8_t f[FRAME_LEN], hdr[VIRTIO_NET_HDR_SIZE];

	make_frame(f, sizeof(f), 9);
	assert_int_equal(virtio_net_rx(&net, f, sizeof(f)), -ZE_AGAIN);
	assert_int_equal(net.stats.rx_dropped, 1);
	/* Linux without MRG_RXBUF: the header and the frame may be split. */
	fx_desc(&rx, 0, FX_BUF, VIRTIO_NET_HDR_SIZE, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	fx_desc(&rx, 1, FX_BUF + 0x100, 1514, VIRTQ_DESC_F_WRITE, 0);
	fx_offer(&rx, 0);
	memset(fx_host(&rx, FX_BUF), 0xee, VIRTIO_NET_HDR_SIZE);
	assert_int_equal(virtio_net_rx(&net, f, sizeof(f)), 0);
	memcpy(hdr, fx_host(&rx, FX_BUF), sizeof(hdr));
	assert_int_equal(hdr[VIRTIO_NET_HDR_FLAGS], 0);
	assert_int_equal(hdr[VIRTIO_NET_HDR_GSO_TYPE], VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(hdr[VIRTIO_NET_HDR_NUM_BUFFERS], 1);
	assert_int_equal(hdr[VIRTIO_NET_HDR_NUM_BUFFERS + 1], 0);
	assert_memory_equal(fx_host(&rx, FX_BUF + 0x100), f, sizeof(f));
	assert_int_equal(fx_used_len(&rx, 0), VIRTIO_NET_HDR_SIZE + sizeof(f));
	assert_int_equal(irqs, 1);
	assert_int_equal(net.stats.rx_packets, 1);
	assert_int_equal(net.stats.rx_bytes, sizeof(f));
}

static void a_receive_buffer_too_small_is_an_error(void **state)
{
	(void)state;
	uint8_t f[FRAME_LEN];

	make_frame(f, sizeof(f), 2);
	fx_desc(&rx, 0, FX_BUF, VIRTIO_NET_HDR_SIZE + FRAME_LEN - 1, VIRTQ_DESC_F_WRITE, 0);
	fx_offer(&rx, 0);
	assert_int_equal(virtio_net_rx(&net, f, sizeof(f)), -ZE_INVAL);
	assert_int_equal(net.stats.rx_errors, 1);
	assert_int_equal(fx_used_idx(&rx), 1);
	assert_int_equal(fx_used_len(&rx, 0), 0);
	/* Not a frame at all: refused before a buffer is taken. */
	assert_int_equal(virtio_net_rx(&net, f, ETH_HDR_LEN - 1), -ZE_INVAL);
}

static void a_transmit_outside_ram_needs_reset(void **state)
{
	(void)state;
	uint8_t out[ETH_FRAME_MAX];
	size_t len = 0;

	fx_desc(&tx, 0, FX_RAM_BASE + FX_RAM_SIZE - 4, 64, 0, 0);
	fx_offer(&tx, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	assert_int_equal(virtio_net_tx(&net, out, &len), 0);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(net.dev.stats.queue_errors[VIRTQ_ERR_ADDR], 1);
	/* Receive stops too until the driver resets the device. */
	uint8_t f[FRAME_LEN];
	make_frame(f, sizeof(f), 0);
	assert_int_equal(virtio_net_rx(&net, f, sizeof(f)), -ZE_AGAIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(config_has_mac_and_link_up),
		T(transmits_whole_frames),
		T(bad_transmits_are_counted_and_given_back),
		T(receives_into_one_buffer_each),
		T(a_receive_buffer_too_small_is_an_error),
		T(a_transmit_outside_ram_needs_reset),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
