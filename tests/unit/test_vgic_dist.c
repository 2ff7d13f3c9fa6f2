/* Host tests of the emulated GICv3 distributor (IHI 0069 12.9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgic_fixture.h"

#define VCPUS    4
#define SPI(n)   (32 + (n))
#define LAST_SPI SPI(GUEST_SPI_COUNT - 1)

static struct vgic g;

static int setup(void **state)
{
	(void)state;
	return vgic_init_test(&g, VCPUS, NULL, GUEST_SPI_COUNT);
}

static void test_ctlr_reset_and_enable(void **state)
{
	(void)state;
	assert_int_equal(dist_rd(&g, GICD_CTLR, 4), GICD_CTLR_ARE | GICD_CTLR_DS);
	dist_wr(&g, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	assert_int_equal(dist_rd(&g, GICD_CTLR, 4),
	                 GICD_CTLR_ARE | GICD_CTLR_DS | GICD_CTLR_ENABLE_GRP1);
	/* ARE and DS cannot be turned off: writing zero only disables Group 1. */
	dist_wr(&g, GICD_CTLR, 4, 0);
	assert_int_equal(dist_rd(&g, GICD_CTLR, 4), GICD_CTLR_ARE | GICD_CTLR_DS);
}

static void test_typer_fields(void **state)
{
	uint32_t typer;
	struct vgic small;

	(void)state;
	typer = (uint32_t)dist_rd(&g, GICD_TYPER, 4);
	assert_int_equal(typer & 0x1f, 3);           /* INTIDs up to 127 */
	assert_int_equal(typer >> 5 & 7, VCPUS - 1); /* CPUNumber */
	assert_int_equal(typer >> 19 & 0x1f, 9);     /* IDbits: 10 bits */
	assert_int_equal(typer & (1u << 17), 0);     /* no LPIs */
	assert_int_equal(typer & (1u << 16), 0);     /* no MBIS */
	assert_int_equal(typer & (1u << 10), 0);     /* one security state */

	assert_int_equal(vgic_init_test(&small, 1, NULL, 40), 0);
	typer = (uint32_t)dist_rd(&small, GICD_TYPER, 4);
	assert_int_equal(typer & 0x1f, 2); /* 72 INTIDs need 3 x 32 */
	assert_int_equal(typer >> 5 & 7, 0);
}

static void test_identification(void **state)
{
	(void)state;
	assert_int_equal(dist_rd(&g, GIC_PIDR2, 4) >> 4 & 0xf, 3); /* ArchRev */
	assert_int_equal(dist_rd(&g, GICD_IIDR, 4) & 0xfff, 0x43b);
	/* Read-only: writes are ignored. */
	dist_wr(&g, GICD_TYPER, 4, 0);
	assert_int_equal(dist_rd(&g, GICD_TYPER, 4) & 0x1f, 3);
}

static void test_reset_state_of_the_banks(void **state)
{
	(void)state;
	for (unsigned n = 1; n < 4; n++) {
		assert_int_equal(dist_rd(&g, GICD_IGROUPR + 4 * n, 4), 0xffffffff);
		assert_int_equal(dist_rd(&g, GICD_ISENABLER + 4 * n, 4), 0);
		assert_int_equal(dist_rd(&g, GICD_ISPENDR + 4 * n, 4), 0);
		assert_int_equal(dist_rd(&g, GICD_ISACTIVER + 4 * n, 4), 0);
	}
	assert_int_equal(dist_rd(&g, GICD_IPRIORITYR + SPI(0), 4), 0);
	assert_int_equal(dist_rd(&g, GICD_ICFGR + 2 * 4, 4), 0); /* level */
	assert_int_equal(dist_rd(&g, GICD_IROUTER + 8 * SPI(5), 8), 0);
}

/* With ARE, SGIs and PPIs are the redistributor's: the GICD copies are RAZ/WI. */
static void test_private_interrupts_are_raz_wi(void **state)
{
	(void)state;
	dist_wr(&g, GICD_ISENABLER, 4, 0xffffffff);
	assert_int_equal(dist_rd(&g, GICD_ISENABLER, 4), 0);
	assert_int_equal(rd_rd(&g, 0, GICR_ISENABLER0, 4), 0);
	assert_int_equal(dist_rd(&g, GICD_IGROUPR, 4), 0);
	dist_wr(&g, GICD_IPRIORITYR, 4, 0x80808080);
	assert_int_equal(dist_rd(&g, GICD_IPRIORITYR, 4), 0);
	assert_int_equal(dist_rd(&g, GICD_ICFGR, 4), 0);
	assert_int_equal(dist_rd(&g, GICD_IROUTER + 8 * 31, 8), 0);
}

