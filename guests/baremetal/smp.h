/* The bare-metal guest's other vCPUs and the SGI tests between them (smp.c). */
#ifndef BAREMETAL_SMP_H
#define BAREMETAL_SMP_H

#include <stdbool.h>

/* Whether intid is one of the SGIs smp.c uses; smp_sgi() takes it. */
bool smp_is_sgi(unsigned intid);
void smp_sgi(unsigned intid);
/* Keys g and B; false for any other. */
bool smp_key(int c);

#endif
