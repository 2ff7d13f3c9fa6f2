/*
 * The maintenance interrupt asked for after each refill must be one the
 * guest's own progress raises, never one that is due at once with the
 * same list registers loaded again (issue 12: every SPI pending and
 * active, IRQs masked, and NPIE fired after every refill: millions of
 * traps, no progress).  The list registers and ICH_MISR_EL2's NP and U
 * conditions (IHI 0069 12.4.9) are simulated here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vgic_fixture.h"

#define LRS     3 /* QEMU's four, less the timer's LR 0 */
#define ROUNDS  1000
#define EDGE_ID 40
#define NSPI    GUEST_SPI_COUNT

static struct vgic g;
static struct vgic_pick lr[LRS];
static unsigned loaded;
static uint64_t hcr;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(vgic_init_test(&g, 1, NULL, NSPI), 0);
	dist_wr(&g, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	loaded = 0;
	return 0;
}

static void refill(void)
{
	for (unsigned i = 0; i < loaded; i++)
		assert_int_equal(vgic_lr_return(&g, 0, lr[i].intid, lr[i].state), 0);
	loaded = vgic_pick(&g, 0, lr, LRS);
	hcr = vgic_maintenance(&g, 0, lr, loaded);
}

/* ICH_MISR_EL2 as the hardware computes it from the loaded LRs. */
static bool maintenance_due(void)
{
	unsigned valid = 0;
	bool pending = false;

	for (unsigned i = 0; i < loaded; i++) {
		valid += lr[i].state != VGIC_LR_INVALID;
		pending |= lr[i].state == VGIC_LR_PENDING;
	}
	return ((hcr & ICH_HCR_NPIE) && !pending) || ((hcr & ICH_HCR_UIE) && valid <= 1);
}

static void set_bit_block(uint64_t block, unsigned intid)
{
	dist_bit(&g, block, intid);
}

/* The guest: everything pending and active, IRQs masked. */
static void test_all_pending_and_active_does_not_livelock(void **state)
{
	unsigned traps = 0;

	(void)state;
	for (unsigned i = GIC_SPI_BASE; i < GIC_SPI_BASE + NSPI; i++) {
		set_bit_block(GICD_ISENABLER, i);
		set_bit_block(GICD_ISPENDR, i);
		set_bit_block(GICD_ISACTIVER, i);
	}
	/* Something deliverable beside them: its timer. */
	enable_private(&g, 0, GUEST_INTID_VIRT_TIMER);
	assert_int_equal(vgic_inject(&g, GUEST_INTID_VIRT_TIMER, 0), 0);
	refill();
	for (unsigned r = 0; r < ROUNDS && maintenance_due(); r++) {
		traps++;
		refill(); /* the guest does nothing in between */
	}
	assert_int_equal(traps, 0);
	assert_int_equal(loaded, LRS);
	assert_int_equal(vgic_check(&g), 0);
}

/*
 * LRs full of active interrupts, more pending behind them: the guest
 * ending them (underflow) brings the rest in, one trap per refill, and
 * every interrupt is delivered.
 */
static void test_active_lrs_refill_on_underflow(void **state)
{
	unsigned traps = 0, delivered = 0;

	(void)state;
	for (unsigned i = 0; i < 2 * LRS; i++) {
		unsigned intid = EDGE_ID + i;

		set_bit_block(GICD_ISENABLER, intid);
		set_bit_block(GICD_ISPENDR, intid);
		if (i < LRS)
			set_bit_block(GICD_ISACTIVER, intid);
	}
	refill();
	assert_true(hcr & ICH_HCR_UIE);
	assert_false(maintenance_due());
	for (unsigned r = 0; r < ROUNDS && delivered < 2 * LRS; r++) {
		/* The guest acknowledges what is pending and ends everything. */
		for (unsigned i = 0; i < loaded; i++) {
			if (lr[i].state & VGIC_LR_PENDING)
				delivered++;
			lr[i].state = VGIC_LR_INVALID;
		}
		if (!maintenance_due())
			break;
		traps++;
		refill();
	}
	assert_int_equal(delivered, 2 * LRS);
	assert_true(traps <= 2 * LRS);
}

/* A pending LR: NPIE, which only the guest taking it can raise. */
static void test_pending_lr_asks_for_npie(void **state)
{
	(void)state;
	for (unsigned i = 0; i < LRS + 1; i++) {
		set_bit_block(GICD_ISENABLER, EDGE_ID + i);
		set_bit_block(GICD_ISPENDR, EDGE_ID + i);
	}
	refill();
	assert_int_equal(hcr, ICH_HCR_NPIE);
	assert_false(maintenance_due());
}

/* Nothing left waiting: no maintenance interrupt at all. */
static void test_nothing_waiting_asks_for_none(void **state)
{
	(void)state;
	set_bit_block(GICD_ISENABLER, EDGE_ID);
	set_bit_block(GICD_ISPENDR, EDGE_ID);
	refill();
	assert_int_equal(loaded, 1);
	assert_int_equal(hcr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_all_pending_and_active_does_not_livelock, setup),
		cmocka_unit_test_setup(test_active_lrs_refill_on_underflow, setup),
		cmocka_unit_test_setup(test_pending_lr_asks_for_npie, setup),
		cmocka_unit_test_setup(test_nothing_waiting_asks_for_none, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