static void test_enable_set_and_clear(void **state)
{
	(void)state;
	dist_wr(&g, GICD_ISENABLER + 4, 4, 0x5);
	assert_int_equal(dist_rd(&g, GICD_ISENABLER + 4, 4), 0x5);
	assert_int_equal(dist_rd(&g, GICD_ICENABLER + 4, 4), 0x5);
	dist_wr(&g, GICD_ISENABLER + 4, 4, 0); /* zeros change nothing */
	assert_int_equal(dist_rd(&g, GICD_ISENABLER + 4, 4), 0x5);
	dist_wr(&g, GICD_ICENABLER + 4, 4, 0x1);
	assert_int_equal(dist_rd(&g, GICD_ISENABLER + 4, 4), 0x4);
	dist_wr(&g, GICD_ICENABLER + 4, 4, 0);
	assert_int_equal(dist_rd(&g, GICD_ISENABLER + 4, 4), 0x4);
}

static void test_pending_set_and_clear(void **state)
{
	(void)state;
	dist_wr(&g, GICD_ISPENDR + 8, 4, 0x80000001); /* SPIs 32 and 63 */
	assert_int_equal(dist_rd(&g, GICD_ISPENDR + 8, 4), 0x80000001);
	assert_int_equal(dist_rd(&g, GICD_ICPENDR + 8, 4), 0x80000001);
	assert_int_equal(vgic_counters(&g, SPI(32), 0)->injected, 1);
	dist_wr(&g, GICD_ICPENDR + 8, 4, 0x1);
	assert_int_equal(dist_rd(&g, GICD_ISPENDR + 8, 4), 0x80000000);
	assert_int_equal(vgic_counters(&g, SPI(32), 0)->cleared, 1);
	assert_int_equal(vgic_check(&g), 0);
}

static void test_active_set_and_clear(void **state)
{
	(void)state;
	dist_wr(&g, GICD_ISACTIVER + 4, 4, 0x30);
	assert_int_equal(dist_rd(&g, GICD_ISACTIVER + 4, 4), 0x30);
	dist_wr(&g, GICD_ICACTIVER + 4, 4, 0x10);
	assert_int_equal(dist_rd(&g, GICD_ICACTIVER + 4, 4), 0x20);
	assert_int_equal(vgic_check(&g), 0);
}

static void test_group_bits(void **state)
{
	(void)state;
	dist_wr(&g, GICD_IGROUPR + 4, 4, 0xfffffffe);
	assert_int_equal(dist_rd(&g, GICD_IGROUPR + 4, 4), 0xfffffffe);
}

static void test_priority_bytes_and_words(void **state)
{
	(void)state;
	dist_wr(&g, GICD_IPRIORITYR + SPI(1), 1, 0xa0);
	assert_int_equal(dist_rd(&g, GICD_IPRIORITYR + SPI(0), 4), 0xa000);
	assert_int_equal(dist_rd(&g, GICD_IPRIORITYR + SPI(1), 1), 0xa0);
	dist_wr(&g, GICD_IPRIORITYR + SPI(4), 4, 0x11223344);
	assert_int_equal(dist_rd(&g, GICD_IPRIORITYR + SPI(4), 1), 0x44);
	assert_int_equal(dist_rd(&g, GICD_IPRIORITYR + SPI(7), 1), 0x11);
	assert_int_equal(dist_rd(&g, GICD_IPRIORITYR + SPI(4), 4), 0x11223344);
	/* A word access must be word-aligned. */
	uint64_t v = 0;
	assert_int_equal(vgic_dist_access(&g, GICD_IPRIORITYR + SPI(1), 4, false, &v), -ZE_INVAL);
}

static void test_config_bits(void **state)
{
	(void)state;
	/* ICFGR2 covers INTIDs 32..47: make 33 and 47 edge-triggered. */
	dist_wr(&g, GICD_ICFGR + 8, 4, 2u << 2 | 2u << 30 | 1u << 4);
	assert_int_equal(dist_rd(&g, GICD_ICFGR + 8, 4), 2u << 2 | 2u << 30);
	dist_wr(&g, GICD_ICFGR + 8, 4, 0);
	assert_int_equal(dist_rd(&g, GICD_ICFGR + 8, 4), 0);
}

