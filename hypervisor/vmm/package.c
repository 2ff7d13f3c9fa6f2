/*
 * Reading the system package at boot.  Nothing in it is trusted: a
 * truncated download, a stray write or a packer bug must end in a
 * message, never in ZVM reading outside the blob or booting a guest from
 * damaged bytes.  So package_open() checks the whole table and every
 * payload's CRC once; the accessors then only index verified data.
 */
#include "vmm/package_priv.h"
#include "lib/crc32.h"
#include "lib/format.h"
#include "lib/string.h"

#include <stdarg.h>

#define ERR_PREFIX "package: "

int pkg_fail(struct zerr_msg *msg, enum zerror code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = zerr_vset(msg, code, ERR_PREFIX, fmt, ap);
	va_end(ap);
	return rc;
}

uint32_t pkg_table_crc(const uint8_t *base, uint32_t count)
{
	static const uint8_t zero[sizeof(uint32_t)];
	uint32_t crc;

	crc = crc32_update(0, base, PKG_HDR_TABLE_CRC);
	crc = crc32_update(crc, zero, sizeof(zero));
	return crc32_update(crc, base + PKG_HDR_TABLE_CRC + sizeof(zero),
	                    PACKAGE_HEADER_SIZE - PKG_HDR_TABLE_CRC - sizeof(zero) +
	                            (uint64_t)count * PACKAGE_ENTRY_SIZE);
}

static bool all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

static int check_header(const uint8_t *b, size_t avail, struct zerr_msg *msg)
{
	uint32_t count;
	uint64_t size;

	if (avail < PACKAGE_HEADER_SIZE)
		return pkg_fail(msg, ZE_TRUNCATED, "%zu bytes cannot hold the %u-byte header",
		                avail, PACKAGE_HEADER_SIZE);
	if (memcmp(b + PKG_HDR_MAGIC, PACKAGE_MAGIC, PACKAGE_MAGIC_LEN) != 0)
		return pkg_fail(msg, ZE_NOENT, "no package (bad magic)");
	if (pkg_get32(b + PKG_HDR_VERSION) != PACKAGE_VERSION)
		return pkg_fail(msg, ZE_PKG_HEADER, "version %u, expected %u",
		                pkg_get32(b + PKG_HDR_VERSION), PACKAGE_VERSION);
	if (pkg_get32(b + PKG_HDR_HEADER_SIZE) != PACKAGE_HEADER_SIZE ||
	    pkg_get32(b + PKG_HDR_ENTRY_SIZE) != PACKAGE_ENTRY_SIZE)
		return pkg_fail(msg, ZE_PKG_HEADER, "header/entry sizes %u/%u, expected %u/%u",
		                pkg_get32(b + PKG_HDR_HEADER_SIZE),
		                pkg_get32(b + PKG_HDR_ENTRY_SIZE), PACKAGE_HEADER_SIZE,
		                PACKAGE_ENTRY_SIZE);
	if (pkg_get32(b + PKG_HDR_FLAGS) != 0 ||
	    !all_zero(b + PKG_HDR_RESERVED, PACKAGE_HEADER_SIZE - PKG_HDR_RESERVED))
		return pkg_fail(msg, ZE_PKG_HEADER, "flags or reserved header bytes are not zero");
	count = pkg_get32(b + PKG_HDR_ENTRY_COUNT);
	if (count == 0 || count > PACKAGE_MAX_ENTRIES)
		return pkg_fail(msg, ZE_PKG_HEADER, "%u entries (1..%u allowed)", count,
		                PACKAGE_MAX_ENTRIES);
	size = pkg_get64(b + PKG_HDR_PACKAGE_SIZE);
	if (size < package_table_size(count))
		return pkg_fail(msg, ZE_PKG_HEADER, "package size %llu is smaller than its table",
		                (unsigned long long)size);
	if (size > avail)
		return pkg_fail(msg, ZE_TRUNCATED, "package of %llu bytes, only %zu available",
		                (unsigned long long)size, avail);
	if (pkg_table_crc(b, count) != pkg_get32(b + PKG_HDR_TABLE_CRC))
		return pkg_fail(msg, ZE_CRC, "table checksum mismatch");
	return 0;
}

static void decode_entry(const struct package *pkg, uint32_t index, struct package_entry *out)
{
	const uint8_t *e = pkg->base + PACKAGE_HEADER_SIZE + (uint64_t)index * PACKAGE_ENTRY_SIZE;
	uint64_t offset = pkg_get64(e + PKG_ENT_OFFSET);

	out->kind = (enum package_kind)pkg_get32(e + PKG_ENT_KIND);
	out->crc = pkg_get32(e + PKG_ENT_CRC);
	out->size = pkg_get64(e + PKG_ENT_SIZE);
	memcpy(out->name, e + PKG_ENT_NAME, PACKAGE_NAME_MAX);
	/* Only used after the bounds check, which ensures offset <= size. */
	out->data = offset <= pkg->size ? pkg->base + offset : NULL;
}

static bool kind_is_known(uint32_t kind)
{
	return kind == PACKAGE_KIND_CONFIG || kind == PACKAGE_KIND_IMAGE ||
	       kind == PACKAGE_KIND_INITRD;
}

