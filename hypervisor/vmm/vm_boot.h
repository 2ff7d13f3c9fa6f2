/*
 * VMs from the system package at boot, in two steps around memory set-up:
 * first find and validate the package and name the memory it and the VMs
 * need, then create the VMs and start those marked autostart.
 */
#ifndef VMM_VM_BOOT_H
#define VMM_VM_BOOT_H

#include <stdint.h>
#include "kernel/mem.h"

#define VM_BOOT_MAX_RESERVED (1 + 8)

struct board_desc;

/* Returns how many ranges it wrote to reserved; *free_after gets the first
 * address past ZVM's image and package. */
unsigned vm_boot_scan(const struct board_desc *board, struct phys_range *reserved,
                      uint64_t *free_after);
void vm_boot_create(void);
/* The package's blob of that name, for `zvm create`: 0, or -ZE_NOENT. */
int vm_boot_image(const char *name, const void **data, size_t *size);
/* The configuration's mgmt-key (32 bytes), or NULL when it has none. */
const uint8_t *vm_boot_mgmt_key(void);

#endif
