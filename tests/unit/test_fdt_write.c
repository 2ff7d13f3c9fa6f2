/*
 * Host tests of the FDT writer: trees read back with lib/fdt and checked
 * by the real dtc, string sharing, phandles, every kind of misuse, and a
 * sweep over every too-small buffer size with guard bytes behind it.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/fdt.h"
#include "lib/fdt_write.h"
#include "tests/unit/dtc_check.h"

#define BUF_SIZE         4096
#define GUARD_SIZE       64
#define GUARD_BYTE       0xa5
#define HDR_SIZE_STRINGS 32 /* DT spec v0.4, 5.2 */
#define HDR_LAST_COMP    24

static uint8_t buf[BUF_SIZE];
static struct fdt_writer w;
static struct fdt fdt;

static uint32_t be32_at(const uint8_t *p)
{
	return fdt_be32(p);
}

/* A small but complete tree using every kind of property. */
static int build_sample(struct fdt_writer *wr, void *out, size_t size, size_t *total)
{
	static const uint32_t cells[] = { 1, 2, 0xdeadbeef };
	static const uint64_t reg[] = { 0x40000000, 0x8000000 };
	static const char *const compat[] = { "zvm,test", "simple-bus" };
	static const uint8_t raw[] = { 0xde, 0xad, 0xbe };
	uint32_t ph;

	fdt_write_init(wr, out, size);
	fdt_write_boot_cpuid(wr, 3);
	fdt_write_reserve(wr, 0x48000000, 0x1000);
	fdt_write_reserve(wr, 0x7ff00000, 0x100000);
	fdt_write_begin_node(wr, "");
	fdt_write_prop_u32(wr, "#address-cells", 2);
	fdt_write_prop_u32(wr, "#size-cells", 2);
	fdt_write_prop_strings(wr, "compatible", compat, 2);
	fdt_write_prop_string(wr, "model", "ZVM writer test");
	fdt_write_begin_node_at(wr, "memory", 0x40000000);
	fdt_write_prop_string(wr, "device_type", "memory");
	fdt_write_prop_u64s(wr, "reg", reg, 2);
	fdt_write_end_node(wr);
	fdt_write_begin_node(wr, "ctrl");
	fdt_write_new_phandle(wr, &ph);
	fdt_write_prop_empty(wr, "interrupt-controller");
	fdt_write_prop_u32(wr, "#interrupt-cells", 1);
	fdt_write_prop_u32(wr, "#address-cells", 0);
	fdt_write_prop_cells(wr, "cells", cells, 3);
	fdt_write_prop_u64(wr, "big", 0x0123456789abcdefull);
	fdt_write_prop(wr, "raw", raw, sizeof(raw));
	fdt_write_begin_node(wr, "child");
	fdt_write_prop_u32(wr, "owner", ph);
	fdt_write_end_node(wr);
	fdt_write_end_node(wr);
	fdt_write_end_node(wr);
	return fdt_write_finish(wr, total);
}

static void test_minimal_root(void **state)
{
	size_t total = 0;

	(void)state;
	assert_int_equal(fdt_write_init(&w, buf, sizeof(buf)), 0);
	assert_int_equal(fdt_write_begin_node(&w, ""), 0);
	assert_int_equal(fdt_write_end_node(&w), 0);
	assert_int_equal(fdt_write_finish(&w, &total), 0);
	/* header 40 + reservation terminator 16 + BEGIN "" 8 + END_NODE + END */
	assert_int_equal(total, 40 + 16 + 8 + 4 + 4);
	assert_int_equal(fdt_init(&fdt, buf, total), 0);
	assert_int_equal(fdt_version(&fdt), 17);
	assert_int_equal(be32_at(buf + HDR_LAST_COMP), 16);
	assert_int_equal(fdt_mem_rsv_count(&fdt), 0);
	assert_int_equal(fdt_first_subnode(&fdt, fdt_root(&fdt)), -ZE_NOENT);
	assert_dtc_accepts(buf, total);
}

