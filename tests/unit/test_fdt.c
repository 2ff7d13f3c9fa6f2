/*
 * Host tests of the FDT parser against the real QEMU virt blob and a
 * hand-written board, plus damaged headers.  Structural corruption and
 * the byte-flip sweep are in test_fdt_robust.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/fdt.h"
#include "tests/unit/fdt_fixture.h"

/* Header field offsets (Devicetree Specification v0.4, 5.2). */
#define HDR_TOTALSIZE    4
#define HDR_OFF_STRUCT   8
#define HDR_OFF_STRINGS  12
#define HDR_OFF_RSVMAP   16
#define HDR_VERSION      20
#define HDR_LAST_COMP    24
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT  36

struct fixtures {
	struct blob qemu;
	struct blob custom;
	struct fdt qemu_fdt;
	struct fdt custom_fdt;
};

static int setup(void **state)
{
	struct fixtures *fx = calloc(1, sizeof(*fx));

	fx->qemu = fixture_load("qemu_virt_smp4");
	fx->custom = fixture_load("board_custom");
	if (fdt_init(&fx->qemu_fdt, fx->qemu.data, fx->qemu.size) ||
	    fdt_init(&fx->custom_fdt, fx->custom.data, fx->custom.size))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixtures *fx = *state;

	free(fx->qemu.data);
	free(fx->custom.data);
	free(fx);
	return 0;
}

/* fdt_init on a patched copy of the QEMU blob: one be32 header field. */
static int init_with_field(const struct blob *b, int field, uint32_t value, size_t max_size)
{
	unsigned char *copy = blob_copy(b, b->size);
	struct fdt fdt;
	int err;

	blob_put_be32(copy + field, value);
	err = fdt_init(&fdt, copy, max_size);
	free(copy);
	return err;
}

static uint32_t header_field(const struct blob *b, int field)
{
	return fdt_be32(b->data + field);
}

static void test_init_accepts_qemu_blob(void **state)
{
	struct fixtures *fx = *state;

	assert_int_equal(fdt_version(&fx->qemu_fdt), 17);
	assert_int_equal(fdt_total_size(&fx->qemu_fdt), fx->qemu.size);
	assert_int_equal(fdt_boot_cpuid(&fx->qemu_fdt), 0);
	assert_int_equal(fdt_mem_rsv_count(&fx->qemu_fdt), 0);
	assert_true(fdt_root(&fx->qemu_fdt) >= 0);
}

static void test_init_rejects_bad_headers(void **state)
{
	struct fixtures *fx = *state;
	const struct blob *b = &fx->qemu;
	uint32_t total = (uint32_t)b->size;
	struct fdt fdt;

	assert_int_equal(fdt_init(NULL, b->data, b->size), -ZE_INVAL);
	assert_int_equal(fdt_init(&fdt, NULL, b->size), -ZE_INVAL);
	assert_int_equal(init_with_field(b, 0, 0xfeedd00d, total), -ZE_FDT_MAGIC);
	assert_int_equal(fdt_init(&fdt, b->data, 3), -ZE_TRUNCATED);
	assert_int_equal(fdt_init(&fdt, b->data, 20), -ZE_TRUNCATED);
	assert_int_equal(fdt_init(&fdt, b->data, total - 1), -ZE_TRUNCATED);
	assert_int_equal(init_with_field(b, HDR_VERSION, 15, total), -ZE_FDT_VERSION);
	assert_int_equal(init_with_field(b, HDR_LAST_COMP, 18, total), -ZE_FDT_VERSION);
	assert_int_equal(init_with_field(b, HDR_TOTALSIZE, 12, total), -ZE_FDT_LAYOUT);
}

