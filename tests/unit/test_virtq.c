/*
 * The split virtqueue walker against the rules of VIRTIO 1.2 section 2.7:
 * chains direct and indirect, the used ring and its wrap, EVENT_IDX and the
 * flags, and every malformed input a guest can give (outside RAM, loops,
 * overflowing lengths, too long, bad indirect tables, bad ring layout),
 * each refused with its reason and without touching memory outside RAM
 * (ASan would see it: the fake RAM is a heap block of exactly its size).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/zerror.h"
#include "virtq_fixture.h"

#define QSIZE 8

static struct fx f;
static struct virtq q;
static struct virtq_chain c;

static int setup(void **state)
{
	(void)state;
	fx_init(&f, QSIZE);
	fx_configure(&f, &q);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_free(&f);
	return 0;
}

static void enable(bool event_idx, bool indirect)
{
	assert_int_equal(virtq_enable(&q, &f.ram, 256, event_idx, indirect), 0);
}

static void expect_error(enum virtq_error e)
{
	assert_int_equal(virtq_pop(&q, &f.ram, &c), -ZE_MALFORMED);
	assert_int_equal(q.error, e);
	/* A stopped queue takes nothing more. */
	assert_int_equal(virtq_pop(&q, &f.ram, &c), 0);
}

static void takes_a_request_and_gives_it_back(void **state)
{
	(void)state;
	enable(false, false);
	assert_int_equal(virtq_pop(&q, &f.ram, &c), 0);
	assert_false(virtq_has_avail(&q));

	fx_desc(&f, 3, FX_BUF, 16, VIRTQ_DESC_F_NEXT, 5);
	fx_desc(&f, 5, FX_BUF + 0x100, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	fx_desc(&f, 1, FX_BUF + 0x400, 1, VIRTQ_DESC_F_WRITE, 0);
	fx_offer(&f, 3);
	assert_true(virtq_has_avail(&q));

	assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
	assert_int_equal(c.head, 3);
	assert_int_equal(c.count, 3);
	assert_int_equal(c.readable, 1);
	assert_int_equal(c.read_bytes, 16);
	assert_int_equal(c.write_bytes, 513);
	assert_ptr_equal(c.seg[0].host, fx_host(&f, FX_BUF));
	assert_false(c.seg[0].write);
	assert_ptr_equal(c.seg[2].host, fx_host(&f, FX_BUF + 0x400));
	assert_true(c.seg[2].write);
	assert_int_equal(virtq_pop(&q, &f.ram, &c), 0);

	virtq_push(&q, 3, 513);
	assert_int_equal(fx_used_idx(&f), 1);
	assert_int_equal(fx_used_id(&f, 0), 3);
	assert_int_equal(fx_used_len(&f, 0), 513);
}

static void indices_wrap_at_16_bits(void **state)
{
	(void)state;
	enable(false, false);
	fx_desc(&f, 0, FX_BUF, 8, 0, 0);
	/* Start just below the wrap, as a long-running driver gets there. */
	q.last_avail = q.used_idx = q.signalled_used = 65534;
	f.avail_idx = 65534;
	for (unsigned i = 0; i < 4; i++) {
		fx_offer(&f, 0);
		assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
		virtq_push(&q, 0, 0);
	}
	assert_int_equal(q.last_avail, 2);
	assert_int_equal(fx_used_idx(&f), 2);
}

static void follows_an_indirect_table(void **state)
{
	(void)state;
	enable(false, true);
	fx_desc_at(&f, FX_INDIRECT, 0, FX_BUF, 64, VIRTQ_DESC_F_NEXT, 2);
	fx_desc_at(&f, FX_INDIRECT, 2, FX_BUF + 0x200, 100, VIRTQ_DESC_F_WRITE, 0);
	/* The WRITE flag on the table's own descriptor is ignored (2.7.5.3.2). */
	fx_desc(&f, 0, FX_INDIRECT, 3 * 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	fx_offer(&f, 0);
	assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
	assert_int_equal(c.count, 2);
	assert_int_equal(c.read_bytes, 64);
	assert_int_equal(c.write_bytes, 100);
}

static void refuses_indirect_when_not_negotiated(void **state)
{
	(void)state;
	enable(false, false);
	fx_desc(&f, 0, FX_INDIRECT, 16, VIRTQ_DESC_F_INDIRECT, 0);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_INDIRECT);
}

static void refuses_nested_and_chained_indirect(void **state)
{
	(void)state;
	enable(false, true);
	fx_desc_at(&f, FX_INDIRECT, 0, FX_INDIRECT + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
	fx_desc(&f, 0, FX_INDIRECT, 16, VIRTQ_DESC_F_INDIRECT, 0);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_INDIRECT);

	setup(NULL);
	enable(false, true);
	fx_desc(&f, 0, FX_INDIRECT, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_INDIRECT);

	setup(NULL);
	enable(false, true);
	/* A table named by the second descriptor of a chain. */
	fx_desc(&f, 0, FX_BUF, 16, VIRTQ_DESC_F_NEXT, 1);
	fx_desc(&f, 1, FX_INDIRECT, 16, VIRTQ_DESC_F_INDIRECT, 0);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_INDIRECT);
}