static void test_sample_reads_back(void **state)
{
	uint64_t addr, size, v64;
	const char *s;
	const uint8_t *raw;
	uint32_t v, ph;
	size_t total;
	int node, len;

	(void)state;
	assert_int_equal(build_sample(&w, buf, sizeof(buf), &total), 0);
	assert_int_equal(fdt_init(&fdt, buf, total), 0);
	assert_int_equal(fdt_total_size(&fdt), total);
	assert_int_equal(fdt_boot_cpuid(&fdt), 3);
	assert_int_equal(fdt_mem_rsv_count(&fdt), 2);
	assert_int_equal(fdt_get_mem_rsv(&fdt, 1, &addr, &size), 0);
	assert_int_equal(addr, 0x7ff00000);
	assert_int_equal(size, 0x100000);

	assert_int_equal(fdt_stringlist_count(&fdt, fdt_root(&fdt), "compatible"), 2);
	assert_string_equal(fdt_stringlist_get(&fdt, fdt_root(&fdt), "compatible", 1),
	                    "simple-bus");
	assert_int_equal(fdt_read_string(&fdt, fdt_root(&fdt), "model", &s), 0);
	assert_string_equal(s, "ZVM writer test");

	node = fdt_path_offset(&fdt, "/memory@40000000");
	assert_true(node >= 0);
	assert_int_equal(fdt_read_reg(&fdt, node, 0, &addr, &size), 0);
	assert_int_equal(addr, 0x40000000);
	assert_int_equal(size, 0x8000000);

	node = fdt_path_offset(&fdt, "/ctrl");
	assert_true(node >= 0);
	assert_non_null(fdt_getprop(&fdt, node, "interrupt-controller", &len));
	assert_int_equal(len, 0);
	assert_int_equal(fdt_read_u32_index(&fdt, node, "cells", 2, &v), 0);
	assert_int_equal(v, 0xdeadbeef);
	assert_int_equal(fdt_read_u64(&fdt, node, "big", &v64), 0);
	assert_int_equal(v64, 0x0123456789abcdefull);
	raw = fdt_getprop(&fdt, node, "raw", &len);
	assert_int_equal(len, 3);
	assert_memory_equal(raw, "\xde\xad\xbe", 3);
	ph = fdt_get_phandle(&fdt, node);
	assert_int_equal(ph, 1);

	node = fdt_path_offset(&fdt, "/ctrl/child");
	assert_true(node >= 0);
	assert_int_equal(fdt_read_u32(&fdt, node, "owner", &v), 0);
	assert_int_equal(fdt_node_offset_by_phandle(&fdt, v), fdt_path_offset(&fdt, "/ctrl"));
	assert_dtc_accepts(buf, total);
}

/* Names are stored once, and a name that ends another shares its bytes. */
static void test_strings_are_shared(void **state)
{
	size_t total;
	uint32_t v;

	(void)state;
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_prop_u32(&w, "#size-cells", 1);
	fdt_write_prop_u32(&w, "size-cells", 1);
	fdt_write_prop_u32(&w, "cells", 1);
	fdt_write_begin_node(&w, "a");
	fdt_write_prop_u32(&w, "#size-cells", 2);
	fdt_write_prop_u32(&w, "value", 2);
	fdt_write_end_node(&w);
	fdt_write_begin_node(&w, "b");
	fdt_write_prop_u32(&w, "value", 3);
	fdt_write_prop_u32(&w, "size-cells", 3);
	fdt_write_end_node(&w);
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w, &total), 0);
	/* Only "#size-cells\0" and "value\0" are stored. */
	assert_int_equal(be32_at(buf + HDR_SIZE_STRINGS),
	                 strlen("#size-cells") + 1 + strlen("value") + 1);
	assert_int_equal(fdt_init(&fdt, buf, total), 0);
	assert_int_equal(fdt_read_u32(&fdt, fdt_path_offset(&fdt, "/b"), "size-cells", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(fdt_read_u32(&fdt, fdt_root(&fdt), "cells", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(fdt_read_u32(&fdt, fdt_path_offset(&fdt, "/a"), "#size-cells", &v), 0);
	assert_int_equal(v, 2);
	assert_dtc_accepts(buf, total);
}

static void test_unit_addresses(void **state)
{
	size_t total;

	(void)state;
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_begin_node_at(&w, "n", 0);
	fdt_write_end_node(&w);
	fdt_write_begin_node_at(&w, "n", 0x9000000);
	fdt_write_end_node(&w);
	fdt_write_begin_node_at(&w, "n", 0x8000000000ull);
	fdt_write_end_node(&w);
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w, &total), 0);
	assert_int_equal(fdt_init(&fdt, buf, total), 0);
	assert_true(fdt_path_offset(&fdt, "/n@0") >= 0);
	assert_true(fdt_path_offset(&fdt, "/n@9000000") >= 0);
	assert_true(fdt_path_offset(&fdt, "/n@8000000000") >= 0);
}

static void test_phandles(void **state)
{
	uint32_t ph = 0;

	(void)state;
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_begin_node(&w, "a");
	assert_int_equal(fdt_write_new_phandle(&w, &ph), 0);
	assert_int_equal(ph, 1);
	fdt_write_end_node(&w);
	fdt_write_begin_node(&w, "b");
	assert_int_equal(fdt_write_phandle(&w, 0x8000), 0);
	fdt_write_end_node(&w);
	fdt_write_begin_node(&w, "c");
	assert_int_equal(fdt_write_new_phandle(&w, &ph), 0);
	assert_int_equal(ph, 0x8001);
	fdt_write_end_node(&w);
	fdt_write_begin_node(&w, "d");
	assert_int_equal(fdt_write_phandle(&w, 0x8000), -ZE_FDT_PHANDLE);
	assert_string_equal(fdt_write_error_name(&w), "phandle");

	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_phandle(&w, 0), -ZE_FDT_PHANDLE);
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_phandle(&w, 0xffffffff), -ZE_FDT_PHANDLE);
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_phandle(&w, 0xfffffffe), 0);
	fdt_write_begin_node(&w, "x");
	assert_int_equal(fdt_write_new_phandle(&w, &ph), -ZE_FDT_PHANDLE);
}

