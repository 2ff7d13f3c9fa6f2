#ifndef BAREMETAL_GIC_H
#define BAREMETAL_GIC_H

#include <stdbool.h>

/* The distributor and vCPU 0's interface, with intid enabled. */
void gic_init(unsigned intid);
/* The calling vCPU's redistributor (frame cpu) and CPU interface. */
void gic_init_cpu(unsigned cpu);
/* An SGI or PPI of vCPU 0, or of vCPU cpu. */
void gic_enable(unsigned intid);
void gic_enable_on(unsigned cpu, unsigned intid);
void gic_disable(unsigned intid);
/* GICR_ISPENDR0: the pending state of one of this vCPU's SGIs or PPIs. */
bool gic_pending(unsigned intid);
void gic_self_sgi(unsigned intid);
/* SGI intid to vCPU cpu, or (others) to every vCPU but the sender. */
void gic_sgi(unsigned intid, unsigned cpu, bool others);
void gic_enable_spi(unsigned intid);
unsigned gic_ack(void);
void gic_end(unsigned intid);

#endif
