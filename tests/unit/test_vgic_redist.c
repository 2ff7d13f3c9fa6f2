/*
 * Host tests of the emulated GICv3 redistributors (IHI 0069 12.11) and of
 * SGI generation through ICC_SGI1R_EL1 (IHI 0069 12.2.22).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgic_fixture.h"

#define VCPUS  4
#define PPI(n) (16 + (n))

static struct vgic g;

static int setup(void **state)
{
	(void)state;
	return vgic_init_test(&g, VCPUS, NULL, GUEST_SPI_COUNT);
}

static void test_typer_names_each_vcpu(void **state)
{
	/* Aff3.Aff2.Aff1.Aff0 = 0.0.1.v, plus bits outside affinity (MT, U). */
	const uint64_t mpidr[3] = { 0x80000100, 0xc1000101, 0x100000102ull };
	struct vgic m;

	(void)state;
	assert_int_equal(vgic_init_test(&m, 3, mpidr, 32), 0);
	assert_int_equal(rd_rd(&m, 0, GICR_TYPER, 8), 0x0000010000000000ull);
	assert_int_equal(rd_rd(&m, 1, GICR_TYPER, 8), 0x0000010100000100ull);
	assert_int_equal(rd_rd(&m, 2, GICR_TYPER, 8), 0x0100010200000210ull); /* Last */
	assert_int_equal(rd_rd(&m, 2, GICR_TYPER, 4), 0x210);
	assert_int_equal(rd_rd(&m, 2, GICR_TYPER + 4, 4), 0x01000102);
}

static void test_typer_default_affinity_and_last(void **state)
{
	(void)state;
	for (unsigned v = 0; v < VCPUS; v++) {
		uint64_t typer = rd_rd(&g, v, GICR_TYPER, 8);

		assert_int_equal(typer >> 32, v);         /* Aff0 = index */
		assert_int_equal(typer >> 8 & 0xffff, v); /* Processor_Number */
		assert_int_equal(!!(typer & (1u << 4)), v == VCPUS - 1);
		assert_int_equal(typer & 1, 0); /* no LPIs */
	}
	/* Read-only. */
	rd_wr(&g, 0, GICR_TYPER, 8, ~0ull);
	assert_int_equal(rd_rd(&g, 0, GICR_TYPER, 8), 0);
}

static void test_waker_handshake(void **state)
{
	(void)state;
	assert_int_equal(rd_rd(&g, 1, GICR_WAKER, 4), GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP);
	rd_wr(&g, 1, GICR_WAKER, 4, 0);
	assert_int_equal(rd_rd(&g, 1, GICR_WAKER, 4), 0);
	assert_int_equal(rd_rd(&g, 0, GICR_WAKER, 4), GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP);
	/* ChildrenAsleep is read-only: it follows ProcessorSleep. */
	rd_wr(&g, 1, GICR_WAKER, 4, GICR_WAKER_ASLEEP);
	assert_int_equal(rd_rd(&g, 1, GICR_WAKER, 4), 0);
	rd_wr(&g, 1, GICR_WAKER, 4, GICR_WAKER_SLEEP);
	assert_int_equal(rd_rd(&g, 1, GICR_WAKER, 4), GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP);
}

static void test_ctlr_iidr_pidr2(void **state)
{
	(void)state;
	rd_wr(&g, 0, GICR_CTLR, 4, 1); /* EnableLPIs: RAZ/WI */
	assert_int_equal(rd_rd(&g, 0, GICR_CTLR, 4), 0);
	assert_int_equal(rd_rd(&g, 0, GICR_IIDR, 4), dist_rd(&g, GICD_IIDR, 4));
	assert_int_equal(rd_rd(&g, 3, GIC_PIDR2, 4) >> 4 & 0xf, 3);
	assert_int_equal(g.unhandled, 0);
	assert_int_equal(rd_rd(&g, 0, GICR_PROPBASER, 8), 0);
	assert_int_equal(g.unhandled, 1);
}

static void test_sgi_ppi_reset_state(void **state)
{
	(void)state;
	assert_int_equal(rd_rd(&g, 0, GICR_IGROUPR0, 4), 0xffffffff);
	assert_int_equal(rd_rd(&g, 0, GICR_ISENABLER0, 4), 0);
	assert_int_equal(rd_rd(&g, 0, GICR_ISPENDR0, 4), 0);
	assert_int_equal(rd_rd(&g, 0, GICR_ISACTIVER0, 4), 0);
	assert_int_equal(rd_rd(&g, 0, GICR_ICFGR0, 4), 0xaaaaaaaa); /* SGIs: edge */
	assert_int_equal(rd_rd(&g, 0, GICR_ICFGR1, 4), 0);          /* PPIs: level */
	for (unsigned n = 0; n < 8; n++)
		assert_int_equal(rd_rd(&g, 0, GICR_IPRIORITYR0 + 4 * n, 4), 0);
}

