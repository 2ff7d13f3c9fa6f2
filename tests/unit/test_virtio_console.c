/*
 * virtio-console on the virtio-mmio transport, as Linux's virtio_console
 * uses port 0 (hvc0): transmitted bytes reach the output in order and
 * every chain comes back; typed input fills the posted receive buffers
 * (and waits when there are none); a malformed transmit chain needs reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vdev/virtio_console.h"
#include "virtq_fixture.h"

#define QSIZE       16
#define QUEUE_SHIFT 0x4000u /* the transmit queue's parts above the receive queue's */
#define OUT_MAX     256

static struct fx rx, tx;
static struct virtio_console con;
static char out[OUT_MAX];
static size_t out_len;
static unsigned irqs;

static void collect(void *ctx, const uint8_t *buf, size_t n)
{
	(void)ctx;
	assert_true(out_len + n <= OUT_MAX);
	memcpy(out + out_len, buf, n);
	out_len += n;
}

static bool line;

/* Counts rising edges of the interrupt line. */
static void count_irq(void *ctx, bool level)
{
	(void)ctx;
	if (level && !line)
		irqs++;
	line = level;
}

static void wr(uint32_t off, uint32_t value)
{
	uint64_t v = value;
	assert_int_equal(virtio_mmio_access(&con.dev, off, 4, true, &v), 0);
}

static uint32_t rd(uint32_t off)
{
	uint64_t v = 0;
	assert_int_equal(virtio_mmio_access(&con.dev, off, 4, false, &v), 0);
	return (uint32_t)v;
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
	virtio_console_init(&con, &rx.ram, collect, NULL, count_irq, NULL);
	out_len = 0;
	irqs = 0;
	line = false;
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(VIRTIO_CONSOLE_RXQ, &rx);
	setup_queue(VIRTIO_CONSOLE_TXQ, &tx);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(virtio_device_live(&con.dev));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_free(&rx);
	return 0;
}

static void send(uint16_t head, uint64_t buf, const char *text)
{
	memcpy(fx_host(&tx, buf), text, strlen(text));
	fx_desc(&tx, head, buf, (uint32_t)strlen(text), 0, 0);
	fx_offer(&tx, head);
}

static void transmits_in_order(void **state)
{
	(void)state;
	send(0, FX_BUF, "hello, ");
	send(1, FX_BUF + 0x100, "hvc0\n");
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_CONSOLE_TXQ);
	assert_int_equal(out_len, 12);
	assert_memory_equal(out, "hello, hvc0\n", 12);
	assert_int_equal(fx_used_idx(&tx), 2);
	assert_int_equal(fx_used_id(&tx, 0), 0);
	assert_int_equal(fx_used_id(&tx, 1), 1);
	assert_int_equal(fx_used_len(&tx, 1), 0);
	assert_int_equal(con.bytes_out, 12);
	assert_int_equal(irqs, 1);
	assert_int_equal(con.dev.stats.requests, 2);
}

static void input_fills_receive_buffers(void **state)
{
	(void)state;
	/* No buffer yet: nothing taken, the caller keeps its input. */
	assert_int_equal(virtio_console_input(&con, "ls\n", 3), 0);
	assert_int_equal(irqs, 0);

	fx_desc(&rx, 0, FX_BUF, 2, VIRTQ_DESC_F_WRITE, 0);
	fx_desc(&rx, 1, FX_BUF + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
	fx_offer(&rx, 0);
	fx_offer(&rx, 1);
	assert_int_equal(virtio_console_input(&con, "ls -l\n", 6), 6);
	assert_memory_equal(fx_host(&rx, FX_BUF), "ls", 2);
	assert_memory_equal(fx_host(&rx, FX_BUF + 0x100), " -l\n", 4);
	assert_int_equal(fx_used_len(&rx, 0), 2);
	assert_int_equal(fx_used_len(&rx, 1), 4);
	assert_int_equal(irqs, 1);
	assert_int_equal(con.bytes_in, 6);
	/* Both buffers used: more input waits. */
	assert_int_equal(virtio_console_input(&con, "x", 1), 0);
}

static void a_readable_receive_buffer_needs_reset(void **state)
{
	(void)state;
	fx_desc(&rx, 0, FX_BUF, 2, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	fx_desc(&rx, 1, FX_BUF, 2, 0, 0); /* readable after writable */
	fx_offer(&rx, 0);
	assert_int_equal(virtio_console_input(&con, "x", 1), 0);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(con.dev.stats.queue_errors[VIRTQ_ERR_ORDER], 1);
}

static void a_transmit_outside_ram_needs_reset(void **state)
{
	(void)state;
	fx_desc(&tx, 0, FX_RAM_BASE + FX_RAM_SIZE - 1, 2, 0, 0);
	fx_offer(&tx, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_CONSOLE_TXQ);
	assert_int_equal(out_len, 0);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(con.dev.stats.queue_errors[VIRTQ_ERR_ADDR], 1);
	/* Input is refused until the driver resets the device. */
	assert_int_equal(virtio_console_input(&con, "x", 1), 0);
}

static void config_space_is_zero(void **state)
{
	(void)state;
	uint64_t v = 1;
	assert_int_equal(virtio_mmio_access(&con.dev, VIRTIO_MMIO_CONFIG + 4, 4, false, &v), 0);
	assert_int_equal(v, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(transmits_in_order),
		T(input_fills_receive_buffers),
		T(a_readable_receive_buffer_needs_reset),
		T(a_transmit_outside_ram_needs_reset),
		T(config_space_is_zero),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
