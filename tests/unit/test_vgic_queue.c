/*
 * Host tests of the per-vCPU pending queue and the list-register hand-over:
 * delivery order, masking, active state, level lines and the accounting.
 * The storm is in test_vgic_storm.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgic_fixture.h"

#define VCPUS  4
#define SPI(n) (32 + (n))
#define PPI(n) (16 + (n))

static struct vgic g;

static int setup(void **state)
{
	(void)state;
	return vgic_init_test(&g, VCPUS, NULL, GUEST_SPI_COUNT);
}

static void set_priority(unsigned intid, uint8_t prio)
{
	dist_wr(&g, GICD_IPRIORITYR + intid, 1, prio);
}

static void make_edge(unsigned intid)
{
	uint64_t off = GICD_ICFGR + intid / 16 * 4;

	dist_wr(&g, off, 4, dist_rd(&g, off, 4) | 2u << (intid % 16 * 2));
}

static void test_init_refuses_bad_shapes(void **state)
{
	const uint64_t twins[2] = { 0x100, 0x80000100 }; /* same affinity */
	struct vgic m;

	(void)state;
	assert_int_equal(vgic_init_test(&m, 0, NULL, 0), -ZE_INVAL);
	assert_int_equal(vgic_init_test(&m, VGIC_MAX_VCPUS + 1, NULL, 0), -ZE_INVAL);
	assert_int_equal(vgic_init_test(&m, 1, NULL, VGIC_MAX_SPIS + 1), -ZE_INVAL);
	assert_int_equal(vgic_init_test(&m, 2, twins, 0), -ZE_INVAL);
	assert_int_equal(vgic_init_test(&m, VGIC_MAX_VCPUS, NULL, VGIC_MAX_SPIS), 0);
	assert_int_equal(vgic_inject(&m, PPI(0), VGIC_MAX_VCPUS), -ZE_INVAL);
	assert_int_equal(vgic_inject(&m, VGIC_MAX_INTID + 1, 0), -ZE_INVAL);
}

static void test_priority_then_arrival(void **state)
{
	static const unsigned arrival[] = { SPI(4), SPI(1), SPI(3), SPI(2), SPI(5) };
	static const unsigned expect[] = { SPI(4), SPI(3), SPI(2), SPI(1), SPI(5) };
	static const uint8_t expect_prio[] = { 0x20, 0x20, 0x40, 0x80, 0xf0 };
	struct vgic_pick p[8];

	(void)state;
	set_priority(SPI(1), 0x80);
	set_priority(SPI(2), 0x40);
	set_priority(SPI(3), 0x20);
	set_priority(SPI(4), 0x20);
	set_priority(SPI(5), 0xf0);
	for (unsigned i = 0; i < 5; i++) {
		enable_spi(&g, arrival[i]);
		vgic_inject(&g, arrival[i], 0);
	}
	assert_int_equal(vgic_top_priority(&g, 0), 0x20);
	/* Lower value first; SPI 4 and 3 tie, and SPI 4 came first. */
	assert_int_equal(vgic_pick(&g, 0, p, 8), 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(p[i].intid, expect[i]);
		assert_int_equal(p[i].priority, expect_prio[i]);
		assert_int_equal(p[i].state, VGIC_LR_PENDING);
	}
	assert_int_equal(vgic_top_priority(&g, 0), -1);
}

