/* QEMU "virt" machine (hw/arm/virt.c memory map). */
#include "boards/board.h"
#include "drivers/uart.h"

#define VIRT_UART0 0x09000000 /* PL011 */

const struct board_info board_info = {
	.name = "qemu-virt",
	.early_uart = &pl011_driver,
	.early_uart_base = VIRT_UART0,
	/* QEMU's guest RAM is fresh anonymous host memory, zero until the
	 * loader writes the images and DTB (which ZVM reserves). */
	.ram_zero_at_reset = true,
};