static void refuses_indirect_tables_of_bad_size(void **state)
{
	(void)state;
	uint32_t bad[] = { 0, 15, 17 };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(NULL);
		enable(false, true);
		fx_desc(&f, 0, FX_INDIRECT, bad[i], VIRTQ_DESC_F_INDIRECT, 0);
		fx_offer(&f, 0);
		expect_error(VIRTQ_ERR_INDIRECT);
	}
	setup(NULL);
	enable(false, true);
	/* The table itself outside RAM. */
	fx_desc(&f, 0, FX_RAM_BASE + FX_RAM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_ADDR);
}

static void refuses_buffers_outside_ram(void **state)
{
	(void)state;
	struct {
		uint64_t addr;
		uint32_t len;
	} bad[] = {
		{ FX_RAM_BASE - 1, 2 },               /* starts below */
		{ FX_RAM_BASE + FX_RAM_SIZE, 1 },     /* starts past the end */
		{ FX_RAM_BASE + FX_RAM_SIZE - 4, 5 }, /* ends past the end */
		{ 0xfffffffffffffff0ull, 0x20 },      /* wraps the address space */
		{ 0, 0x1000 },                        /* ZVM's own memory, say */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(NULL);
		enable(false, false);
		fx_desc(&f, 0, bad[i].addr, bad[i].len, 0, 0);
		fx_offer(&f, 0);
		expect_error(VIRTQ_ERR_ADDR);
	}
	setup(NULL);
	enable(false, false);
	/* The last byte of RAM is the VM's: accepted. */
	fx_desc(&f, 0, FX_RAM_BASE + FX_RAM_SIZE - 4, 4, 0, 0);
	fx_offer(&f, 0);
	assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
}

static void refuses_loops(void **state)
{
	(void)state;
	enable(false, false);
	fx_desc(&f, 0, FX_BUF, 1, VIRTQ_DESC_F_NEXT, 1);
	fx_desc(&f, 1, FX_BUF, 1, VIRTQ_DESC_F_NEXT, 0);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_LOOP);

	setup(NULL);
	enable(false, true);
	fx_desc_at(&f, FX_INDIRECT, 0, FX_BUF, 1, VIRTQ_DESC_F_NEXT, 0); /* to itself */
	fx_desc(&f, 0, FX_INDIRECT, 16, VIRTQ_DESC_F_INDIRECT, 0);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_LOOP);
}

static void a_chain_of_the_whole_table_is_no_loop(void **state)
{
	(void)state;
	enable(false, false);
	for (uint16_t i = 0; i < QSIZE; i++)
		fx_desc(&f, i, FX_BUF, 1, i + 1 < QSIZE ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	fx_offer(&f, 0);
	assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
	assert_int_equal(c.count, QSIZE);
}

static void refuses_chains_too_long(void **state)
{
	(void)state;
	enable(false, true);
	/* An indirect table of VIRTQ_CHAIN_MAX + 1 well-formed descriptors. */
	for (uint16_t i = 0; i <= VIRTQ_CHAIN_MAX; i++)
		fx_desc_at(&f, FX_INDIRECT, i, FX_BUF, 1,
		           i < VIRTQ_CHAIN_MAX ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	fx_desc(&f, 0, FX_INDIRECT, 16 * (VIRTQ_CHAIN_MAX + 1), VIRTQ_DESC_F_INDIRECT, 0);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_TOO_LONG);
}

static void refuses_lengths_that_overflow(void **state)
{
	(void)state;
	enable(false, false);
	/* Checked before the address: no 4 GiB of RAM needed to get here. */
	fx_desc(&f, 0, FX_BUF, 0x10, VIRTQ_DESC_F_NEXT, 1);
	fx_desc(&f, 1, FX_BUF, 0xfffffff8u, VIRTQ_DESC_F_WRITE, 0);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_LENGTH);
}

static void refuses_readable_after_writable(void **state)
{
	(void)state;
	enable(false, false);
	fx_desc(&f, 0, FX_BUF, 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	fx_desc(&f, 1, FX_BUF, 4, 0, 0);
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_ORDER);
}

static void refuses_indices_past_the_table(void **state)
{
	(void)state;
	enable(false, false);
	fx_offer(&f, QSIZE); /* head */
	expect_error(VIRTQ_ERR_HEAD);

	setup(NULL);
	enable(false, false);
	fx_desc(&f, 0, FX_BUF, 4, VIRTQ_DESC_F_NEXT, 0xffff); /* next */
	fx_offer(&f, 0);
	expect_error(VIRTQ_ERR_HEAD);
}

static void refuses_an_available_index_that_jumps(void **state)
{
	(void)state;
	enable(false, false);
	fx_put16(&f, FX_AVAIL + 2, QSIZE + 1);
	expect_error(VIRTQ_ERR_AVAIL_IDX);
}

