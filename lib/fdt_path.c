/*
 * FDT path lookup: "/cpus/cpu@0", "/memory" (unit address optional) and
 * aliases ("serial0", resolved through /aliases).
 */
#include "lib/fdt_internal.h"
#include "lib/string.h"

/* First occurrence of c in the len bytes at p (no libc memchr here). */
static const char *find_char(const char *p, char c, size_t len)
{
	for (; len > 0; p++, len--) {
		if (*p == c)
			return p;
	}
	return NULL;
}

/* Does node name match the path component (len bytes)? */
static bool name_matches(const char *name, const char *comp, int len)
{
	if (strnlen(name, (size_t)len) != (size_t)len || memcmp(name, comp, (size_t)len) != 0)
		return false;
	if (name[len] == '\0')
		return true;
	/* "memory" names "memory@40000000" when it has no unit address. */
	return name[len] == '@' && !find_char(comp, '@', (size_t)len);
}

int fdt_subnode_offset_n(const struct fdt *fdt, int parent, const char *name, int len)
{
	int child;

	if (!name || len < 0)
		return -ZE_INVAL;
	for (child = fdt_first_subnode(fdt, parent); child >= 0;
	     child = fdt_next_subnode(fdt, child)) {
		if (name_matches(fdt_get_name(fdt, child, NULL), name, len))
			return child;
	}
	return child;
}

/* Resolves an alias name (len bytes) through /aliases to its node. */
static int alias_offset(const struct fdt *fdt, const char *name, int len)
{
	int aliases = fdt_subnode_offset_n(fdt, fdt->root, "aliases", 7);
	const char *target;
	int target_len;

	if (aliases < 0)
		return aliases == -ZE_NOENT ? -ZE_FDT_PATH : aliases;
	target = fdt_getprop_namelen(fdt, aliases, name, len, &target_len);
	/* An alias must be an absolute path: no alias chains, no loops. */
	if (!target || target_len < 2 || target[0] != '/')
		return -ZE_FDT_PATH;
	return fdt_path_offset_n(fdt, target, (int)strnlen(target, (size_t)target_len));
}

int fdt_path_offset_n(const struct fdt *fdt, const char *path, int len)
{
	const char *p = path, *end, *slash;
	int node;

	if (!path || len < 0)
		return -ZE_INVAL;
	if (len == 0)
		return -ZE_FDT_PATH;
	end = path + len;
	slash = find_char(p, '/', (size_t)len);
	if (p[0] == '/') {
		node = fdt->root;
	} else {
		if (!slash)
			slash = end;
		node = alias_offset(fdt, p, (int)(slash - p));
		p = slash;
	}
	while (node >= 0 && p < end) {
		while (p < end && *p == '/')
			p++;
		if (p == end)
			break;
		slash = find_char(p, '/', (size_t)(end - p));
		if (!slash)
			slash = end;
		node = fdt_subnode_offset_n(fdt, node, p, (int)(slash - p));
		p = slash;
	}
	return node;
}

int fdt_path_offset(const struct fdt *fdt, const char *path)
{
	if (!path)
		return -ZE_INVAL;
	return fdt_path_offset_n(fdt, path, (int)strlen(path));
}
