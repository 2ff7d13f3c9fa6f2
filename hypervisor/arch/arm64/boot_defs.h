/* Constants shared by the boot assembly and C. */
#ifndef ARCH_ARM64_BOOT_DEFS_H
#define ARCH_ARM64_BOOT_DEFS_H

#define MAX_CPUS		16
#define BOOT_STACK_SHIFT	14		/* 16 KiB per core */
#define BOOT_STACK_SIZE		(1 << BOOT_STACK_SHIFT)

/* Linux arm64 boot protocol (Documentation/arch/arm64/booting.rst). */
#define IMAGE_TEXT_OFFSET	0x80000
#define IMAGE_FLAGS_LE_4K_ANY	0x2		/* LE, 4 KiB pages, 2 MiB-aligned base */

/* SCTLR_EL2 (ARM ARM D13.2.118): bits that must be one with E2H == 0. */
#define SCTLR_EL2_RES1		0x30c50830
#define SCTLR_ELx_M		(1 << 0)	/* stage-1 MMU */
#define SCTLR_ELx_A		(1 << 1)	/* alignment check */
#define SCTLR_ELx_C		(1 << 2)	/* data cache */
#define SCTLR_ELx_SA		(1 << 3)	/* stack alignment check */
#define SCTLR_ELx_I		(1 << 12)	/* instruction cache */
#define SCTLR_ELx_WXN		(1 << 19)

#define CURRENT_EL_EL2		(2 << 2)

#endif
