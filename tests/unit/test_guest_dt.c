/*
 * Host tests of the guest devicetree: generated for 1, 4 and 8 vCPUs,
 * read back node by node with lib/fdt, parsed by ZVM's own
 * board_from_fdt() as a whole board, decompiled by dtc without a warning,
 * and refused with a clear message for bad parameters or a short buffer.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/board_dt.h"
#include "lib/fdt.h"
#include "vmm/guest_dt.h"
#include "zvm/timebase.h"
#include "zvm/guest_layout.h"
#include "tests/unit/dtc_check.h"

#define GUARD_SIZE 64
#define GUARD_BYTE 0x5a
#define SZ_1M      0x100000ull
#define SZ_256M    0x10000000ull
#define GIC_PPI    1u
#define GIC_SPI    0u
#define LEVEL_HIGH 4u
#define ALL_SLOTS  0xffffffffu /* every virtio-mmio slot */

static uint8_t blob[GUEST_DT_MAX_SIZE];
static struct zerr_msg msg;
static struct fdt fdt;
static struct board_desc board;

static struct guest_dt_params linux_params(uint32_t vcpus)
{
	struct guest_dt_params p = {
		.vcpus = vcpus,
		.ram_base = GUEST_RAM_BASE,
		.ram_size = SZ_256M,
		.bootargs = "console=ttyAMA0 earlycon rdinit=/bin/sh",
		.has_initrd = true,
		.initrd_start = GUEST_RAM_BASE + 0x8000000,
		.initrd_end = GUEST_RAM_BASE + 0x8000000 + 0x123456,
		.virtio_mask = 0x3,
		.has_uart = true,
	};
	return p;
}

/* Builds into blob and opens it with lib/fdt; returns the blob size. */
static int build(const struct guest_dt_params *p)
{
	int size;

	memset(&msg, 'x', sizeof(msg));
	size = guest_dt_build(p, blob, sizeof(blob), &msg);
	if (size < 0)
		fprintf(stderr, "guest_dt_build: %s\n", msg.text);
	assert_true(size > 0);
	assert_string_equal(msg.text, "");
	assert_int_equal(fdt_init(&fdt, blob, (size_t)size), 0);
	return size;
}

static int node_at(const char *path)
{
	int node = fdt_path_offset(&fdt, path);

	if (node < 0)
		fprintf(stderr, "no node %s\n", path);
	assert_true(node >= 0);
	return node;
}

static const char *string_of(int node, const char *name)
{
	const char *s = NULL;

	assert_int_equal(fdt_read_string(&fdt, node, name, &s), 0);
	return s;
}

static uint32_t cell_of(int node, const char *name, int index)
{
	uint32_t v = 0;

	assert_int_equal(fdt_read_u32_index(&fdt, node, name, index, &v), 0);
	return v;
}

/* Checks interrupt index of node is <type num flags>. */
static void assert_irq(int node, int index, uint32_t type, uint32_t num, uint32_t flags)
{
	assert_int_equal(cell_of(node, "interrupts", index * 3), type);
	assert_int_equal(cell_of(node, "interrupts", index * 3 + 1), num);
	assert_int_equal(cell_of(node, "interrupts", index * 3 + 2), flags);
}

static void test_root_memory_chosen(void **state)
{
	struct guest_dt_params p = linux_params(1);
	struct fdt_chosen chosen;
	uint64_t base, size;
	int root, mem;

	(void)state;
	build(&p);
	root = fdt_root(&fdt);
	assert_string_equal(string_of(root, "model"), "zvm,guest");
	assert_true(fdt_node_is_compatible(&fdt, root, "linux,dummy-virt"));
	assert_int_equal(fdt_address_cells(&fdt, root), 2);
	assert_int_equal(fdt_size_cells(&fdt, root), 2);
	assert_int_equal(cell_of(root, "interrupt-parent", 0),
	                 fdt_get_phandle(&fdt, node_at("/interrupt-controller@8000000")));

	mem = node_at("/memory@40000000");
	assert_string_equal(string_of(mem, "device_type"), "memory");
	assert_int_equal(fdt_reg_count(&fdt, mem), 1);
	assert_int_equal(fdt_read_reg(&fdt, mem, 0, &base, &size), 0);
	assert_int_equal(base, GUEST_RAM_BASE);
	assert_int_equal(size, SZ_256M);

	assert_int_equal(fdt_read_chosen(&fdt, &chosen), 0);
	assert_string_equal(chosen.bootargs, p.bootargs);
	assert_true(chosen.has_initrd);
	assert_int_equal(chosen.initrd_start, p.initrd_start);
	assert_int_equal(chosen.initrd_end, p.initrd_end);
	assert_int_equal(fdt_path_offset_n(&fdt, chosen.stdout_path, chosen.stdout_path_len),
	                 node_at("/serial@9000000"));
	assert_int_equal(fdt_path_offset(&fdt, "serial0"), node_at("/serial@9000000"));
}