static void test_irouter_whole_and_halves(void **state)
{
	uint64_t off = GICD_IROUTER + 8 * SPI(3);

	(void)state;
	dist_wr(&g, off, 8, 0x0000000500030201ull | GICD_IROUTER_IRM);
	assert_int_equal(dist_rd(&g, off, 8), 0x0000000500030201ull | GICD_IROUTER_IRM);
	assert_int_equal(dist_rd(&g, off, 4), 0x80030201);
	assert_int_equal(dist_rd(&g, off + 4, 4), 5);
	dist_wr(&g, off + 4, 4, 0);
	dist_wr(&g, off, 4, 2);
	assert_int_equal(dist_rd(&g, off, 8), 2);
	/* Reserved bits are RES0. */
	dist_wr(&g, off, 8, 0xff00ff0070000000ull);
	assert_int_equal(dist_rd(&g, off, 8), 0);
	/* IROUTER is 64 bits or two halves, never a byte. */
	uint64_t v = 0;
	assert_int_equal(vgic_dist_access(&g, off, 1, false, &v), -ZE_INVAL);
}

static void test_spi_goes_where_irouter_says(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_spi(&g, SPI(9));
	dist_wr(&g, GICD_IROUTER + 8 * SPI(9), 8, 2); /* vCPU 2 (Aff0 = 2) */
	vgic_take_kicks(&g);
	assert_int_equal(vgic_inject(&g, SPI(9), 0), 0);
	assert_int_equal(vgic_take_kicks(&g), 1u << 2);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
	assert_int_equal(vgic_pick(&g, 1, &p, 1), 0);
	assert_int_equal(vgic_pick(&g, 2, &p, 1), 1);
	assert_int_equal(p.intid, SPI(9));
	assert_int_equal(p.state, VGIC_LR_PENDING);
	assert_int_equal(vgic_completed(&g, 2, SPI(9), false), 0);
	assert_int_equal(vgic_counters(&g, SPI(9), 0)->delivered, 1);
}

static void test_rerouting_moves_a_waiting_spi(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_spi(&g, SPI(10));
	vgic_inject(&g, SPI(10), 0); /* routed to vCPU 0 at reset */
	assert_true(vgic_has_deliverable(&g, 0));
	dist_wr(&g, GICD_IROUTER + 8 * SPI(10), 8, 3);
	assert_false(vgic_has_deliverable(&g, 0));
	assert_true(vgic_has_deliverable(&g, 3));
	/* An affinity no vCPU has: it stays pending, delivered nowhere. */
	dist_wr(&g, GICD_IROUTER + 8 * SPI(10), 8, 0x100);
	for (unsigned v = 0; v < VCPUS; v++)
		assert_int_equal(vgic_pick(&g, v, &p, 1), 0);
	assert_int_equal(dist_rd(&g, GICD_ISPENDR + 4, 4), 1u << 10);
	dist_wr(&g, GICD_IROUTER + 8 * SPI(10), 8, 1);
	assert_int_equal(vgic_pick(&g, 1, &p, 1), 1);
	assert_int_equal(vgic_check(&g), 0);
}

/* 1 of N: any vCPU, but one whose redistributor is awake. */
static void test_irm_routes_to_an_awake_vcpu(void **state)
{
	(void)state;
	enable_spi(&g, SPI(11));
	dist_wr(&g, GICD_IROUTER + 8 * SPI(11), 8, GICD_IROUTER_IRM);
	rd_wr(&g, 2, GICR_WAKER, 4, 0);
	vgic_inject(&g, SPI(11), 0);
	assert_true(vgic_has_deliverable(&g, 2));
	assert_false(vgic_has_deliverable(&g, 0));
}

