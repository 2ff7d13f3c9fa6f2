/* GICv3 distributor, redistributors and the EL2 view of the CPU interface. */
#ifndef DRIVERS_GICV3_H
#define DRIVERS_GICV3_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/gicv3_defs.h"

#define GIC_MAX_RD_REGIONS 4 /* redistributor regions ZVM takes */

struct gic_rd_region {
	uintptr_t base;
	uint64_t size;
};

/* Distributor: once, on the boot core. */
int gic_init(uintptr_t gicd, const struct gic_rd_region *regions, unsigned count, uint64_t stride);
/* Redistributor and CPU interface of the calling core. */
int gic_init_cpu(void);

unsigned gic_spi_count(void);
void gic_enable_irq(unsigned intid);
void gic_disable_irq(unsigned intid);
void gic_set_priority(unsigned intid, uint8_t prio);
void gic_route_spi(unsigned intid, uint64_t mpidr);
bool gic_irq_enabled(unsigned intid);
/* group0: send it as a Group 0 SGI (ICC_SGI0R_EL1), else Group 1. */
void gic_send_sgi(unsigned sgi, uint64_t target_mpidr, bool group0);
uint32_t gic_ack(void);
uint32_t gic_ack_group0(void);
void gic_eoi_group0(uint32_t intid);
/* Group 0 interrupts are FIQs: what ZVM keeps for itself on a core whose
 * IRQs belong to a guest. */
void gic_set_group0(unsigned intid, bool group0);
/* Priority drop only (EOImode 1); gic_deactivate ends the interrupt. */
void gic_eoi(uint32_t intid);
void gic_deactivate(uint32_t intid);
bool gic_irq_active(unsigned intid);
/* A 32-bit register of core cpu's SGI_base frame (its SGIs and PPIs). */
uint32_t gic_private_read(unsigned cpu, uint64_t offset);
void gic_private_write(unsigned cpu, uint64_t offset, uint32_t value);
void gic_clear_active(unsigned intid);

#endif
