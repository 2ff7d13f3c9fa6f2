/*
 * Host tests of FDT properties, searches, addresses and /chosen, plus
 * hand-assembled blobs whose structure block breaks one rule each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/fdt.h"
#include "tests/unit/fdt_fixture.h"

static struct fdt qemu, custom;
static struct blob qemu_blob, custom_blob;

static int setup(void **state)
{
	(void)state;
	qemu_blob = fixture_load("qemu_virt_smp4");
	custom_blob = fixture_load("board_custom");
	return fdt_init(&qemu, qemu_blob.data, qemu_blob.size) ||
	       fdt_init(&custom, custom_blob.data, custom_blob.size);
}

static int teardown(void **state)
{
	(void)state;
	free(qemu_blob.data);
	free(custom_blob.data);
	return 0;
}

static int node(const struct fdt *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	assert_true(off >= 0);
	return off;
}

static void test_getprop_and_typed_readers(void **state)
{
	int root = fdt_root(&custom), len;
	const char *str;
	uint32_t u32;
	uint64_t u64;

	(void)state;
	str = fdt_getprop(&custom, root, "model", &len);
	assert_string_equal(str, "ZVM test board");
	assert_int_equal(len, strlen("ZVM test board") + 1);
	assert_null(fdt_getprop(&custom, root, "no-such-prop", &len));
	assert_int_equal(len, -ZE_NOENT);
	/* A name that is a prefix of a real one is not that one. */
	assert_null(fdt_getprop(&custom, root, "mod", &len));
	assert_int_equal(fdt_read_u32(&custom, root, "#address-cells", &u32), 0);
	assert_int_equal(u32, 2);
	assert_int_equal(fdt_read_u32(&custom, root, "model", &u32), -ZE_FDT_VALUE);
	assert_int_equal(fdt_read_u64(&custom, node(&custom, "/interrupt-controller@fe600000"),
	                              "redistributor-stride", &u64),
	                 0);
	assert_int_equal(u64, 0x40000);
	assert_int_equal(
	        fdt_read_u32_index(&custom, node(&custom, "/timer"), "interrupts", 4, &u32), 0);
	assert_int_equal(u32, 14);
	assert_int_equal(
	        fdt_read_u32_index(&custom, node(&custom, "/timer"), "interrupts", 15, &u32),
	        -ZE_NOENT);
	/* Boolean (empty) properties are present with length 0. */
	assert_non_null(fdt_getprop(&custom, node(&custom, "/reserved-memory/tee@8400000"),
	                            "no-map", &len));
	assert_int_equal(len, 0);
	assert_int_equal(fdt_read_string(&custom, node(&custom, "/reserved-memory/tee@8400000"),
	                                 "no-map", &str),
	                 -ZE_FDT_VALUE);
}

static void test_property_iteration(void **state)
{
	static const char *const names[] = { "compatible", "method" };
	int psci = node(&custom, "/psci"), prop, i = 0, len;
	const char *name;
	const void *value;

	(void)state;
	for (prop = fdt_first_property(&custom, psci); prop >= 0;
	     prop = fdt_next_property(&custom, prop), i++) {
		assert_int_equal(fdt_property_at(&custom, prop, &name, &value, &len), 0);
		assert_true(i < 2);
		assert_string_equal(name, names[i]);
	}
	assert_int_equal(i, 2);
	assert_int_equal(prop, -ZE_NOENT);
	assert_string_equal(value, "hvc");
	assert_int_equal(len, 4);
}

static void test_string_lists(void **state)
{
	int psci = node(&custom, "/psci");
	static const char list[] = "a\0bc\0unterminated";

	(void)state;
	assert_int_equal(fdt_stringlist_count(&custom, psci, "compatible"), 3);
	assert_string_equal(fdt_stringlist_get(&custom, psci, "compatible", 1), "arm,psci-0.2");
	assert_null(fdt_stringlist_get(&custom, psci, "compatible", 3));
	assert_null(fdt_stringlist_get(&custom, psci, "compatible", -1));
	assert_true(fdt_node_is_compatible(&custom, psci, "arm,psci"));
	assert_false(fdt_node_is_compatible(&custom, psci, "arm,psci-"));
	assert_false(fdt_node_is_compatible(&custom, psci, "arm,psci-1.0x"));
	assert_true(fdt_stringlist_contains(list, sizeof(list) - 1, "bc"));
	assert_false(fdt_stringlist_contains(list, sizeof(list) - 1, "unterminated"));
	assert_false(fdt_stringlist_contains(list, 3, "bc"));
}