static void test_init_rejects_blocks_outside_blob(void **state)
{
	struct fixtures *fx = *state;
	const struct blob *b = &fx->qemu;
	uint32_t total = (uint32_t)b->size;
	uint32_t off_struct = header_field(b, HDR_OFF_STRUCT);

	assert_int_equal(init_with_field(b, HDR_OFF_STRUCT, total, total), -ZE_FDT_LAYOUT);
	assert_int_equal(init_with_field(b, HDR_OFF_STRUCT, 0xfffffff0u, total), -ZE_FDT_LAYOUT);
	assert_int_equal(init_with_field(b, HDR_OFF_STRUCT, off_struct + 2, total), -ZE_FDT_LAYOUT);
	assert_int_equal(init_with_field(b, HDR_SIZE_STRUCT, total, total), -ZE_FDT_LAYOUT);
	assert_int_equal(init_with_field(b, HDR_OFF_STRINGS, total + 4, total), -ZE_FDT_LAYOUT);
	assert_int_equal(init_with_field(b, HDR_SIZE_STRINGS, 0xffffffffu, total), -ZE_FDT_LAYOUT);
	assert_int_equal(init_with_field(b, HDR_OFF_RSVMAP, 44, total), -ZE_FDT_LAYOUT);
	assert_int_equal(init_with_field(b, HDR_OFF_RSVMAP, total - 8, total), -ZE_FDT_LAYOUT);
	/* A struct block cut short loses its FDT_END token. */
	assert_int_equal(
	        init_with_field(b, HDR_SIZE_STRUCT, header_field(b, HDR_SIZE_STRUCT) - 4, total),
	        -ZE_FDT_STRUCTURE);
	/* Property names must lie in the strings block. */
	assert_int_equal(init_with_field(b, HDR_SIZE_STRINGS, 4, total), -ZE_FDT_STRUCTURE);
}

static void test_init_accepts_version_16(void **state)
{
	struct fixtures *fx = *state;
	unsigned char *copy = blob_copy(&fx->custom, fx->custom.size);
	struct fdt fdt;
	const char *model;

	/* v16 has no size_dt_struct; our blobs put strings after struct. */
	blob_put_be32(copy + HDR_VERSION, 16);
	blob_put_be32(copy + HDR_SIZE_STRUCT, 0xdeadbeef);
	assert_int_equal(fdt_init(&fdt, copy, fx->custom.size), 0);
	assert_int_equal(fdt_version(&fdt), 16);
	assert_int_equal(fdt_read_string(&fdt, fdt_root(&fdt), "model", &model), 0);
	assert_string_equal(model, "ZVM test board");
	free(copy);
}

static void test_failed_init_leaves_nothing_usable(void **state)
{
	struct fixtures *fx = *state;
	unsigned char *copy = blob_copy(&fx->qemu, fx->qemu.size);
	struct fdt fdt;

	copy[0] ^= 0xff;
	assert_int_equal(fdt_init(&fdt, copy, fx->qemu.size), -ZE_FDT_MAGIC);
	assert_true(fdt_root(&fdt) < 0);
	assert_true(fdt_path_offset(&fdt, "/chosen") < 0);
	assert_true(fdt_node_offset_by_compatible(&fdt, -1, "arm,gic-v3") < 0);
	free(copy);
}

static void test_memreserve_entries(void **state)
{
	struct fixtures *fx = *state;
	const struct fdt *fdt = &fx->custom_fdt;
	uint64_t addr, size;

	assert_int_equal(fdt_mem_rsv_count(fdt), 2);
	assert_int_equal(fdt_get_mem_rsv(fdt, 0, &addr, &size), 0);
	assert_int_equal(addr, 0x80000000u);
	assert_int_equal(size, 0x10000);
	assert_int_equal(fdt_get_mem_rsv(fdt, 1, &addr, &size), 0);
	assert_int_equal(addr, 0x80100000u);
	assert_int_equal(size, 0x2000);
	assert_int_equal(fdt_get_mem_rsv(fdt, 2, &addr, &size), -ZE_NOENT);
	assert_int_equal(fdt_get_mem_rsv(fdt, -1, &addr, &size), -ZE_NOENT);
}

