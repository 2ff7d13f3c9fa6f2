/*
 * The virtio-mmio transport (VIRTIO 1.2 4.2) driven the way Linux's
 * virtio_mmio driver drives it: identification, the status sequence of
 * 3.1.1, feature negotiation, queue set-up, notifications and interrupts,
 * reset; and every driver error ending in NEEDS_RESET, counted, with a
 * configuration-change interrupt.  The backend is a test device that
 * answers each request with the sum of the bytes it read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/zerror.h"
#include "vdev/virtio_mmio.h"
#include "virtq_fixture.h"

#define TEST_DEVICE_ID 0x1fu
#define TEST_FEATURE   3u /* a device-specific feature bit */
#define QSIZE          16

static struct fx f;
static struct virtio_device dev;
static unsigned irqs, notifies, backend_resets;
static uint8_t config[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

/* The test device: each request's readable bytes summed into its first writable byte. */
static void sum_notify(struct virtio_device *d, unsigned qi)
{
	struct virtq_chain c;
	int got;

	notifies++;
	while ((got = virtio_queue_pop(d, qi, &c)) > 0) {
		uint8_t sum = 0;
		for (unsigned s = 0; s < c.readable; s++)
			for (uint32_t i = 0; i < c.seg[s].len; i++)
				sum = (uint8_t)(sum + c.seg[s].host[i]);
		uint32_t written = 0;
		if (c.count > c.readable && c.seg[c.readable].len > 0) {
			c.seg[c.readable].host[0] = sum;
			written = 1;
		}
		virtio_queue_push(d, qi, c.head, written);
	}
	virtio_queue_notify_driver(d, qi);
}

static void sum_reset(struct virtio_device *d)
{
	(void)d;
	backend_resets++;
}

static const struct virtio_backend sum_backend = {
	.kind = "test",
	.device_id = TEST_DEVICE_ID,
	.features = 1ull << TEST_FEATURE,
	.num_queues = 2,
	.config_size = sizeof(config),
	.notify = sum_notify,
	.reset = sum_reset,
};

static bool line; /* the interrupt line as the transport drives it */

/* Counts rising edges: the times the line went up. */
static void count_irq(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &dev);
	if (level && !line)
		irqs++;
	line = level;
}

static uint32_t rd(uint32_t off)
{
	uint64_t v = 0xdeadbeef;
	assert_int_equal(virtio_mmio_access(&dev, off, 4, false, &v), 0);
	return (uint32_t)v;
}

static void wr(uint32_t off, uint32_t value)
{
	uint64_t v = value;
	assert_int_equal(virtio_mmio_access(&dev, off, 4, true, &v), 0);
}

static int setup(void **state)
{
	(void)state;
	fx_init(&f, QSIZE);
	virtio_device_init(&dev, &sum_backend, NULL, &f.ram, count_irq, &dev);
	dev.config = config;
	irqs = notifies = backend_resets = 0;
	line = false;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_free(&f);
	return 0;
}

static void negotiate(uint64_t features)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
}

static void setup_queue0(void)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_QUEUE_MAX);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)FX_DESC);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(FX_DESC >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)FX_AVAIL);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)FX_USED);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

#define ALL_FEATURES                                                   \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | \
	 (1ull << VIRTIO_F_INDIRECT_DESC) | (1ull << TEST_FEATURE))

/* The whole of 3.1.1 with the given features; the device ends live. */
static void bring_up(uint64_t features)
{
	negotiate(features);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue0();
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(virtio_device_live(&dev));
}

/* One request: two readable bytes and a writable one; returns the answer. */
static uint8_t request(uint8_t a, uint8_t b)
{
	fx_host(&f, FX_BUF)[0] = a;
	fx_host(&f, FX_BUF)[1] = b;
	fx_desc(&f, 0, FX_BUF, 2, VIRTQ_DESC_F_NEXT, 1);
	fx_desc(&f, 1, FX_BUF + 0x10, 1, VIRTQ_DESC_F_WRITE, 0);
	fx_offer(&f, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	return fx_host(&f, FX_BUF + 0x10)[0];
}

static void identifies_as_a_modern_device(void **state)
{
	(void)state;
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976u);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), TEST_DEVICE_ID);
	assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR_ZVM);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffu);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), (1u << VIRTIO_F_EVENT_IDX) |
	                                                          (1u << VIRTIO_F_INDIRECT_DESC) |
	                                                          (1u << TEST_FEATURE));
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1u); /* VERSION_1 is bit 32 */
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 2); /* past the device's two queues */
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
}