static void test_pick_respects_max_and_leaves_the_rest(void **state)
{
	struct vgic_pick p[4];

	(void)state;
	for (unsigned i = 0; i < 10; i++) {
		enable_spi(&g, SPI(i));
		set_priority(SPI(i), (uint8_t)(0xa0 - i * 8));
		vgic_inject(&g, SPI(i), 0);
	}
	assert_int_equal(vgic_pick(&g, 0, p, 4), 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(p[i].intid, SPI(9 - i));
	assert_true(vgic_has_deliverable(&g, 0));
	assert_int_equal(vgic_top_priority(&g, 0), 0xa0 - 5 * 8);
	/* Handed-out ones are not handed out again. */
	assert_int_equal(vgic_pick(&g, 0, p, 4), 4);
	assert_int_equal(p[0].intid, SPI(5));
	assert_int_equal(vgic_check(&g), 0);
}

static void test_priority_change_reorders(void **state)
{
	struct vgic_pick p[2];

	(void)state;
	enable_spi(&g, SPI(1));
	enable_spi(&g, SPI(2));
	set_priority(SPI(1), 0x10);
	set_priority(SPI(2), 0x20);
	vgic_inject(&g, SPI(1), 0);
	vgic_inject(&g, SPI(2), 0);
	set_priority(SPI(2), 0x08);
	assert_int_equal(vgic_check(&g), 0);
	assert_int_equal(vgic_pick(&g, 0, p, 2), 2);
	assert_int_equal(p[0].intid, SPI(2));
	assert_int_equal(p[1].intid, SPI(1));
}

static void test_masking_keeps_pending(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_spi(&g, SPI(7));
	dist_bit(&g, GICD_ICENABLER, SPI(7));
	vgic_take_kicks(&g);
	vgic_inject(&g, SPI(7), 0);
	assert_int_equal(vgic_take_kicks(&g), 0);
	assert_false(vgic_has_deliverable(&g, 0));
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
	assert_int_equal(dist_rd(&g, GICD_ISPENDR + 4, 4), 1u << 7);
	dist_bit(&g, GICD_ISENABLER, SPI(7));
	assert_int_equal(vgic_take_kicks(&g), 1);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(p.intid, SPI(7));
}

static void test_pending_is_a_bit_not_a_count(void **state)
{
	struct vgic_pick p[2];
	struct vgic_stats st;

	(void)state;
	enable_spi(&g, SPI(3));
	vgic_inject(&g, SPI(3), 0);
	vgic_inject(&g, SPI(3), 0);
	assert_int_equal(vgic_pick(&g, 0, p, 2), 1);
	assert_int_equal(vgic_completed(&g, 0, SPI(3), false), 0);
	assert_int_equal(vgic_pick(&g, 0, p, 2), 0);
	assert_int_equal(vgic_counters(&g, SPI(3), 0)->injected, 2);
	assert_int_equal(vgic_counters(&g, SPI(3), 0)->merged, 1);
	assert_int_equal(vgic_counters(&g, SPI(3), 0)->delivered, 1);
	vgic_stats(&g, &st);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.outstanding, 0);
}

static void test_active_is_not_redelivered(void **state)
{
	struct vgic_pick p[2];

	(void)state;
	enable_private(&g, 1, PPI(3));
	vgic_inject(&g, PPI(3), 1);
	assert_int_equal(vgic_pick(&g, 1, p, 2), 1);
	/* The guest acknowledged it; the LR is folded back still active. */
	assert_int_equal(vgic_lr_return(&g, 1, PPI(3), VGIC_LR_ACTIVE), 0);
	assert_false(vgic_has_deliverable(&g, 1));
	assert_int_equal(rd_rd(&g, 1, GICR_ISACTIVER0, 4), 1u << PPI(3));
	/* It needs an LR for the guest to deactivate it: active, not pending. */
	assert_int_equal(vgic_pick(&g, 1, p, 2), 1);
	assert_int_equal(p[0].state, VGIC_LR_ACTIVE);
	assert_int_equal(vgic_lr_return(&g, 1, PPI(3), VGIC_LR_ACTIVE), 0);
	/* A new edge while active: pending and active, in one LR. */
	vgic_inject(&g, PPI(3), 1);
	assert_int_equal(vgic_pick(&g, 1, p, 2), 1);
	assert_int_equal(p[0].state, VGIC_LR_PENDING_ACTIVE);
	assert_int_equal(vgic_completed(&g, 1, PPI(3), false), 0);
	assert_int_equal(vgic_pick(&g, 1, p, 2), 0);
	assert_int_equal(vgic_counters(&g, PPI(3), 1)->delivered, 2);
}

