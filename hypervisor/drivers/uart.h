/* What the console needs of a UART, whichever kind the board has. */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <stdbool.h>
#include <stdint.h>

struct uart_driver {
	const char *name;
	void (*init)(uintptr_t base);
	void (*putc)(uintptr_t base, char c);
	int (*getc)(uintptr_t base); /* -1 when nothing received */
	void (*enable_rx_irq)(uintptr_t base, bool enable);
	void (*ack_rx_irq)(uintptr_t base);
};

extern const struct uart_driver pl011_driver;
extern const struct uart_driver ns16550_driver;

/* The driver for a devicetree compatible string, or NULL. */
const struct uart_driver *uart_driver_for(const char *compatible);

#endif
