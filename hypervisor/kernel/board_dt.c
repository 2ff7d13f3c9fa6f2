/*
 * Board description from the devicetree: model, memory, reservations,
 * CPUs and PSCI here; GIC, UART, timer and virtio in board_dt_dev.c.
 *
 * Every required piece that is missing or malformed ends the parse with a
 * message naming the node, so a wrong board file is fixed in one look.
 */
#include "kernel/board_dt_priv.h"
#include "lib/format.h"
#include "lib/string.h"

#include <stdarg.h>
#include "lib/gicv3_defs.h"

/* MPIDR_EL1 affinity fields Aff3 [39:32] and Aff2..Aff0 [23:0] (ARM ARM D17.2). */
/* "arm,psci" alone names PSCI 0.1 (devicetree binding arm/psci.yaml). */
#define PSCI_COMPAT_PREFIX "arm,psci-"
#define PSCI_LEGACY_COMPAT "arm,psci"
#define PSCI_LEGACY_MINOR  1
#define ERR_PREFIX         "devicetree: "

int board_fail(struct board_ctx *ctx, enum zerror code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = zerr_vset(ctx->msg, code, ERR_PREFIX, fmt, ap);
	va_end(ap);
	return rc;
}

const char *board_node_path(struct board_ctx *ctx, int node, char *buf, size_t size)
{
	int chain[FDT_MAX_DEPTH], depth = 0, i;
	size_t used = 0;

	while (node >= 0 && node != fdt_root(&ctx->fdt) && depth < FDT_MAX_DEPTH) {
		chain[depth++] = node;
		node = fdt_parent_offset(&ctx->fdt, node);
	}
	buf[0] = '\0';
	for (i = depth - 1; i >= 0 && used < size; i--) {
		const char *name = fdt_get_name(&ctx->fdt, chain[i], NULL);

		fmt_snprintf(buf + used, size - used, "/%s", name ? name : "?");
		used += strlen(buf + used);
	}
	if (depth == 0)
		fmt_snprintf(buf, size, "/");
	return buf;
}

int board_read_range(struct board_ctx *ctx, int node, int index, struct board_range *range,
                     const char *what)
{
	char path[BOARD_PATH_MAX];
	int err = fdt_read_reg(&ctx->fdt, node, index, &range->base, &range->size);

	if (err == -ZE_NOENT)
		return board_fail(ctx, ZE_MISSING, "%s %s has no reg entry %d", what,
		                  BOARD_PATH(ctx, node, path), index);
	if (err)
		return board_fail(ctx, ZE_MALFORMED, "%s %s has a bad reg (%s)", what,
		                  BOARD_PATH(ctx, node, path), zerror_name(err));
	if (range->size == 0)
		return board_fail(ctx, ZE_MALFORMED, "%s %s has a zero-sized reg", what,
		                  BOARD_PATH(ctx, node, path));
	return 0;
}

void board_copy_name(char *dst, const char *src)
{
	fmt_snprintf(dst, BOARD_NAME_MAX, "%s", src ? src : "");
}

static void parse_model(struct board_ctx *ctx)
{
	const char *model = NULL;
	int root = fdt_root(&ctx->fdt);

	if (fdt_read_string(&ctx->fdt, root, "model", &model) != 0)
		model = fdt_stringlist_get(&ctx->fdt, root, "compatible", 0);
	board_copy_name(ctx->out->model, model);
}

/* Adds every non-empty reg entry of node to list (limit entries). */
static int add_reg_ranges(struct board_ctx *ctx, int node, struct board_range *list,
                          uint32_t *count, uint32_t limit, const char *what)
{
	char path[BOARD_PATH_MAX];
	int entries = fdt_reg_count(&ctx->fdt, node), i;
	struct board_range r;

	if (entries < 0)
		return board_fail(ctx, ZE_MALFORMED, "%s %s has a bad reg (%s)", what,
		                  BOARD_PATH(ctx, node, path), zerror_name(entries));
	for (i = 0; i < entries; i++) {
		if (fdt_read_reg(&ctx->fdt, node, i, &r.base, &r.size) || !r.size)
			continue;
		if (*count >= limit)
			return board_fail(ctx, ZE_LIMIT, "more than %u %s ranges", (unsigned)limit,
			                  what);
		list[(*count)++] = r;
	}
	return 0;
}

static int parse_memory(struct board_ctx *ctx)
{
	struct board_desc *out = ctx->out;
	char path[BOARD_PATH_MAX];
	int node = -1, err;

	while ((node = fdt_node_offset_by_device_type(&ctx->fdt, node, "memory")) >= 0) {
		if (!fdt_node_is_available(&ctx->fdt, node))
			continue;
		if (!fdt_getprop(&ctx->fdt, node, "reg", NULL))
			return board_fail(ctx, ZE_MISSING, "memory node without reg (%s)",
			                  BOARD_PATH(ctx, node, path));
		err = add_reg_ranges(ctx, node, out->mem, &out->mem_count, BOARD_MAX_MEM, "memory");
		if (err)
			return err;
	}
	if (out->mem_count == 0)
		return board_fail(ctx, ZE_MISSING, "no memory node (device_type \"memory\")");
	return 0;
}

