/*
 * FDT writer: buffer management, reservations, nodes and the header.
 * Properties, strings and phandles are in fdt_write_prop.c.
 */
#include "lib/fdt_format.h"
#include "lib/fdt_write_internal.h"
#include "lib/string.h"

#define FDT_HDR_SIZE          40u
#define FDT_VERSION           17u
#define FDT_LAST_COMP_VERSION 16u /* v17 blobs are readable as v16 */
/* Reservation entries: { be64 address; be64 size; }, 8-aligned (5.3). */
#define FDT_RSV_ENTRY_SIZE    16u
/* The header holds 32-bit offsets and sizes. */
#define FDT_MAX_SIZE          0xffffffffu
/* Node names: 1 to 31 characters before the unit address (2.2.1). */
#define FDT_NODE_NAME_MAX     31

int fdtw_fail(struct fdt_writer *w, int err, const char *name)
{
	size_t i;

	if (w->error)
		return w->error;
	w->error = err;
	/* Cut long names: the message only needs to recognise them. */
	for (i = 0; name && name[i] && i + 1 < sizeof(w->error_name); i++)
		w->error_name[i] = name[i];
	w->error_name[i] = '\0';
	return err;
}

int fdtw_check(struct fdt_writer *w, const char *name)
{
	if (w->error)
		return w->error;
	if (w->finished)
		return fdtw_fail(w, -ZE_FDT_FINISHED, name);
	return 0;
}

uint8_t *fdtw_grab(struct fdt_writer *w, size_t n, const char *name)
{
	uint8_t *p;

	if (n > w->size - w->strings_size - w->pos) {
		fdtw_fail(w, -ZE_FDT_NO_SPACE, name);
		return NULL;
	}
	p = w->buf + w->pos;
	memset(p, 0, n);
	w->pos += n;
	return p;
}

uint32_t fdtw_token(const struct fdt_writer *w, size_t off, size_t *next)
{
	const uint8_t *p = w->buf + off;
	uint32_t token;

	if (off + FDTW_TOKEN_SIZE > w->pos) {
		*next = off;
		return FDTW_END;
	}
	token = fdtw_get32(p);
	*next = off + FDTW_TOKEN_SIZE;
	if (token == FDTW_BEGIN_NODE)
		*next += fdtw_align(strlen((const char *)p + FDTW_TOKEN_SIZE) + 1);
	else if (token == FDTW_PROP)
		*next = off + FDTW_PROP_VALUE_AT + fdtw_align(fdtw_get32(p + FDTW_PROP_LEN_AT));
	return token;
}

int fdt_write_init(struct fdt_writer *w, void *buf, size_t size)
{
	if (!w)
		return -ZE_INVAL;
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->size = size > FDT_MAX_SIZE ? FDT_MAX_SIZE : size;
	if (!buf)
		return fdtw_fail(w, -ZE_INVAL, "");
	if (w->size < FDT_HDR_SIZE) {
		w->size = 0;
		return fdtw_fail(w, -ZE_FDT_NO_SPACE, "");
	}
	w->pos = FDT_HDR_SIZE;
	return 0;
}

int fdt_write_boot_cpuid(struct fdt_writer *w, uint32_t cpuid)
{
	int err = fdtw_check(w, "");

	if (!err)
		w->boot_cpuid = cpuid;
	return err;
}

static void put64(uint8_t *p, uint64_t v)
{
	fdtw_put32(p, (uint32_t)(v >> 32));
	fdtw_put32(p + FDTW_CELL_SIZE, (uint32_t)v);
}

int fdt_write_reserve(struct fdt_writer *w, uint64_t addr, uint64_t size)
{
	int err = fdtw_check(w, "/memreserve/");
	uint8_t *entry;

	if (err)
		return err;
	if (w->struct_off)
		return fdtw_fail(w, -ZE_FDT_CALL_ORDER, "/memreserve/");
	entry = fdtw_grab(w, FDT_RSV_ENTRY_SIZE, "/memreserve/");
	if (!entry)
		return w->error;
	put64(entry, addr);
	put64(entry + sizeof(uint64_t), size);
	w->rsv_count++;
	return 0;
}

