/*
 * FDT searches (compatible, device_type, phandle), reg addresses and the
 * /chosen node.
 */
#include "lib/fdt_internal.h"
#include "lib/string.h"

/* The spec bounds #address-cells / #size-cells (2.3.5); PCI uses 3. */
#define FDT_MAX_CELLS       4
/* A reg address or size must fit a uint64_t: at most two cells. */
#define FDT_MAX_REG_CELLS   2
/* Phandles 0 and 0xffffffff are reserved (spec 2.3.3). */
#define FDT_PHANDLE_NONE    0u
#define FDT_PHANDLE_INVALID 0xffffffffu
/* Separates stdout-path from its options: "serial0:115200n8" (spec 3.6). */
#define FDT_STDOUT_OPTIONS  ':'

/* --- searches ------------------------------------------------------------ */

typedef bool (*node_match_fn)(const struct fdt *fdt, int node, const void *arg);

/* First node after prev (or from the root when prev < 0) that matches. */
static int find_node(const struct fdt *fdt, int prev, node_match_fn match, const void *arg)
{
	int node = prev < 0 ? fdt->root : fdt_next_node(fdt, prev, NULL);

	while (node >= 0 && !match(fdt, node, arg))
		node = fdt_next_node(fdt, node, NULL);
	return node;
}

static bool match_compatible(const struct fdt *fdt, int node, const void *arg)
{
	return fdt_node_is_compatible(fdt, node, arg);
}

static bool match_device_type(const struct fdt *fdt, int node, const void *arg)
{
	const char *type;

	return fdt_read_string(fdt, node, "device_type", &type) == 0 && strcmp(type, arg) == 0;
}

static bool match_phandle(const struct fdt *fdt, int node, const void *arg)
{
	return fdt_get_phandle(fdt, node) == *(const uint32_t *)arg;
}

int fdt_node_offset_by_compatible(const struct fdt *fdt, int prev, const char *compat)
{
	if (!compat)
		return -ZE_INVAL;
	return find_node(fdt, prev, match_compatible, compat);
}

int fdt_node_offset_by_device_type(const struct fdt *fdt, int prev, const char *type)
{
	if (!type)
		return -ZE_INVAL;
	return find_node(fdt, prev, match_device_type, type);
}

uint32_t fdt_get_phandle(const struct fdt *fdt, int node)
{
	uint32_t phandle;

	if (fdt_read_u32(fdt, node, "phandle", &phandle) == 0)
		return phandle;
	/* Older trees (and dtc -H epapr) only carry the legacy name. */
	if (fdt_read_u32(fdt, node, "linux,phandle", &phandle) == 0)
		return phandle;
	return FDT_PHANDLE_NONE;
}

int fdt_node_offset_by_phandle(const struct fdt *fdt, uint32_t phandle)
{
	if (phandle == FDT_PHANDLE_NONE || phandle == FDT_PHANDLE_INVALID)
		return -ZE_NOENT;
	return find_node(fdt, -1, match_phandle, &phandle);
}

/* --- addresses ------------------------------------------------------------ */

static int read_cells_prop(const struct fdt *fdt, int node, const char *name, int fallback)
{
	uint32_t cells;
	int err = fdt_read_u32(fdt, node, name, &cells);

	if (err == -ZE_NOENT)
		return fallback;
	if (err)
		return err == -ZE_FDT_VALUE ? -ZE_FDT_CELLS : err;
	return cells > FDT_MAX_CELLS ? -ZE_FDT_CELLS : (int)cells;
}

int fdt_address_cells(const struct fdt *fdt, int node)
{
	return read_cells_prop(fdt, node, "#address-cells", FDT_DEFAULT_ADDR_CELLS);
}

int fdt_size_cells(const struct fdt *fdt, int node)
{
	return read_cells_prop(fdt, node, "#size-cells", FDT_DEFAULT_SIZE_CELLS);
}

int fdt_reg_cells(const struct fdt *fdt, int node, int *addr_cells, int *size_cells)
{
	int parent = fdt_parent_offset(fdt, node), ac, sc;

	if (!addr_cells || !size_cells)
		return -ZE_INVAL;
	if (parent == -ZE_NOENT) {
		/* The root has no parent: the spec defaults apply. */
		ac = FDT_DEFAULT_ADDR_CELLS;
		sc = FDT_DEFAULT_SIZE_CELLS;
	} else if (parent < 0) {
		return parent;
	} else {
		ac = fdt_address_cells(fdt, parent);
		sc = fdt_size_cells(fdt, parent);
	}
	if (ac < 0 || sc < 0)
		return ac < 0 ? ac : sc;
	*addr_cells = ac;
	*size_cells = sc;
	return 0;
}

