/*
 * What ZVM must know of a board before it can read the devicetree: where
 * to print early messages.  Everything else comes from the devicetree.
 */
#ifndef BOARDS_BOARD_H
#define BOARDS_BOARD_H

#include <stdint.h>

struct uart_driver;

struct board_info {
	const char *name;
	const struct uart_driver *early_uart;
	uintptr_t early_uart_base;
};

extern const struct board_info board_info;

#endif
