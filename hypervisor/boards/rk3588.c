/*
 * Rockchip RK3588 (4x Cortex-A76 + 4x Cortex-A55, GIC-600 GICv3).
 * Debug console: UART2, a DesignWare 16550, at 1500000 baud set by the loader.
 */
#include "boards/board.h"
#include "drivers/uart.h"

#define RK3588_UART2 0xfeb50000

const struct board_info board_info = {
	.name = "rk3588",
	.early_uart = &ns16550_driver,
	.early_uart_base = RK3588_UART2,
	/* DRAM after a reset (or a previous OS) holds anything: every VM's
	 * memory is scrubbed before its first use. */
	.ram_zero_at_reset = false,
};
