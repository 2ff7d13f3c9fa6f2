/*
 * Board devices from the devicetree: the GICv3, the console UART, the
 * generic timer and the virtio-mmio slots, with their interrupts turned
 * into GIC INTIDs.
 */
#include "kernel/board_dt_priv.h"
#include "lib/gicv3_defs.h"
#include "lib/string.h"

/* The generic timer's interrupts, in binding order (arm,arch_timer.yaml). */
enum timer_irq {
	TIMER_SEC_PHYS,
	TIMER_PHYS,
	TIMER_VIRT,
	TIMER_HYP_PHYS,
	TIMER_HYP_VIRT,
	TIMER_REQUIRED_IRQS = TIMER_HYP_VIRT,
};

#define COMPAT_GICV3       "arm,gic-v3"
#define COMPAT_PL011       "arm,pl011"
#define COMPAT_TIMER       "arm,armv8-timer"
#define COMPAT_VIRTIO_MMIO "virtio,mmio"
#define COMPAT_PL031       "arm,pl031"

/* The node's interrupt parent: its own or an ancestor's interrupt-parent. */
static int interrupt_parent(struct board_ctx *ctx, int node, uint32_t *phandle)
{
	while (node >= 0) {
		if (fdt_read_u32(&ctx->fdt, node, "interrupt-parent", phandle) == 0)
			return 0;
		node = fdt_parent_offset(&ctx->fdt, node);
	}
	return -ZE_NOENT;
}

/* Turns one GICv3 specifier (type, number) into an INTID. */
static bool spec_to_intid(uint32_t type, uint32_t num, uint32_t *intid)
{
	switch (type) {
	case GIC_DT_SPI: *intid = GIC_SPI_BASE + num; return num < GIC_SPI_COUNT;
	case GIC_DT_PPI: *intid = GIC_PPI_BASE + num; return num < GIC_PPI_COUNT;
	case GIC_DT_ESPI: *intid = GIC_ESPI_BASE + num; return num < GIC_ESPI_COUNT;
	case GIC_DT_EPPI: *intid = GIC_EPPI_BASE + num; return num < GIC_EPPI_COUNT;
	default: return false;
	}
}

/* Number of interrupt specifiers in node's interrupts, or an error. */
static int irq_count(struct board_ctx *ctx, int node)
{
	int len;

	if (!fdt_getprop(&ctx->fdt, node, "interrupts", &len))
		return len;
	if (len <= 0 || len % (int)(ctx->irq_cells * sizeof(uint32_t)))
		return -ZE_FDT_VALUE;
	return len / (int)(ctx->irq_cells * sizeof(uint32_t));
}

/* INTID of interrupt index of node, which must be wired to the GIC. */
static int read_intid(struct board_ctx *ctx, int node, int index, uint32_t *intid, const char *what)
{
	char path[BOARD_PATH_MAX];
	uint32_t parent, type, num;
	int count = irq_count(ctx, node), first = index * (int)ctx->irq_cells;

	if (count == -ZE_NOENT || (count >= 0 && index >= count))
		return board_fail(ctx, ZE_MISSING, "%s %s has no interrupt %d", what,
		                  BOARD_PATH(ctx, node, path), index);
	if (count < 0)
		return board_fail(ctx, ZE_MALFORMED, "%s %s has malformed interrupts", what,
		                  BOARD_PATH(ctx, node, path));
	/* With no interrupt-parent anywhere, the GIC is the only choice. */
	if (node != ctx->gic_node && interrupt_parent(ctx, node, &parent) == 0 &&
	    parent != ctx->gic_phandle)
		return board_fail(ctx, ZE_MALFORMED, "%s %s interrupts are not wired to the GIC",
		                  what, BOARD_PATH(ctx, node, path));
	if (fdt_read_u32_index(&ctx->fdt, node, "interrupts", first, &type) ||
	    fdt_read_u32_index(&ctx->fdt, node, "interrupts", first + 1, &num) ||
	    !spec_to_intid(type, num, intid))
		return board_fail(ctx, ZE_MALFORMED,
		                  "%s %s interrupt %d is not a valid GIC interrupt", what,
		                  BOARD_PATH(ctx, node, path), index);
	return 0;
}