static bool is_name_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == ',' || c == '.' || c == '_' || c == '+' || c == '-';
}

/* node-name[@unit-address] (spec 2.2.1); the root alone is "". */
static bool node_name_valid(const char *name)
{
	const char *p = name;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return false;
	while (is_name_char(*p))
		p++;
	if (p - name > FDT_NODE_NAME_MAX)
		return false;
	if (*p == '\0')
		return true;
	if (*p++ != '@' || *p == '\0')
		return false;
	while (is_name_char(*p))
		p++;
	return *p == '\0';
}

/* Is name already a child of the node whose BEGIN_NODE is at parent? */
static bool sibling_exists(const struct fdt_writer *w, size_t parent, const char *name)
{
	size_t off, next;
	int depth = 0;

	fdtw_token(w, parent, &off);
	for (;; off = next) {
		uint32_t token = fdtw_token(w, off, &next);

		if (token == FDTW_END)
			return false;
		if (token == FDTW_BEGIN_NODE) {
			if (depth == 0 &&
			    strcmp((const char *)w->buf + off + FDTW_TOKEN_SIZE, name) == 0)
				return true;
			depth++;
		} else if (token == FDTW_END_NODE) {
			if (--depth < 0)
				return false;
		}
	}
}

/* The root: closes the reservation block and opens the structure block. */
static int begin_root(struct fdt_writer *w, const char *name)
{
	if (name[0] != '\0')
		return fdtw_fail(w, -ZE_FDT_CALL_ORDER, name);
	if (!fdtw_grab(w, FDT_RSV_ENTRY_SIZE, "/memreserve/"))
		return w->error;
	w->struct_off = (uint32_t)w->pos;
	return 0;
}

static int check_child(struct fdt_writer *w, const char *name)
{
	if (!node_name_valid(name))
		return fdtw_fail(w, -ZE_FDT_NAME, name);
	if (w->depth >= FDTW_MAX_DEPTH)
		return fdtw_fail(w, -ZE_TOO_DEEP, name);
	if (sibling_exists(w, w->node_at[w->depth - 1], name))
		return fdtw_fail(w, -ZE_FDT_DUPLICATE, name);
	return 0;
}

int fdt_write_begin_node(struct fdt_writer *w, const char *name)
{
	int err = fdtw_check(w, name);
	size_t len, at;
	uint8_t *p;

	if (err)
		return err;
	if (!name)
		return fdtw_fail(w, -ZE_INVAL, "");
	if (w->root_closed)
		return fdtw_fail(w, -ZE_FDT_CALL_ORDER, name);
	err = w->depth == 0 ? begin_root(w, name) : check_child(w, name);
	if (err)
		return err;
	len = strlen(name) + 1;
	at = w->pos;
	p = fdtw_grab(w, FDTW_TOKEN_SIZE + fdtw_align(len), name);
	if (!p)
		return w->error;
	fdtw_put32(p, FDTW_BEGIN_NODE);
	memcpy(p + FDTW_TOKEN_SIZE, name, len);
	if (w->depth > 0)
		w->has_children[w->depth - 1] = true;
	w->node_at[w->depth] = at;
	w->has_children[w->depth] = false;
	w->depth++;
	return 0;
}

/* Unit addresses are lowercase hex without leading zeros (spec 2.2.1). */
static void format_hex(char *out, uint64_t v)
{
	char digits[2 * sizeof(v)];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	while (n > 0)
		*out++ = digits[--n];
	*out = '\0';
}

