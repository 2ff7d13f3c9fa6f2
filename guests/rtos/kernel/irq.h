/* Interrupt handler registry and the C side of the IRQ vector. */
#ifndef RTOS_KERNEL_IRQ_H
#define RTOS_KERNEL_IRQ_H

#include <stdint.h>
#include <stdbool.h>

typedef void (*irq_handler_fn)(uint32_t intid, void *arg);

/* The virtual count read by the IRQ vector's second instruction. */
extern volatile uint64_t irq_entry_stamp;

/* Registers and enables an interrupt: an SGI or PPI of this CPU, or an SPI
 * (edge, routed to this CPU). */
int irq_attach(uint32_t intid, irq_handler_fn handler, void *arg);
void irq_detach(uint32_t intid);
bool irq_in_handler(void);
void irq_dispatch(void);

#endif
