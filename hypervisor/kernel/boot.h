/* Facts the boot leaves for the rest of the kernel. */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <stddef.h>
#include <stdint.h>

struct board_desc;

extern struct board_desc board;
extern uint64_t boot_started_at; /* counter value at the first C code */

unsigned cpus_online(void);
/* totalsize from a devicetree header; readable with the MMU off. */
size_t fdt_blob_size(uintptr_t dtb);

#endif
