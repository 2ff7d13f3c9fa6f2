/*
 * A guest timer's interrupt is a level: its pending state follows the
 * timer's line (CNT*_CTL: ENABLE && ISTATUS && !IMASK), also while the
 * guest has the PPI disabled in its redistributor (issue 12: a stale
 * pending bit showed in GICR_ISPENDR0 after the timer was turned off and
 * was delivered when the PPI was enabled again).  The calls are the arch
 * half's: vgic_timer_fired() when the physical PPI is taken,
 * vgic_timer_sample() with the control register before a register access
 * and after the LRs are folded back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vgic_fixture.h"
#include "lib/generic_timer_defs.h"

#define VTIMER GUEST_INTID_VIRT_TIMER
#define PTIMER GUEST_INTID_PHYS_TIMER

#define FIRING  (CNT_CTL_ENABLE | CNT_CTL_ISTATUS)
#define MASKED  (CNT_CTL_ENABLE | CNT_CTL_ISTATUS | CNT_CTL_IMASK)
#define ARMED   CNT_CTL_ENABLE /* counting, not yet due */
#define OFF     0u
#define RELEASE 1 /* vgic_timer_sample(): deactivate the physical PPI */

static struct vgic g;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(vgic_init_test(&g, 2, NULL, GUEST_SPI_COUNT), 0);
	for (unsigned v = 0; v < 2; v++) {
		assert_int_equal(vgic_set_hw(&g, VTIMER, v, VTIMER), 0);
		assert_int_equal(vgic_set_hw(&g, PTIMER, v, PTIMER), 0);
	}
	dist_wr(&g, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	return 0;
}

static bool ispend(unsigned vcpu, unsigned intid)
{
	return rd_rd(&g, vcpu, GICR_ISPENDR0, 4) >> intid & 1;
}

static void enable(unsigned vcpu, unsigned intid)
{
	rd_wr(&g, vcpu, GICR_ISENABLER0, 4, 1u << intid);
}

static void disable(unsigned vcpu, unsigned intid)
{
	rd_wr(&g, vcpu, GICR_ICENABLER0, 4, 1u << intid);
}

static void test_line_from_control_register(void **state)
{
	(void)state;
	assert_true(vgic_timer_asserted(FIRING));
	assert_false(vgic_timer_asserted(MASKED));
	assert_false(vgic_timer_asserted(ARMED));
	assert_false(vgic_timer_asserted(CNT_CTL_ISTATUS)); /* disabled: no line */
	assert_false(vgic_timer_asserted(OFF));
}

/* The sequence, on each timer. */
static void check_disabled_timer_leaves_nothing(unsigned intid)
{
	struct vgic_pick p;

	disable(1, intid);
	assert_int_equal(vgic_timer_fired(&g, intid, 1), 0);
	/* While the line is up the interrupt is pending, as on the board. */
	assert_true(ispend(1, intid));
	assert_int_equal(vgic_pick(&g, 1, &p, 1), 0);
	assert_int_equal(vgic_timer_sample(&g, intid, 1, FIRING), 0);
	assert_true(ispend(1, intid));
	/* The guest turns its timer off: pending is gone, the hold released. */
	assert_int_equal(vgic_timer_sample(&g, intid, 1, OFF), RELEASE);
	assert_false(ispend(1, intid));
	assert_int_equal(vgic_timer_sample(&g, intid, 1, OFF), 0); /* released once */
	enable(1, intid);
	assert_false(vgic_has_deliverable(&g, 1));
	assert_int_equal(vgic_pick(&g, 1, &p, 1), 0);
	assert_int_equal(vgic_take_kicks(&g) >> 1 & 1, 0);
	assert_int_equal(vgic_check(&g), 0);
}

static void test_virtual_timer_is_level(void **state)
{
	(void)state;
	check_disabled_timer_leaves_nothing(VTIMER);
}

static void test_physical_timer_is_level(void **state)
{
	(void)state;
	check_disabled_timer_leaves_nothing(PTIMER);
}

/* IMASK holds the line low just as turning the timer off does. */
static void test_masked_timer_is_not_pending(void **state)
{
	(void)state;
	disable(0, VTIMER);
	assert_int_equal(vgic_timer_fired(&g, VTIMER, 0), 0);
	assert_int_equal(vgic_timer_sample(&g, VTIMER, 0, MASKED), RELEASE);
	assert_false(ispend(0, VTIMER));
}

