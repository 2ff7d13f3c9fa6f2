/*
 * Which RAM is known to hold only zeroes, so that a VM's memory is scrubbed
 * only where something may have written it (issue 12: a VM must find
 * nothing of a previous VM, and start in a millisecond).
 *
 * RAM is tracked in 2 MiB chunks.  At boot a chunk is clean only when the
 * board says its RAM is zero out of reset (board_info.ram_zero_at_reset:
 * QEMU, whose RAM is fresh anonymous memory) and nothing was loaded or
 * reserved in it; on other boards every chunk starts dirty and the first
 * VM to get it scrubs it.  Every page ZVM hands out for its own use dirties
 * its chunk; a VM's RAM is zeroed where dirty when the VM starts, and is
 * dirty from then on.  Dirty is sticky: freeing never cleans.
 *
 * Portable and unlocked: kernel/mem.c calls it under its page lock
 * (mem_scrub_guest() zeroes a VM's RAM with it), host tests directly.
 */
#ifndef KERNEL_RAM_CLEAN_H
#define KERNEL_RAM_CLEAN_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/phys_range.h"

#define RAM_CLEAN_CHUNK_SHIFT 21 /* 2 MiB */
#define RAM_CLEAN_CHUNK       (UINT64_C(1) << RAM_CLEAN_CHUNK_SHIFT)

/* Before anything is allocated: the RAM banks, and whether they are zero
 * now except for the reserved ranges (the images, the DTB, metadata). */
void ram_clean_init(const struct phys_range *ram, unsigned ram_count, bool zero_at_reset);
/* [base, base + size) may be written by someone now. */
void ram_clean_dirty(uint64_t base, uint64_t size);
/* Whether the chunk holding addr was known clean; it is dirty from now on
 * (its new owner writes it).  False for untracked addresses: scrub them. */
bool ram_clean_claim(uint64_t addr);
/* Bytes of tracked RAM known clean (zvm info, tests). */
uint64_t ram_clean_bytes(void);

#endif
