/*
 * SPIs beyond INTID 127 (issue 12: the RK3588's UARTs are above it): the
 * vGIC models as many SPIs as the board's GICD_TYPER reports, in storage
 * sized per VM, and the GICD_TYPER the guest reads says how many.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vgic_fixture.h"

#define QEMU_VIRT_SPIS 224 /* QEMU virt: 256 interrupt lines */
#define BOARD_UART     365 /* an INTID far above 127, as the RK3588's UARTs */

static struct vgic g;

static unsigned typer_lines(void)
{
	return (unsigned)dist_rd(&g, GICD_TYPER, 4) & GICD_TYPER_ITLINES;
}

static bool pending(unsigned intid)
{
	return dist_rd(&g, GICD_ISPENDR + intid / 32 * 4, 4) >> (intid % 32) & 1;
}

static void test_typer_says_how_many(void **state)
{
	(void)state;
	assert_int_equal(vgic_init_test(&g, 2, NULL, QEMU_VIRT_SPIS), 0);
	assert_int_equal(typer_lines(), (GIC_SPI_BASE + QEMU_VIRT_SPIS) / 32 - 1);
	assert_int_equal(vgic_init_test(&g, 2, NULL, VGIC_MAX_SPIS), 0);
	/* 1020 INTIDs round up to 32 blocks of 32 (IHI 0069 12.9.38). */
	assert_int_equal(typer_lines(), 31);
}

static void test_high_spi_delivered(void **state)
{
	struct vgic_pick p;

	(void)state;
	assert_int_equal(vgic_init_test(&g, 2, NULL, VGIC_MAX_SPIS), 0);
	enable_spi(&g, BOARD_UART);
	dist_wr(&g, GICD_IROUTER + BOARD_UART * 8, 8, 1); /* vCPU 1: Aff0 = 1 */
	assert_int_equal(vgic_inject(&g, BOARD_UART, 0), 0);
	assert_true(pending(BOARD_UART));
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 0);
	assert_int_equal(vgic_pick(&g, 1, &p, 1), 1);
	assert_int_equal(p.intid, BOARD_UART);
	assert_int_equal(vgic_lr_return(&g, 1, BOARD_UART, VGIC_LR_INVALID), 0);
	assert_int_equal(vgic_counters(&g, BOARD_UART, 0)->delivered, 1);
	assert_int_equal(vgic_check(&g), 0);
}

/* The last SPI there is, through its registers alone. */
static void test_last_spi_by_registers(void **state)
{
	struct vgic_pick p;

	(void)state;
	assert_int_equal(vgic_init_test(&g, 1, NULL, VGIC_MAX_SPIS), 0);
	enable_spi(&g, VGIC_MAX_INTID);
	dist_bit(&g, GICD_ISPENDR, VGIC_MAX_INTID);
	dist_wr(&g, GICD_IPRIORITYR + VGIC_MAX_INTID, 1, 0x40);
	assert_int_equal(vgic_pick(&g, 0, &p, 1), 1);
	assert_int_equal(p.intid, VGIC_MAX_INTID);
	assert_int_equal(p.priority, 0x40);
}

/* Beyond the VM's SPIs: no state, RAZ/WI, and injection refused. */
static void test_beyond_the_board_is_not_there(void **state)
{
	unsigned beyond = GIC_SPI_BASE + QEMU_VIRT_SPIS;

	(void)state;
	assert_int_equal(vgic_init_test(&g, 1, NULL, QEMU_VIRT_SPIS), 0);
	assert_int_equal(vgic_inject(&g, beyond, 0), -ZE_INVAL);
	dist_bit(&g, GICD_ISENABLER, beyond);
	dist_bit(&g, GICD_ISPENDR, beyond);
	assert_false(pending(beyond));
	assert_int_equal(dist_rd(&g, GICD_ISENABLER + beyond / 32 * 4, 4), 0);
	assert_int_equal(dist_rd(&g, GICD_IROUTER + beyond * 8, 8), 0);
	assert_int_equal(vgic_inject(&g, beyond - 1, 0), 0);
	assert_int_equal(vgic_check(&g), 0);
}

static void test_storage_is_required(void **state)
{
	static uint64_t storage[VGIC_STORAGE_SIZE(8) / sizeof(uint64_t) + 2];

	(void)state;
	assert_int_equal(vgic_init(&g, 1, NULL, 8, NULL), -ZE_INVAL);
	assert_int_equal(vgic_init(&g, 1, NULL, 8, (uint8_t *)storage + 4), -ZE_INVAL);
	assert_int_equal(vgic_init(&g, 1, NULL, VGIC_MAX_SPIS + 1, storage), -ZE_INVAL);
	assert_int_equal(vgic_init(&g, 1, NULL, 8, storage), 0);
	assert_int_equal(g.irq_count, VGIC_PRIVATE_SLOTS + 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typer_says_how_many),
		cmocka_unit_test(test_high_spi_delivered),
		cmocka_unit_test(test_last_spi_by_registers),
		cmocka_unit_test(test_beyond_the_board_is_not_there),
		cmocka_unit_test(test_storage_is_required),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
