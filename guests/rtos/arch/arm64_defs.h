/*
 * Architectural constants of ARMv8-A used by the guest RTOS, shared by C and
 * assembly (so: plain integers, no casts or suffixes).  Section numbers refer
 * to the Arm ARM (DDI 0487) and the GICv3 architecture spec (IHI 0069).
 */
#ifndef RTOS_ARCH_ARM64_DEFS_H
#define RTOS_ARCH_ARM64_DEFS_H

/* CurrentEL holds the exception level in bits [3:2] (D13.2.29). */
#define CURRENT_EL_SHIFT 2
#define EL2              2

/* HCR_EL2.RW: EL1 is AArch64 (D13.2.48).  Everything else stays 0: no
 * stage 2, no interrupt routing to EL2, E2H off. */
#define HCR_EL2_RW (1 << 31)

/* CNTHCTL_EL2 with E2H = 0: EL1 may read the physical counter and use the
 * EL1 physical timer without trapping (D13.8.3). */
#define CNTHCTL_EL1PCTEN (1 << 0)
#define CNTHCTL_EL1PCEN  (1 << 1)

/* CPTR_EL2 with E2H = 0: RES1 bits [13:12], [9:0]; TFP (bit 10) clear so
 * nothing traps (D13.2.31). */
#define CPTR_EL2_RES1 0x33ff

/* SCTLR_EL1 RES1 bits (29, 28, 23, 22, 20, 11): MMU, caches and alignment
 * checks off (D13.2.118).  The RTOS runs with the MMU off, see docs/rtos.md. */
#define SCTLR_EL1_RES1_LO 0x0800
#define SCTLR_EL1_RES1_HI 0x30d0

/* SPSR for an eret to EL1h with D, A, I and F masked (C5.2.18). */
#define SPSR_EL1H_MASKED 0x3c5

/* ELF64 relocation type the static PIE link leaves (AArch64 ELF ABI 5.7.12). */
#define R_AARCH64_RELATIVE 1027
#define ELF64_RELA_SIZE    24

/* The RTOS's Image header (lib/linux_image.h): loaded at a 2 MiB boundary
 * anywhere in RAM, little endian, 4 KiB pages. */
#define RTOS_TEXT_OFFSET 0

/* The exception frame pushed by vectors.S: x0-x30, ELR, SPSR, one pad. */
#define FRAME_REGS 34
#define FRAME_SIZE (FRAME_REGS * 8)
#define FRAME_ELR  (31 * 8)
#define FRAME_SPSR (32 * 8)

#endif