static void test_cpus_and_psci(void **state)
{
	struct guest_dt_params p = linux_params(4);
	char path[32];
	uint32_t i;
	int cpus, psci;

	(void)state;
	build(&p);
	cpus = node_at("/cpus");
	assert_int_equal(fdt_address_cells(&fdt, cpus), 1);
	assert_int_equal(fdt_size_cells(&fdt, cpus), 0);
	for (i = 0; i < 4; i++) {
		int cpu;

		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		cpu = node_at(path);
		assert_int_equal(cell_of(cpu, "reg", 0), i);
		assert_string_equal(string_of(cpu, "device_type"), "cpu");
		assert_true(fdt_node_is_compatible(&fdt, cpu, "arm,armv8"));
		assert_string_equal(string_of(cpu, "enable-method"), "psci");
	}
	assert_int_equal(fdt_path_offset(&fdt, "/cpus/cpu@4"), -ZE_NOENT);

	psci = node_at("/psci");
	assert_int_equal(fdt_stringlist_count(&fdt, psci, "compatible"), 3);
	assert_string_equal(fdt_stringlist_get(&fdt, psci, "compatible", 0), "arm,psci-1.0");
	assert_string_equal(fdt_stringlist_get(&fdt, psci, "compatible", 1), "arm,psci-0.2");
	assert_string_equal(fdt_stringlist_get(&fdt, psci, "compatible", 2), "arm,psci");
	assert_string_equal(string_of(psci, "method"), "hvc");
}

static void test_gic_timer_uart_virtio(void **state)
{
	struct guest_dt_params p = linux_params(4);
	uint64_t base, size;
	uint32_t clk_phandle;
	int gic, timer, uart, clk, virtio;

	(void)state;
	build(&p);
	gic = node_at("/interrupt-controller@8000000");
	assert_true(fdt_node_is_compatible(&fdt, gic, "arm,gic-v3"));
	assert_non_null(fdt_getprop(&fdt, gic, "interrupt-controller", NULL));
	assert_int_equal(cell_of(gic, "#interrupt-cells", 0), 3);
	assert_int_equal(cell_of(gic, "#redistributor-regions", 0), 1);
	assert_int_equal(fdt_reg_count(&fdt, gic), 2);
	assert_int_equal(fdt_read_reg(&fdt, gic, 0, &base, &size), 0);
	assert_int_equal(base, GUEST_GICD_BASE);
	assert_int_equal(size, GUEST_GICD_SIZE);
	assert_int_equal(fdt_read_reg(&fdt, gic, 1, &base, &size), 0);
	assert_int_equal(base, GUEST_GICR_BASE);
	assert_int_equal(size, 4 * GUEST_GICR_STRIDE);
	assert_irq(gic, 0, GIC_PPI, 9, LEVEL_HIGH);

	timer = node_at("/timer");
	assert_true(fdt_node_is_compatible(&fdt, timer, "arm,armv8-timer"));
	assert_irq(timer, 0, GIC_PPI, 13, LEVEL_HIGH);
	assert_irq(timer, 1, GIC_PPI, 14, LEVEL_HIGH);
	assert_irq(timer, 2, GIC_PPI, 11, LEVEL_HIGH);
	assert_irq(timer, 3, GIC_PPI, 10, LEVEL_HIGH);

	uart = node_at("/serial@9000000");
	assert_string_equal(fdt_stringlist_get(&fdt, uart, "compatible", 0), "arm,pl011");
	assert_string_equal(fdt_stringlist_get(&fdt, uart, "compatible", 1), "arm,primecell");
	assert_int_equal(fdt_read_reg(&fdt, uart, 0, &base, &size), 0);
	assert_int_equal(base, GUEST_UART_BASE);
	assert_int_equal(size, GUEST_UART_SIZE);
	assert_irq(uart, 0, GIC_SPI, 1, LEVEL_HIGH);
	assert_string_equal(fdt_stringlist_get(&fdt, uart, "clock-names", 0), "uartclk");
	assert_string_equal(fdt_stringlist_get(&fdt, uart, "clock-names", 1), "apb_pclk");
	clk_phandle = cell_of(uart, "clocks", 0);
	assert_int_equal(cell_of(uart, "clocks", 1), clk_phandle);
	clk = fdt_node_offset_by_phandle(&fdt, clk_phandle);
	assert_int_equal(clk, node_at("/apb-pclk"));
	assert_true(fdt_node_is_compatible(&fdt, clk, "fixed-clock"));
	assert_int_equal(cell_of(clk, "clock-frequency", 0), 24000000);
	assert_int_equal(cell_of(clk, "#clock-cells", 0), 0);

	virtio = node_at("/virtio_mmio@a000200");
	assert_true(fdt_node_is_compatible(&fdt, virtio, "virtio,mmio"));
	assert_int_equal(fdt_read_reg(&fdt, virtio, 0, &base, &size), 0);
	assert_int_equal(base, GUEST_VIRTIO_BASE + GUEST_VIRTIO_STRIDE);
	assert_int_equal(size, GUEST_VIRTIO_STRIDE);
	assert_irq(virtio, 0, GIC_SPI, 17, LEVEL_HIGH);
	assert_int_equal(fdt_path_offset(&fdt, "/virtio_mmio@a000400"), -ZE_NOENT);
}