static void reads_the_configuration_space_by_width(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(virtio_mmio_access(&dev, VIRTIO_MMIO_CONFIG + 1, 1, false, &v), 0);
	assert_int_equal(v, 0x22);
	assert_int_equal(virtio_mmio_access(&dev, VIRTIO_MMIO_CONFIG + 2, 2, false, &v), 0);
	assert_int_equal(v, 0x4433);
	assert_int_equal(virtio_mmio_access(&dev, VIRTIO_MMIO_CONFIG + 4, 4, false, &v), 0);
	assert_int_equal(v, 0x88776655);
	/* Misaligned, past the end, 64-bit: refused (the guest gets an abort). */
	assert_int_equal(virtio_mmio_access(&dev, VIRTIO_MMIO_CONFIG + 1, 2, false, &v),
	                 -ZE_MMIO_ALIGN);
	assert_int_equal(virtio_mmio_access(&dev, VIRTIO_MMIO_CONFIG + 8, 1, false, &v),
	                 -ZE_MMIO_RANGE);
	assert_int_equal(virtio_mmio_access(&dev, VIRTIO_MMIO_CONFIG, 8, false, &v), -ZE_MMIO_SIZE);
	/* Control registers are 32-bit only. */
	assert_int_equal(virtio_mmio_access(&dev, VIRTIO_MMIO_STATUS, 1, false, &v), -ZE_MMIO_SIZE);
	assert_int_equal(virtio_mmio_access(&dev, VIRTIO_MMIO_STATUS + 2, 4, false, &v),
	                 -ZE_MMIO_ALIGN);
	assert_int_equal(dev.stats.driver_errors, 5);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	virtio_config_changed(&dev);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	assert_int_equal(irqs, 0); /* no driver yet to tell */
}

static void serves_requests_and_interrupts(void **state)
{
	(void)state;
	bring_up((1ull << VIRTIO_F_VERSION_1) | (1ull << TEST_FEATURE));
	assert_true(virtio_has_feature(&dev, TEST_FEATURE));
	assert_false(virtio_has_feature(&dev, VIRTIO_F_EVENT_IDX));

	assert_int_equal(request(40, 2), 42);
	assert_int_equal(fx_used_idx(&f), 1);
	assert_int_equal(fx_used_len(&f, 0), 1);
	assert_int_equal(irqs, 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	/* A second completion before the ack: the line simply stays high. */
	assert_int_equal(request(5, 5), 10);
	assert_int_equal(irqs, 1);
	assert_true(line);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(line);

	assert_int_equal(request(1, 2), 3);
	assert_int_equal(irqs, 2);
	assert_int_equal(dev.stats.requests, 3);
	assert_int_equal(dev.stats.notifications, 3);
	assert_int_equal(dev.stats.interrupts, 3);
	assert_int_equal(dev.stats.driver_errors, 0);

	/* A notify for a queue that is not set up does nothing. */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 7);
	assert_int_equal(notifies, 3);
}

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void times_an_interrupt_to_the_handlers_first_status_read(void **state)
{
	const struct virtio_irq_timing *t = &dev.stats.irq_to_status_read;

	(void)state;
	bring_up(1ull << VIRTIO_F_VERSION_1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0); /* no clock, nothing raised */
	virtio_set_clock(fake_clock);
	fake_now = 1000;
	request(1, 1);
	fake_now = 1700;
	request(2, 2);   /* still pending: the first raise is the one timed */
	fake_now = 2500; /* the handler reads the status: 1500 after the raise */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	fake_now = 9000; /* a second read is not the handler's first */
	rd(VIRTIO_MMIO_INTERRUPT_STATUS);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_int_equal(t->count, 1);
	assert_int_equal(t->min, 1500);
	assert_int_equal(t->max, 1500);

	fake_now = 10000;
	request(3, 3);
	fake_now = 10300;
	rd(VIRTIO_MMIO_INTERRUPT_STATUS);
	assert_int_equal(t->count, 2);
	assert_int_equal(t->min, 300);
	assert_int_equal(t->max, 1500);
	assert_int_equal(t->sum, 1800);
	virtio_set_clock(NULL);
}