static void test_subnodes_in_document_order(void **state)
{
	static const char *const expected[] = {
		"aliases",
		"chosen",
		"memory@0",
		"memory@100000000",
		"reserved-memory",
		"psci",
		"cpus",
		"timer",
		"interrupt-controller@fe600000",
		"serial@feb50000",
		"pl011@9000000",
		"bus@a000000",
	};
	struct fixtures *fx = *state;
	const struct fdt *fdt = &fx->custom_fdt;
	size_t i = 0;
	int node;

	for (node = fdt_first_subnode(fdt, fdt_root(fdt)); node >= 0;
	     node = fdt_next_subnode(fdt, node), i++) {
		assert_true(i < sizeof(expected) / sizeof(expected[0]));
		assert_string_equal(fdt_get_name(fdt, node, NULL), expected[i]);
	}
	assert_int_equal(node, -ZE_NOENT);
	assert_int_equal(i, sizeof(expected) / sizeof(expected[0]));
	assert_int_equal(fdt_first_subnode(fdt, fdt_path_offset(fdt, "/psci")), -ZE_NOENT);
}

static void test_walk_visits_every_node(void **state)
{
	struct fixtures *fx = *state;
	const struct fdt *fdt = &fx->custom_fdt;
	int node = fdt_root(fdt), depth = 0, count = 1, max_depth = 0, len;

	while ((node = fdt_next_node(fdt, node, &depth)) >= 0) {
		count++;
		if (depth > max_depth)
			max_depth = depth;
		assert_int_equal(fdt_node_depth(fdt, node), depth);
	}
	/* root + 12 children + 2 reserved + 7 under /cpus + 4 virtio */
	assert_int_equal(count, 26);
	assert_int_equal(max_depth, 4);
	assert_string_equal(fdt_get_name(fdt, fdt_root(fdt), &len), "");
	assert_int_equal(len, 0);

	/* A subtree walk stays inside the start node. */
	node = fdt_path_offset(fdt, "/cpus");
	depth = 0;
	count = 0;
	while ((node = fdt_next_node(fdt, node, &depth)) >= 0 && depth > 0)
		count++;
	assert_int_equal(count, 7);
}

static void test_path_lookup(void **state)
{
	struct fixtures *fx = *state;
	const struct fdt *fdt = &fx->custom_fdt;
	int node;

	node = fdt_path_offset(fdt, "/cpus/cpu@100");
	assert_true(node >= 0);
	assert_string_equal(fdt_get_name(fdt, node, NULL), "cpu@100");
	assert_int_equal(fdt_path_offset(fdt, "/"), fdt_root(fdt));
	assert_int_equal(fdt_path_offset(fdt, "//cpus/"), fdt_path_offset(fdt, "/cpus"));
	assert_string_equal(fdt_get_name(fdt, fdt_path_offset(fdt, "/memory"), NULL), "memory@0");
	assert_string_equal(
	        fdt_get_name(fdt, fdt_path_offset(fdt, "/bus@a000000/virtio@a000200"), NULL),
	        "virtio@a000200");
	assert_int_equal(fdt_path_offset(fdt, "/cpus/cpu@300"), -ZE_NOENT);
	assert_int_equal(fdt_path_offset(fdt, "/cpu"), -ZE_NOENT);
	assert_int_equal(fdt_path_offset(fdt, "/cpus/cpu@1"), -ZE_NOENT);
	assert_int_equal(fdt_path_offset(fdt, ""), -ZE_FDT_PATH);
	assert_int_equal(fdt_path_offset(fdt, NULL), -ZE_INVAL);
	/* stdout-path style: only the first len bytes count. */
	assert_int_equal(fdt_path_offset_n(fdt, "/psci:junk", 5), fdt_path_offset(fdt, "/psci"));
}

static void test_aliases(void **state)
{
	struct fixtures *fx = *state;
	const struct fdt *fdt = &fx->custom_fdt;

	assert_string_equal(fdt_get_name(fdt, fdt_path_offset(fdt, "serial0"), NULL),
	                    "serial@feb50000");
	assert_string_equal(fdt_get_name(fdt, fdt_path_offset(fdt, "serial1"), NULL),
	                    "pl011@9000000");
	assert_int_equal(fdt_path_offset(fdt, "broken"), -ZE_FDT_PATH);
	assert_int_equal(fdt_path_offset(fdt, "serial7"), -ZE_FDT_PATH);
	assert_int_equal(fdt_path_offset(&fx->qemu_fdt, "serial0"), -ZE_FDT_PATH);
}