static struct guest_dt_zshm zshm_of(uint32_t id, uint32_t members, const char *name)
{
	static const char *const names[GUEST_DT_ZSHM_PEERS] = {
		"rtos", "linux", "vm-number-3-with-a-long-name-31", "d", "e", "f", "g", "h"
	};
	struct guest_dt_zshm z = { .name = name,
		                   .id = id,
		                   .base = GUEST_ZSHM_BASE + id * 0x100000ull,
		                   .section_size = 0x10000,
		                   .member_count = members,
		                   .self = members - 1,
		                   .writers = 1,
		                   .readers = (1u << members) - 2,
		                   .intid = GUEST_INTID_ZSHM0 + id };

	for (uint32_t m = 0; m < members; m++)
		z.members[m] = names[m];
	return z;
}

/* ZVM's own board parser must find the whole machine, values right. */
static void check_with_board_parser(uint32_t vcpus)
{
	struct guest_dt_params p = linux_params(vcpus);
	int size;
	uint32_t i;

	p.virtio_mask = ALL_SLOTS;
	for (uint32_t k = 0; k < GUEST_DT_MAX_ZSHM; k++)
		p.zshm[k] = zshm_of(k, GUEST_DT_ZSHM_PEERS, "a-channel-name-of-31-characters");
	p.zshm_count = GUEST_DT_MAX_ZSHM;
	size = build(&p);
	assert_int_equal(board_from_fdt(blob, (size_t)size, &board, &msg), 0);
	assert_string_equal(board.model, "zvm,guest");
	assert_int_equal(board.mem_count, 1);
	assert_int_equal(board.mem[0].base, GUEST_RAM_BASE);
	assert_int_equal(board.mem[0].size, SZ_256M);
	assert_int_equal(board.reserved_count, 0);
	assert_int_equal(board.cpu_count, vcpus);
	for (i = 0; i < vcpus; i++) {
		assert_int_equal(board.cpus[i].mpidr, i);
		assert_int_equal(board.cpus[i].enable, BOARD_CPU_ENABLE_PSCI);
	}
	assert_int_equal(board.psci.conduit, BOARD_PSCI_HVC);
	assert_int_equal(board.psci.version_major, 1);
	assert_int_equal(board.psci.version_minor, 0);
	assert_int_equal(board.psci.cpu_on_id, 0xc4000003u);
	assert_int_equal(board.psci.cpu_off_id, 0x84000002u);
	assert_int_equal(board.gic.dist.base, GUEST_GICD_BASE);
	assert_int_equal(board.gic.dist.size, GUEST_GICD_SIZE);
	assert_int_equal(board.gic.redist_count, 1);
	assert_int_equal(board.gic.redist[0].base, GUEST_GICR_BASE);
	assert_int_equal(board.gic.redist[0].size, vcpus * GUEST_GICR_STRIDE);
	assert_true(board.gic.has_maint_irq);
	assert_int_equal(board.gic.maint_intid, GUEST_INTID_MAINT);
	assert_int_equal(board.gic.interrupt_cells, 3);
	assert_int_equal(board.uart.reg.base, GUEST_UART_BASE);
	assert_int_equal(board.uart.reg.size, GUEST_UART_SIZE);
	assert_int_equal(board.uart.intid, GUEST_INTID_UART);
	assert_true(board.uart.is_pl011);
	assert_int_equal(board.timer.sec_phys_intid, GUEST_INTID_SEC_TIMER);
	assert_int_equal(board.timer.phys_intid, GUEST_INTID_PHYS_TIMER);
	assert_int_equal(board.timer.virt_intid, GUEST_INTID_VIRT_TIMER);
	assert_int_equal(board.timer.hyp_phys_intid, GUEST_INTID_HYP_TIMER);
	assert_false(board.timer.has_hyp_virt);
	assert_int_equal(board.virtio_count, GUEST_DT_MAX_VIRTIO);
	for (i = 0; i < GUEST_DT_MAX_VIRTIO; i++) {
		assert_int_equal(board.virtio[i].reg.base,
		                 GUEST_VIRTIO_BASE + i * GUEST_VIRTIO_STRIDE);
		assert_int_equal(board.virtio[i].intid, GUEST_INTID_VIRTIO0 + i);
	}
}

