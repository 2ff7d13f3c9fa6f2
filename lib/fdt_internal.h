/* Pieces of the FDT parser shared by its source files; not a public API. */
#ifndef LIB_FDT_INTERNAL_H
#define LIB_FDT_INTERNAL_H

#include "lib/fdt.h"

/* Structure block tokens (Devicetree Specification v0.4, 5.4.1). */
#define FDT_BEGIN_NODE 0x00000001u
#define FDT_END_NODE   0x00000002u
#define FDT_PROP       0x00000003u
#define FDT_NOP        0x00000004u
#define FDT_END        0x00000009u

/* Every token and its payload is padded to a 4-byte boundary (5.4.1). */
#define FDT_TAG_SIZE         4u
#define FDT_TAG_ALIGN        4u
/* FDT_PROP is followed by { be32 len; be32 nameoff; } and the value (5.4.1). */
#define FDT_PROP_HEADER_SIZE 8u
#define FDT_PROP_LEN_AT      4u /* from the token's start */
#define FDT_PROP_NAMEOFF_AT  8u
#define FDT_PROP_VALUE_AT    12u

/* Address of offset off inside the structure block. */
static inline const uint8_t *fdt_struct_ptr(const struct fdt *fdt, int off)
{
	return fdt->blob + fdt->struct_off + (uint32_t)off;
}

/*
 * Token at structure offset off, or a negative error.  *next gets the
 * offset of the following token; the token, a node's name and a property's
 * value are checked to lie inside the structure block.
 */
int fdt_next_tag(const struct fdt *fdt, int off, int *next);

/* Offset just past node's BEGIN_NODE token and name, or an error. */
int fdt_node_body(const struct fdt *fdt, int node);

/* Name of the property whose nameoff is given, or NULL if it is corrupt. */
const char *fdt_string_at(const struct fdt *fdt, uint32_t nameoff);

/* fdt_getprop with a name of namelen bytes (not NUL-terminated). */
const void *fdt_getprop_namelen(const struct fdt *fdt, int node, const char *name, int namelen,
                                int *lenp);

#endif