static void test_parent_and_depth(void **state)
{
	struct fixtures *fx = *state;
	const struct fdt *fdt = &fx->custom_fdt;
	int core = fdt_path_offset(fdt, "/cpus/cpu-map/cluster0/core0");

	assert_int_equal(fdt_node_depth(fdt, core), 4);
	assert_int_equal(fdt_parent_offset(fdt, core),
	                 fdt_path_offset(fdt, "/cpus/cpu-map/cluster0"));
	assert_int_equal(fdt_parent_offset(fdt, fdt_path_offset(fdt, "/cpus")), fdt_root(fdt));
	assert_int_equal(fdt_parent_offset(fdt, fdt_root(fdt)), -ZE_NOENT);
	assert_int_equal(fdt_node_depth(fdt, fdt_root(fdt)), 0);
}

static void test_bad_offsets_are_refused(void **state)
{
	struct fixtures *fx = *state;
	const struct fdt *fdt = &fx->custom_fdt;
	int prop = fdt_first_property(fdt, fdt_root(fdt)), len;

	assert_true(prop >= 0);
	assert_null(fdt_get_name(fdt, prop, &len));
	assert_int_equal(len, -ZE_FDT_OFFSET);
	assert_int_equal(fdt_first_subnode(fdt, -5), -ZE_FDT_OFFSET);
	assert_int_equal(fdt_first_subnode(fdt, 2), -ZE_FDT_OFFSET);
	assert_int_equal(fdt_next_node(fdt, 1 << 30, NULL), -ZE_FDT_OFFSET);
	assert_int_equal(fdt_parent_offset(fdt, prop), -ZE_FDT_OFFSET);
	assert_int_equal(fdt_next_property(fdt, fdt_root(fdt)), -ZE_FDT_OFFSET);
	assert_null(fdt_getprop(fdt, prop, "model", &len));
	assert_int_equal(len, -ZE_FDT_OFFSET);
}

/* The index answers as the walk does, for every offset (nodes or not). */
static void index_agrees_with_the_walk(const struct fdt *plain)
{
	static struct fdt_node_link links[512];
	struct fdt_index idx;
	struct fdt fdt = *plain;
	unsigned small;

	assert_int_equal(fdt_index_build(&fdt, &idx, links, 512), 0);
	assert_non_null(fdt.index);
	assert_true(idx.count > 1);
	for (int off = -8; off < (int)plain->struct_size + 8; off += 4) {
		assert_int_equal(fdt_parent_offset(&fdt, off), fdt_parent_offset(plain, off));
		assert_int_equal(fdt_node_depth(&fdt, off), fdt_node_depth(plain, off));
	}
	/* Too small a table: no index, and the walk goes on answering. */
	small = idx.count - 1;
	assert_int_equal(fdt_index_build(&fdt, &idx, links, small), -ZE_NO_SPACE);
	assert_null(fdt.index);
	assert_int_equal(fdt_parent_offset(&fdt, links[1].node), links[1].parent);
}

static void test_node_index_agrees_with_the_walk(void **state)
{
	struct fixtures *fx = *state;

	index_agrees_with_the_walk(&fx->qemu_fdt);
	index_agrees_with_the_walk(&fx->custom_fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_accepts_qemu_blob),
		cmocka_unit_test(test_init_rejects_bad_headers),
		cmocka_unit_test(test_init_rejects_blocks_outside_blob),
		cmocka_unit_test(test_init_accepts_version_16),
		cmocka_unit_test(test_failed_init_leaves_nothing_usable),
		cmocka_unit_test(test_memreserve_entries),
		cmocka_unit_test(test_subnodes_in_document_order),
		cmocka_unit_test(test_walk_visits_every_node),
		cmocka_unit_test(test_node_index_agrees_with_the_walk),
		cmocka_unit_test(test_path_lookup),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_parent_and_depth),
		cmocka_unit_test(test_bad_offsets_are_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