static void test_board_parser_1_vcpu(void **state)
{
	(void)state;
	check_with_board_parser(1);
}

static void test_board_parser_4_vcpus(void **state)
{
	(void)state;
	check_with_board_parser(4);
}

static void test_board_parser_8_vcpus(void **state)
{
	(void)state;
	check_with_board_parser(GUEST_MAX_VCPUS);
}

static void test_dtc_accepts(void **state)
{
	struct guest_dt_params p;
	uint32_t vcpus;
	int size;

	(void)state;
	for (vcpus = 1; vcpus <= GUEST_MAX_VCPUS; vcpus++) {
		p = linux_params(vcpus);
		p.virtio_mask = vcpus == GUEST_MAX_VCPUS ? ALL_SLOTS : 0;
		p.has_initrd = vcpus % 2 == 0;
		p.bootargs = vcpus == 3 ? NULL : p.bootargs;
		size = build(&p);
		assert_dtc_accepts(blob, (size_t)size);
	}
	p = linux_params(2);
	p.has_uart = false;
	size = build(&p);
	assert_dtc_accepts(blob, (size_t)size);
}

/* Only the slots with a device get a node, each with its interrupt. */
static void test_virtio_slots_and_interrupts(void **state)
{
	struct guest_dt_params p = linux_params(1);
	uint64_t base, size;
	int node;

	(void)state;
	p.virtio_mask = (1u << 0) | (1u << 5);
	p.virtio_intid[5] = GUEST_INTID_VIRTIO0 + 20;
	build(&p);
	node = fdt_path_offset(&fdt, "/virtio_mmio@a000000");
	assert_true(node >= 0);
	assert_irq(node, 0, GIC_SPI, 16, LEVEL_HIGH);
	assert_true(fdt_getprop(&fdt, node, "dma-coherent", NULL) != NULL);
	node = fdt_path_offset(&fdt, "/virtio_mmio@a000a00");
	assert_true(node >= 0);
	assert_int_equal(fdt_read_reg(&fdt, node, 0, &base, &size), 0);
	assert_int_equal(base, GUEST_VIRTIO_BASE + 5 * GUEST_VIRTIO_STRIDE);
	assert_int_equal(size, GUEST_VIRTIO_STRIDE);
	assert_irq(node, 0, GIC_SPI, 36, LEVEL_HIGH);
	assert_int_equal(fdt_path_offset(&fdt, "/virtio_mmio@a000200"), -ZE_NOENT);
}

