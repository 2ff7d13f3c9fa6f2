/*
 * FDT header validation, the structure-block token walker and node access.
 * Properties, searches and addresses live in fdt_prop.c.
 *
 * Termination: every token walk moves strictly forward (fdt_next_tag always
 * returns a next offset at least one token further), and the structure
 * block is bounded, so no loop here can run forever on any input.
 */
#include "lib/fdt_format.h"
#include "lib/fdt_internal.h"
#include "lib/string.h"

/* Bytes needed to learn the version: magic .. last_comp_version. */
#define FDT_HDR_VERSION_PART 28u
/* v16 ends after size_dt_strings; v17 adds size_dt_struct. */
#define FDT_HDR_SIZE_V16     36u
#define FDT_HDR_SIZE_V17     40u
#define FDT_FIRST_VERSION    16u
#define FDT_LAST_VERSION     17u
/* Reservation entries are { be64 address; be64 size; }, 8-aligned (5.3). */
#define FDT_RSV_ENTRY_SIZE   16u
#define FDT_RSV_ALIGN        8u
/* Offsets are ints; keep every blob offset representable. */
#define FDT_MAX_TOTAL_SIZE   0x7fffffffu

static uint32_t align_up4(uint32_t v)
{
	return (v + FDT_TAG_ALIGN - 1) & ~(FDT_TAG_ALIGN - 1);
}

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) |
	       (uint32_t)b[3];
}

uint64_t fdt_be64(const void *p)
{
	const uint8_t *b = p;

	return ((uint64_t)fdt_be32(b) << 32) | fdt_be32(b + 4);
}

int fdt_next_tag(const struct fdt *fdt, int off, int *next)
{
	uint32_t pos = (uint32_t)off, avail, tag, len;
	const uint8_t *p;
	size_t name_len;

	if (off < 0 || (pos % FDT_TAG_ALIGN) != 0 || fdt->struct_size < FDT_TAG_SIZE ||
	    pos > fdt->struct_size - FDT_TAG_SIZE)
		return -ZE_FDT_OFFSET;
	p = fdt_struct_ptr(fdt, off);
	tag = fdt_be32(p);
	pos += FDT_TAG_SIZE;
	avail = fdt->struct_size - pos;
	switch (tag) {
	case FDT_BEGIN_NODE:
		name_len = strnlen((const char *)p + FDT_TAG_SIZE, avail);
		if (name_len == avail)
			return -ZE_FDT_STRUCTURE;
		pos = align_up4(pos + (uint32_t)name_len + 1);
		break;
	case FDT_PROP:
		if (avail < FDT_PROP_HEADER_SIZE)
			return -ZE_FDT_STRUCTURE;
		len = fdt_be32(p + FDT_PROP_LEN_AT);
		if (len > avail - FDT_PROP_HEADER_SIZE)
			return -ZE_FDT_STRUCTURE;
		pos = align_up4(pos + FDT_PROP_HEADER_SIZE + len);
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END: break;
	default: return -ZE_FDT_STRUCTURE;
	}
	*next = (int)pos;
	return (int)tag;
}

const char *fdt_string_at(const struct fdt *fdt, uint32_t nameoff)
{
	const char *s;
	uint32_t avail;

	if (nameoff >= fdt->strings_size)
		return NULL;
	s = (const char *)fdt->blob + fdt->strings_off + nameoff;
	avail = fdt->strings_size - nameoff;
	if (strnlen(s, avail) == avail)
		return NULL;
	return s;
}

/* Checks one token while validating; *prev is the last non-NOP tag. */
static int check_token(const struct fdt *fdt, int off, uint32_t tag, uint32_t *prev, int *depth)
{
	switch (tag) {
	case FDT_BEGIN_NODE:
		/* Exactly one root: nothing may start after it has ended. */
		if (*depth == 0 && *prev != 0)
			return -ZE_FDT_STRUCTURE;
		if (++*depth > FDT_MAX_DEPTH)
			return -ZE_TOO_DEEP;
		break;
	case FDT_END_NODE:
		if (*depth == 0)
			return -ZE_FDT_STRUCTURE;
		--*depth;
		break;
	case FDT_PROP:
		/* Properties belong to a node and come before its children. */
		if (*depth == 0 || *prev == FDT_END_NODE)
			return -ZE_FDT_STRUCTURE;
		if (!fdt_string_at(fdt, fdt_be32(fdt_struct_ptr(fdt, off) + FDT_PROP_NAMEOFF_AT)))
			return -ZE_FDT_STRUCTURE;
		break;
	case FDT_NOP: return 0;
	case FDT_END:
		if (*depth != 0 || *prev != FDT_END_NODE)
			return -ZE_FDT_STRUCTURE;
		break;
	default: return -ZE_FDT_STRUCTURE;
	}
	*prev = tag;
	return 0;
}