static void test_banks_are_per_vcpu(void **state)
{
	(void)state;
	rd_wr(&g, 1, GICR_ISENABLER0, 4, 0x08000001);
	assert_int_equal(rd_rd(&g, 1, GICR_ISENABLER0, 4), 0x08000001);
	assert_int_equal(rd_rd(&g, 0, GICR_ISENABLER0, 4), 0);
	rd_wr(&g, 1, GICR_ICENABLER0, 4, 0x1);
	assert_int_equal(rd_rd(&g, 1, GICR_ICENABLER0, 4), 0x08000000);
	rd_wr(&g, 2, GICR_ISPENDR0, 4, 1u << PPI(11));
	assert_int_equal(rd_rd(&g, 2, GICR_ICPENDR0, 4), 1u << PPI(11));
	assert_int_equal(rd_rd(&g, 3, GICR_ISPENDR0, 4), 0);
	rd_wr(&g, 2, GICR_ICPENDR0, 4, 1u << PPI(11));
	assert_int_equal(rd_rd(&g, 2, GICR_ISPENDR0, 4), 0);
	rd_wr(&g, 3, GICR_ISACTIVER0, 4, 0x6);
	assert_int_equal(rd_rd(&g, 3, GICR_ISACTIVER0, 4), 0x6);
	rd_wr(&g, 3, GICR_ICACTIVER0, 4, 0x2);
	assert_int_equal(rd_rd(&g, 3, GICR_ICACTIVER0, 4), 0x4);
	rd_wr(&g, 0, GICR_IGROUPR0, 4, 0xffff0000);
	assert_int_equal(rd_rd(&g, 0, GICR_IGROUPR0, 4), 0xffff0000);
	assert_int_equal(rd_rd(&g, 1, GICR_IGROUPR0, 4), 0xffffffff);
	assert_int_equal(vgic_check(&g), 0);
}

static void test_priority_bytes(void **state)
{
	(void)state;
	rd_wr(&g, 1, GICR_IPRIORITYR0 + PPI(11), 1, 0x90);
	assert_int_equal(rd_rd(&g, 1, GICR_IPRIORITYR0 + 24, 4), 0x90000000);
	assert_int_equal(rd_rd(&g, 0, GICR_IPRIORITYR0 + 24, 4), 0);
	rd_wr(&g, 1, GICR_IPRIORITYR0 + 28, 4, 0x01020304);
	assert_int_equal(rd_rd(&g, 1, GICR_IPRIORITYR0 + 31, 1), 0x01);
}

static void test_config_of_sgis_is_fixed(void **state)
{
	(void)state;
	rd_wr(&g, 0, GICR_ICFGR0, 4, 0);
	assert_int_equal(rd_rd(&g, 0, GICR_ICFGR0, 4), 0xaaaaaaaa);
	rd_wr(&g, 0, GICR_ICFGR1, 4, 2u << 22); /* PPI 11 edge */
	assert_int_equal(rd_rd(&g, 0, GICR_ICFGR1, 4), 2u << 22);
}

