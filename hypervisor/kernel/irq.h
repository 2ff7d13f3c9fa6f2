/* Interrupt handler registry and dispatch. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <stdint.h>

enum irq_result {
	IRQ_HANDLED,   /* done: ZVM deactivates it */
	IRQ_FORWARDED, /* handed to a guest, which deactivates it */
};

typedef enum irq_result (*irq_handler_fn)(unsigned intid, void *arg);

/* One handler per INTID (SGIs and PPIs: the same handler on every core). */
int irq_register(unsigned intid, irq_handler_fn fn, void *arg, const char *name);
void irq_dispatch(void);
uint64_t irq_count(unsigned intid);
const char *irq_name(unsigned intid);

#endif