/* Each misuse, with the error staying put for every later call. */
static void test_order_errors(void **state)
{
	(void)state;
	fdt_write_init(&w, buf, sizeof(buf));
	assert_int_equal(fdt_write_prop_u32(&w, "x", 1), -ZE_FDT_CALL_ORDER);
	assert_string_equal(fdt_write_error_name(&w), "x");
	assert_int_equal(fdt_write_begin_node(&w, ""), -ZE_FDT_CALL_ORDER);
	assert_int_equal(fdt_write_finish(&w, NULL), -ZE_FDT_CALL_ORDER);
	assert_int_equal(fdt_write_error(&w), -ZE_FDT_CALL_ORDER);

	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_reserve(&w, 0, 1), -ZE_FDT_CALL_ORDER);

	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_begin_node(&w, "sub");
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_prop_u32(&w, "late", 1), -ZE_FDT_CALL_ORDER);
	assert_string_equal(fdt_write_error_name(&w), "late");

	fdt_write_init(&w, buf, sizeof(buf));
	assert_int_equal(fdt_write_begin_node(&w, "notroot"), -ZE_FDT_CALL_ORDER);

	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_begin_node(&w, ""), -ZE_FDT_CALL_ORDER);

	fdt_write_init(&w, buf, sizeof(buf));
	assert_int_equal(fdt_write_finish(&w, NULL), -ZE_FDT_CALL_ORDER);
}

static void test_unbalanced_and_finished(void **state)
{
	(void)state;
	fdt_write_init(&w, buf, sizeof(buf));
	assert_int_equal(fdt_write_end_node(&w), -ZE_FDT_UNBALANCED);

	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_begin_node(&w, "open");
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w, NULL), -ZE_FDT_UNBALANCED);

	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w, NULL), 0);
	assert_int_equal(fdt_write_end_node(&w), -ZE_FDT_FINISHED);
	assert_int_equal(fdt_write_finish(&w, NULL), -ZE_FDT_FINISHED);
	assert_int_equal(fdt_write_boot_cpuid(&w, 1), -ZE_FDT_FINISHED);
}

static void expect_bad_node_name(const char *name)
{
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_begin_node(&w, name), -ZE_FDT_NAME);
}

static void expect_bad_prop_name(const char *name)
{
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_prop_empty(&w, name), -ZE_FDT_NAME);
}

static void test_bad_names(void **state)
{
	(void)state;
	expect_bad_node_name("");
	expect_bad_node_name("1st");
	expect_bad_node_name("a b");
	expect_bad_node_name("node@");
	expect_bad_node_name("a/b");
	expect_bad_node_name("a@b@c");
	expect_bad_node_name("abcdefghijklmnopqrstuvwxyz012345"); /* 32 */
	expect_bad_prop_name("");
	expect_bad_prop_name("a b");
	expect_bad_prop_name("x@y");
	expect_bad_prop_name("abcdefghijklmnopqrstuvwxyz012345");
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_begin_node(&w, "abcdefghijklmnopqrstuvwxyz01234@0,1"), 0);
	assert_int_equal(fdt_write_prop_empty(&w, "#a,b.c_d+e?f-g"), 0);
	assert_int_equal(fdt_write_begin_node_at(&w, "", 1), -ZE_FDT_NAME);
}

