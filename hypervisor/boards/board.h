/*
 * What ZVM must know of a board before it can read the devicetree: where
 * to print early messages.  Everything else comes from the devicetree.
 */
#ifndef BOARDS_BOARD_H
#define BOARDS_BOARD_H

#include <stdbool.h>
#include <stdint.h>

struct uart_driver;

struct board_info {
	const char *name;
	const struct uart_driver *early_uart;
	uintptr_t early_uart_base;
	/* RAM holds only zeroes when ZVM starts, except what the loader put
	 * there (kernel/ram_clean.h): then a VM's memory needs no scrub the
	 * first time.  Set it only where that is a fact of the platform. */
	bool ram_zero_at_reset;
};

extern const struct board_info board_info;

#endif
