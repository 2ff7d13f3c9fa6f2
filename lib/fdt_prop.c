/*
 * FDT properties, typed readers, searches, addresses and /chosen.
 * Every value is checked against its property length before it is read.
 */
#include "lib/fdt_internal.h"
#include "lib/string.h"

/* --- property iteration ---------------------------------------------------- */

/* From off, skips NOPs; returns off if a property starts there. */
static int property_from(const struct fdt *fdt, int off)
{
	int next, tag;

	for (;;) {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag < 0)
			return tag;
		if (tag == (int)FDT_PROP)
			return off;
		if (tag != (int)FDT_NOP)
			return -ZE_NOENT;
		off = next;
	}
}

int fdt_first_property(const struct fdt *fdt, int node)
{
	int body = fdt_node_body(fdt, node);

	return body < 0 ? body : property_from(fdt, body);
}

int fdt_next_property(const struct fdt *fdt, int prop)
{
	int next, tag = fdt_next_tag(fdt, prop, &next);

	if (tag < 0)
		return tag;
	if (tag != (int)FDT_PROP)
		return -ZE_FDT_OFFSET;
	return property_from(fdt, next);
}

int fdt_property_at(const struct fdt *fdt, int prop, const char **name, const void **value,
                    int *len)
{
	int next, tag = fdt_next_tag(fdt, prop, &next);
	const uint8_t *p;
	const char *prop_name;

	if (tag < 0)
		return tag;
	if (tag != (int)FDT_PROP)
		return -ZE_FDT_OFFSET;
	p = fdt_struct_ptr(fdt, prop);
	prop_name = fdt_string_at(fdt, fdt_be32(p + FDT_PROP_NAMEOFF_AT));
	if (!prop_name)
		return -ZE_FDT_STRUCTURE;
	if (name)
		*name = prop_name;
	if (value)
		*value = p + FDT_PROP_VALUE_AT;
	if (len)
		*len = (int)fdt_be32(p + FDT_PROP_LEN_AT);
	return 0;
}

const void *fdt_getprop_namelen(const struct fdt *fdt, int node, const char *name, int namelen,
                                int *lenp)
{
	const char *prop_name;
	const void *value;
	int prop = -ZE_INVAL, len;

	if (name && namelen >= 0)
		prop = fdt_first_property(fdt, node);
	for (; prop >= 0; prop = fdt_next_property(fdt, prop)) {
		if (fdt_property_at(fdt, prop, &prop_name, &value, &len)) {
			prop = -ZE_FDT_STRUCTURE;
			break;
		}
		if (strnlen(prop_name, (size_t)namelen + 1) == (size_t)namelen &&
		    memcmp(prop_name, name, (size_t)namelen) == 0) {
			if (lenp)
				*lenp = len;
			return value;
		}
	}
	if (lenp)
		*lenp = prop;
	return NULL;
}

const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, int *lenp)
{
	if (!name) {
		if (lenp)
			*lenp = -ZE_INVAL;
		return NULL;
	}
	return fdt_getprop_namelen(fdt, node, name, (int)strlen(name), lenp);
}

/* --- typed readers ----------------------------------------------------------- */

int fdt_read_string(const struct fdt *fdt, int node, const char *name, const char **out)
{
	int len;
	const char *value = fdt_getprop(fdt, node, name, &len);

	if (!out)
		return -ZE_INVAL;
	if (!value)
		return len;
	if (len < 1 || strnlen(value, (size_t)len) == (size_t)len)
		return -ZE_FDT_VALUE;
	*out = value;
	return 0;
}

/* Property name of exactly want bytes. */
static const uint8_t *sized_prop(const struct fdt *fdt, int node, const char *name, int want,
                                 int *err)
{
	int len;
	const uint8_t *value = fdt_getprop(fdt, node, name, &len);

	if (!value) {
		*err = len;
		return NULL;
	}
	if (len != want) {
		*err = -ZE_FDT_VALUE;
		return NULL;
	}
	return value;
}

int fdt_read_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out)
{
	int err = 0;
	const uint8_t *value = sized_prop(fdt, node, name, FDT_CELL_SIZE, &err);

	if (!out)
		return -ZE_INVAL;
	if (!value)
		return err;
	*out = fdt_be32(value);
	return 0;
}

int fdt_read_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out)
{
	int err = 0;
	const uint8_t *value = sized_prop(fdt, node, name, 2 * FDT_CELL_SIZE, &err);

	if (!out)
		return -ZE_INVAL;
	if (!value)
		return err;
	*out = fdt_be64(value);
	return 0;
}

int fdt_read_u32_index(const struct fdt *fdt, int node, const char *name, int index, uint32_t *out)
{
	int len;
	const uint8_t *value = fdt_getprop(fdt, node, name, &len);

	if (!out)
		return -ZE_INVAL;
	if (!value)
		return len;
	if (len % FDT_CELL_SIZE != 0)
		return -ZE_FDT_VALUE;
	if (index < 0 || index >= len / FDT_CELL_SIZE)
		return -ZE_NOENT;
	*out = fdt_be32(value + index * FDT_CELL_SIZE);
	return 0;
}

uint64_t fdt_cells(const void *p, int ncells)
{
	return ncells >= 2 ? fdt_be64(p) : fdt_be32(p);
}

/* --- string lists -------------------------------------------------------- */

/*
 * Length of the string at the head of a list of len bytes, or -1 when the
 * rest is an unterminated piece (which is not a string and is ignored).
 */
static int head_len(const char *list, int len)
{
	int n = (int)strnlen(list, (size_t)len);

	return n == len ? -1 : n;
}

bool fdt_stringlist_contains(const char *list, int len, const char *str)
{
	int n;

	if (!list || !str)
		return false;
	for (; len > 0 && (n = head_len(list, len)) >= 0; list += n + 1, len -= n + 1) {
		if (strcmp(list, str) == 0)
			return true;
	}
	return false;
}

int fdt_stringlist_count(const struct fdt *fdt, int node, const char *name)
{
	int len, n, count = 0;
	const char *list = fdt_getprop(fdt, node, name, &len);

	if (!list)
		return len;
	if (len < 1 || list[len - 1] != '\0')
		return -ZE_FDT_VALUE;
	for (; len > 0 && (n = head_len(list, len)) >= 0; list += n + 1, len -= n + 1)
		count++;
	return count;
}

const char *fdt_stringlist_get(const struct fdt *fdt, int node, const char *name, int index)
{
	int len, n;
	const char *list = fdt_getprop(fdt, node, name, &len);

	if (!list || index < 0)
		return NULL;
	for (; len > 0 && (n = head_len(list, len)) >= 0; list += n + 1, len -= n + 1) {
		if (index-- == 0)
			return list;
	}
	return NULL;
}

bool fdt_node_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	int len;
	const char *list = fdt_getprop(fdt, node, "compatible", &len);

	return list && fdt_stringlist_contains(list, len, compat);
}

bool fdt_node_is_available(const struct fdt *fdt, int node)
{
	const char *status = NULL;
	int err = fdt_read_string(fdt, node, "status", &status);

	if (err == -ZE_NOENT)
		return true;
	return !err && (strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0);
}