static void test_duplicates(void **state)
{
	size_t total;

	(void)state;
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_prop_u32(&w, "a", 1);
	fdt_write_prop_u32(&w, "b", 1);
	assert_int_equal(fdt_write_prop_u32(&w, "a", 2), -ZE_FDT_DUPLICATE);
	assert_string_equal(fdt_write_error_name(&w), "a");

	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_begin_node(&w, "x");
	fdt_write_begin_node(&w, "y");
	fdt_write_end_node(&w);
	fdt_write_end_node(&w);
	fdt_write_begin_node(&w, "y");  /* same name, other parent: fine */
	fdt_write_prop_u32(&w, "a", 1); /* and so is a name of another node */
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_error(&w), 0);
	assert_int_equal(fdt_write_begin_node(&w, "x"), -ZE_FDT_DUPLICATE);

	/* Sibling check sees past nested children of earlier siblings. */
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	fdt_write_begin_node(&w, "p");
	fdt_write_begin_node(&w, "q");
	fdt_write_end_node(&w);
	fdt_write_end_node(&w);
	fdt_write_begin_node(&w, "q");
	fdt_write_end_node(&w);
	fdt_write_end_node(&w);
	assert_int_equal(fdt_write_finish(&w, &total), 0);
	assert_dtc_accepts(buf, total);
}

static void test_too_deep(void **state)
{
	int i;

	(void)state;
	fdt_write_init(&w, buf, sizeof(buf));
	assert_int_equal(fdt_write_begin_node(&w, ""), 0);
	for (i = 1; i < FDTW_MAX_DEPTH; i++)
		assert_int_equal(fdt_write_begin_node(&w, "n"), 0);
	assert_int_equal(fdt_write_begin_node(&w, "n"), -ZE_TOO_DEEP);
}

static void test_bad_args(void **state)
{
	(void)state;
	assert_int_equal(fdt_write_init(NULL, buf, 1), -ZE_INVAL);
	assert_int_equal(fdt_write_init(&w, NULL, 100), -ZE_INVAL);
	assert_int_equal(fdt_write_begin_node(&w, ""), -ZE_INVAL);
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_prop_string(&w, "s", NULL), -ZE_INVAL);
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_prop(&w, "p", NULL, 4), -ZE_INVAL);
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_begin_node(&w, NULL), -ZE_INVAL);
	fdt_write_init(&w, buf, sizeof(buf));
	fdt_write_begin_node(&w, "");
	assert_int_equal(fdt_write_prop_strings(&w, "l", (const char *[]){ "a", NULL }, 2),
	                 -ZE_INVAL);
}

/*
 * Every buffer shorter than the blob fails with NO_SPACE and leaves the
 * guard bytes behind it untouched; the exact size works.
 */
static void test_every_short_buffer(void **state)
{
	uint8_t *mem = malloc(BUF_SIZE + GUARD_SIZE);
	size_t need, size, i, total;

	(void)state;
	assert_int_equal(build_sample(&w, buf, sizeof(buf), &need), 0);
	for (size = 0; size <= need; size++) {
		memset(mem, GUARD_BYTE, BUF_SIZE + GUARD_SIZE);
		total = 0;
		if (size < need) {
			assert_int_equal(build_sample(&w, mem, size, &total), -ZE_FDT_NO_SPACE);
			assert_int_equal(fdt_write_error(&w), -ZE_FDT_NO_SPACE);
		} else {
			assert_int_equal(build_sample(&w, mem, size, &total), 0);
			assert_int_equal(total, need);
			assert_memory_equal(mem, buf, need);
		}
		for (i = size; i < size + GUARD_SIZE; i++)
			assert_int_equal(mem[i], GUARD_BYTE);
	}
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_root),
		cmocka_unit_test(test_sample_reads_back),
		cmocka_unit_test(test_strings_are_shared),
		cmocka_unit_test(test_unit_addresses),
		cmocka_unit_test(test_phandles),
		cmocka_unit_test(test_order_errors),
		cmocka_unit_test(test_unbalanced_and_finished),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_every_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