/* Each channel: its region, its geometry, the member names, the doorbell. */
static void test_zshm_channels(void **state)
{
	struct guest_dt_params p = linux_params(1);
	uint64_t base, size;
	int node;

	(void)state;
	p.zshm[0] = zshm_of(0, 2, "rtos-linux");
	p.zshm[1] = zshm_of(1, 3, "fan");
	p.zshm[1].intid = 0; /* a polling member */
	p.zshm_count = 2;
	build(&p);
	node = node_at("/zshm@10000000");
	assert_true(fdt_node_is_compatible(&fdt, node, GUEST_DT_ZSHM_COMPAT));
	assert_int_equal(fdt_read_reg(&fdt, node, 0, &base, &size), 0);
	assert_int_equal(base, GUEST_ZSHM_BASE);
	assert_int_equal(size, 2 * 0x10000);
	assert_string_equal(string_of(node, "zvm,name"), "rtos-linux");
	assert_int_equal(cell_of(node, "zvm,abi-version", 0), 1);
	assert_int_equal(cell_of(node, "zvm,section-size", 0), 0x10000);
	assert_int_equal(cell_of(node, "zvm,self", 0), 1);
	assert_int_equal(cell_of(node, "zvm,writers", 0), 1);
	assert_int_equal(cell_of(node, "zvm,readers", 0), 2);
	assert_int_equal(fdt_stringlist_count(&fdt, node, "zvm,members"), 2);
	assert_string_equal(fdt_stringlist_get(&fdt, node, "zvm,members", 1), "linux");
	assert_irq(node, 0, GIC_SPI, GUEST_INTID_ZSHM0 - 32, 1);
	node = node_at("/zshm@10100000");
	assert_int_equal(cell_of(node, "zvm,channel", 0), 1);
	assert_int_equal(fdt_stringlist_count(&fdt, node, "zvm,members"), 3);
	assert_null(fdt_getprop(&fdt, node, "interrupts", NULL));
	/* Bad ones are refused with a reason. */
	p.zshm[1].self = 3;
	assert_int_equal(guest_dt_build(&p, blob, sizeof(blob), &msg), -ZE_INVAL);
	assert_string_equal(msg.text, "guest devicetree: Zshm channel 1: bad geometry");
}

static void test_without_uart_or_extras(void **state)
{
	struct guest_dt_params p = linux_params(1);
	struct fdt_chosen chosen;
	int size;

	(void)state;
	p.has_uart = false;
	p.has_initrd = false;
	p.bootargs = "";
	p.virtio_mask = 0;
	size = build(&p);
	assert_int_equal(fdt_path_offset(&fdt, "/serial@9000000"), -ZE_NOENT);
	assert_int_equal(fdt_path_offset(&fdt, "/apb-pclk"), -ZE_NOENT);
	assert_int_equal(fdt_path_offset(&fdt, "/aliases"), -ZE_NOENT);
	assert_int_equal(fdt_node_offset_by_compatible(&fdt, -1, "virtio,mmio"), -ZE_NOENT);
	assert_int_equal(fdt_read_chosen(&fdt, &chosen), 0);
	assert_null(chosen.bootargs);
	assert_null(chosen.stdout_path);
	assert_false(chosen.has_initrd);
	/* ZVM's own parser insists on a console, and says so. */
	assert_int_equal(board_from_fdt(blob, (size_t)size, &board, &msg), -ZE_MISSING);
	assert_non_null(strstr(msg.text, "no console UART"));
}

/* The time base page: its own node with its window, only when asked for. */
static void test_time_base_node(void **state)
{
	struct guest_dt_params p = linux_params(2);
	uint64_t base, size;
	uint32_t version;
	int node;

	(void)state;
	build(&p);
	assert_int_equal(fdt_node_offset_by_compatible(&fdt, -1, GUEST_DT_TIMEBASE_COMPATIBLE),
	                 -ZE_NOENT);
	p.has_time_base = true;
	build(&p);
	node = node_at("/time-base@90a0000");
	assert_int_equal(fdt_node_offset_by_compatible(&fdt, -1, GUEST_DT_TIMEBASE_COMPATIBLE),
	                 node);
	assert_int_equal(fdt_read_reg(&fdt, node, 0, &base, &size), 0);
	assert_int_equal(base, GUEST_TIMEBASE_BASE);
	assert_int_equal(size, GUEST_TIMEBASE_SIZE);
	assert_int_equal(fdt_read_u32(&fdt, node, "zvm,version", &version), 0);
	assert_int_equal(version, ZVM_TIMEBASE_VERSION);
}

static void expect_param_error(const struct guest_dt_params *p, const char *words)
{
	memset(&msg, 'x', sizeof(msg));
	assert_int_equal(guest_dt_build(p, blob, sizeof(blob), &msg), -ZE_INVAL);
	if (!strstr(msg.text, words))
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", msg.text, words);
	assert_non_null(strstr(msg.text, "guest devicetree: "));
	assert_non_null(strstr(msg.text, words));
}

