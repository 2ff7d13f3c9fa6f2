/* Shared between board_dt.c and board_dt_dev.c; not a public API. */
#ifndef KERNEL_BOARD_DT_PRIV_H
#define KERNEL_BOARD_DT_PRIV_H

#include "kernel/board_dt.h"
#include "lib/fdt.h"

/* Longest node path quoted in an error message. */
#define BOARD_PATH_MAX 96

struct board_ctx {
	struct fdt fdt;
	struct board_desc *out;
	struct zerr_msg *msg;
	int gic_node; /* the GICv3 node, once found */
	uint32_t gic_phandle;
	uint32_t irq_cells; /* the GIC's #interrupt-cells */
};

/* Writes "devicetree: <message>" into ctx->msg and returns -code. */
int board_fail(struct board_ctx *ctx, enum zerror code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Full path of node ("/cpus/cpu@0") for messages; never fails. */
const char *board_node_path(struct board_ctx *ctx, int node, char *buf, size_t size);
/* Only worth its walk when a message needs it: use in failure paths. */
#define BOARD_PATH(ctx, node, buf) board_node_path((ctx), (node), (buf), sizeof(buf))

/* reg entry index of node into *range; what names it in messages. */
int board_read_range(struct board_ctx *ctx, int node, int index, struct board_range *range,
                     const char *what);

/* Copies a string into a fixed buffer, truncating. */
void board_copy_name(char *dst, const char *src);

/* The device parts (board_dt_dev.c), called in this order. */
int board_parse_gic(struct board_ctx *ctx);
int board_parse_uart(struct board_ctx *ctx);
int board_parse_timer(struct board_ctx *ctx);
int board_parse_virtio(struct board_ctx *ctx);
int board_parse_rtc(struct board_ctx *ctx);

#endif