/* Walks the whole structure block once so later walks meet a sane tree. */
static int check_structure(struct fdt *fdt)
{
	uint32_t prev = 0;
	int off = 0, next, tag, depth = 0, err;

	fdt->root = -ZE_NOENT;
	for (;;) {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag < 0)
			return -ZE_FDT_STRUCTURE;
		if (tag == (int)FDT_BEGIN_NODE && fdt->root < 0)
			fdt->root = off;
		err = check_token(fdt, off, (uint32_t)tag, &prev, &depth);
		if (err)
			return err;
		if (tag == (int)FDT_END)
			return 0;
		off = next;
	}
}

/* Counts /memreserve/ entries up to the all-zero terminator (5.3). */
static int check_rsvmap(struct fdt *fdt, uint32_t header_size)
{
	uint32_t off = fdt->rsvmap_off;
	const uint8_t *entry;

	if (off < header_size || (off % FDT_RSV_ALIGN) != 0)
		return -ZE_FDT_LAYOUT;
	fdt->rsvmap_count = 0;
	for (;;) {
		if (off > fdt->total_size || fdt->total_size - off < FDT_RSV_ENTRY_SIZE)
			return -ZE_FDT_LAYOUT;
		entry = fdt->blob + off;
		if (fdt_be64(entry) == 0 && fdt_be64(entry + 8) == 0)
			return 0;
		fdt->rsvmap_count++;
		off += FDT_RSV_ENTRY_SIZE;
	}
}

/* Places the structure and strings blocks; both must lie in the blob. */
static int check_blocks(struct fdt *fdt, const uint8_t *b, uint32_t hdr_size)
{
	uint32_t total = fdt->total_size;

	fdt->struct_off = fdt_be32(b + FDT_HDR_OFF_STRUCT);
	fdt->strings_off = fdt_be32(b + FDT_HDR_OFF_STRINGS);
	fdt->strings_size = fdt_be32(b + FDT_HDR_SIZE_STRINGS);
	if (fdt->struct_off < hdr_size || fdt->struct_off >= total ||
	    (fdt->struct_off % FDT_TAG_ALIGN) != 0)
		return -ZE_FDT_LAYOUT;
	if (fdt->version >= FDT_LAST_VERSION) {
		fdt->struct_size = fdt_be32(b + FDT_HDR_SIZE_STRUCT);
	} else if (fdt->strings_off > fdt->struct_off) {
		/* v16 has no size_dt_struct: it ends where strings begin. */
		fdt->struct_size = fdt->strings_off - fdt->struct_off;
	} else {
		fdt->struct_size = total - fdt->struct_off;
	}
	if (fdt->struct_size > total - fdt->struct_off)
		return -ZE_FDT_LAYOUT;
	if (fdt->strings_off < hdr_size || fdt->strings_off > total ||
	    fdt->strings_size > total - fdt->strings_off)
		return -ZE_FDT_LAYOUT;
	return 0;
}

