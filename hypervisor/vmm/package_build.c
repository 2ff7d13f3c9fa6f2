/*
 * Writing a package table: used by tools/zvmpack and by the tests, so
 * the writer and the reader share one definition of the format.
 */
#include "vmm/package_priv.h"
#include "lib/string.h"

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) / align * align;
}

uint64_t package_table_size(uint32_t count)
{
	return align_up(PACKAGE_HEADER_SIZE + (uint64_t)count * PACKAGE_ENTRY_SIZE, PACKAGE_ALIGN);
}

static int check_items(const struct package_item *items, uint32_t count, struct zerr_msg *msg)
{
	uint32_t i, j;

	if (!items || count == 0 || count > PACKAGE_MAX_ENTRIES)
		return pkg_fail(msg, ZE_INVAL, "%u entries (1..%u allowed)", count,
		                PACKAGE_MAX_ENTRIES);
	for (i = 0; i < count; i++) {
		if (!items[i].name || !items[i].name[0] ||
		    strlen(items[i].name) >= PACKAGE_NAME_MAX)
			return pkg_fail(msg, ZE_INVAL,
			                "entry %u: name empty or longer than %d characters", i,
			                PACKAGE_NAME_MAX - 1);
		for (j = 0; j < i; j++)
			if (strcmp(items[i].name, items[j].name) == 0)
				return pkg_fail(msg, ZE_INVAL, "name '%s' appears twice",
				                items[i].name);
	}
	return 0;
}

int package_layout(struct package_item *items, uint32_t count, uint64_t *package_size,
                   struct zerr_msg *msg)
{
	uint64_t next;
	uint32_t i;
	int rc = check_items(items, count, msg);

	if (rc)
		return rc;
	next = package_table_size(count);
	for (i = 0; i < count; i++) {
		items[i].offset = next;
		next = align_up(next + items[i].size, PACKAGE_ALIGN);
	}
	/* The last payload needs no padding after it. */
	*package_size = items[count - 1].offset + items[count - 1].size;
	return 0;
}

int package_write_table(void *buf, size_t buflen, const struct package_item *items, uint32_t count,
                        uint64_t package_size, uint64_t image_offset, struct zerr_msg *msg)
{
	uint8_t *b = buf, *e;
	uint32_t i;
	int rc = check_items(items, count, msg);

	if (rc)
		return rc;
	if (!buf || buflen < package_table_size(count))
		return pkg_fail(msg, ZE_INVAL, "table buffer of %zu bytes is too small", buflen);
	memset(b, 0, (size_t)package_table_size(count));
	memcpy(b + PKG_HDR_MAGIC, PACKAGE_MAGIC, PACKAGE_MAGIC_LEN);
	pkg_put32(b + PKG_HDR_VERSION, PACKAGE_VERSION);
	pkg_put32(b + PKG_HDR_HEADER_SIZE, PACKAGE_HEADER_SIZE);
	pkg_put32(b + PKG_HDR_ENTRY_SIZE, PACKAGE_ENTRY_SIZE);
	pkg_put32(b + PKG_HDR_ENTRY_COUNT, count);
	pkg_put64(b + PKG_HDR_PACKAGE_SIZE, package_size);
	pkg_put64(b + PKG_HDR_IMAGE_OFFSET, image_offset);
	for (i = 0; i < count; i++) {
		e = b + PACKAGE_HEADER_SIZE + (uint64_t)i * PACKAGE_ENTRY_SIZE;
		pkg_put32(e + PKG_ENT_KIND, (uint32_t)items[i].kind);
		pkg_put32(e + PKG_ENT_CRC, items[i].crc);
		pkg_put64(e + PKG_ENT_OFFSET, items[i].offset);
		pkg_put64(e + PKG_ENT_SIZE, items[i].size);
		memcpy(e + PKG_ENT_NAME, items[i].name, strlen(items[i].name));
	}
	pkg_put32(b + PKG_HDR_TABLE_CRC, pkg_table_crc(b, count));
	return 0;
}