static void test_bad_parameters(void **state)
{
	static char long_args[GUEST_DT_BOOTARGS_MAX + 1];
	struct guest_dt_params p;

	(void)state;
	p = linux_params(0);
	expect_param_error(&p, "0 vCPUs (1 to 8 allowed)");
	p = linux_params(GUEST_MAX_VCPUS + 1);
	expect_param_error(&p, "9 vCPUs");
	p = linux_params(1);
	p.ram_size = 0;
	expect_param_error(&p, "empty or wraps");
	p = linux_params(1);
	p.ram_base = 0xfffffffff0000000ull;
	expect_param_error(&p, "empty or wraps");
	p = linux_params(1);
	p.ram_base = 0x09000000;
	p.ram_size = SZ_1M;
	expect_param_error(&p, "overlaps the devices");
	p = linux_params(1);
	p.initrd_end = p.initrd_start;
	expect_param_error(&p, "initrd");
	p = linux_params(1);
	p.initrd_end = GUEST_RAM_BASE + SZ_256M + 1;
	expect_param_error(&p, "not inside RAM");
	p = linux_params(1);
	p.virtio_intid[1] = GUEST_INTID_UART - 2; /* a PPI */
	expect_param_error(&p, "virtio slot 1: INTID 31 is not a guest SPI (32-127)");
	p = linux_params(1);
	p.virtio_intid[0] = 32 + GUEST_SPI_COUNT;
	expect_param_error(&p, "virtio slot 0: INTID 128 is not a guest SPI (32-127)");
	p = linux_params(1);
	memset(long_args, 'a', GUEST_DT_BOOTARGS_MAX);
	p.bootargs = long_args;
	expect_param_error(&p, "bootargs longer than 2047");
	assert_int_equal(guest_dt_build(NULL, blob, sizeof(blob), &msg), -ZE_INVAL);
	assert_int_equal(guest_dt_build(&p, NULL, 0, NULL), -ZE_INVAL);
}

/* Every short buffer: a clear error, nothing written past its end. */
static void test_too_small_buffer(void **state)
{
	struct guest_dt_params p = linux_params(4);
	uint8_t *mem = malloc(GUEST_DT_MAX_SIZE + GUARD_SIZE);
	size_t need, size, i;
	int rc;

	(void)state;
	need = (size_t)build(&p);
	for (size = 0; size <= need; size++) {
		memset(mem, GUARD_BYTE, GUEST_DT_MAX_SIZE + GUARD_SIZE);
		rc = guest_dt_build(&p, mem, size, &msg);
		if (size < need) {
			assert_int_equal(rc, -ZE_FDT_NO_SPACE);
			assert_non_null(strstr(msg.text, "too small"));
		} else {
			assert_int_equal(rc, (int)need);
			assert_memory_equal(mem, blob, need);
		}
		for (i = size; i < size + GUARD_SIZE; i++)
			assert_int_equal(mem[i], GUARD_BYTE);
	}
	rc = guest_dt_build(&p, mem, 50, &msg);
	assert_string_equal(msg.text, "guest devicetree: a buffer of 50 bytes is too "
	                              "small (ran out at \"/memreserve/\")");
	free(mem);
}

/* The largest tree there can be fits GUEST_DT_MAX_SIZE. */
static void test_largest_tree_fits(void **state)
{
	static char args[GUEST_DT_BOOTARGS_MAX];
	struct guest_dt_params p = linux_params(GUEST_MAX_VCPUS);
	int size;

	(void)state;
	memset(args, 'a', sizeof(args) - 1);
	p.bootargs = args;
	p.virtio_mask = ALL_SLOTS;
	for (uint32_t i = 0; i < GUEST_DT_MAX_ZSHM; i++)
		p.zshm[i] = zshm_of(i, GUEST_DT_ZSHM_PEERS, "a-channel-name-of-31-characters");
	p.zshm_count = GUEST_DT_MAX_ZSHM;
	size = build(&p);
	assert_true((size_t)size <= GUEST_DT_MAX_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_memory_chosen),
		cmocka_unit_test(test_cpus_and_psci),
		cmocka_unit_test(test_gic_timer_uart_virtio),
		cmocka_unit_test(test_board_parser_1_vcpu),
		cmocka_unit_test(test_board_parser_4_vcpus),
		cmocka_unit_test(test_board_parser_8_vcpus),
		cmocka_unit_test(test_dtc_accepts),
		cmocka_unit_test(test_virtio_slots_and_interrupts),
		cmocka_unit_test(test_zshm_channels),
		cmocka_unit_test(test_without_uart_or_extras),
		cmocka_unit_test(test_time_base_node),
		cmocka_unit_test(test_bad_parameters),
		cmocka_unit_test(test_too_small_buffer),
		cmocka_unit_test(test_largest_tree_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