static void refuses_bad_ring_layouts(void **state)
{
	(void)state;
	struct virtq good = q;
	struct virtq bad[6];
	for (unsigned i = 0; i < 6; i++)
		bad[i] = good;
	bad[0].size = 0;
	bad[1].size = 6;                                 /* not a power of two */
	bad[2].size = 512;                               /* above the device's maximum */
	bad[3].desc_ipa += 8;                            /* misaligned */
	bad[4].used_ipa = FX_RAM_BASE + FX_RAM_SIZE - 8; /* runs off RAM */
	bad[5].avail_ipa = 0x1000;                       /* not RAM */
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(virtq_enable(&bad[i], &f.ram, 256, false, false), -ZE_MALFORMED);
		assert_int_equal(bad[i].error, VIRTQ_ERR_LAYOUT);
		assert_false(bad[i].ready);
	}
	assert_int_equal(virtq_enable(&good, &f.ram, 256, false, false), 0);
}

static void interrupts_follow_no_interrupt_flag(void **state)
{
	(void)state;
	enable(false, false);
	assert_false(virtq_should_interrupt(&q)); /* nothing pushed */
	fx_desc(&f, 0, FX_BUF, 4, 0, 0);
	fx_offer(&f, 0);
	assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
	virtq_push(&q, 0, 0);
	assert_true(virtq_should_interrupt(&q));
	assert_false(virtq_should_interrupt(&q)); /* already told */

	fx_put16(&f, FX_AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	fx_offer(&f, 0);
	assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
	virtq_push(&q, 0, 0);
	assert_false(virtq_should_interrupt(&q));

	virtq_set_notify(&q, false);
	assert_int_equal(fx_get16(&f, FX_USED), VIRTQ_USED_F_NO_NOTIFY);
	virtq_set_notify(&q, true);
	assert_int_equal(fx_get16(&f, FX_USED), 0);
}

static void interrupts_follow_used_event(void **state)
{
	(void)state;
	enable(true, false);
	fx_desc(&f, 0, FX_BUF, 4, 0, 0);
	/* The driver wants to hear when entry 2 is used, i.e. idx goes to 3. */
	fx_set_used_event(&f, 2);
	bool told[4];
	for (unsigned i = 0; i < 4; i++) {
		fx_offer(&f, 0);
		assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
		virtq_push(&q, 0, 0);
		told[i] = virtq_should_interrupt(&q);
	}
	assert_false(told[0]);
	assert_false(told[1]);
	assert_true(told[2]);
	assert_false(told[3]);

	/* A batch that passes used_event is one interrupt. */
	fx_set_used_event(&f, 5);
	for (unsigned i = 0; i < 3; i++) {
		fx_offer(&f, 0);
		assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
		virtq_push(&q, 0, 0);
	}
	assert_true(virtq_should_interrupt(&q));

	virtq_set_notify(&q, true);
	assert_int_equal(fx_avail_event(&f), q.last_avail);
}

/* The driver kicks only when avail_event falls among its new entries: each
 * pop must move it on, or the driver's second kick never comes. */
static void every_pop_asks_for_the_next_kick(void **state)
{
	(void)state;
	enable(true, false);
	fx_desc(&f, 0, FX_BUF, 4, 0, 0);
	for (uint16_t i = 1; i <= 3; i++) {
		fx_offer(&f, 0);
		assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
		assert_int_equal(fx_avail_event(&f), i);
	}
	/* Notifications off: avail_event stays; on again: it catches up. */
	virtq_set_notify(&q, false);
	fx_offer(&f, 0);
	assert_int_equal(virtq_pop(&q, &f.ram, &c), 1);
	assert_int_equal(fx_avail_event(&f), 3);
	virtq_set_notify(&q, true);
	assert_int_equal(fx_avail_event(&f), 4);
}

static void every_error_has_a_name(void **state)
{
	(void)state;
	for (int e = VIRTQ_OK; e < VIRTQ_ERR_COUNT; e++)
		assert_string_not_equal(virtq_error_name((enum virtq_error)e), "?");
	assert_string_equal(virtq_error_name(VIRTQ_ERR_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(takes_a_request_and_gives_it_back),
		T(indices_wrap_at_16_bits),
		T(follows_an_indirect_table),
		T(refuses_indirect_when_not_negotiated),
		T(refuses_nested_and_chained_indirect),
		T(refuses_indirect_tables_of_bad_size),
		T(refuses_buffers_outside_ram),
		T(refuses_loops),
		T(a_chain_of_the_whole_table_is_no_loop),
		T(refuses_chains_too_long),
		T(refuses_lengths_that_overflow),
		T(refuses_readable_after_writable),
		T(refuses_indices_past_the_table),
		T(refuses_an_available_index_that_jumps),
		T(refuses_bad_ring_layouts),
		T(interrupts_follow_no_interrupt_flag),
		T(interrupts_follow_used_event),
		T(every_pop_asks_for_the_next_kick),
		T(every_error_has_a_name),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