/* Bounds, alignment, order and name of entry index; *next_free advances. */
static int check_entry(const struct package *pkg, uint32_t index, uint64_t *next_free,
                       struct zerr_msg *msg)
{
	const uint8_t *e = pkg->base + PACKAGE_HEADER_SIZE + (uint64_t)index * PACKAGE_ENTRY_SIZE;
	uint32_t kind = pkg_get32(e + PKG_ENT_KIND);
	uint64_t offset = pkg_get64(e + PKG_ENT_OFFSET);
	uint64_t size = pkg_get64(e + PKG_ENT_SIZE);
	const uint8_t *name = e + PKG_ENT_NAME;
	size_t len = strnlen((const char *)name, PACKAGE_NAME_MAX);

	if (!kind_is_known(kind))
		return pkg_fail(msg, ZE_PKG_ENTRY, "entry %u has unknown kind %u", index, kind);
	if (len == 0 || len == PACKAGE_NAME_MAX || !all_zero(name + len, PACKAGE_NAME_MAX - len))
		return pkg_fail(msg, ZE_PKG_ENTRY,
		                "entry %u has an empty, unterminated or unpadded name", index);
	if (offset % PACKAGE_ALIGN || offset < *next_free)
		return pkg_fail(msg, ZE_PKG_ENTRY,
		                "entry %u '%s' at offset %llu: not %u-aligned or "
		                "overlaps the table or the entry before it",
		                index, (const char *)name, (unsigned long long)offset,
		                PACKAGE_ALIGN);
	if (offset > pkg->size || size > pkg->size - offset)
		return pkg_fail(msg, ZE_PKG_ENTRY,
		                "entry %u '%s' (%llu bytes at %llu) ends outside "
		                "the %llu-byte package",
		                index, (const char *)name, (unsigned long long)size,
		                (unsigned long long)offset, (unsigned long long)pkg->size);
	*next_free = offset + size;
	return 0;
}

static int check_names_and_config(const struct package *pkg, struct zerr_msg *msg)
{
	struct package_entry a, b;
	uint32_t i, j, configs = 0;

	for (i = 0; i < pkg->count; i++) {
		decode_entry(pkg, i, &a);
		if (a.kind == PACKAGE_KIND_CONFIG)
			configs++;
		for (j = i + 1; j < pkg->count; j++) {
			decode_entry(pkg, j, &b);
			if (strcmp(a.name, b.name) == 0)
				return pkg_fail(msg, ZE_PKG_ENTRY, "name '%s' appears twice",
				                a.name);
		}
	}
	if (configs != 1)
		return pkg_fail(msg, ZE_PKG_ENTRY, "%u configuration entries, expected exactly 1",
		                configs);
	return 0;
}

static int check_payloads(const struct package *pkg, struct zerr_msg *msg)
{
	struct package_entry e;
	uint32_t i, crc;

	for (i = 0; i < pkg->count; i++) {
		decode_entry(pkg, i, &e);
		crc = crc32(e.data, (size_t)e.size);
		if (crc != e.crc)
			return pkg_fail(msg, ZE_CRC,
			                "'%s' is damaged (CRC 0x%08x, table says 0x%08x)", e.name,
			                crc, e.crc);
	}
	return 0;
}

int package_open(struct package *pkg, const void *blob, size_t avail, struct zerr_msg *msg)
{
	uint64_t next_free;
	uint32_t i;
	int rc;

	zerr_clear(msg);
	if (!pkg || !blob)
		return pkg_fail(msg, ZE_INVAL, "no package given");
	memset(pkg, 0, sizeof(*pkg));
	rc = check_header(blob, avail, msg);
	if (rc)
		return rc;
	pkg->base = blob;
	pkg->size = pkg_get64(pkg->base + PKG_HDR_PACKAGE_SIZE);
	pkg->count = pkg_get32(pkg->base + PKG_HDR_ENTRY_COUNT);
	pkg->image_offset = pkg_get64(pkg->base + PKG_HDR_IMAGE_OFFSET);
	next_free = PACKAGE_HEADER_SIZE + (uint64_t)pkg->count * PACKAGE_ENTRY_SIZE;
	for (i = 0; i < pkg->count && rc == 0; i++)
		rc = check_entry(pkg, i, &next_free, msg);
	if (rc == 0)
		rc = check_names_and_config(pkg, msg);
	if (rc == 0)
		rc = check_payloads(pkg, msg);
	if (rc)
		memset(pkg, 0, sizeof(*pkg));
	return rc;
}

int package_get(const struct package *pkg, uint32_t index, struct package_entry *out)
{
	if (!pkg || !out || !pkg->base)
		return -ZE_INVAL;
	if (index >= pkg->count)
		return -ZE_NOENT;
	decode_entry(pkg, index, out);
	return 0;
}

int package_find(const struct package *pkg, const char *name, struct package_entry *out)
{
	uint32_t i;

	if (!pkg || !name || !out || !pkg->base)
		return -ZE_INVAL;
	for (i = 0; i < pkg->count; i++) {
		decode_entry(pkg, i, out);
		if (out->kind != PACKAGE_KIND_CONFIG && strcmp(out->name, name) == 0)
			return 0;
	}
	return -ZE_NOENT;
}

int package_config(const struct package *pkg, struct package_entry *out)
{
	uint32_t i;

	if (!pkg || !out || !pkg->base)
		return -ZE_INVAL;
	for (i = 0; i < pkg->count; i++) {
		decode_entry(pkg, i, out);
		if (out->kind == PACKAGE_KIND_CONFIG)
			return 0;
	}
	return -ZE_NOENT;
}

int package_lookup_size(void *ctx, const char *name, uint64_t *size)
{
	struct package_entry e;
	int rc = package_find(ctx, name, &e);

	if (rc == 0)
		*size = e.size;
	return rc;
}
