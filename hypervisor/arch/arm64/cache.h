/* Data-cache maintenance by virtual address. */
#ifndef ARCH_ARM64_CACHE_H
#define ARCH_ARM64_CACHE_H

#include <stddef.h>
#include <stdint.h>

void dcache_inval_range(uintptr_t start, size_t size);
void dcache_clean_range(uintptr_t start, size_t size);
void dcache_clean_inval_range(uintptr_t start, size_t size);

#endif