/* First available node compatible with compat, or a negative error. */
static int find_available(struct board_ctx *ctx, const char *compat)
{
	int node = -1;

	do {
		node = fdt_node_offset_by_compatible(&ctx->fdt, node, compat);
	} while (node >= 0 && !fdt_node_is_available(&ctx->fdt, node));
	return node;
}

static int parse_redistributors(struct board_ctx *ctx, int node)
{
	struct board_gic *gic = &ctx->out->gic;
	uint32_t regions = 1, i;
	uint64_t *stride = &gic->redist_stride;
	int err, len;

	/* Absent means one region (binding arm,gic-v3.yaml). */
	if (fdt_getprop(&ctx->fdt, node, "#redistributor-regions", &len) &&
	    (fdt_read_u32(&ctx->fdt, node, "#redistributor-regions", &regions) || regions == 0))
		return board_fail(ctx, ZE_MALFORMED, "GICv3 #redistributor-regions is malformed");
	if (regions > BOARD_MAX_GICR_REGIONS)
		return board_fail(ctx, ZE_LIMIT,
		                  "GICv3 has %u redistributor regions, at most %u supported",
		                  (unsigned)regions, (unsigned)BOARD_MAX_GICR_REGIONS);
	for (i = 0; i < regions; i++) {
		err = board_read_range(ctx, node, (int)i + 1, &gic->redist[i], "GICv3");
		if (err)
			return err;
	}
	gic->redist_count = regions;
	if (fdt_getprop(&ctx->fdt, node, "redistributor-stride", &len) &&
	    (fdt_read_u64(&ctx->fdt, node, "redistributor-stride", stride) || *stride == 0 ||
	     *stride % GIC_DT_REDIST_ALIGN))
		return board_fail(ctx, ZE_MALFORMED,
		                  "GICv3 redistributor-stride must be a 64-bit multiple of 64 KiB");
	return 0;
}

int board_parse_gic(struct board_ctx *ctx)
{
	struct board_gic *gic = &ctx->out->gic;
	int node = find_available(ctx, COMPAT_GICV3), err;

	if (node < 0)
		return board_fail(ctx, ZE_MISSING,
		                  "no GICv3 node (compatible \"" COMPAT_GICV3 "\")");
	ctx->gic_node = node;
	ctx->gic_phandle = fdt_get_phandle(&ctx->fdt, node);
	if (fdt_read_u32(&ctx->fdt, node, "#interrupt-cells", &ctx->irq_cells) ||
	    ctx->irq_cells < GIC_DT_IRQ_CELLS || ctx->irq_cells > GIC_DT_IRQ_CELLS_MAX)
		return board_fail(ctx, ZE_MALFORMED, "GICv3 #interrupt-cells must be 3 or 4");
	gic->interrupt_cells = ctx->irq_cells;
	err = board_read_range(ctx, node, 0, &gic->dist, "GICv3");
	if (!err)
		err = parse_redistributors(ctx, node);
	if (err || irq_count(ctx, node) == -ZE_NOENT)
		return err;
	gic->has_maint_irq = true;
	return read_intid(ctx, node, 0, &gic->maint_intid, "GICv3");
}

/* The console: /chosen stdout-path, else the first PL011. */
static int find_console(struct board_ctx *ctx)
{
	struct fdt_chosen chosen;
	int err = fdt_read_chosen(&ctx->fdt, &chosen), node;

	if (err && err != -ZE_NOENT)
		return board_fail(ctx, ZE_MALFORMED, "/chosen is malformed (%s)", zerror_name(err));
	if (!chosen.stdout_path) {
		node = find_available(ctx, COMPAT_PL011);
		if (node < 0)
			return board_fail(ctx, ZE_MISSING,
			                  "no console UART (no /chosen stdout-path "
			                  "and no \"" COMPAT_PL011 "\" node)");
		return node;
	}
	node = fdt_path_offset_n(&ctx->fdt, chosen.stdout_path, chosen.stdout_path_len);
	if (node < 0)
		return board_fail(ctx, ZE_MALFORMED, "stdout-path \"%s\" names no node",
		                  chosen.stdout_path);
	if (!fdt_node_is_available(&ctx->fdt, node))
		return board_fail(ctx, ZE_MALFORMED, "stdout-path \"%s\" names a disabled node",
		                  chosen.stdout_path);
	return node;
}

