/*
 * FDT writer: properties, the strings block and phandles.
 *
 * Property names are stored once: a name already in the strings block,
 * also as the tail of a longer one, is shared (spec 5.5 allows nameoff to
 * point anywhere in the block).
 */
#include "lib/fdt_write_internal.h"
#include "lib/string.h"

/* Property names: 1 to 31 characters (Devicetree Spec v0.4, 2.2.4). */
#define FDT_PROP_NAME_MAX   31
/* A value's length is a be32; keep it positive for readers using int. */
#define FDT_PROP_VALUE_MAX  0x7fffffffu
/* phandle values 0 and 0xffffffff are not references (spec 2.3.3). */
#define FDT_PHANDLE_NONE    0u
#define FDT_PHANDLE_INVALID 0xffffffffu
#define PHANDLE_PROP        "phandle"

static bool prop_name_valid(const char *name)
{
	size_t len = 0;

	for (; name[len]; len++) {
		char c = name[len];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == ',' || c == '.' || c == '_' || c == '+' || c == '?' || c == '#' ||
		      c == '-'))
			return false;
	}
	return len > 0 && len <= FDT_PROP_NAME_MAX;
}

/*
 * Distance from the end of the buffer of name in the strings block, which
 * is added if it is not there yet; 0 when there is no room.
 */
static uint32_t intern_string(struct fdt_writer *w, const char *name)
{
	size_t len = strlen(name) + 1, i;
	uint8_t *block = w->buf + w->size - w->strings_size;

	for (i = 0; i + len <= w->strings_size; i++) {
		if (memcmp(block + i, name, len) == 0)
			return (uint32_t)(w->strings_size - i);
	}
	if (len > w->size - w->strings_size - w->pos)
		return 0;
	w->strings_size += len;
	memcpy(w->buf + w->size - w->strings_size, name, len);
	return (uint32_t)w->strings_size;
}

/* Does the innermost open node already have a property called name? */
static bool prop_exists(const struct fdt_writer *w, const char *name)
{
	size_t off, next;

	fdtw_token(w, w->node_at[w->depth - 1], &off);
	for (; fdtw_token(w, off, &next) == FDTW_PROP; off = next) {
		uint32_t dist = fdtw_get32(w->buf + off + FDTW_PROP_NAMEOFF_AT);

		if (strcmp(fdtw_pending_name(w, dist), name) == 0)
			return true;
	}
	return false;
}

static int check_prop(struct fdt_writer *w, const char *name, size_t len)
{
	int err = fdtw_check(w, name);

	if (err)
		return err;
	if (!name)
		return fdtw_fail(w, -ZE_INVAL, "");
	if (!prop_name_valid(name))
		return fdtw_fail(w, -ZE_FDT_NAME, name);
	if (w->depth == 0 || w->has_children[w->depth - 1])
		return fdtw_fail(w, -ZE_FDT_CALL_ORDER, name);
	if (len > FDT_PROP_VALUE_MAX)
		return fdtw_fail(w, -ZE_INVAL, name);
	if (prop_exists(w, name))
		return fdtw_fail(w, -ZE_FDT_DUPLICATE, name);
	return 0;
}

/* Room for a property of len bytes; its value is filled in by the caller. */
static uint8_t *add_prop(struct fdt_writer *w, const char *name, size_t len)
{
	uint32_t dist;
	uint8_t *p;

	if (check_prop(w, name, len))
		return NULL;
	dist = intern_string(w, name);
	if (!dist) {
		fdtw_fail(w, -ZE_FDT_NO_SPACE, name);
		return NULL;
	}
	p = fdtw_grab(w, FDTW_PROP_VALUE_AT + fdtw_align(len), name);
	if (!p)
		return NULL;
	fdtw_put32(p, FDTW_PROP);
	fdtw_put32(p + FDTW_PROP_LEN_AT, (uint32_t)len);
	fdtw_put32(p + FDTW_PROP_NAMEOFF_AT, dist);
	return p + FDTW_PROP_VALUE_AT;
}

int fdt_write_prop(struct fdt_writer *w, const char *name, const void *value, size_t len)
{
	uint8_t *p;

	if (!value && len)
		return fdtw_fail(w, -ZE_INVAL, name);
	p = add_prop(w, name, len);
	if (!p)
		return w->error;
	if (len)
		memcpy(p, value, len);
	return 0;
}

int fdt_write_prop_empty(struct fdt_writer *w, const char *name)
{
	return fdt_write_prop(w, name, NULL, 0);
}