static void test_distributor_enable_gates_spis(void **state)
{
	struct vgic_pick p;

	(void)state;
	dist_bit(&g, GICD_ISENABLER, SPI(12));
	vgic_inject(&g, SPI(12), 0);
	assert_false(vgic_has_deliverable(&g, 0));
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
	vgic_take_kicks(&g);
	dist_wr(&g, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	assert_int_equal(vgic_take_kicks(&g), 1u << 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(p.intid, SPI(12));
}

static void test_group0_is_not_delivered(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_spi(&g, SPI(13));
	dist_wr(&g, GICD_IGROUPR + 4, 4, ~(1u << 13));
	vgic_inject(&g, SPI(13), 0);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
	dist_wr(&g, GICD_IGROUPR + 4, 4, 0xffffffff);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
}

static void test_unimplemented_spis_are_raz_wi(void **state)
{
	struct vgic small;

	(void)state;
	assert_int_equal(vgic_init_test(&small, 2, NULL, 8), 0); /* INTIDs 32..39 */
	dist_wr(&small, GICD_ISENABLER + 4, 4, 0xffffffff);
	assert_int_equal(dist_rd(&small, GICD_ISENABLER + 4, 4), 0xff);
	dist_wr(&small, GICD_ISPENDR + 8, 4, 0xffffffff);
	assert_int_equal(dist_rd(&small, GICD_ISPENDR + 8, 4), 0);
	dist_wr(&small, GICD_IROUTER + 8 * 40, 8, 1);
	assert_int_equal(dist_rd(&small, GICD_IROUTER + 8 * 40, 8), 0);
	assert_int_equal(vgic_inject(&small, 40, 0), -ZE_INVAL);
	assert_int_equal(dist_rd(&g, GICD_ISENABLER + 4 * 31, 4), 0); /* INTIDs 992.. */
	assert_int_equal(small.unhandled, 0);
}

static void test_unmodelled_registers_count(void **state)
{
	(void)state;
	assert_int_equal(dist_rd(&g, GICD_SGIR, 4), 0);
	dist_wr(&g, 0x0040, 4, 123); /* SETSPI_NSR: no MBIS */
	assert_int_equal(g.unhandled, 2);
	/* IGRPMODR is modelled as RAZ/WI (one security state). */
	dist_wr(&g, GICD_IGRPMODR + 4, 4, 0xffffffff);
	assert_int_equal(dist_rd(&g, GICD_IGRPMODR + 4, 4), 0);
	assert_int_equal(g.unhandled, 2);
	struct vgic_stats st;
	vgic_stats(&g, &st);
	assert_int_equal(st.unhandled, 2);
}

static void test_bad_accesses_are_refused(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(vgic_dist_access(&g, GICD_CTLR + 1, 1, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_dist_access(&g, GICD_CTLR, 1, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_dist_access(&g, GICD_CTLR, 8, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_dist_access(&g, GICD_ISENABLER + 4, 2, true, &v), -ZE_INVAL);
	assert_int_equal(vgic_dist_access(&g, GICD_TYPER + 2, 4, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_dist_access(&g, GUEST_GICD_SIZE, 4, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_dist_access(&g, 0x20, 3, false, &v), -ZE_INVAL);
}

/* The region handlers: the same refusals, and only accepted writes count
 * as a change the arch half must look at. */
static void test_region_handlers_count_accepted_writes(void **state)
{
	uint64_t v = GICD_CTLR_ENABLE_GRP1;
	uint32_t before = vgic_writes(&g);

	(void)state;
	assert_int_equal(vgic_dist_mmio(&g, GICD_CTLR, 1, true, &v), -ZE_INVAL);
	assert_int_equal(vgic_dist_mmio(&g, GICD_CTLR, 8, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_dist_mmio(&g, GICD_TYPER, 2, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_writes(&g), before);
	assert_int_equal(vgic_dist_mmio(&g, GICD_CTLR, 4, false, &v), 0);
	assert_int_equal(vgic_writes(&g), before);
	v = GICD_CTLR_ENABLE_GRP1;
	assert_int_equal(vgic_dist_mmio(&g, GICD_CTLR, 4, true, &v), 0);
	assert_int_equal(vgic_writes(&g), before + 1);
	/* Redistributors: frame 2's WAKER, then a byte write the GIC refuses. */
	v = 0;
	assert_int_equal(vgic_redist_mmio(&g, 2 * GUEST_GICR_STRIDE + GICR_WAKER, 4, true, &v), 0);
	assert_int_equal(vgic_writes(&g), before + 2);
	assert_int_equal(vgic_redist_mmio(&g, 2 * GUEST_GICR_STRIDE + GICR_WAKER, 1, true, &v),
	                 -ZE_INVAL);
	assert_int_equal(vgic_redist_mmio(&g, VCPUS * GUEST_GICR_STRIDE, 4, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_writes(&g), before + 2);
}

/*
 * The trap fast path's lock-free read (vmm/mmio_fast.c) must be the full
 * path's read exactly where it answers, and answer nothing the full path
 * refuses or that holds interrupt state: every offset of the first page
 * and of the identification page, every width, with both enables set and
 * clear.
 */
static void fast_read_matches_the_full_path(uint64_t from, uint64_t to)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	unsigned served = 0;

	for (uint64_t off = from; off < to; off++) {
		for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint64_t fast = 0x5a5a5a5a5a5a5a5aull, full = 0xa5a5a5a5a5a5a5a5ull;

			if (!vgic_dist_read_lockless(&g, off, sizes[i], &fast))
				continue;
			served++;
			assert_int_equal(sizes[i], 4);
			assert_int_equal(off % 4, 0);
			assert_int_equal(vgic_dist_access(&g, off, sizes[i], false, &full), 0);
			assert_int_equal(fast, full);
		}
	}
	assert_true(served <= 5); /* CTLR, TYPER, IIDR, TYPER2, PIDR2 at most */
}

static void test_lockless_reads_are_the_full_reads(void **state)
{
	uint64_t v = 0;

	(void)state;
	fast_read_matches_the_full_path(0, 0x1000);
	fast_read_matches_the_full_path(GUEST_GICD_SIZE - 0x1000, GUEST_GICD_SIZE);
	dist_wr(&g, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
	fast_read_matches_the_full_path(0, 0x10);
	assert_true(vgic_dist_read_lockless(&g, GICD_CTLR, 4, &v));
	assert_int_equal(v, GICD_CTLR_ARE | GICD_CTLR_DS | GICD_CTLR_ENABLE_GRP0 |
	                            GICD_CTLR_ENABLE_GRP1);
	/* Each of the five, and nothing with interrupt state or a bad width. */
	assert_true(vgic_dist_read_lockless(&g, GICD_TYPER, 4, &v));
	assert_int_equal(v, dist_rd(&g, GICD_TYPER, 4));
	assert_true(vgic_dist_read_lockless(&g, GICD_IIDR, 4, &v));
	assert_true(vgic_dist_read_lockless(&g, GICD_TYPER2, 4, &v));
	assert_true(vgic_dist_read_lockless(&g, GIC_PIDR2, 4, &v));
	assert_false(vgic_dist_read_lockless(&g, GICD_ISENABLER + 4, 4, &v));
	assert_false(vgic_dist_read_lockless(&g, GICD_IROUTER + 8 * 32, 8, &v));
	assert_false(vgic_dist_read_lockless(&g, GICD_TYPER, 2, &v));
	assert_false(vgic_dist_read_lockless(&g, GICD_TYPER, 8, &v));
	assert_false(vgic_dist_read_lockless(&g, GICD_TYPER + 2, 4, &v));
	assert_false(vgic_dist_read_lockless(&g, GUEST_GICD_SIZE, 4, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ctlr_reset_and_enable, setup),
		cmocka_unit_test_setup(test_lockless_reads_are_the_full_reads, setup),
		cmocka_unit_test_setup(test_typer_fields, setup),
		cmocka_unit_test_setup(test_identification, setup),
		cmocka_unit_test_setup(test_reset_state_of_the_banks, setup),
		cmocka_unit_test_setup(test_private_interrupts_are_raz_wi, setup),
		cmocka_unit_test_setup(test_enable_set_and_clear, setup),
		cmocka_unit_test_setup(test_pending_set_and_clear, setup),
		cmocka_unit_test_setup(test_active_set_and_clear, setup),
		cmocka_unit_test_setup(test_group_bits, setup),
		cmocka_unit_test_setup(test_priority_bytes_and_words, setup),
		cmocka_unit_test_setup(test_config_bits, setup),
		cmocka_unit_test_setup(test_irouter_whole_and_halves, setup),
		cmocka_unit_test_setup(test_spi_goes_where_irouter_says, setup),
		cmocka_unit_test_setup(test_rerouting_moves_a_waiting_spi, setup),
		cmocka_unit_test_setup(test_irm_routes_to_an_awake_vcpu, setup),
		cmocka_unit_test_setup(test_distributor_enable_gates_spis, setup),
		cmocka_unit_test_setup(test_group0_is_not_delivered, setup),
		cmocka_unit_test_setup(test_unimplemented_spis_are_raz_wi, setup),
		cmocka_unit_test_setup(test_unmodelled_registers_count, setup),
		cmocka_unit_test_setup(test_bad_accesses_are_refused, setup),
		cmocka_unit_test_setup(test_region_handlers_count_accepted_writes, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