static void test_status_and_searches(void **state)
{
	int n = -1, count = 0, available = 0;

	(void)state;
	while ((n = fdt_node_offset_by_compatible(&custom, n, "virtio,mmio")) >= 0) {
		count++;
		available += fdt_node_is_available(&custom, n);
	}
	assert_int_equal(n, -ZE_NOENT);
	assert_int_equal(count, 4);
	assert_int_equal(available, 3);
	for (n = -1, count = 0; (n = fdt_node_offset_by_compatible(&qemu, n, "virtio,mmio")) >= 0;)
		count++;
	assert_int_equal(count, 32);
	for (n = -1, count = 0; (n = fdt_node_offset_by_device_type(&custom, n, "cpu")) >= 0;)
		count++;
	assert_int_equal(count, 4);
	n = fdt_node_offset_by_device_type(&qemu, -1, "memory");
	assert_string_equal(fdt_get_name(&qemu, n, NULL), "memory@40000000");
	assert_int_equal(fdt_node_offset_by_device_type(&qemu, n, "memory"), -ZE_NOENT);
	/* The root itself is searched too. */
	assert_int_equal(fdt_node_offset_by_compatible(&custom, -1, "zvm,generic"),
	                 fdt_root(&custom));
}

static void test_phandles(void **state)
{
	int gic = node(&custom, "/interrupt-controller@fe600000");
	uint32_t phandle = fdt_get_phandle(&custom, gic);

	(void)state;
	assert_true(phandle != 0);
	assert_int_equal(fdt_node_offset_by_phandle(&custom, phandle), gic);
	assert_int_equal(fdt_node_offset_by_phandle(&qemu, 0x8005), node(&qemu, "/intc@8000000"));
	assert_int_equal(fdt_get_phandle(&custom, node(&custom, "/psci")), 0);
	assert_int_equal(fdt_node_offset_by_phandle(&qemu, 0), -ZE_NOENT);
	assert_int_equal(fdt_node_offset_by_phandle(&qemu, 0xffffffff), -ZE_NOENT);
	assert_int_equal(fdt_node_offset_by_phandle(&qemu, 0x7777), -ZE_NOENT);
}

static void test_reg_and_cells(void **state)
{
	int mem = node(&custom, "/memory@0"), ac, sc;
	int cpu = node(&custom, "/cpus/cpu@100000000");
	int virtio = node(&custom, "/bus@a000000/virtio@a000200");
	uint64_t addr, size;

	(void)state;
	assert_int_equal(fdt_reg_count(&custom, mem), 2);
	assert_int_equal(fdt_read_reg(&custom, mem, 1, &addr, &size), 0);
	assert_int_equal(addr, 0x10000000);
	assert_int_equal(size, 0x10000000);
	assert_int_equal(fdt_read_reg(&custom, mem, 2, &addr, &size), -ZE_NOENT);
	assert_int_equal(fdt_reg_cells(&custom, cpu, &ac, &sc), 0);
	assert_int_equal(ac, 2);
	assert_int_equal(sc, 0);
	assert_int_equal(fdt_read_reg(&custom, cpu, 0, &addr, &size), 0);
	assert_int_equal(addr, UINT64_C(0x100000000));
	assert_int_equal(size, 0);
	assert_int_equal(fdt_reg_cells(&custom, virtio, &ac, &sc), 0);
	assert_int_equal(ac, 1);
	assert_int_equal(sc, 1);
	assert_int_equal(fdt_read_reg(&custom, virtio, 0, &addr, NULL), 0);
	assert_int_equal(addr, 0x0a000200);
	/* Defaults 2/1 where #address-cells / #size-cells are absent. */
	assert_int_equal(fdt_address_cells(&custom, node(&custom, "/psci")), 2);
	assert_int_equal(fdt_size_cells(&custom, node(&custom, "/psci")), 1);
	assert_int_equal(fdt_read_reg(&custom, node(&custom, "/psci"), 0, &addr, &size), -ZE_NOENT);
	/* PCI declares 3 cells for its children; its own reg uses the root's. */
	assert_int_equal(fdt_reg_count(&qemu, node(&qemu, "/pcie@10000000")), 1);
	assert_int_equal(fdt_address_cells(&qemu, node(&qemu, "/pcie@10000000")), 3);
}

