/*
 * Read-only flattened devicetree (FDT / DTB) parser.
 *
 * Used by ZVM at EL2 (possibly before the MMU is on) and by the guest RTOS,
 * so it is freestanding and never trusts the blob: fdt_init() checks the
 * header and walks the whole structure block once, and every accessor still
 * checks its own bounds.  A corrupt blob yields a negative error code, never
 * an out-of-bounds read or an endless loop.  All big-endian values are read
 * with byte loads, since an unaligned word load faults with the MMU off.
 *
 * Format: Devicetree Specification v0.4, chapter 5 ("Flattened Devicetree
 * (DTB) Format").  Versions 16 and 17 are accepted.
 *
 * Nodes and properties are named by their offset inside the structure block
 * (an int, >= 0).  Functions returning an int offset return a negated
 * enum zerror (lib/zerror.h) when there is none, e.g. -ZE_NOENT.
 */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/zerror.h"

/* Deepest node nesting we accept; real trees are well under 10 levels. */
#define FDT_CELL_SIZE 4 /* bytes per cell (DT spec 2.2.4) */
#define FDT_MAX_DEPTH 64

/* Defaults when a parent has no #address-cells / #size-cells (spec 2.3.5). */
#define FDT_DEFAULT_ADDR_CELLS 2
#define FDT_DEFAULT_SIZE_CELLS 1

/* A parsed blob.  Plain data: copy it freely; it points into the blob. */
/* One node of a blob with its parent and depth (fdt_index_build()). */
struct fdt_node_link {
	int node, parent, depth;
};

/* Every node of a blob in order of offset: parents found without a walk. */
struct fdt_index {
	const struct fdt_node_link *links;
	unsigned count;
};

struct fdt {
	const uint8_t *blob;
	uint32_t total_size;
	uint32_t version;
	uint32_t boot_cpuid;
	uint32_t struct_off; /* structure block, from blob start */
	uint32_t struct_size;
	uint32_t strings_off; /* strings block, from blob start */
	uint32_t strings_size;
	uint32_t rsvmap_off;           /* memory reservation block */
	uint32_t rsvmap_count;         /* entries before the terminator */
	int root;                      /* offset of the root node */
	const struct fdt_index *index; /* NULL, or set by fdt_index_build() */
};

/* Validates blob (at most max_size bytes readable) and fills fdt. */
int fdt_init(struct fdt *fdt, const void *blob, size_t max_size);

/* Header facts. */
uint32_t fdt_version(const struct fdt *fdt);
uint32_t fdt_boot_cpuid(const struct fdt *fdt);
uint32_t fdt_total_size(const struct fdt *fdt);

/* The /memreserve/ entries (spec 5.3), index 0 .. fdt_mem_rsv_count() - 1. */
int fdt_mem_rsv_count(const struct fdt *fdt);
int fdt_get_mem_rsv(const struct fdt *fdt, int index, uint64_t *addr, uint64_t *size);

/* --- nodes ------------------------------------------------------------- */
int fdt_root(const struct fdt *fdt);
int fdt_first_subnode(const struct fdt *fdt, int node);
int fdt_next_subnode(const struct fdt *fdt, int node);
/*
 * Next node in document order after node (children before siblings).  With
 * depth == NULL the walk runs to the end of the tree.  Otherwise *depth is
 * adjusted by the change in nesting (+1 into a child, -n back up) and the
 * walk ends (-ZE_NOENT) where *depth would drop below 0: start at
 * node X with *depth = 0 to visit exactly X's descendants.
 */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);
/* Full name ("cpu@0"; "" for the root); *len (may be NULL) gets strlen. */
const char *fdt_get_name(const struct fdt *fdt, int node, int *len);
/* 0 for the root, 1 for its children, ... */
int fdt_node_depth(const struct fdt *fdt, int node);
int fdt_parent_offset(const struct fdt *fdt, int node);
/*
 * Indexes every node of fdt into links[capacity] (owned by the caller, like
 * idx, for as long as fdt is used) so that fdt_parent_offset() and
 * fdt_node_depth() find a node by binary search instead of walking from
 * the root each time: a board's lookups were quadratic in its nodes.
 * Returns 0, -ZE_NO_SPACE (more nodes than capacity) or the walk's error;
 * on an error fdt keeps walking, with the same answers.
 */
