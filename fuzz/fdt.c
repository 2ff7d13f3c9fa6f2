/*
 * libFuzzer target: the devicetree reader (lib/fdt*), which reads the board's
 * blob and the system configuration, and whose writer's output guests read.
 * A blob that fdt_init() accepts is walked completely: every node, name,
 * property and path the walk finds must be readable without touching a
 * byte outside the input, and consistent with what the walk saw.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fdt.h"

#define PATH_MAX_BYTES 256
#define MAX_NODES      4096 /* a walk longer than this is a loop */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_properties(const struct fdt *fdt, int node)
{
	for (int prop = fdt_first_property(fdt, node); prop >= 0;
	     prop = fdt_next_property(fdt, prop)) {
		const char *name;
		const void *value;
		int len;
		if (fdt_property_at(fdt, prop, &name, &value, &len) < 0)
			continue;
		int again;
		const void *found = fdt_getprop(fdt, node, name, &again);
		/* The first property of that name: the same one, or an earlier twin. */
		if (!found || again < 0)
			abort();
		(void)fdt_stringlist_count(fdt, node, name);
		(void)fdt_stringlist_get(fdt, node, name, 1);
		uint32_t cell;
		(void)fdt_read_u32_index(fdt, node, name, len / 4 - 1, &cell);
	}
}

/* Node-name characters (DT spec 2.2.1): only such names make a path. */
static bool plain_name(const char *name, int len)
{
	if (len <= 0)
		return false;
	for (int i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr(",._+-@", c)))
			return false;
	}
	return true;
}

/* The node's path from its ancestors' names; looked up again, it must lead back. */
static void check_path(const struct fdt *fdt, int node)
{
	char path[PATH_MAX_BYTES];
	int stack[FDT_MAX_DEPTH + 1], depth = 0;
	size_t used = 0;

	for (int n = node; n > fdt_root(fdt) && depth <= FDT_MAX_DEPTH;
	     n = fdt_parent_offset(fdt, n)) {
		if (n < 0)
			abort(); /* every node but the root has a parent */
		stack[depth++] = n;
	}
	/* A name that an earlier sibling also answers to (a twin, or the '@'
	 * rule) sends the lookup down that sibling, whose children differ. */
	bool shadowed = false;
	for (int i = depth - 1; i >= 0; i--) {
		int len;
		const char *name = fdt_get_name(fdt, stack[i], &len);
		if (!name || !plain_name(name, len) || used + (size_t)len + 2 > sizeof(path))
			return;
		int parent = i + 1 < depth ? stack[i + 1] : fdt_root(fdt);
		if (fdt_subnode_offset_n(fdt, parent, name, len) != stack[i])
			shadowed = true;
		path[used++] = '/';
		memcpy(path + used, name, (size_t)len);
		used += (size_t)len;
	}
	if (used == 0)
		path[used++] = '/';
	int found = fdt_path_offset_n(fdt, path, (int)used);
	/* Unshadowed, the path leads back to the node itself. */
	if (!shadowed && found != node)
		abort();
}

/* The node index answers as the walk does, at every 4-byte offset. */
static void check_index(const struct fdt *plain)
{
	static struct fdt_node_link links[MAX_NODES + 1];
	struct fdt_index idx;
	struct fdt fdt = *plain;

	if (fdt_index_build(&fdt, &idx, links, MAX_NODES + 1) != 0)
		return;
	for (int off = 0; off < (int)plain->struct_size; off += 4)
		if (fdt_parent_offset(&fdt, off) != fdt_parent_offset(plain, off) ||
		    fdt_node_depth(&fdt, off) != fdt_node_depth(plain, off))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdt fdt;
	int nodes = 0;

	if (fdt_init(&fdt, data, size) < 0)
		return 0;
	for (int i = 0; i < fdt_mem_rsv_count(&fdt); i++) {
		uint64_t addr, len;
		if (fdt_get_mem_rsv(&fdt, i, &addr, &len) < 0)
			abort();
	}
	for (int node = fdt_root(&fdt); node >= 0; node = fdt_next_node(&fdt, node, NULL)) {
		if (++nodes > MAX_NODES)
			abort();
		walk_properties(&fdt, node);
		check_path(&fdt, node);
		(void)fdt_node_is_available(&fdt, node);
		(void)fdt_node_is_compatible(&fdt, node, "zvm,system-v1");
	}
	(void)fdt_path_offset(&fdt, "serial0/x");
	check_index(&fdt);
	return 0;
}