int board_parse_uart(struct board_ctx *ctx)
{
	struct board_uart *uart = &ctx->out->uart;
	int node = find_console(ctx), err;

	if (node < 0)
		return node;
	err = board_read_range(ctx, node, 0, &uart->reg, "UART");
	if (!err)
		err = read_intid(ctx, node, 0, &uart->intid, "UART");
	if (err)
		return err;
	board_copy_name(uart->compatible, fdt_stringlist_get(&ctx->fdt, node, "compatible", 0));
	uart->is_pl011 = fdt_node_is_compatible(&ctx->fdt, node, COMPAT_PL011);
	return 0;
}

int board_parse_timer(struct board_ctx *ctx)
{
	struct board_timer *timer = &ctx->out->timer;
	uint32_t *const intids[] = {
		[TIMER_SEC_PHYS] = &timer->sec_phys_intid,
		[TIMER_PHYS] = &timer->phys_intid,
		[TIMER_VIRT] = &timer->virt_intid,
		[TIMER_HYP_PHYS] = &timer->hyp_phys_intid,
		[TIMER_HYP_VIRT] = &timer->hyp_virt_intid,
	};
	int node = find_available(ctx, COMPAT_TIMER), i, err;

	if (node < 0)
		return board_fail(ctx, ZE_MISSING,
		                  "no generic timer node (compatible \"" COMPAT_TIMER "\")");
	for (i = 0; i < TIMER_REQUIRED_IRQS; i++) {
		err = read_intid(ctx, node, i, intids[i], "timer");
		if (err)
			return err;
	}
	if (irq_count(ctx, node) > TIMER_HYP_VIRT) {
		err = read_intid(ctx, node, TIMER_HYP_VIRT, intids[TIMER_HYP_VIRT], "timer");
		if (err)
			return err;
		timer->has_hyp_virt = true;
	}
	if (fdt_getprop(&ctx->fdt, node, "clock-frequency", NULL) &&
	    fdt_read_u32(&ctx->fdt, node, "clock-frequency", &timer->clock_frequency))
		return board_fail(ctx, ZE_MALFORMED, "timer clock-frequency is not one cell");
	return 0;
}

/* Inserts v keeping list sorted by base address. */
static void insert_by_address(struct board_virtio *list, uint32_t count,
                              const struct board_virtio *v)
{
	uint32_t i = count;

	while (i > 0 && list[i - 1].reg.base > v->reg.base) {
		list[i] = list[i - 1];
		i--;
	}
	list[i] = *v;
}

int board_parse_virtio(struct board_ctx *ctx)
{
	struct board_desc *out = ctx->out;
	struct board_virtio v;
	int node = -1, err;

	while ((node = fdt_node_offset_by_compatible(&ctx->fdt, node, COMPAT_VIRTIO_MMIO)) >= 0) {
		if (!fdt_node_is_available(&ctx->fdt, node))
			continue;
		if (out->virtio_count >= BOARD_MAX_VIRTIO)
			return board_fail(ctx, ZE_LIMIT, "more than %u virtio,mmio nodes",
			                  (unsigned)BOARD_MAX_VIRTIO);
		err = board_read_range(ctx, node, 0, &v.reg, "virtio-mmio");
		if (!err)
			err = read_intid(ctx, node, 0, &v.intid, "virtio-mmio");
		if (err)
			return err;
		insert_by_address(out->virtio, out->virtio_count++, &v);
	}
	return 0;
}

/* The board's RTC, a PL031, when it has one: where ZVM's UTC starts. */
int board_parse_rtc(struct board_ctx *ctx)
{
	int node = find_available(ctx, COMPAT_PL031);

	if (node < 0)
		return 0;
	int err = board_read_range(ctx, node, 0, &ctx->out->rtc, "PL031 RTC");
	if (!err)
		ctx->out->has_rtc = true;
	return err;
}