static void event_idx_suppresses_interrupts(void **state)
{
	(void)state;
	bring_up(ALL_FEATURES);
	assert_true(virtio_has_feature(&dev, VIRTIO_F_EVENT_IDX));
	assert_true(dev.queue[0].event_idx);
	fx_set_used_event(&f, 1); /* tell me when the second one is used */
	request(1, 1);
	assert_int_equal(irqs, 0);
	request(1, 1);
	assert_int_equal(irqs, 1);
}

static void refuses_features_it_did_not_offer(void **state)
{
	(void)state;
	negotiate((1ull << VIRTIO_F_VERSION_1) | (1ull << 5));
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	setup(NULL);
	negotiate(1ull << TEST_FEATURE); /* a legacy driver: no VERSION_1 */
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

static void expect_needs_reset(unsigned errors)
{
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(virtio_device_live(&dev));
	assert_int_equal(dev.stats.driver_errors, errors);
}

static void a_malformed_chain_needs_reset(void **state)
{
	(void)state;
	bring_up(ALL_FEATURES);
	fx_desc(&f, 0, 0x1000, 64, 0, 0); /* not the VM's memory */
	fx_offer(&f, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	expect_needs_reset(1);
	assert_int_equal(dev.stats.queue_errors[VIRTQ_ERR_ADDR], 1);
	assert_int_equal(fx_used_idx(&f), 0);
	/* 2.1.2: a configuration change interrupt tells the running driver. */
	assert_int_equal(irqs, 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
	/* Nothing is served until the reset. */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(notifies, 1);

	/* Linux writes back what it reads, NEEDS_RESET included: no new error. */
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS));
	assert_int_equal(dev.stats.driver_errors, 1);

	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(line); /* reset lowers the line */
	assert_int_equal(backend_resets, 1);
	assert_int_equal(dev.stats.resets, 1);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);

	/* The driver starts over, with fresh rings, and the device serves again. */
	memset(fx_host(&f, FX_DESC), 0, 0x10000);
	f.avail_idx = 0;
	bring_up(ALL_FEATURES);
	assert_int_equal(request(2, 3), 5);
}

static void driver_status_errors_need_reset(void **state)
{
	(void)state;
	/* DRIVER_OK before FEATURES_OK. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	expect_needs_reset(1);

	setup(NULL);
	/* A bit cleared without a reset. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER);
	expect_needs_reset(1);

	setup(NULL);
	/* Features written after FEATURES_OK. */
	negotiate(ALL_FEATURES);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	expect_needs_reset(1);
	assert_true(virtio_has_feature(&dev, VIRTIO_F_EVENT_IDX)); /* unchanged */

	setup(NULL);
	/* A queue configured before the features. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	expect_needs_reset(1);
}

static void queue_errors_need_reset(void **state)
{
	(void)state;
	negotiate(ALL_FEATURES);
	/* A ring outside RAM. */
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x2000);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)FX_AVAIL);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)FX_USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	expect_needs_reset(1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(dev.stats.queue_errors[VIRTQ_ERR_LAYOUT], 1);

	setup(NULL);
	negotiate(ALL_FEATURES);
	setup_queue0();
	/* Changing a live queue's ring. */
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)FX_DESC + 0x100);
	expect_needs_reset(1);
	assert_int_equal(dev.queue[0].desc_ipa, FX_DESC);

	setup(NULL);
	negotiate(ALL_FEATURES);
	/* A queue the device does not have. */
	wr(VIRTIO_MMIO_QUEUE_SEL, 5);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	expect_needs_reset(1);
}

static void a_queue_can_be_stopped_and_reconfigured(void **state)
{
	(void)state;
	negotiate(ALL_FEATURES);
	setup_queue0();
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	assert_int_equal(dev.queue[0].size, 8);
	assert_int_equal(dev.stats.driver_errors, 0);
}

static void unknown_registers_read_zero_and_ignore_writes(void **state)
{
	(void)state;
	wr(0x0f0, 0x1234);
	wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
	assert_int_equal(rd(0x0f0), 0);
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976u);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NOTIFY), 0);
	assert_int_equal(dev.stats.driver_errors, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(identifies_as_a_modern_device),
		T(reads_the_configuration_space_by_width),
		T(serves_requests_and_interrupts),
		T(times_an_interrupt_to_the_handlers_first_status_read),
		T(event_idx_suppresses_interrupts),
		T(refuses_features_it_did_not_offer),
		T(a_malformed_chain_needs_reset),
		T(driver_status_errors_need_reset),
		T(queue_errors_need_reset),
		T(a_queue_can_be_stopped_and_reconfigured),
		T(unknown_registers_read_zero_and_ignore_writes),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