/* Magic, version and total size; *hdr_size gets this version's header. */
static int check_header(struct fdt *fdt, const uint8_t *b, size_t max_size, uint32_t *hdr_size)
{
	uint32_t last_comp;

	if (max_size < sizeof(uint32_t))
		return -ZE_TRUNCATED;
	if (fdt_be32(b + FDT_HDR_MAGIC) != FDT_MAGIC)
		return -ZE_FDT_MAGIC;
	if (max_size < FDT_HDR_VERSION_PART)
		return -ZE_TRUNCATED;
	fdt->version = fdt_be32(b + FDT_HDR_VERSION);
	last_comp = fdt_be32(b + FDT_HDR_LAST_COMP);
	/* Newer versions stay readable while last_comp_version allows it. */
	if (fdt->version < FDT_FIRST_VERSION || last_comp > FDT_LAST_VERSION)
		return -ZE_FDT_VERSION;
	*hdr_size = fdt->version >= FDT_LAST_VERSION ? FDT_HDR_SIZE_V17 : FDT_HDR_SIZE_V16;
	fdt->total_size = fdt_be32(b + FDT_HDR_TOTALSIZE);
	if (fdt->total_size > max_size)
		return -ZE_TRUNCATED;
	if (fdt->total_size < *hdr_size || fdt->total_size > FDT_MAX_TOTAL_SIZE)
		return -ZE_FDT_LAYOUT;
	fdt->boot_cpuid = fdt_be32(b + FDT_HDR_BOOT_CPUID);
	return 0;
}

int fdt_init(struct fdt *fdt, const void *blob, size_t max_size)
{
	uint32_t hdr_size = 0;
	int err;

	if (!fdt || !blob)
		return -ZE_INVAL;
	memset(fdt, 0, sizeof(*fdt));
	fdt->blob = blob;
	fdt->root = -ZE_NOENT;
	err = check_header(fdt, blob, max_size, &hdr_size);
	if (!err)
		err = check_blocks(fdt, blob, hdr_size);
	if (!err)
		fdt->rsvmap_off = fdt_be32(fdt->blob + FDT_HDR_OFF_RSVMAP);
	if (!err)
		err = check_rsvmap(fdt, hdr_size);
	if (!err)
		err = check_structure(fdt);
	if (err) {
		/* A failed fdt must not be usable by accident. */
		fdt->struct_size = 0;
		fdt->strings_size = 0;
		fdt->rsvmap_count = 0;
		fdt->root = err;
	}
	return err;
}

uint32_t fdt_version(const struct fdt *fdt)
{
	return fdt->version;
}

uint32_t fdt_boot_cpuid(const struct fdt *fdt)
{
	return fdt->boot_cpuid;
}

uint32_t fdt_total_size(const struct fdt *fdt)
{
	return fdt->total_size;
}

int fdt_mem_rsv_count(const struct fdt *fdt)
{
	return (int)fdt->rsvmap_count;
}

int fdt_get_mem_rsv(const struct fdt *fdt, int index, uint64_t *addr, uint64_t *size)
{
	const uint8_t *entry;

	if (!addr || !size)
		return -ZE_INVAL;
	if (index < 0 || (uint32_t)index >= fdt->rsvmap_count)
		return -ZE_NOENT;
	entry = fdt->blob + fdt->rsvmap_off + (uint32_t)index * FDT_RSV_ENTRY_SIZE;
	*addr = fdt_be64(entry);
	*size = fdt_be64(entry + 8);
	return 0;
}

/* --- nodes --------------------------------------------------------------- */

int fdt_root(const struct fdt *fdt)
{
	return fdt->root;
}

int fdt_node_body(const struct fdt *fdt, int node)
{
	int next, tag = fdt_next_tag(fdt, node, &next);

	if (tag < 0)
		return tag;
	if (tag != (int)FDT_BEGIN_NODE)
		return -ZE_FDT_OFFSET;
	return next;
}

/* Offset just past node's END_NODE. */
static int skip_node(const struct fdt *fdt, int node)
{
	int off = node, next, tag, depth = 0;

	for (;;) {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag < 0)
			return tag;
		if (tag == (int)FDT_BEGIN_NODE)
			depth++;
		else if (tag == (int)FDT_END_NODE && --depth <= 0)
			return next;
		else if (tag == (int)FDT_END)
			return -ZE_FDT_STRUCTURE;
		off = next;
	}
}

/* From off, skips properties and NOPs to a child BEGIN_NODE, if any. */
static int find_child_from(const struct fdt *fdt, int off)
{
	int next, tag;

	for (;;) {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag < 0)
			return tag;
		if (tag == (int)FDT_BEGIN_NODE)
			return off;
		if (tag == (int)FDT_END_NODE || tag == (int)FDT_END)
			return -ZE_NOENT;
		off = next;
	}
}