int fdt_write_begin_node_at(struct fdt_writer *w, const char *name, uint64_t unit_addr)
{
	char full[FDT_NODE_NAME_MAX + 2 + 2 * sizeof(uint64_t) + 1];
	size_t len;
	int err = fdtw_check(w, name);

	if (err)
		return err;
	if (!name)
		return fdtw_fail(w, -ZE_INVAL, "");
	len = strnlen(name, FDT_NODE_NAME_MAX + 1);
	if (len == 0 || len > FDT_NODE_NAME_MAX)
		return fdtw_fail(w, -ZE_FDT_NAME, name);
	memcpy(full, name, len);
	full[len] = '@';
	format_hex(full + len + 1, unit_addr);
	return fdt_write_begin_node(w, full);
}

int fdt_write_end_node(struct fdt_writer *w)
{
	int err = fdtw_check(w, "");
	uint8_t *p;

	if (err)
		return err;
	if (w->depth == 0)
		return fdtw_fail(w, -ZE_FDT_UNBALANCED, "");
	p = fdtw_grab(w, FDTW_TOKEN_SIZE, "");
	if (!p)
		return w->error;
	fdtw_put32(p, FDTW_END_NODE);
	if (--w->depth == 0)
		w->root_closed = true;
	return 0;
}

/* Turns every nameoff from distance-from-the-end into a block offset. */
static void fix_name_offsets(struct fdt_writer *w)
{
	size_t off = w->struct_off, next;
	uint32_t token;

	while ((token = fdtw_token(w, off, &next)) != FDTW_END) {
		if (token == FDTW_PROP) {
			uint8_t *nameoff = w->buf + off + FDTW_PROP_NAMEOFF_AT;

			fdtw_put32(nameoff, (uint32_t)w->strings_size - fdtw_get32(nameoff));
		}
		off = next;
	}
}

static void write_header(struct fdt_writer *w, size_t struct_size)
{
	uint8_t *h = w->buf;
	size_t total = w->pos + w->strings_size;

	fdtw_put32(h + FDT_HDR_MAGIC, FDT_MAGIC);
	fdtw_put32(h + FDT_HDR_TOTALSIZE, (uint32_t)total);
	fdtw_put32(h + FDT_HDR_OFF_STRUCT, w->struct_off);
	fdtw_put32(h + FDT_HDR_OFF_STRINGS, (uint32_t)w->pos);
	fdtw_put32(h + FDT_HDR_OFF_RSVMAP, FDT_HDR_SIZE);
	fdtw_put32(h + FDT_HDR_VERSION, FDT_VERSION);
	fdtw_put32(h + FDT_HDR_LAST_COMP, FDT_LAST_COMP_VERSION);
	fdtw_put32(h + FDT_HDR_BOOT_CPUID, w->boot_cpuid);
	fdtw_put32(h + FDT_HDR_SIZE_STRINGS, (uint32_t)w->strings_size);
	fdtw_put32(h + FDT_HDR_SIZE_STRUCT, (uint32_t)struct_size);
}

int fdt_write_finish(struct fdt_writer *w, size_t *total_size)
{
	int err = fdtw_check(w, "");
	uint8_t *end;

	if (err)
		return err;
	if (!w->struct_off)
		return fdtw_fail(w, -ZE_FDT_CALL_ORDER, "/");
	if (w->depth > 0)
		return fdtw_fail(w, -ZE_FDT_UNBALANCED, "");
	end = fdtw_grab(w, FDTW_TOKEN_SIZE, "");
	if (!end)
		return w->error;
	fdtw_put32(end, FDTW_END);
	fix_name_offsets(w);
	memmove(w->buf + w->pos, w->buf + w->size - w->strings_size, w->strings_size);
	write_header(w, w->pos - w->struct_off);
	w->finished = true;
	if (total_size)
		*total_size = w->pos + w->strings_size;
	return 0;
}

int fdt_write_error(const struct fdt_writer *w)
{
	return w->error;
}

const char *fdt_write_error_name(const struct fdt_writer *w)
{
	return w->error_name;
}