static void test_frame_limits(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(vgic_redist_access(&g, VCPUS, GICR_TYPER, 8, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_redist_access(&g, 0, GUEST_GICR_STRIDE, 4, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_redist_access(&g, 0, GICR_WAKER, 8, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_redist_access(&g, 0, GICR_WAKER + 1, 1, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_redist_access(&g, 0, GICR_ISENABLER0, 1, false, &v), -ZE_INVAL);
	assert_int_equal(vgic_redist_access(&g, 0, GICR_TYPER + 2, 2, false, &v), -ZE_INVAL);
	/* SGI_base has one register of each bank: the next word is not one. */
	assert_int_equal(rd_rd(&g, 0, GICR_ISENABLER0 + 4, 4), 0);
	assert_int_equal(rd_rd(&g, 0, GICR_IPRIORITYR0 + 32, 4), 0);
	assert_int_equal(g.unhandled, 2);
}

static unsigned pending_sgi_mask(unsigned intid)
{
	unsigned mask = 0;

	for (unsigned v = 0; v < VCPUS; v++) {
		if (rd_rd(&g, v, GICR_ISPENDR0, 4) & (1u << intid))
			mask |= 1u << v;
	}
	return mask;
}

static void test_sgi_target_list(void **state)
{
	(void)state;
	assert_int_equal(vgic_send_sgi(&g, 0, SGI1R(3, 0x6)), 2);
	assert_int_equal(pending_sgi_mask(3), 0x6);
	assert_int_equal(vgic_take_kicks(&g), 0); /* disabled: nothing to deliver */
	/* Bits naming no vCPU are ignored. */
	assert_int_equal(vgic_send_sgi(&g, 1, SGI1R(4, 0xfff1)), 1);
	assert_int_equal(pending_sgi_mask(4), 0x1);
	/* The wrong Aff1 or Aff3, or RS selecting Aff0 16..31, reach nobody. */
	assert_int_equal(vgic_send_sgi(&g, 0, SGI1R(5, 0xf) | SGI1R_AFF1(1)), 0);
	assert_int_equal(vgic_send_sgi(&g, 0, SGI1R(5, 0xf) | SGI1R_AFF3(1)), 0);
	assert_int_equal(vgic_send_sgi(&g, 0, SGI1R(5, 0xf) | SGI1R_RS(1)), 0);
	assert_int_equal(pending_sgi_mask(5), 0);
	assert_int_equal(vgic_send_sgi(&g, VCPUS, SGI1R(5, 1)), -ZE_INVAL);
}

static void test_sgi_affinity_and_range_selector(void **state)
{
	const uint64_t mpidr[3] = { 0x0, 0x10100, 0x10111 }; /* 0.0.0.0, 0.1.1.0, 0.1.1.17 */
	struct vgic m;
	uint64_t v;

	(void)state;
	assert_int_equal(vgic_init_test(&m, 3, mpidr, 0), 0);
	assert_int_equal(vgic_send_sgi(&m, 0, SGI1R(7, 1) | SGI1R_AFF2(1) | SGI1R_AFF1(1)), 1);
	assert_int_equal(
	        vgic_send_sgi(&m, 0, SGI1R(8, 2) | SGI1R_AFF2(1) | SGI1R_AFF1(1) | SGI1R_RS(1)), 1);
	v = 0;
	assert_int_equal(vgic_redist_access(&m, 1, GICR_ISPENDR0, 4, false, &v), 0);
	assert_int_equal(v, 1u << 7);
	assert_int_equal(vgic_redist_access(&m, 2, GICR_ISPENDR0, 4, false, &v), 0);
	assert_int_equal(v, 1u << 8);
}

static void test_sgi_irm_is_everyone_else(void **state)
{
	(void)state;
	/* IRM ignores target list and affinity. */
	assert_int_equal(vgic_send_sgi(&g, 2, SGI1R(9, 0x4) | SGI1R_AFF1(7) | ICC_SGI1R_IRM), 3);
	assert_int_equal(pending_sgi_mask(9), 0xb);
	assert_int_equal(vgic_counters(&g, 9, 2)->injected, 0);
	assert_int_equal(vgic_counters(&g, 9, 0)->injected, 1);
}

static void test_sgi_is_delivered_and_kicks(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_private(&g, 1, 2);
	vgic_take_kicks(&g);
	assert_int_equal(vgic_send_sgi(&g, 0, SGI1R(2, 0x3)), 2);
	assert_int_equal(vgic_take_kicks(&g), 1u << 1); /* vCPU 0: disabled */
	assert_int_equal(vgic_pick(&g, 1, &p, 1), 1);
	assert_int_equal(p.intid, 2);
	assert_false(p.eoi_maint); /* SGIs are edges */
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
}

/* DS=1: SGI1R raises the SGI in either group; only Group 1 is delivered. */
static void test_group0_sgi_is_raised_not_delivered(void **state)
{
	struct vgic_pick p;

	(void)state;
	enable_private(&g, 1, 6);
	rd_wr(&g, 1, GICR_IGROUPR0, 4, ~(1u << 6));
	assert_int_equal(vgic_send_sgi(&g, 0, SGI1R(6, 0x6)), 2);
	assert_int_equal(pending_sgi_mask(6), 0x6);
	assert_int_equal(vgic_pick(&g, 1, &p, 1), 0);
	rd_wr(&g, 1, GICR_IGROUPR0, 4, 0xffffffff);
	assert_int_equal(vgic_pick(&g, 1, &p, 1), 1);
}

/* GICD_CTLR.EnableGrp1 gates SGIs and PPIs too. */
static void test_distributor_enable_gates_private_interrupts(void **state)
{
	struct vgic_pick p;

	(void)state;
	rd_wr(&g, 2, GICR_ISENABLER0, 4, 1u << PPI(4));
	vgic_inject(&g, PPI(4), 2);
	assert_false(vgic_has_deliverable(&g, 2));
	vgic_take_kicks(&g);
	dist_wr(&g, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	assert_int_equal(vgic_take_kicks(&g), 1u << 2);
	assert_int_equal(vgic_pick(&g, 2, &p, 1), 1);
	assert_int_equal(p.intid, PPI(4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_typer_names_each_vcpu, setup),
		cmocka_unit_test_setup(test_typer_default_affinity_and_last, setup),
		cmocka_unit_test_setup(test_waker_handshake, setup),
		cmocka_unit_test_setup(test_ctlr_iidr_pidr2, setup),
		cmocka_unit_test_setup(test_sgi_ppi_reset_state, setup),
		cmocka_unit_test_setup(test_banks_are_per_vcpu, setup),
		cmocka_unit_test_setup(test_priority_bytes, setup),
		cmocka_unit_test_setup(test_config_of_sgis_is_fixed, setup),
		cmocka_unit_test_setup(test_frame_limits, setup),
		cmocka_unit_test_setup(test_sgi_target_list, setup),
		cmocka_unit_test_setup(test_sgi_affinity_and_range_selector, setup),
		cmocka_unit_test_setup(test_sgi_irm_is_everyone_else, setup),
		cmocka_unit_test_setup(test_sgi_is_delivered_and_kicks, setup),
		cmocka_unit_test_setup(test_group0_sgi_is_raised_not_delivered, setup),
		cmocka_unit_test_setup(test_distributor_enable_gates_private_interrupts, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
