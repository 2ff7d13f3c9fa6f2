/* Device register access; the RTOS runs with the MMU off, so all data
 * accesses are Device-nGnRnE and need natural alignment. */
#ifndef RTOS_DRIVERS_MMIO_H
#define RTOS_DRIVERS_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}

static inline uint64_t mmio_read64(uint64_t addr)
{
	return *(volatile uint64_t *)addr;
}

static inline void mmio_write64(uint64_t addr, uint64_t val)
{
	*(volatile uint64_t *)addr = val;
}

static inline void mmio_write8(uint64_t addr, uint8_t val)
{
	*(volatile uint8_t *)addr = val;
}

#endif