static int parse_reserved(struct board_ctx *ctx)
{
	struct board_desc *out = ctx->out;
	int i, node, err;
	struct board_range r;

	for (i = 0; i < fdt_mem_rsv_count(&ctx->fdt); i++) {
		if (fdt_get_mem_rsv(&ctx->fdt, i, &r.base, &r.size) || !r.size)
			continue;
		if (out->reserved_count >= BOARD_MAX_RESERVED)
			return board_fail(ctx, ZE_LIMIT, "more than %u reserved ranges",
			                  (unsigned)BOARD_MAX_RESERVED);
		out->reserved[out->reserved_count++] = r;
	}
	node = fdt_path_offset(&ctx->fdt, "/reserved-memory");
	for (node = node < 0 ? node : fdt_first_subnode(&ctx->fdt, node); node >= 0;
	     node = fdt_next_subnode(&ctx->fdt, node)) {
		/* Children with only a size are allocated by the OS: skip. */
		if (!fdt_node_is_available(&ctx->fdt, node) ||
		    !fdt_getprop(&ctx->fdt, node, "reg", NULL))
			continue;
		err = add_reg_ranges(ctx, node, out->reserved, &out->reserved_count,
		                     BOARD_MAX_RESERVED, "reserved");
		if (err)
			return err;
	}
	return 0;
}

static enum board_cpu_enable cpu_enable_method(struct board_ctx *ctx, int node)
{
	const char *method;

	if (fdt_read_string(&ctx->fdt, node, "enable-method", &method) != 0)
		return BOARD_CPU_ENABLE_NONE;
	if (strcmp(method, "psci") == 0)
		return BOARD_CPU_ENABLE_PSCI;
	if (strcmp(method, "spin-table") == 0)
		return BOARD_CPU_ENABLE_SPIN_TABLE;
	return BOARD_CPU_ENABLE_OTHER;
}

static int parse_cpu(struct board_ctx *ctx, int node, struct board_cpu *cpu)
{
	char path[BOARD_PATH_MAX];
	uint32_t i;

	if (fdt_read_reg(&ctx->fdt, node, 0, &cpu->mpidr, NULL) != 0)
		return board_fail(ctx, ZE_MISSING, "cpu node without a valid reg (%s)",
		                  BOARD_PATH(ctx, node, path));
	if (cpu->mpidr & ~MPIDR_AFFINITY_MASK)
		return board_fail(ctx, ZE_MALFORMED, "%s reg 0x%llx is not an MPIDR affinity",
		                  BOARD_PATH(ctx, node, path), (unsigned long long)cpu->mpidr);
	for (i = 0; i < ctx->out->cpu_count; i++) {
		if (ctx->out->cpus[i].mpidr == cpu->mpidr)
			return board_fail(ctx, ZE_MALFORMED, "%s repeats MPIDR 0x%llx",
			                  BOARD_PATH(ctx, node, path),
			                  (unsigned long long)cpu->mpidr);
	}
	cpu->enable = cpu_enable_method(ctx, node);
	if (cpu->enable == BOARD_CPU_ENABLE_SPIN_TABLE &&
	    fdt_read_u64(&ctx->fdt, node, "cpu-release-addr", &cpu->release_addr))
		return board_fail(ctx, ZE_MISSING,
		                  "%s uses spin-table without a 64-bit cpu-release-addr",
		                  BOARD_PATH(ctx, node, path));
	return 0;
}

static int parse_cpus(struct board_ctx *ctx)
{
	struct board_desc *out = ctx->out;
	const char *type;
	int cpus = fdt_path_offset(&ctx->fdt, "/cpus"), node, err;

	if (cpus < 0)
		return board_fail(ctx, ZE_MISSING, "no /cpus node");
	if (fdt_address_cells(&ctx->fdt, cpus) < 1 || fdt_address_cells(&ctx->fdt, cpus) > 2 ||
	    fdt_size_cells(&ctx->fdt, cpus) != 0)
		return board_fail(ctx, ZE_MALFORMED,
		                  "/cpus needs #address-cells 1 or 2 and #size-cells 0");
	for (node = fdt_first_subnode(&ctx->fdt, cpus); node >= 0;
	     node = fdt_next_subnode(&ctx->fdt, node)) {
		if (fdt_read_string(&ctx->fdt, node, "device_type", &type) != 0 ||
		    strcmp(type, "cpu") != 0 || !fdt_node_is_available(&ctx->fdt, node))
			continue;
		if (out->cpu_count >= BOARD_MAX_CPUS)
			return board_fail(ctx, ZE_LIMIT, "more than %u cpus",
			                  (unsigned)BOARD_MAX_CPUS);
		err = parse_cpu(ctx, node, &out->cpus[out->cpu_count]);
		if (err)
			return err;
		out->cpu_count++;
	}
	if (out->cpu_count == 0)
		return board_fail(ctx, ZE_MISSING, "/cpus has no cpu nodes");
	return 0;
}

