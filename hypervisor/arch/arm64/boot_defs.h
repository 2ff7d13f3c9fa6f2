/* Constants shared by the boot assembly and C. */
#ifndef ARCH_ARM64_BOOT_DEFS_H
#define ARCH_ARM64_BOOT_DEFS_H

#include "lib/linux_image.h"

#define MAX_CPUS         16
#define BOOT_STACK_SHIFT 14 /* 16 KiB per core */
#define BOOT_STACK_SIZE  (1 << BOOT_STACK_SHIFT)

/* ZVM's place in its Image header (lib/linux_image.h): 512 KiB above a
 * 2 MiB boundary near the start of RAM, little endian, 4 KiB pages. */
#define ZVM_TEXT_OFFSET 0x80000
#define ZVM_IMAGE_FLAGS IMAGE_FLAG_PAGE_4K

/* SCTLR_EL2 (ARM ARM D13.2.118): bits that must be one with E2H == 0. */
#define SCTLR_EL2_RES1 0x30c50830
#define SCTLR_ELx_M    (1 << 0)  /* stage-1 MMU */
#define SCTLR_ELx_A    (1 << 1)  /* alignment check */
#define SCTLR_ELx_C    (1 << 2)  /* data cache */
#define SCTLR_ELx_SA   (1 << 3)  /* stack alignment check */
#define SCTLR_ELx_I    (1 << 12) /* instruction cache */
#define SCTLR_ELx_WXN  (1 << 19)

#define CURRENT_EL_EL2 (2 << 2)

#endif