int fdt_write_prop_cells(struct fdt_writer *w, const char *name, const uint32_t *cells,
                         size_t count)
{
	uint8_t *p;
	size_t i;

	if ((!cells && count) || count > FDT_PROP_VALUE_MAX / FDTW_CELL_SIZE)
		return fdtw_fail(w, -ZE_INVAL, name);
	p = add_prop(w, name, count * FDTW_CELL_SIZE);
	if (!p)
		return w->error;
	for (i = 0; i < count; i++)
		fdtw_put32(p + i * FDTW_CELL_SIZE, cells[i]);
	return 0;
}

int fdt_write_prop_u32(struct fdt_writer *w, const char *name, uint32_t v)
{
	return fdt_write_prop_cells(w, name, &v, 1);
}

int fdt_write_prop_u64s(struct fdt_writer *w, const char *name, const uint64_t *values,
                        size_t count)
{
	const size_t cells_per_value = sizeof(uint64_t) / FDTW_CELL_SIZE;
	uint8_t *p;
	size_t i;

	if ((!values && count) || count > FDT_PROP_VALUE_MAX / sizeof(uint64_t))
		return fdtw_fail(w, -ZE_INVAL, name);
	p = add_prop(w, name, count * sizeof(uint64_t));
	if (!p)
		return w->error;
	for (i = 0; i < count; i++) {
		uint8_t *cell = p + i * cells_per_value * FDTW_CELL_SIZE;

		fdtw_put32(cell, (uint32_t)(values[i] >> 32));
		fdtw_put32(cell + FDTW_CELL_SIZE, (uint32_t)values[i]);
	}
	return 0;
}

int fdt_write_prop_u64(struct fdt_writer *w, const char *name, uint64_t v)
{
	return fdt_write_prop_u64s(w, name, &v, 1);
}

int fdt_write_prop_string(struct fdt_writer *w, const char *name, const char *s)
{
	if (!s)
		return fdtw_fail(w, -ZE_INVAL, name);
	return fdt_write_prop(w, name, s, strlen(s) + 1);
}

int fdt_write_prop_strings(struct fdt_writer *w, const char *name, const char *const *list,
                           size_t count)
{
	size_t total = 0, i, len;
	uint8_t *p;

	if (!list && count)
		return fdtw_fail(w, -ZE_INVAL, name);
	for (i = 0; i < count; i++) {
		if (!list[i])
			return fdtw_fail(w, -ZE_INVAL, name);
		total += strlen(list[i]) + 1;
	}
	p = add_prop(w, name, total);
	if (!p)
		return w->error;
	for (i = 0; i < count; i++) {
		len = strlen(list[i]) + 1;
		memcpy(p, list[i], len);
		p += len;
	}
	return 0;
}

/* Has any node of the blob so far been given this phandle? */
static bool phandle_used(const struct fdt_writer *w, uint32_t phandle)
{
	size_t off = w->struct_off, next;
	uint32_t token;

	while ((token = fdtw_token(w, off, &next)) != FDTW_END) {
		const uint8_t *p = w->buf + off;

		if (token == FDTW_PROP && fdtw_get32(p + FDTW_PROP_LEN_AT) == FDTW_CELL_SIZE &&
		    fdtw_get32(p + FDTW_PROP_VALUE_AT) == phandle &&
		    strcmp(fdtw_pending_name(w, fdtw_get32(p + FDTW_PROP_NAMEOFF_AT)),
		           PHANDLE_PROP) == 0)
			return true;
		off = next;
	}
	return false;
}

int fdt_write_phandle(struct fdt_writer *w, uint32_t phandle)
{
	int err = fdtw_check(w, PHANDLE_PROP);

	if (err)
		return err;
	if (phandle == FDT_PHANDLE_NONE || phandle == FDT_PHANDLE_INVALID ||
	    (w->struct_off && phandle_used(w, phandle)))
		return fdtw_fail(w, -ZE_FDT_PHANDLE, PHANDLE_PROP);
	err = fdt_write_prop_u32(w, PHANDLE_PROP, phandle);
	if (!err && phandle > w->max_phandle)
		w->max_phandle = phandle;
	return err;
}

int fdt_write_new_phandle(struct fdt_writer *w, uint32_t *phandle)
{
	int err = fdtw_check(w, PHANDLE_PROP);

	if (err)
		return err;
	if (!phandle)
		return fdtw_fail(w, -ZE_INVAL, PHANDLE_PROP);
	err = fdt_write_phandle(w, w->max_phandle + 1);
	if (!err)
		*phandle = w->max_phandle;
	return err;
}