static void test_chosen(void **state)
{
	struct fdt_chosen chosen;

	(void)state;
	assert_int_equal(fdt_read_chosen(&custom, &chosen), 0);
	assert_string_equal(chosen.bootargs, "console=ttyS2 quiet");
	assert_string_equal(chosen.stdout_path, "serial0:1500000n8");
	assert_int_equal(chosen.stdout_path_len, 7);
	assert_true(chosen.has_initrd);
	assert_int_equal(chosen.initrd_start, 0x48000000);
	assert_int_equal(chosen.initrd_end, 0x48200000);
	assert_int_equal(fdt_read_chosen(&qemu, &chosen), 0);
	assert_null(chosen.bootargs);
	assert_string_equal(chosen.stdout_path, "/pl011@9000000");
	assert_int_equal(chosen.stdout_path_len, strlen("/pl011@9000000"));
	assert_false(chosen.has_initrd);
}

/* --- hand-assembled blobs ------------------------------------------------ */

#define TOK_BEGIN    1
#define TOK_END_NODE 2
#define TOK_PROP     3
#define TOK_NOP      4
#define TOK_END      9
#define HDR_SIZE     40
#define RSV_SIZE     16 /* the terminating entry only */
#define BUILD_MAX    4096
#define STRINGS      "model\0"

/* A v17 blob around the struct-block words given (names are "n"). */
static size_t assemble(unsigned char *out, const uint32_t *words, size_t count)
{
	size_t struct_size = count * 4, off_struct = HDR_SIZE + RSV_SIZE;
	size_t off_strings = off_struct + struct_size, total;
	size_t i;

	total = off_strings + sizeof(STRINGS);
	assert_true(total <= BUILD_MAX);
	memset(out, 0, total);
	blob_put_be32(out, 0xd00dfeed);
	blob_put_be32(out + 4, (uint32_t)total);
	blob_put_be32(out + 8, (uint32_t)off_struct);
	blob_put_be32(out + 12, (uint32_t)off_strings);
	blob_put_be32(out + 16, HDR_SIZE);
	blob_put_be32(out + 20, 17);
	blob_put_be32(out + 24, 16);
	blob_put_be32(out + 32, sizeof(STRINGS));
	blob_put_be32(out + 36, (uint32_t)struct_size);
	for (i = 0; i < count; i++)
		blob_put_be32(out + off_struct + i * 4, words[i]);
	memcpy(out + off_strings, STRINGS, sizeof(STRINGS));
	return total;
}

static int init_words(const uint32_t *words, size_t count, struct fdt *fdt)
{
	static unsigned char buf[BUILD_MAX];
	size_t size = assemble(buf, words, count);

	return fdt_init(fdt, buf, size);
}

#define NAME_N    0x6e000000u /* "n" + NUL + padding */
#define NAME_ROOT 0u          /* "" + padding */
#define INIT(fdt, ...)                                \
	init_words((const uint32_t[]){ __VA_ARGS__ }, \
	           sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t), (fdt))

