/*
 * Sequential flattened devicetree (DTB version 17) writer.
 *
 * Builds a blob in a caller buffer, front to back: memory reservations
 * first, then the root node with its properties and subnodes, then
 * fdt_write_finish(), which fills in the header.  Freestanding (ZVM builds
 * every guest's devicetree at EL2) and never writes outside the buffer.
 *
 * Errors are sticky: the first failure is remembered, every later call
 * returns it and does nothing, so a builder may make all its calls and look
 * at the result once, at fdt_write_finish().  fdt_write_error_name() tells
 * which node or property the failure was about.
 *
 * Format: Devicetree Specification v0.4, chapter 5.  The buffer is laid out
 * as header, reservation block, structure block growing up and strings
 * block growing down from the end; finish moves the strings down behind the
 * structure block, so the blob is exactly as long as it needs to be.
 */
#ifndef LIB_FDT_WRITE_H
#define LIB_FDT_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/zerror.h"

/* Deepest nesting accepted (the root is depth 1). */
#define FDTW_MAX_DEPTH 16
/* Longest node or property name remembered for error messages. */
#define FDTW_NAME_MAX  48

struct fdt_writer {
	uint8_t *buf;
	size_t size;         /* usable bytes of buf */
	size_t pos;          /* next free byte (reservations, structure) */
	size_t strings_size; /* bytes at the end of buf */
	uint32_t struct_off; /* 0 until the root node begins */
	uint32_t rsv_count;
	uint32_t boot_cpuid;
	int depth; /* open nodes */
	bool root_closed;
	bool finished;
	/* Where each open node's BEGIN_NODE token is, for duplicate checks. */
	size_t node_at[FDTW_MAX_DEPTH];
	/* The open node already has subnodes: no more properties for it. */
	bool has_children[FDTW_MAX_DEPTH];
	uint32_t max_phandle;
	int error;
	char error_name[FDTW_NAME_MAX];
};

/*
 * Starts a blob in buf[0..size).  Fails for a NULL buf (-ZE_INVAL)
 * or one too small for the header (-ZE_FDT_NO_SPACE); either error sticks.
 */
int fdt_write_init(struct fdt_writer *w, void *buf, size_t size);
/* The header's boot_cpuid_phys (default 0); any time before finish. */
int fdt_write_boot_cpuid(struct fdt_writer *w, uint32_t cpuid);

/* A /memreserve/ entry (spec 5.3); only before the root node begins. */
int fdt_write_reserve(struct fdt_writer *w, uint64_t addr, uint64_t size);

/*
 * Nodes.  The first node is the root and must be named "" (spec 5.4.2).
 * Names are node-name[@unit-address] with the characters of spec 2.2.1.
 * fdt_write_begin_node_at() appends "@<addr in lowercase hex>".
 */
int fdt_write_begin_node(struct fdt_writer *w, const char *name);
int fdt_write_begin_node_at(struct fdt_writer *w, const char *name, uint64_t unit_addr);
int fdt_write_end_node(struct fdt_writer *w);

/*
 * Properties of the innermost open node; they must come before its first
 * subnode (spec 5.4.2).  Names use the characters of spec 2.2.4.
 */
int fdt_write_prop(struct fdt_writer *w, const char *name, const void *value, size_t len);
int fdt_write_prop_empty(struct fdt_writer *w, const char *name);
int fdt_write_prop_u32(struct fdt_writer *w, const char *name, uint32_t v);
/* One 64-bit value as two cells, high cell first. */
int fdt_write_prop_u64(struct fdt_writer *w, const char *name, uint64_t v);
int fdt_write_prop_cells(struct fdt_writer *w, const char *name, const uint32_t *cells,
                         size_t count);
/* Each value as two cells: reg and ranges with #address/#size-cells 2. */
int fdt_write_prop_u64s(struct fdt_writer *w, const char *name, const uint64_t *values,
                        size_t count);
int fdt_write_prop_string(struct fdt_writer *w, const char *name, const char *s);
/* "a\0b\0c\0" from count strings (compatible, clock-names...). */
int fdt_write_prop_strings(struct fdt_writer *w, const char *name, const char *const *list,
                           size_t count);

/* The node's "phandle" property; each value once per blob. */
int fdt_write_phandle(struct fdt_writer *w, uint32_t phandle);
/* A phandle one above every phandle written so far, into *phandle. */
int fdt_write_new_phandle(struct fdt_writer *w, uint32_t *phandle);

/*
 * Ends the structure block, moves the strings into place and writes the
 * header.  *total_size (may be NULL) gets the blob's length.
 */
int fdt_write_finish(struct fdt_writer *w, size_t *total_size);

/* The sticky error (0 if none) and the name it concerns ("" if none). */
int fdt_write_error(const struct fdt_writer *w);
const char *fdt_write_error_name(const struct fdt_writer *w);

#endif