/* Parses "M.N" after "arm,psci-"; false unless it is exactly that. */
static bool parse_psci_version(const char *s, uint16_t *major, uint16_t *minor)
{
	uint32_t m = 0, n = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9' && m < UINT16_MAX)
		m = m * 10 + (uint32_t)(*p++ - '0');
	if (*p++ != '.' || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9' && n < UINT16_MAX)
		n = n * 10 + (uint32_t)(*p++ - '0');
	if (*p != '\0' || m > UINT16_MAX || n > UINT16_MAX)
		return false;
	*major = (uint16_t)m;
	*minor = (uint16_t)n;
	return true;
}

/* The highest PSCI version among node's compatible strings. */
static bool psci_version(struct board_ctx *ctx, int node, struct board_psci *psci)
{
	size_t prefix = strlen(PSCI_COMPAT_PREFIX);
	uint16_t major, minor;
	const char *compat;
	bool found = false;
	int i;

	for (i = 0; (compat = fdt_stringlist_get(&ctx->fdt, node, "compatible", i)) != NULL; i++) {
		if (strcmp(compat, PSCI_LEGACY_COMPAT) == 0) {
			major = 0;
			minor = PSCI_LEGACY_MINOR;
		} else if (strncmp(compat, PSCI_COMPAT_PREFIX, prefix) != 0 ||
		           !parse_psci_version(compat + prefix, &major, &minor)) {
			continue;
		}
		if (!found || major > psci->version_major ||
		    (major == psci->version_major && minor > psci->version_minor)) {
			psci->version_major = major;
			psci->version_minor = minor;
		}
		found = true;
	}
	return found;
}

static int parse_psci(struct board_ctx *ctx)
{
	struct board_psci *psci = &ctx->out->psci;
	const char *method;
	int node = fdt_path_offset(&ctx->fdt, "/psci");

	if (node < 0)
		node = fdt_node_offset_by_compatible(&ctx->fdt, -1, PSCI_LEGACY_COMPAT);
	if (node < 0 || !fdt_node_is_available(&ctx->fdt, node))
		return 0;
	if (!psci_version(ctx, node, psci))
		return board_fail(ctx, ZE_MALFORMED, "/psci has no \"arm,psci\" compatible");
	if (fdt_read_string(&ctx->fdt, node, "method", &method) != 0)
		return board_fail(ctx, ZE_MISSING, "/psci has no method");
	if (strcmp(method, "smc") == 0)
		psci->conduit = BOARD_PSCI_SMC;
	else if (strcmp(method, "hvc") == 0)
		psci->conduit = BOARD_PSCI_HVC;
	else
		return board_fail(ctx, ZE_MALFORMED,
		                  "/psci method \"%s\" is neither \"smc\" nor \"hvc\"", method);
	fdt_read_u32(&ctx->fdt, node, "cpu_on", &psci->cpu_on_id);
	fdt_read_u32(&ctx->fdt, node, "cpu_off", &psci->cpu_off_id);
	return 0;
}

/*
 * The board's node index: its interrupt and reg lookups ask for parents
 * of every device node.  One board is parsed at a time (at boot, or a
 * host test), so one static index serves; QEMU's virt has about 60 nodes.
 */
#define BOARD_INDEX_NODES 1024
static struct fdt_node_link board_index_links[BOARD_INDEX_NODES];
static struct fdt_index board_index;

int board_from_fdt(const void *blob, size_t max_size, struct board_desc *out, struct zerr_msg *msg)
{
	struct board_ctx ctx = { .out = out, .msg = msg, .gic_node = -ZE_NOENT };
	int rc;

	zerr_clear(msg);
	if (!blob || !out)
		return board_fail(&ctx, ZE_INVAL, "no blob or no output");
	memset(out, 0, sizeof(*out));
	rc = fdt_init(&ctx.fdt, blob, max_size);
	if (rc)
		return board_fail(&ctx, ZE_NOT_A_BLOB, "invalid blob: %s", zerror_name(rc));
	/* Without the index (a bigger board) every lookup walks: slower only. */
	(void)fdt_index_build(&ctx.fdt, &board_index, board_index_links, BOARD_INDEX_NODES);
	parse_model(&ctx);
	rc = parse_memory(&ctx);
	if (!rc)
		rc = parse_reserved(&ctx);
	if (!rc)
		rc = parse_cpus(&ctx);
	if (!rc)
		rc = parse_psci(&ctx);
	if (!rc)
		rc = board_parse_gic(&ctx);
	if (!rc)
		rc = board_parse_uart(&ctx);
	if (!rc)
		rc = board_parse_timer(&ctx);
	if (!rc)
		rc = board_parse_virtio(&ctx);
	if (!rc)
		rc = board_parse_rtc(&ctx);
	return rc;
}