int fdt_index_build(struct fdt *fdt, struct fdt_index *idx, struct fdt_node_link *links,
                    unsigned capacity);
/*
 * "/cpus/cpu@0", "/chosen", or an alias ("serial0", "serial0/child").  A
 * component without '@' also matches a node whose name has a unit address
 * ("/memory" finds "memory@40000000").  fdt_path_offset_n reads len bytes.
 */
int fdt_path_offset(const struct fdt *fdt, const char *path);
int fdt_path_offset_n(const struct fdt *fdt, const char *path, int len);
/* The subnode of parent named name (len bytes; same '@' rule as paths). */
int fdt_subnode_offset_n(const struct fdt *fdt, int parent, const char *name, int len);

/* --- properties -------------------------------------------------------- */
/* Value of property name, or NULL with *lenp (may be NULL) = error code. */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, int *lenp);
/* Property iteration: offsets of the node's properties, in order. */
int fdt_first_property(const struct fdt *fdt, int node);
int fdt_next_property(const struct fdt *fdt, int prop);
int fdt_property_at(const struct fdt *fdt, int prop, const char **name, const void **value,
                    int *len);

/* A NUL-terminated string property (its value ends in its first NUL). */
int fdt_read_string(const struct fdt *fdt, int node, const char *name, const char **out);
/* Exactly one cell / exactly two cells. */
int fdt_read_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out);
int fdt_read_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out);
/* Cell number index of a cell array. */
int fdt_read_u32_index(const struct fdt *fdt, int node, const char *name, int index, uint32_t *out);
/* Big-endian loads from any alignment; ncells 1 or 2 for fdt_cells. */
uint32_t fdt_be32(const void *p);
uint64_t fdt_be64(const void *p);
uint64_t fdt_cells(const void *p, int ncells);

/* String lists ("a\0b\0"): count, index lookup, membership. */
int fdt_stringlist_count(const struct fdt *fdt, int node, const char *name);
const char *fdt_stringlist_get(const struct fdt *fdt, int node, const char *name, int index);
bool fdt_stringlist_contains(const char *list, int len, const char *str);
bool fdt_node_is_compatible(const struct fdt *fdt, int node, const char *compat);
/* status absent, "okay" or "ok" (spec 2.3.4). */
bool fdt_node_is_available(const struct fdt *fdt, int node);

/* --- searches: pass prev < 0 to search from the root -------------------- */
int fdt_node_offset_by_compatible(const struct fdt *fdt, int prev, const char *compat);
int fdt_node_offset_by_device_type(const struct fdt *fdt, int prev, const char *type);
uint32_t fdt_get_phandle(const struct fdt *fdt, int node);
int fdt_node_offset_by_phandle(const struct fdt *fdt, uint32_t phandle);

/* --- addresses --------------------------------------------------------- */
/* What node declares for its children (defaults 2 / 1). */
int fdt_address_cells(const struct fdt *fdt, int node);
int fdt_size_cells(const struct fdt *fdt, int node);
/* The cells that apply to node's own reg: its parent's. */
int fdt_reg_cells(const struct fdt *fdt, int node, int *addr_cells, int *size_cells);
/* Number of (address, size) entries in node's reg. */
int fdt_reg_count(const struct fdt *fdt, int node);
/* Entry index of reg; size may be NULL, is 0 when #size-cells is 0. */
int fdt_read_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size);

/* --- /chosen (spec 3.6) ------------------------------------------------ */
struct fdt_chosen {
	const char *bootargs;    /* NULL when absent */
	const char *stdout_path; /* whole value, options included */
	int stdout_path_len;     /* length without ":options" */
	bool has_initrd;
	uint64_t initrd_start; /* linux,initrd-start */
	uint64_t initrd_end;   /* linux,initrd-end (exclusive) */
};
/* -ZE_NOENT without /chosen (out is cleared either way). */
int fdt_read_chosen(const struct fdt *fdt, struct fdt_chosen *out);

#endif
