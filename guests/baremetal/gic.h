#ifndef BAREMETAL_GIC_H
#define BAREMETAL_GIC_H

void gic_init(unsigned intid);
unsigned gic_ack(void);
void gic_end(unsigned intid);

#endif
