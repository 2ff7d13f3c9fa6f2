/* A range of physical memory. */
#ifndef KERNEL_PHYS_RANGE_H
#define KERNEL_PHYS_RANGE_H

#include <stdint.h>

struct phys_range {
	uint64_t base;
	uint64_t size;
};

#endif