/* Still due when the PPI is enabled again: delivered once, linked. */
static void test_still_due_is_delivered_on_enable(void **state)
{
	struct vgic_pick p;

	(void)state;
	disable(0, VTIMER);
	assert_int_equal(vgic_timer_fired(&g, VTIMER, 0), 0);
	assert_int_equal(vgic_timer_sample(&g, VTIMER, 0, FIRING), 0);
	enable(0, VTIMER);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(p.intid, VTIMER);
	assert_true(p.hw);
	assert_int_equal(p.state, VGIC_LR_PENDING);
	/* Owned by the LR now: a fall seen meanwhile releases nothing. */
	assert_int_equal(vgic_timer_sample(&g, VTIMER, 0, OFF), 0);
}

/*
 * The ordinary path: delivered, ended by the guest through the hardware
 * link (the physical PPI with it), re-armed by its handler.  Folding the
 * LR back must not deliver it a second time.
 */
static void test_handled_timer_is_not_delivered_twice(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable(0, VTIMER);
	assert_int_equal(vgic_timer_fired(&g, VTIMER, 0), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(vgic_lr_return(&g, 0, VTIMER, VGIC_LR_INVALID), 0);
	assert_int_equal(vgic_timer_sample(&g, VTIMER, 0, ARMED), 0);
	assert_false(vgic_has_deliverable(&g, 0));
	assert_int_equal(vgic_counters(&g, VTIMER, 0)->delivered, 1);
	/* It fires again; the model never saw the line fall: a second one. */
	assert_int_equal(vgic_timer_fired(&g, VTIMER, 0), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(vgic_counters(&g, VTIMER, 0)->injected, 2);
}

/*
 * In the LR but not taken (the guest runs with IRQs masked), then the
 * guest disables the PPI and its timer: the LR gives the physical hold
 * back to the model, and the fall releases it.
 */
static void test_pending_lr_returns_the_hold(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable(0, VTIMER);
	assert_int_equal(vgic_timer_fired(&g, VTIMER, 0), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	disable(0, VTIMER);
	assert_int_equal(vgic_lr_return(&g, 0, VTIMER, VGIC_LR_PENDING), 0);
	assert_true(ispend(0, VTIMER));
	assert_int_equal(vgic_timer_sample(&g, VTIMER, 0, OFF), RELEASE);
	assert_false(ispend(0, VTIMER));
}

/* Acknowledged, not yet ended: the guest still owns the activation. */
static void test_active_timer_keeps_its_activation(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable(0, VTIMER);
	assert_int_equal(vgic_timer_fired(&g, VTIMER, 0), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(vgic_lr_return(&g, 0, VTIMER, VGIC_LR_ACTIVE), 0);
	assert_int_equal(vgic_timer_sample(&g, VTIMER, 0, ARMED), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(p.state, VGIC_LR_ACTIVE);
}

static void test_only_timer_ppis(void **state)
{
	(void)state;
	assert_int_equal(vgic_timer_fired(&g, 3, 0), -ZE_INVAL);  /* an SGI */
	assert_int_equal(vgic_timer_fired(&g, 40, 0), -ZE_INVAL); /* an SPI */
	assert_int_equal(vgic_timer_fired(&g, VTIMER, 2), -ZE_INVAL);
	assert_int_equal(vgic_timer_sample(&g, VTIMER, 2, OFF), -ZE_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_from_control_register),
		cmocka_unit_test_setup(test_virtual_timer_is_level, setup),
		cmocka_unit_test_setup(test_physical_timer_is_level, setup),
		cmocka_unit_test_setup(test_masked_timer_is_not_pending, setup),
		cmocka_unit_test_setup(test_still_due_is_delivered_on_enable, setup),
		cmocka_unit_test_setup(test_handled_timer_is_not_delivered_twice, setup),
		cmocka_unit_test_setup(test_pending_lr_returns_the_hold, setup),
		cmocka_unit_test_setup(test_active_timer_keeps_its_activation, setup),
		cmocka_unit_test_setup(test_only_timer_ppis, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