int fdt_first_subnode(const struct fdt *fdt, int node)
{
	int body = fdt_node_body(fdt, node);

	if (body < 0)
		return body;
	return find_child_from(fdt, body);
}

int fdt_next_subnode(const struct fdt *fdt, int node)
{
	int after;

	if (fdt_node_body(fdt, node) < 0)
		return -ZE_FDT_OFFSET;
	after = skip_node(fdt, node);
	if (after < 0)
		return after;
	return find_child_from(fdt, after);
}

int fdt_next_node(const struct fdt *fdt, int node, int *depth)
{
	int off = fdt_node_body(fdt, node), next, tag;

	if (off < 0)
		return off;
	for (;;) {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag < 0)
			return tag;
		if (tag == (int)FDT_BEGIN_NODE) {
			if (depth)
				++*depth;
			return off;
		}
		if (tag == (int)FDT_END)
			return -ZE_NOENT;
		if (tag == (int)FDT_END_NODE && depth && --*depth < 0)
			return -ZE_NOENT;
		off = next;
	}
}

const char *fdt_get_name(const struct fdt *fdt, int node, int *len)
{
	const char *name;

	if (fdt_node_body(fdt, node) < 0) {
		if (len)
			*len = -ZE_FDT_OFFSET;
		return NULL;
	}
	/* fdt_next_tag proved the name is terminated inside the block. */
	name = (const char *)fdt_struct_ptr(fdt, node) + FDT_TAG_SIZE;
	if (len)
		*len = (int)strlen(name);
	return name;
}

/*
 * Walks from the root to node, remembering the node open at each level;
 * returns node's depth and leaves its parent in *parent (if any).
 */
static const struct fdt_node_link *indexed(const struct fdt_index *idx, int node)
{
	unsigned lo = 0, hi = idx->count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (idx->links[mid].node == node)
			return &idx->links[mid];
		if (idx->links[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int locate_node(const struct fdt *fdt, int node, int *parent)
{
	int open[FDT_MAX_DEPTH + 1];
	int off = fdt->root, depth = 0;
	const struct fdt_node_link *link;

	if (fdt_node_body(fdt, node) < 0)
		return -ZE_FDT_OFFSET;
	link = fdt->index ? indexed(fdt->index, node) : NULL;
	if (link) {
		*parent = link->parent;
		return link->depth;
	}
	open[0] = off;
	while (off >= 0 && off != node) {
		off = fdt_next_node(fdt, off, &depth);
		if (off >= 0 && depth > FDT_MAX_DEPTH)
			return -ZE_TOO_DEEP;
		if (off >= 0)
			open[depth] = off;
	}
	if (off < 0)
		return -ZE_FDT_OFFSET;
	*parent = depth > 0 ? open[depth - 1] : -ZE_NOENT;
	return depth;
}

int fdt_index_build(struct fdt *fdt, struct fdt_index *idx, struct fdt_node_link *links,
                    unsigned capacity)
{
	int open[FDT_MAX_DEPTH + 1];
	int off = fdt->root, depth = 0;
	unsigned count = 0;

	fdt->index = NULL;
	if (off < 0)
		return off;
	open[0] = off;
	while (off >= 0) {
		if (count == capacity)
			return -ZE_NO_SPACE;
		links[count++] =
		        (struct fdt_node_link){ off, depth > 0 ? open[depth - 1] : -ZE_NOENT,
			                        depth };
		off = fdt_next_node(fdt, off, &depth);
		if (off >= 0 && depth > FDT_MAX_DEPTH)
			return -ZE_TOO_DEEP;
		if (off >= 0)
			open[depth] = off;
	}
	if (off != -ZE_NOENT)
		return off;
	idx->links = links;
	idx->count = count;
	fdt->index = idx;
	return 0;
}

int fdt_node_depth(const struct fdt *fdt, int node)
{
	int parent;

	return locate_node(fdt, node, &parent);
}

int fdt_parent_offset(const struct fdt *fdt, int node)
{
	int parent = -ZE_NOENT, depth = locate_node(fdt, node, &parent);

	return depth < 0 ? depth : parent;
}
