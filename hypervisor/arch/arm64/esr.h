/*
 * Exception Syndrome Register decoding (ARM ARM D13.2.37, ESR_ELx).
 * Portable: unit-tested on the host.
 */
#ifndef ARCH_ARM64_ESR_H
#define ARCH_ARM64_ESR_H

#include <stddef.h>
#include <stdint.h>

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  0x3fu
#define ESR_ISS_MASK 0x1ffffffu
#define ESR_IL       (1u << 25)

#define ESR_EC_UNKNOWN       0x00
#define ESR_EC_WFX           0x01
#define ESR_EC_FP_ACCESS     0x07
#define ESR_EC_ILLEGAL_STATE 0x0e
#define ESR_EC_SVC64         0x15
#define ESR_EC_HVC64         0x16
#define ESR_EC_SMC64         0x17
#define ESR_EC_SYSREG        0x18
#define ESR_EC_IABT_LOWER    0x20
#define ESR_EC_IABT_CUR      0x21
#define ESR_EC_PC_ALIGN      0x22
#define ESR_EC_DABT_LOWER    0x24
#define ESR_EC_DABT_CUR      0x25
#define ESR_EC_SP_ALIGN      0x26
#define ESR_EC_FP_EXC64      0x2c
#define ESR_EC_SERROR        0x2f
#define ESR_EC_BRK64         0x3c

/* Data/instruction abort ISS fields. */
#define ESR_ABT_FSC_MASK   0x3fu
#define ESR_DABT_WNR       (1u << 6)
#define ESR_DABT_ISV       (1u << 24)
#define ESR_DABT_S1PTW     (1u << 7)
#define ESR_DABT_SF        (1u << 15)
#define ESR_DABT_SSE       (1u << 21)
#define ESR_DABT_SAS_SHIFT 22
#define ESR_DABT_SAS_MASK  0x3u
#define ESR_DABT_SRT_SHIFT 16
#define ESR_DABT_SRT_MASK  0x1fu

/* DFSC values (ARM ARM D13.2.37, ISS encoding for a data abort). */
#define ESR_FSC_LEVEL_MASK    0x03u /* the lookup level of the next three */
#define ESR_FSC_TRANSLATION   0x04u /* 0b0001LL */
#define ESR_FSC_ACCESS_FLAG   0x08u /* 0b0010LL */
#define ESR_FSC_PERMISSION    0x0cu /* 0b0011LL */
#define ESR_FSC_SYNC_EXTERNAL 0x10u /* not on a translation table walk */
#define ESR_FSC_ALIGNMENT     0x21u

static inline unsigned esr_class(uint64_t esr)
{
	return (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static inline uint32_t esr_iss(uint64_t esr)
{
	return esr & ESR_ISS_MASK;
}

/* "data abort, same EL", "HVC (AArch64)", ... never NULL. */
const char *esr_class_name(unsigned ec);
/* Fault status code of an abort: "translation fault, level 2", ... */
const char *esr_fault_name(unsigned fsc);
/* One human line describing the whole syndrome; returns its length. */
int esr_describe(uint64_t esr, char *buf, size_t size);

#endif