static void test_assembled_structures(void **state)
{
	struct fdt fdt;
	int child;

	(void)state;
	/* NOPs anywhere are skipped. */
	assert_int_equal(INIT(&fdt, TOK_NOP, TOK_BEGIN, NAME_ROOT, TOK_NOP, TOK_PROP, 1, 0,
	                      0x41000000, TOK_NOP, TOK_BEGIN, NAME_N, TOK_END_NODE, TOK_NOP,
	                      TOK_END_NODE, TOK_NOP, TOK_END),
	                 0);
	child = fdt_first_subnode(&fdt, fdt_root(&fdt));
	assert_string_equal(fdt_get_name(&fdt, child, NULL), "n");
	assert_string_equal(fdt_getprop(&fdt, fdt_root(&fdt), "model", NULL), "A");
	assert_int_equal(fdt_next_subnode(&fdt, child), -ZE_NOENT);
	/* A property after a child node. */
	assert_int_equal(INIT(&fdt, TOK_BEGIN, NAME_ROOT, TOK_BEGIN, NAME_N, TOK_END_NODE, TOK_PROP,
	                      0, 0, TOK_END_NODE, TOK_END),
	                 -ZE_FDT_STRUCTURE);
	/* Two roots; an END_NODE too many; no FDT_END; no root at all. */
	assert_int_equal(INIT(&fdt, TOK_BEGIN, NAME_ROOT, TOK_END_NODE, TOK_BEGIN, NAME_ROOT,
	                      TOK_END_NODE, TOK_END),
	                 -ZE_FDT_STRUCTURE);
	assert_int_equal(INIT(&fdt, TOK_BEGIN, NAME_ROOT, TOK_END_NODE, TOK_END_NODE, TOK_END),
	                 -ZE_FDT_STRUCTURE);
	assert_int_equal(INIT(&fdt, TOK_BEGIN, NAME_ROOT, TOK_END_NODE), -ZE_FDT_STRUCTURE);
	assert_int_equal(INIT(&fdt, TOK_END), -ZE_FDT_STRUCTURE);
	/* Unknown token; property name outside the strings block. */
	assert_int_equal(INIT(&fdt, TOK_BEGIN, NAME_ROOT, 7, TOK_END_NODE, TOK_END),
	                 -ZE_FDT_STRUCTURE);
	assert_int_equal(INIT(&fdt, TOK_BEGIN, NAME_ROOT, TOK_PROP, 0, 4096, TOK_END_NODE, TOK_END),
	                 -ZE_FDT_STRUCTURE);
	/* A property length running past the block; an unterminated name. */
	assert_int_equal(
	        INIT(&fdt, TOK_BEGIN, NAME_ROOT, TOK_PROP, 0x7fffffff, 0, TOK_END_NODE, TOK_END),
	        -ZE_FDT_STRUCTURE);
	assert_int_equal(INIT(&fdt, TOK_BEGIN, 0x41414141), -ZE_FDT_STRUCTURE);
	/* A length that would wrap the offset back to an earlier token. */
	assert_int_equal(
	        INIT(&fdt, TOK_BEGIN, NAME_ROOT, TOK_PROP, 0xffffffec, 0, TOK_END_NODE, TOK_END),
	        -ZE_FDT_STRUCTURE);
}

static void test_nesting_limit(void **state)
{
	uint32_t words[2 * (FDT_MAX_DEPTH + 1) + FDT_MAX_DEPTH + 2];
	struct fdt fdt;
	size_t n = 0;
	int depth, i;

	(void)state;
	for (depth = FDT_MAX_DEPTH; depth <= FDT_MAX_DEPTH + 1; depth++) {
		n = 0;
		for (i = 0; i < depth; i++) {
			words[n++] = TOK_BEGIN;
			words[n++] = NAME_N;
		}
		for (i = 0; i < depth; i++)
			words[n++] = TOK_END_NODE;
		words[n++] = TOK_END;
		assert_int_equal(init_words(words, n, &fdt),
		                 depth > FDT_MAX_DEPTH ? -ZE_TOO_DEEP : 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getprop_and_typed_readers),
		cmocka_unit_test(test_property_iteration),
		cmocka_unit_test(test_string_lists),
		cmocka_unit_test(test_status_and_searches),
		cmocka_unit_test(test_phandles),
		cmocka_unit_test(test_reg_and_cells),
		cmocka_unit_test(test_chosen),
		cmocka_unit_test(test_assembled_structures),
		cmocka_unit_test(test_nesting_limit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
