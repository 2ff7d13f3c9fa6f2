/*
 * Host tests of the system package: CRC-32 against its published check
 * value, build-then-open round trips, each kind of damage with its
 * message, and sweeps that truncate the package at every length and flip
 * every byte of its table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crc32.h"
#include "vmm/package.h"

#define ITEMS        3
#define CONFIG_SIZE  300
#define IMAGE_SIZE   5000 /* spans a 4 KiB boundary */
#define INITRD_SIZE  1
#define IMAGE_OFFSET 0xc4000u
/* CRC-32 of "123456789", the standard check value of this CRC. */
#define CRC32_CHECK  0xcbf43926u

static struct zerr_msg msg;

struct built {
	uint8_t *data;
	uint64_t size;
	struct package_item items[ITEMS];
};

static void fill(uint8_t *p, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

/* A package of a config, an image and an initrd, in a malloc'd buffer. */
static struct built build(void)
{
	static const char *const names[ITEMS] = { "config", "linux-Image", "linux-initrd" };
	static const enum package_kind kinds[ITEMS] = { PACKAGE_KIND_CONFIG, PACKAGE_KIND_IMAGE,
		                                        PACKAGE_KIND_INITRD };
	static const uint64_t sizes[ITEMS] = { CONFIG_SIZE, IMAGE_SIZE, INITRD_SIZE };
	uint8_t *payload[ITEMS];
	struct built b;
	int i;

	for (i = 0; i < ITEMS; i++) {
		payload[i] = malloc(sizes[i]);
		assert_non_null(payload[i]);
		fill(payload[i], sizes[i], (unsigned)i + 1);
		b.items[i] = (struct package_item){ kinds[i], names[i], sizes[i],
			                            crc32(payload[i], sizes[i]), 0 };
	}
	assert_int_equal(package_layout(b.items, ITEMS, &b.size, &msg), 0);
	b.data = calloc(1, b.size);
	assert_non_null(b.data);
	assert_int_equal(
	        package_write_table(b.data, b.size, b.items, ITEMS, b.size, IMAGE_OFFSET, &msg), 0);
	for (i = 0; i < ITEMS; i++) {
		memcpy(b.data + b.items[i].offset, payload[i], sizes[i]);
		free(payload[i]);
	}
	return b;
}

static int open_pkg(const struct built *b, uint64_t avail, struct package *pkg)
{
	memset(&msg, 'x', sizeof(msg));
	return package_open(pkg, b->data, avail, &msg);
}

static uint8_t *entry_at(struct built *b, int index)
{
	return b->data + PACKAGE_HEADER_SIZE + (unsigned)index * PACKAGE_ENTRY_SIZE;
}

static void put32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Recomputes the table CRC after a deliberate edit (the format's rule). */
static void reseal(struct built *b)
{
	uint32_t count = b->data[PKG_HDR_ENTRY_COUNT] | (uint32_t)b->data[PKG_HDR_ENTRY_COUNT + 1]
	                                                        << 8;
	uint64_t len = PACKAGE_HEADER_SIZE + (uint64_t)count * PACKAGE_ENTRY_SIZE;
	uint8_t *copy = malloc(len);

	assert_non_null(copy);
	memcpy(copy, b->data, len);
	put32(copy + PKG_HDR_TABLE_CRC, 0);
	put32(b->data + PKG_HDR_TABLE_CRC, crc32(copy, len));
	free(copy);
}

static void test_crc32(void **state)
{
	const char *check = "123456789";

	(void)state;
	assert_int_equal(crc32("", 0), 0);
	assert_int_equal(crc32(check, 9), CRC32_CHECK);
	assert_int_equal(crc32_update(crc32(check, 4), check + 4, 5), CRC32_CHECK);
}

static void test_round_trip(void **state)
{
	struct built b = build();
	struct package pkg;
	struct package_entry e;
	uint64_t size;

	(void)state;
	assert_int_equal(open_pkg(&b, b.size, &pkg), 0);
	assert_string_equal(msg.text, "");
	assert_int_equal(pkg.count, ITEMS);
	assert_int_equal(pkg.size, b.size);
	assert_int_equal(pkg.image_offset, IMAGE_OFFSET);
	assert_int_equal(package_config(&pkg, &e), 0);
	assert_string_equal(e.name, "config");
	assert_int_equal(e.size, CONFIG_SIZE);
	assert_ptr_equal(e.data, b.data + PACKAGE_ALIGN);
	assert_int_equal(package_find(&pkg, "linux-Image", &e), 0);
	assert_int_equal(e.kind, PACKAGE_KIND_IMAGE);
	assert_int_equal(e.size, IMAGE_SIZE);
	assert_int_equal(e.crc, crc32(e.data, IMAGE_SIZE));
	assert_int_equal((e.data - b.data) % PACKAGE_ALIGN, 0);
	assert_int_equal(package_find(&pkg, "config", &e), -ZE_NOENT);
	assert_int_equal(package_find(&pkg, "rtos.bin", &e), -ZE_NOENT);
	assert_int_equal(package_lookup_size(&pkg, "linux-initrd", &size), 0);
	assert_int_equal(size, INITRD_SIZE);
	assert_int_equal(package_get(&pkg, 2, &e), 0);
	assert_string_equal(e.name, "linux-initrd");
	assert_int_equal(package_get(&pkg, 3, &e), -ZE_NOENT);
	/* Payloads follow one another, each at the next 4 KiB boundary. */
	assert_int_equal(b.items[0].offset, PACKAGE_ALIGN);
	assert_int_equal(b.items[1].offset, 2 * PACKAGE_ALIGN);
	assert_int_equal(b.items[2].offset, 4 * PACKAGE_ALIGN);
	assert_int_equal(b.size, 4 * PACKAGE_ALIGN + INITRD_SIZE);
	free(b.data);
}

/* One kind of damage: edit, optionally reseal, expect rc and message. */
static void expect_damage(void (*edit)(struct built *), bool seal, int rc, const char *message)
{
	struct built b = build();
	struct package pkg;

	edit(&b);
	if (seal)
		reseal(&b);
	assert_int_equal(open_pkg(&b, b.size, &pkg), rc);
	assert_string_equal(msg.text, message);
	assert_null(pkg.base);
	free(b.data);
}

static void edit_magic(struct built *b)
{
	b->data[0] = 'X';
}
static void edit_version(struct built *b)
{
	put32(b->data + PKG_HDR_VERSION, 2);
}
static void edit_entry_size(struct built *b)
{
	put32(b->data + PKG_HDR_ENTRY_SIZE, 32);
}
static void edit_flags(struct built *b)
{
	put32(b->data + PKG_HDR_FLAGS, 1);
}
static void edit_reserved(struct built *b)
{
	b->data[PKG_HDR_RESERVED + 3] = 1;
}
static void edit_count_zero(struct built *b)
{
	put32(b->data + PKG_HDR_ENTRY_COUNT, 0);
}
static void edit_count_big(struct built *b)
{
	put32(b->data + PKG_HDR_ENTRY_COUNT, 33);
}
static void edit_size_small(struct built *b)
{
	put64(b->data + PKG_HDR_PACKAGE_SIZE, 64);
}
static void edit_size_big(struct built *b)
{
	put64(b->data + PKG_HDR_PACKAGE_SIZE, b->size + 1);
}
static void edit_entry_byte(struct built *b)
{
	entry_at(b, 1)[PKG_ENT_SIZE] ^= 1;
}
static void edit_payload(struct built *b)
{
	b->data[b->items[1].offset + 4097] ^= 0x80;
}
static void edit_kind(struct built *b)
{
	put32(entry_at(b, 2) + PKG_ENT_KIND, 9);
}
static void edit_name_empty(struct built *b)
{
	entry_at(b, 1)[PKG_ENT_NAME] = 0;
}
static void edit_name_unterminated(struct built *b)
{
	memset(entry_at(b, 1) + PKG_ENT_NAME, 'a', PACKAGE_NAME_MAX);
}
static void edit_name_garbage_after(struct built *b)
{
	entry_at(b, 1)[PKG_ENT_NAME + PACKAGE_NAME_MAX - 1] = 'z';
}
static void edit_offset_unaligned(struct built *b)
{
	put64(entry_at(b, 1) + PKG_ENT_OFFSET, b->items[1].offset + 8);
}
static void edit_offset_overlap(struct built *b)
{
	put64(entry_at(b, 1) + PKG_ENT_OFFSET, b->items[0].offset);
}
static void edit_offset_table(struct built *b)
{
	put64(entry_at(b, 0) + PKG_ENT_OFFSET, 0);
}
static void edit_size_outside(struct built *b)
{
	put64(entry_at(b, 2) + PKG_ENT_SIZE, 2);
}
static void edit_size_huge(struct built *b)
{
	put64(entry_at(b, 2) + PKG_ENT_SIZE, UINT64_MAX);
}
static void edit_duplicate(struct built *b)
{
	memset(entry_at(b, 2) + PKG_ENT_NAME, 0, PACKAGE_NAME_MAX);
	memcpy(entry_at(b, 2) + PKG_ENT_NAME, "linux-Image", 11);
}
static void edit_no_config(struct built *b)
{
	put32(entry_at(b, 0) + PKG_ENT_KIND, PACKAGE_KIND_IMAGE);
}
static void edit_two_configs(struct built *b)
{
	put32(entry_at(b, 2) + PKG_ENT_KIND, PACKAGE_KIND_CONFIG);
}

static void test_bad_header(void **state)
{
	(void)state;
	expect_damage(edit_magic, false, -ZE_NOENT, "package: no package (bad magic)");
	expect_damage(edit_version, true, -ZE_PKG_HEADER, "package: version 2, expected 1");
	expect_damage(edit_entry_size, true, -ZE_PKG_HEADER,
	              "package: header/entry sizes 64/32, expected 64/64");
	expect_damage(edit_flags, true, -ZE_PKG_HEADER,
	              "package: flags or reserved header bytes are not zero");
	expect_damage(edit_reserved, true, -ZE_PKG_HEADER,
	              "package: flags or reserved header bytes are not zero");
	expect_damage(edit_count_zero, true, -ZE_PKG_HEADER, "package: 0 entries (1..32 allowed)");
	expect_damage(edit_count_big, false, -ZE_PKG_HEADER, "package: 33 entries (1..32 allowed)");
	expect_damage(edit_size_small, true, -ZE_PKG_HEADER,
	              "package: package size 64 is smaller than its table");
	expect_damage(edit_size_big, true, -ZE_TRUNCATED,
	              "package: package of 16386 bytes, only 16385 available");
}

static void test_bad_checksums(void **state)
{
	(void)state;
	expect_damage(edit_entry_byte, false, -ZE_CRC, "package: table checksum mismatch");
}

static void test_bad_entries(void **state)
{
	(void)state;
	expect_damage(edit_kind, true, -ZE_PKG_ENTRY, "package: entry 2 has unknown kind 9");
	expect_damage(edit_name_empty, true, -ZE_PKG_ENTRY,
	              "package: entry 1 has an empty, unterminated or unpadded name");
	expect_damage(edit_name_unterminated, true, -ZE_PKG_ENTRY,
	              "package: entry 1 has an empty, unterminated or unpadded name");
	expect_damage(edit_name_garbage_after, true, -ZE_PKG_ENTRY,
	              "package: entry 1 has an empty, unterminated or unpadded name");
	expect_damage(edit_offset_unaligned, true, -ZE_PKG_ENTRY,
	              "package: entry 1 'linux-Image' at offset 8200: not "
	              "4096-aligned or overlaps the table or the entry before it");
	expect_damage(edit_offset_overlap, true, -ZE_PKG_ENTRY,
	              "package: entry 1 'linux-Image' at offset 4096: not "
	              "4096-aligned or overlaps the table or the entry before it");
	expect_damage(edit_offset_table, true, -ZE_PKG_ENTRY,
	              "package: entry 0 'config' at offset 0: not "
	              "4096-aligned or overlaps the table or the entry before it");
	expect_damage(edit_size_outside, true, -ZE_PKG_ENTRY,
	              "package: entry 2 'linux-initrd' (2 bytes at 16384) ends "
	              "outside the 16385-byte package");
	expect_damage(edit_size_huge, true, -ZE_PKG_ENTRY,
	              "package: entry 2 'linux-initrd' (18446744073709551615 "
	              "bytes at 16384) ends outside the 16385-byte package");
	expect_damage(edit_duplicate, true, -ZE_PKG_ENTRY,
	              "package: name 'linux-Image' appears twice");
	expect_damage(edit_no_config, true, -ZE_PKG_ENTRY,
	              "package: 0 configuration entries, expected exactly 1");
	expect_damage(edit_two_configs, true, -ZE_PKG_ENTRY,
	              "package: 2 configuration entries, expected exactly 1");
}

static void test_damaged_payload_message(void **state)
{
	struct built b = build();
	struct package pkg;
	char expected[ZERR_MSG_MAX];
	uint32_t good = b.items[1].crc;

	(void)state;
	edit_payload(&b);
	snprintf(expected, sizeof(expected),
	         "package: 'linux-Image' is damaged "
	         "(CRC 0x%08x, table says 0x%08x)",
	         crc32(b.data + b.items[1].offset, IMAGE_SIZE), good);
	assert_int_equal(open_pkg(&b, b.size, &pkg), -ZE_CRC);
	assert_string_equal(msg.text, expected);
	free(b.data);
}

/* Every shorter view of the package fails cleanly; ASan checks reads. */
static void test_truncated_everywhere(void **state)
{
	struct built b = build();
	struct package pkg;
	uint64_t len;
	uint8_t *copy;

	(void)state;
	for (len = 0; len < b.size; len++) {
		copy = malloc(len ? len : 1);
		assert_non_null(copy);
		memcpy(copy, b.data, len);
		assert_true(package_open(&pkg, copy, len, &msg) < 0);
		assert_true(strncmp(msg.text, "package: ", 9) == 0);
		free(copy);
	}
	free(b.data);
}

/* The CRC covers the whole table: any single flipped bit is caught. */
static void test_every_table_bit(void **state)
{
	struct built b = build();
	struct package pkg;
	uint64_t table = PACKAGE_HEADER_SIZE + ITEMS * PACKAGE_ENTRY_SIZE, i;
	int bit;

	(void)state;
	for (i = 0; i < table; i++) {
		for (bit = 0; bit < 8; bit++) {
			b.data[i] ^= (uint8_t)(1u << bit);
			assert_true(open_pkg(&b, b.size, &pkg) < 0);
			b.data[i] ^= (uint8_t)(1u << bit);
		}
	}
	assert_int_equal(open_pkg(&b, b.size, &pkg), 0);
	free(b.data);
}

static void test_builder_rejects(void **state)
{
	struct package_item items[2] = {
		{ PACKAGE_KIND_CONFIG, "config", 1, 0, 0 },
		{ PACKAGE_KIND_IMAGE, "config", 1, 0, 0 },
	};
	uint8_t small[64];
	uint64_t size;

	(void)state;
	assert_int_equal(package_layout(items, 2, &size, &msg), -ZE_INVAL);
	assert_string_equal(msg.text, "package: name 'config' appears twice");
	items[1].name = "a-name-that-is-far-too-long-for-the-table";
	assert_int_equal(package_layout(items, 2, &size, &msg), -ZE_INVAL);
	assert_string_equal(msg.text, "package: entry 1: name empty or longer than "
	                              "39 characters");
	assert_int_equal(package_layout(items, 0, &size, &msg), -ZE_INVAL);
	assert_int_equal(package_layout(items, 1, &size, &msg), 0);
	assert_int_equal(package_write_table(small, sizeof(small), items, 1, size, 0, &msg),
	                 -ZE_INVAL);
	assert_string_equal(msg.text, "package: table buffer of 64 bytes is too small");
	assert_int_equal(package_table_size(1), PACKAGE_ALIGN);
	assert_int_equal(package_table_size(63), PACKAGE_ALIGN);
	assert_int_equal(package_table_size(64), 2 * PACKAGE_ALIGN);
}

static void test_null_arguments(void **state)
{
	struct package pkg = { 0 };
	struct package_entry e;

	(void)state;
	assert_int_equal(package_open(&pkg, NULL, 0, &msg), -ZE_INVAL);
	assert_int_equal(package_open(NULL, "x", 1, NULL), -ZE_INVAL);
	assert_int_equal(package_get(&pkg, 0, &e), -ZE_INVAL);
	assert_int_equal(package_find(&pkg, "x", &e), -ZE_INVAL);
	assert_int_equal(package_config(&pkg, &e), -ZE_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_checksums),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_damaged_payload_message),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_every_table_bit),
		cmocka_unit_test(test_builder_rejects),
		cmocka_unit_test(test_null_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
