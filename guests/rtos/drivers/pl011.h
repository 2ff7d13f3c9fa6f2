/* Arm PL011 UART, transmit side only: the RTOS console. */
#ifndef RTOS_DRIVERS_PL011_H
#define RTOS_DRIVERS_PL011_H

#include <stdint.h>

void pl011_init(uint64_t base);
void pl011_putc(char c);

#endif
