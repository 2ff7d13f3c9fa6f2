#ifndef BAREMETAL_GIC_H
#define BAREMETAL_GIC_H

#include <stdbool.h>

void gic_init(unsigned intid);
void gic_enable(unsigned intid);
void gic_disable(unsigned intid);
/* GICR_ISPENDR0: the pending state of one of this vCPU's SGIs or PPIs. */
bool gic_pending(unsigned intid);
void gic_self_sgi(unsigned intid);
void gic_enable_spi(unsigned intid);
unsigned gic_ack(void);
void gic_end(unsigned intid);

#endif
