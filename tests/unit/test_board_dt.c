/*
 * Host tests of board_from_fdt: the real QEMU virt boards (-smp 4 and 8),
 * a hand-written board, broken boards with their messages, and a sweep
 * that corrupts and truncates the QEMU blob at every byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/board_dt.h"
#include "tests/unit/fdt_fixture.h"

#define HDR_TOTALSIZE           4 /* DT spec v0.4, 5.2 */
#define HDR_OFF_STRUCT          8
#define QEMU_VIRTIO_BASE        0x0a000000u
#define QEMU_VIRTIO_STRIDE      0x200u
#define QEMU_VIRTIO_FIRST_INTID 48u
#define SZ_1G                   0x40000000u

static struct board_desc board;
static struct zerr_msg msg;

static int parse_fixture(const char *name)
{
	struct blob b = fixture_load(name);
	int rc;

	memset(&msg, 'x', sizeof(msg));
	rc = board_from_fdt(b.data, b.size, &board, &msg);
	free(b.data);
	return rc;
}

static void test_qemu_virt_smp4(void **state)
{
	uint32_t i;

	(void)state;
	assert_int_equal(parse_fixture("qemu_virt_smp4"), 0);
	assert_string_equal(msg.text, "");
	assert_string_equal(board.model, "linux,dummy-virt");
	assert_int_equal(board.mem_count, 1);
	assert_int_equal(board.mem[0].base, 0x40000000u);
	assert_int_equal(board.mem[0].size, SZ_1G);
	assert_int_equal(board.reserved_count, 0);
	assert_int_equal(board.cpu_count, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(board.cpus[i].mpidr, i);
		assert_int_equal(board.cpus[i].enable, BOARD_CPU_ENABLE_PSCI);
	}
	assert_int_equal(board.psci.conduit, BOARD_PSCI_SMC);
	assert_int_equal(board.psci.version_major, 1);
	assert_int_equal(board.psci.version_minor, 0);
	assert_int_equal(board.psci.cpu_on_id, 0xc4000003u);
	assert_int_equal(board.gic.dist.base, 0x08000000u);
	assert_int_equal(board.gic.dist.size, 0x10000u);
	assert_int_equal(board.gic.redist_count, 1);
	assert_int_equal(board.gic.redist[0].base, 0x080a0000u);
	assert_int_equal(board.gic.redist[0].size, 0xf60000u);
	assert_int_equal(board.gic.redist_stride, 0);
	assert_true(board.gic.has_maint_irq);
	assert_int_equal(board.gic.maint_intid, 25);
	assert_int_equal(board.gic.interrupt_cells, 3);
}

static void test_qemu_virt_devices(void **state)
{
	uint32_t i;

	(void)state;
	assert_int_equal(parse_fixture("qemu_virt_smp4"), 0);
	assert_int_equal(board.uart.reg.base, 0x09000000u);
	assert_int_equal(board.uart.reg.size, 0x1000u);
	assert_int_equal(board.uart.intid, 33);
	assert_true(board.uart.is_pl011);
	assert_string_equal(board.uart.compatible, "arm,pl011");
	assert_int_equal(board.timer.sec_phys_intid, 29);
	assert_int_equal(board.timer.phys_intid, 30);
	assert_int_equal(board.timer.virt_intid, 27);
	assert_int_equal(board.timer.hyp_phys_intid, 26);
	assert_false(board.timer.has_hyp_virt);
	assert_int_equal(board.timer.clock_frequency, 0);
	assert_int_equal(board.virtio_count, 32);
	for (i = 0; i < 32; i++) {
		assert_int_equal(board.virtio[i].reg.base,
		                 QEMU_VIRTIO_BASE + i * QEMU_VIRTIO_STRIDE);
		assert_int_equal(board.virtio[i].reg.size, QEMU_VIRTIO_STRIDE);
		assert_int_equal(board.virtio[i].intid, QEMU_VIRTIO_FIRST_INTID + i);
	}
	/* The PL031 where ZVM's UTC starts. */
	assert_true(board.has_rtc);
	assert_int_equal(board.rtc.base, 0x09010000);
	assert_int_equal(board.rtc.size, 0x1000);
}

