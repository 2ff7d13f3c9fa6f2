/* Inter-processor interrupts, carried by SGIs. */
#ifndef KERNEL_IPI_H
#define KERNEL_IPI_H

#include <stdbool.h>
#include <stdint.h>

enum ipi_kind {
	IPI_RESCHED = 0, /* a higher-priority thread became ready */
	IPI_CALL = 1,    /* run the posted function */
	IPI_KINDS,
};

void ipi_init_cpu(void);
void ipi_send(unsigned cpu, enum ipi_kind kind);
/* This core's IPIs become Group 0 (FIQs, at priority) or Group 1 again. */
void ipi_set_group0(bool group0, uint8_t priority);
/* Runs fn(arg) on cpu in interrupt context and waits for it; 0 or -ZE_*. */
int ipi_call(unsigned cpu, void (*fn)(void *arg), void *arg, uint64_t timeout);
uint64_t ipi_received(unsigned cpu, enum ipi_kind kind);

#endif