/* reg of node with its entry width; cells checked to fit a uint64_t. */
static const uint8_t *reg_prop(const struct fdt *fdt, int node, int *count, int *ac, int *sc)
{
	int len, err = fdt_reg_cells(fdt, node, ac, sc), entry;
	const uint8_t *reg;

	if (err) {
		*count = err;
		return NULL;
	}
	if (*ac < 1 || *ac > FDT_MAX_REG_CELLS || *sc > FDT_MAX_REG_CELLS) {
		*count = -ZE_FDT_CELLS;
		return NULL;
	}
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg) {
		*count = len;
		return NULL;
	}
	entry = (*ac + *sc) * FDT_CELL_SIZE;
	if (len % entry != 0) {
		*count = -ZE_FDT_VALUE;
		return NULL;
	}
	*count = len / entry;
	return reg;
}

int fdt_reg_count(const struct fdt *fdt, int node)
{
	int count, ac, sc;

	reg_prop(fdt, node, &count, &ac, &sc);
	return count;
}

int fdt_read_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
	int count, ac, sc;
	const uint8_t *reg = reg_prop(fdt, node, &count, &ac, &sc);

	if (!addr)
		return -ZE_INVAL;
	if (!reg)
		return count;
	if (index < 0 || index >= count)
		return -ZE_NOENT;
	reg += index * (ac + sc) * FDT_CELL_SIZE;
	*addr = fdt_cells(reg, ac);
	if (size)
		*size = sc ? fdt_cells(reg + ac * FDT_CELL_SIZE, sc) : 0;
	return 0;
}

/* --- /chosen ------------------------------------------------------------- */

/* An optional string property: absent is fine, malformed is not. */
static int optional_string(const struct fdt *fdt, int node, const char *name, const char **out)
{
	int err = fdt_read_string(fdt, node, name, out);

	if (err == -ZE_NOENT) {
		*out = NULL;
		return 0;
	}
	return err;
}

/* linux,initrd-* are one or two cells, depending on the bootloader. */
static int read_initrd_bound(const struct fdt *fdt, int node, const char *name, uint64_t *out)
{
	int len;
	const uint8_t *value = fdt_getprop(fdt, node, name, &len);

	if (!value)
		return len;
	if (len != FDT_CELL_SIZE && len != 2 * FDT_CELL_SIZE)
		return -ZE_FDT_VALUE;
	*out = fdt_cells(value, len / FDT_CELL_SIZE);
	return 0;
}

static int read_initrd(const struct fdt *fdt, int node, struct fdt_chosen *out)
{
	int start = read_initrd_bound(fdt, node, "linux,initrd-start", &out->initrd_start);
	int end = read_initrd_bound(fdt, node, "linux,initrd-end", &out->initrd_end);

	if (start == -ZE_NOENT && end == -ZE_NOENT)
		return 0;
	/* One bound alone, or an end before the start, is no usable initrd. */
	if (start == -ZE_NOENT || end == -ZE_NOENT)
		return -ZE_FDT_VALUE;
	if (start || end)
		return start ? start : end;
	if (out->initrd_end < out->initrd_start)
		return -ZE_FDT_VALUE;
	out->has_initrd = true;
	return 0;
}

int fdt_read_chosen(const struct fdt *fdt, struct fdt_chosen *out)
{
	int node, err;
	const char *colon;

	if (!out)
		return -ZE_INVAL;
	memset(out, 0, sizeof(*out));
	node = fdt_path_offset(fdt, "/chosen");
	if (node < 0)
		return node;
	err = optional_string(fdt, node, "bootargs", &out->bootargs);
	if (!err)
		err = optional_string(fdt, node, "stdout-path", &out->stdout_path);
	if (!err && !out->stdout_path)
		err = optional_string(fdt, node, "linux,stdout-path", &out->stdout_path);
	if (!err && out->stdout_path) {
		colon = strchr(out->stdout_path, FDT_STDOUT_OPTIONS);
		out->stdout_path_len =
		        colon ? (int)(colon - out->stdout_path) : (int)strlen(out->stdout_path);
	}
	if (!err)
		err = read_initrd(fdt, node, out);
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}