static void test_qemu_virt_smp8(void **state)
{
	uint32_t i;

	(void)state;
	assert_int_equal(parse_fixture("qemu_virt_smp8"), 0);
	assert_int_equal(board.cpu_count, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(board.cpus[i].mpidr, i);
	assert_int_equal(board.gic.redist[0].base, 0x080a0000u);
	assert_int_equal(board.virtio_count, 32);
}

static void test_custom_board_memory_and_cpus(void **state)
{
	(void)state;
	assert_int_equal(parse_fixture("board_custom"), 0);
	assert_string_equal(board.model, "ZVM test board");
	assert_int_equal(board.mem_count, 3);
	assert_int_equal(board.mem[0].base, 0);
	assert_int_equal(board.mem[0].size, 0x08000000u);
	assert_int_equal(board.mem[1].base, 0x10000000u);
	assert_int_equal(board.mem[2].base, UINT64_C(0x100000000));
	assert_int_equal(board.mem[2].size, SZ_1G);
	/* Two /memreserve/ entries, then the tee child; dma-pool has no reg. */
	assert_int_equal(board.reserved_count, 3);
	assert_int_equal(board.reserved[0].base, 0x80000000u);
	assert_int_equal(board.reserved[1].size, 0x2000u);
	assert_int_equal(board.reserved[2].base, 0x08400000u);
	assert_int_equal(board.reserved[2].size, 0x01000000u);
	/* cpu@200 is disabled and skipped. */
	assert_int_equal(board.cpu_count, 3);
	assert_int_equal(board.cpus[0].mpidr, 0);
	assert_int_equal(board.cpus[1].mpidr, 0x100);
	assert_int_equal(board.cpus[2].mpidr, UINT64_C(0x100000000));
	assert_int_equal(board.cpus[2].enable, BOARD_CPU_ENABLE_SPIN_TABLE);
	assert_int_equal(board.cpus[2].release_addr, 0xfff8);
	assert_int_equal(board.psci.conduit, BOARD_PSCI_HVC);
	assert_int_equal(board.psci.version_major, 1);
	assert_int_equal(board.psci.cpu_on_id, 0);
}

static void test_custom_board_devices(void **state)
{
	(void)state;
	assert_int_equal(parse_fixture("board_custom"), 0);
	assert_int_equal(board.gic.dist.base, 0xfe600000u);
	assert_int_equal(board.gic.redist_count, 2);
	assert_int_equal(board.gic.redist[0].base, 0xfe680000u);
	assert_int_equal(board.gic.redist[1].base, 0xfe700000u);
	assert_int_equal(board.gic.redist_stride, 0x40000u);
	assert_int_equal(board.gic.maint_intid, 25);
	/* stdout-path "serial0:1500000n8" wins over the PL011. */
	assert_int_equal(board.uart.reg.base, 0xfeb50000u);
	assert_int_equal(board.uart.intid, 333 + 32);
	assert_false(board.uart.is_pl011);
	assert_string_equal(board.uart.compatible, "rockchip,rk3588-uart");
	assert_true(board.timer.has_hyp_virt);
	assert_int_equal(board.timer.hyp_virt_intid, 28);
	assert_int_equal(board.timer.clock_frequency, 24000000);
	assert_false(board.has_rtc); /* none: a board may have no RTC */
	/* Sorted by address; the disabled a000600 is left out. */
	assert_int_equal(board.virtio_count, 3);
	assert_int_equal(board.virtio[0].reg.base, 0x0a000000u);
	assert_int_equal(board.virtio[0].intid, 48);
	assert_int_equal(board.virtio[1].reg.base, 0x0a000200u);
	assert_int_equal(board.virtio[1].intid, 49);
	assert_int_equal(board.virtio[2].reg.base, 0x0a000400u);
	assert_int_equal(board.virtio[2].intid, 50);
}

static void expect_failure(const char *fixture, int code, const char *message)
{
	assert_int_equal(parse_fixture(fixture), code);
	assert_string_equal(msg.text, message);
}

static void test_broken_boards_say_why(void **state)
{
	(void)state;
	expect_failure("broken_no_gic", -ZE_MISSING,
	               "devicetree: no GICv3 node (compatible \"arm,gic-v3\")");
	expect_failure("broken_no_memory", -ZE_MISSING,
	               "devicetree: no memory node (device_type \"memory\")");
	expect_failure("broken_memory_no_reg", -ZE_MISSING,
	               "devicetree: memory node without reg (/memory@40000000)");
	expect_failure("broken_no_cpus", -ZE_MISSING, "devicetree: no /cpus node");
	expect_failure("broken_no_cpu_nodes", -ZE_MISSING, "devicetree: /cpus has no cpu nodes");
	expect_failure("broken_no_uart", -ZE_MISSING,
	               "devicetree: no console UART (no /chosen stdout-path and "
	               "no \"arm,pl011\" node)");
	expect_failure("broken_no_timer", -ZE_MISSING,
	               "devicetree: no generic timer node (compatible "
	               "\"arm,armv8-timer\")");
	expect_failure("broken_bad_stdout", -ZE_MALFORMED,
	               "devicetree: stdout-path \"serial0:115200n8\" names no node");
}

/* board_from_fdt on a patched copy of the QEMU blob. */
static int parse_patched(size_t size, int field, uint32_t value)
{
	struct blob b = fixture_load("qemu_virt_smp4");
	unsigned char *copy = blob_copy(&b, b.size);
	int rc;

	if (field >= 0)
		blob_put_be32(copy + field, value);
	rc = board_from_fdt(copy, size ? size : b.size, &board, &msg);
	free(copy);
	free(b.data);
	return rc;
}

static void test_bad_blobs_say_why(void **state)
{
	(void)state;
	assert_int_equal(parse_patched(0, 0, 0x12345678), -ZE_NOT_A_BLOB);
	assert_string_equal(msg.text,
	                    "devicetree: invalid blob: bad magic (not a devicetree blob)");
	assert_int_equal(parse_patched(100, -1, 0), -ZE_NOT_A_BLOB);
	assert_string_equal(msg.text, "devicetree: invalid blob: blob truncated");
	assert_int_equal(parse_patched(0, HDR_OFF_STRUCT, 0x7ffffff0u), -ZE_NOT_A_BLOB);
	assert_string_equal(msg.text, "devicetree: invalid blob: block outside the "
	                              "blob or misaligned");
	assert_int_equal(board_from_fdt(NULL, 0, &board, &msg), -ZE_INVAL);
}

/* A caller that wants no words still gets the code (truncation of a long
 * message: tests/unit/test_zerror.c). */
static void test_failure_without_a_message(void **state)
{
	struct blob b = fixture_load("broken_no_gic");

	(void)state;
	assert_int_equal(board_from_fdt(b.data, b.size, &board, NULL), -ZE_MISSING);
	free(b.data);
}

/* A result must be a clean success or a clean, explained failure. */
static void check_outcome(int rc, const unsigned char *blob, size_t *accepted)
{
	(void)blob;
	if (rc == 0) {
		assert_true(board.cpu_count >= 1 && board.cpu_count <= BOARD_MAX_CPUS);
		assert_true(board.mem_count >= 1 && board.mem_count <= BOARD_MAX_MEM);
		assert_true(board.virtio_count <= BOARD_MAX_VIRTIO);
		(*accepted)++;
		return;
	}
	assert_true(rc < 0);
	assert_true(strncmp(msg.text, "devicetree: ", 12) == 0);
}

/* Parses the QEMU blob with byte off replaced by value. */
static void parse_with_byte(const struct blob *b, size_t off, unsigned char value, size_t *accepted)
{
	unsigned char *copy = blob_copy(b, b->size);

	copy[off] = value;
	check_outcome(board_from_fdt(copy, b->size, &board, &msg), copy, accepted);
	free(copy);
}

static void corrupt_every_byte(const char *fixture)
{
	/* Besides garbage: zero, and the structure tokens (DT spec 5.4.1). */
	static const unsigned char tokens[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x09 };
	struct blob b = fixture_load(fixture);
	size_t off, accepted = 0, runs = 0;
	unsigned char token;

	for (off = 0; off < b.size; off++) {
		parse_with_byte(&b, off, (unsigned char)~b.data[off], &accepted);
		/* Cycle per 4-byte word so every token byte meets every value. */
		token = tokens[(off / 4) % sizeof(tokens)];
		if (token != b.data[off]) {
			parse_with_byte(&b, off, token, &accepted);
			runs++;
		}
		runs++;
	}
	/* Both outcomes occur: the sweep reaches the board parser. */
	assert_true(accepted > 0 && accepted < runs);
	free(b.data);
}

static void test_corrupt_every_byte(void **state)
{
	(void)state;
	corrupt_every_byte("qemu_virt_smp4");
	corrupt_every_byte("board_custom");
}

static void test_truncate_at_every_offset(void **state)
{
	struct blob b = fixture_load("qemu_virt_smp4");
	size_t len, accepted = 0;
	unsigned char *copy;

	(void)state;
	for (len = 0; len < b.size; len++) {
		/* Exactly len bytes exist, and the header even claims so. */
		copy = blob_copy(&b, len);
		if (len >= HDR_TOTALSIZE + 4)
			blob_put_be32(copy + HDR_TOTALSIZE, (uint32_t)len);
		check_outcome(board_from_fdt(copy, len, &board, &msg), copy, &accepted);
		free(copy);
	}
	assert_int_equal(accepted, 0);
	free(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_virt_smp4),
		cmocka_unit_test(test_qemu_virt_devices),
		cmocka_unit_test(test_qemu_virt_smp8),
		cmocka_unit_test(test_custom_board_memory_and_cpus),
		cmocka_unit_test(test_custom_board_devices),
		cmocka_unit_test(test_broken_boards_say_why),
		cmocka_unit_test(test_bad_blobs_say_why),
		cmocka_unit_test(test_failure_without_a_message),
		cmocka_unit_test(test_corrupt_every_byte),
		cmocka_unit_test(test_truncate_at_every_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
