/* ARM PrimeCell PL011 UART (ARM DDI 0183). */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <stdbool.h>
#include <stdint.h>

void pl011_init(uintptr_t base);
void pl011_putc(uintptr_t base, char c);
/* Returns a received byte, or -1 when the receive FIFO is empty. */
int pl011_getc(uintptr_t base);
void pl011_enable_rx_irq(uintptr_t base, bool enable);
void pl011_ack_rx_irq(uintptr_t base);

#endif