static void test_active_ones_come_first(void **state)
{
	struct vgic_pick p[3];

	(void)state;
	enable_spi(&g, SPI(1));
	enable_spi(&g, SPI(2));
	set_priority(SPI(1), 0x10);
	set_priority(SPI(2), 0x80);
	vgic_inject(&g, SPI(2), 0);
	assert_int_equal(vgic_pick(&g, 0, p, 1), 1);
	assert_int_equal(vgic_lr_return(&g, 0, SPI(2), VGIC_LR_ACTIVE), 0);
	vgic_inject(&g, SPI(1), 0);
	assert_int_equal(vgic_pick(&g, 0, p, 1), 1);
	assert_int_equal(p[0].intid, SPI(2));
	assert_int_equal(p[0].state, VGIC_LR_ACTIVE);
	assert_int_equal(vgic_pick(&g, 0, p, 1), 1);
	assert_int_equal(p[0].intid, SPI(1));
}

static void test_evicted_pending_comes_back(void **state)
{
	struct vgic_pick p;
	struct vgic_stats st;

	(void)state;
	enable_spi(&g, SPI(6));
	make_edge(SPI(6));
	vgic_inject(&g, SPI(6), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	vgic_inject(&g, SPI(6), 0); /* arrives while in the LR */
	assert_int_equal(vgic_lr_return(&g, 0, SPI(6), VGIC_LR_PENDING), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1); /* merged: one delivery */
	assert_int_equal(vgic_completed(&g, 0, SPI(6), false), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
	vgic_stats(&g, &st);
	assert_int_equal(st.delivered, 1);
	assert_int_equal(st.merged, 1);
	assert_int_equal(st.lost, 0);
}

static void test_edge_after_the_guest_took_it_is_new(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_spi(&g, SPI(6));
	vgic_inject(&g, SPI(6), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	vgic_inject(&g, SPI(6), 0);
	assert_int_equal(vgic_lr_return(&g, 0, SPI(6), VGIC_LR_ACTIVE), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(p.state, VGIC_LR_PENDING_ACTIVE);
	assert_int_equal(vgic_lr_return(&g, 0, SPI(6), VGIC_LR_INVALID), 0);
	assert_int_equal(vgic_counters(&g, SPI(6), 0)->delivered, 2);
}

static void test_lr_return_checks_the_protocol(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_spi(&g, SPI(2));
	assert_int_equal(vgic_completed(&g, 0, SPI(2), false), -ZE_INVAL);
	vgic_inject(&g, SPI(2), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(vgic_completed(&g, 1, SPI(2), false), -ZE_INVAL);
	assert_int_equal(vgic_lr_return(&g, 0, SPI(2), 4), -ZE_INVAL);
	assert_int_equal(vgic_lr_return(&g, 0, SPI(2), VGIC_LR_ACTIVE), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1); /* active only */
	/* An LR that was given no pending state cannot have gained one. */
	assert_int_equal(vgic_lr_return(&g, 0, SPI(2), VGIC_LR_PENDING), -ZE_INVAL);
	assert_int_equal(vgic_completed(&g, 0, SPI(2), false), 0);
	assert_int_equal(vgic_check(&g), 0);
}

static void test_clear_pending_while_in_an_lr(void **state)
{
	struct vgic_pick p;
	struct vgic_stats st;

	(void)state;
	enable_spi(&g, SPI(8));
	vgic_inject(&g, SPI(8), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(dist_rd(&g, GICD_ISPENDR + 4, 4), 1u << 8);
	dist_bit(&g, GICD_ICPENDR, SPI(8));
	assert_int_equal(vgic_lr_return(&g, 0, SPI(8), VGIC_LR_PENDING), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
	vgic_stats(&g, &st);
	assert_int_equal(st.cleared, 1);
	assert_int_equal(st.lost, 0);
}

static void test_level_follows_the_line(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_spi(&g, GUEST_INTID_UART);
	assert_int_equal(vgic_set_level(&g, GUEST_INTID_UART, 0, true), 0);
	assert_true(vgic_has_deliverable(&g, 0));
	/* The line drops before anyone looked: nothing to deliver. */
	assert_int_equal(vgic_set_level(&g, GUEST_INTID_UART, 0, false), 0);
	assert_false(vgic_has_deliverable(&g, 0));
	assert_int_equal(vgic_check(&g), 0);
	vgic_set_level(&g, GUEST_INTID_UART, 0, true);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_true(p.eoi_maint);
	/* Taken; while active the asserted line does not make it pending. */
	assert_int_equal(vgic_lr_return(&g, 0, GUEST_INTID_UART, VGIC_LR_ACTIVE), 0);
	assert_false(vgic_has_deliverable(&g, 0));
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(p.state, VGIC_LR_ACTIVE);
	/* Completed with the line still high: sampled again, delivered again. */
	assert_int_equal(vgic_completed(&g, 0, GUEST_INTID_UART, false), 0);
	assert_true(vgic_has_deliverable(&g, 0));
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(p.state, VGIC_LR_PENDING);
	/* The handler quietened the device before its EOI: done. */
	vgic_set_level(&g, GUEST_INTID_UART, 0, false);
	assert_int_equal(vgic_completed(&g, 0, GUEST_INTID_UART, false), 0);
	assert_false(vgic_has_deliverable(&g, 0));
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
	assert_int_equal(vgic_counters(&g, GUEST_INTID_UART, 0)->delivered, 2);
	assert_int_equal(vgic_counters(&g, GUEST_INTID_UART, 0)->injected, 2);
}

static void test_level_evicted_untaken_with_line_low_is_gone(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_private(&g, 0, PPI(11));
	vgic_set_level(&g, PPI(11), 0, true);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	vgic_set_level(&g, PPI(11), 0, false);
	assert_int_equal(vgic_lr_return(&g, 0, PPI(11), VGIC_LR_PENDING), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
	assert_int_equal(vgic_counters(&g, PPI(11), 0)->delivered, 0);
}

static void test_edge_configured_line_counts_rising_edges(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_spi(&g, SPI(20));
	make_edge(SPI(20));
	vgic_set_level(&g, SPI(20), 0, true);
	vgic_set_level(&g, SPI(20), 0, true); /* no edge: no new request */
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_false(p.eoi_maint);
	vgic_completed(&g, 0, SPI(20), false);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0); /* an edge, not the line */
	assert_int_equal(vgic_counters(&g, SPI(20), 0)->injected, 1);
}

static void test_hardware_link_is_reported(void **state)
{
	struct vgic_pick p;

	(void)state;
	assert_int_equal(vgic_set_hw(&g, GUEST_INTID_VIRT_TIMER, 2, 27), 0);
	assert_int_equal(vgic_set_hw(&g, GUEST_INTID_VIRT_TIMER, 2, 1020), -ZE_INVAL);
	enable_private(&g, 2, GUEST_INTID_VIRT_TIMER);
	vgic_set_level(&g, GUEST_INTID_VIRT_TIMER, 2, true);
	assert_int_equal(vgic_pick(&g, 2, &p, 1), 1);
	assert_true(p.hw);
	assert_int_equal(p.hw_intid, 27);
	assert_false(p.eoi_maint); /* the hardware deactivates it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_refuses_bad_shapes, setup),
		cmocka_unit_test_setup(test_priority_then_arrival, setup),
		cmocka_unit_test_setup(test_pick_respects_max_and_leaves_the_rest, setup),
		cmocka_unit_test_setup(test_priority_change_reorders, setup),
		cmocka_unit_test_setup(test_masking_keeps_pending, setup),
		cmocka_unit_test_setup(test_pending_is_a_bit_not_a_count, setup),
		cmocka_unit_test_setup(test_active_is_not_redelivered, setup),
		cmocka_unit_test_setup(test_active_ones_come_first, setup),
		cmocka_unit_test_setup(test_evicted_pending_comes_back, setup),
		cmocka_unit_test_setup(test_edge_after_the_guest_took_it_is_new, setup),
		cmocka_unit_test_setup(test_lr_return_checks_the_protocol, setup),
		cmocka_unit_test_setup(test_clear_pending_while_in_an_lr, setup),
		cmocka_unit_test_setup(test_level_follows_the_line, setup),
		cmocka_unit_test_setup(test_level_evicted_untaken_with_line_low_is_gone, setup),
		cmocka_unit_test_setup(test_edge_configured_line_counts_rising_edges, setup),
		cmocka_unit_test_setup(test_hardware_link_is_reported, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
