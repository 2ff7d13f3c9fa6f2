/* GICv3: distributor, this CPU's redistributor and the ICC system registers. */
#ifndef RTOS_DRIVERS_GICV3_H
#define RTOS_DRIVERS_GICV3_H

#include <stdint.h>

#include "lib/gicv3_defs.h"

int gicv3_init(uint64_t dist_base, uint64_t redist_base, uint64_t redist_size);
/* Enables an SGI or PPI (INTID < 32) at the given priority (0 = highest). */
void gicv3_enable_private(uint32_t intid, uint8_t priority);
void gicv3_disable_private(uint32_t intid);
/* Enables SPI intid (32..1019): group 1, edge-triggered, routed to this
 * CPU, at the given priority. */
void gicv3_enable_spi(uint32_t intid, uint8_t priority);
void gicv3_disable_spi(uint32_t intid);
uint32_t gicv3_ack(void);
void gicv3_eoi(uint32_t intid);
/* Sends SGI intid to this CPU. */
void gicv3_send_sgi_self(uint32_t intid);

#endif
