/*
 * The system package: the configuration blob and the guest images that
 * tools/zvmpack appends to ZVM's boot image, and the bounds-checked,
 * CRC-verified reader ZVM uses at boot.  Portable (host-tested).
 *
 * Layout (all integers little-endian; docs/configuration.md has the
 * full description):
 *
 *   header   64 bytes at the package start
 *   entries  entry_count x 64 bytes, right after the header
 *   payloads each at a PACKAGE_ALIGN-aligned offset from the package
 *            start, in table order, not overlapping
 *
 * The package starts at the first PACKAGE_ALIGN boundary at or after the
 * end of ZVM's own image including its .bss (the arm64 Image header's
 * image_size before packing, i.e. the linker's _end), and the packer
 * raises image_size to cover the whole package so a loader reserves it.
 */
#ifndef VMM_PACKAGE_H
#define VMM_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/zerror.h"

#define PACKAGE_MAGIC       "ZVMPACK" /* 7 chars + NUL = 8 bytes */
#define PACKAGE_MAGIC_LEN   8
#define PACKAGE_VERSION     1
#define PACKAGE_ALIGN       4096u /* payloads and the package start */
#define PACKAGE_HEADER_SIZE 64u
#define PACKAGE_ENTRY_SIZE  64u
#define PACKAGE_NAME_MAX    40 /* bytes of the name field, NUL included */
#define PACKAGE_MAX_ENTRIES 32

/* Header field offsets. */
#define PKG_HDR_MAGIC        0
#define PKG_HDR_VERSION      8  /* u32 */
#define PKG_HDR_HEADER_SIZE  12 /* u32 */
#define PKG_HDR_ENTRY_SIZE   16 /* u32 */
#define PKG_HDR_ENTRY_COUNT  20 /* u32 */
#define PKG_HDR_PACKAGE_SIZE 24 /* u64: header start to end of last payload */
#define PKG_HDR_TABLE_CRC    32 /* u32: header (this field as 0) + entries */
#define PKG_HDR_FLAGS        36 /* u32: none defined, must be 0 */
#define PKG_HDR_IMAGE_OFFSET 40 /* u64: package start from ZVM's Image start */
#define PKG_HDR_RESERVED     48 /* 16 bytes of zero */

/* Entry field offsets. */
#define PKG_ENT_KIND   0  /* u32: enum package_kind */
#define PKG_ENT_CRC    4  /* u32: CRC-32 of the payload */
#define PKG_ENT_OFFSET 8  /* u64: from the package start */
#define PKG_ENT_SIZE   16 /* u64: payload bytes */
#define PKG_ENT_NAME   24 /* PACKAGE_NAME_MAX bytes, NUL-padded */

enum package_kind {
	PACKAGE_KIND_CONFIG = 1, /* the system configuration DTB */
	PACKAGE_KIND_IMAGE = 2,  /* a guest image (kernel or binary) */
	PACKAGE_KIND_INITRD = 3, /* a guest initial ramdisk */
};

/* A verified package: plain data pointing into the blob. */
struct package {
	const uint8_t *base;
	uint64_t size;
	uint32_t count;
	uint64_t image_offset;
};

struct package_entry {
	enum package_kind kind;
	char name[PACKAGE_NAME_MAX];
	const uint8_t *data;
	uint64_t size;
	uint32_t crc;
};

/*
 * Checks the package at blob (at most avail bytes readable): header,
 * table checksum, every entry (bounds, alignment, order, unique names,
 * exactly one config) and every payload's CRC.  0, or -ZE_NOENT (no
 * package), -ZE_TRUNCATED, -ZE_PKG_HEADER, -ZE_PKG_ENTRY, -ZE_CRC or
 * -ZE_INVAL with a one-line reason in msg (lib/zerror.h; may be NULL).
 */
int package_open(struct package *pkg, const void *blob, size_t avail, struct zerr_msg *msg);

/* Entry index (0 .. count-1) of an opened package. */
int package_get(const struct package *pkg, uint32_t index, struct package_entry *out);
/* The entry named name (any kind other than the config). */
int package_find(const struct package *pkg, const char *name, struct package_entry *out);
/* The configuration entry. */
int package_config(const struct package *pkg, struct package_entry *out);
/* Size lookup in the shape vm_config_check_images() wants; ctx is a package. */
int package_lookup_size(void *ctx, const char *name, uint64_t *size);

/* --- building (the packer and the tests) -------------------------------- */
struct package_item {
	enum package_kind kind;
	const char *name;
	uint64_t size;
	uint32_t crc;
	uint64_t offset; /* set by package_layout() */
};

/* Bytes of header + table for count entries, rounded up to PACKAGE_ALIGN. */
uint64_t package_table_size(uint32_t count);
/* Places the payloads after the table; *package_size gets the total. */
int package_layout(struct package_item *items, uint32_t count, uint64_t *package_size,
                   struct zerr_msg *msg);
/*
 * Writes header + entries (package_table_size(count) bytes, zero padded)
 * to buf for items laid out by package_layout().
 */
int package_write_table(void *buf, size_t buflen, const struct package_item *items, uint32_t count,
                        uint64_t package_size, uint64_t image_offset, struct zerr_msg *msg);

#endif
