/*
 * The decoded stage-2 data abort (ARM ARM D13.2.37, ISS of a data abort),
 * inline: the trap fast path (mmio_fast.c) keeps only the fields it uses.
 * Portable: unit-tested on the host (tests/unit/test_mmio.c).
 */
#ifndef VMM_MMIO_DECODE_H
#define VMM_MMIO_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/esr.h"

/* A stage-2 data abort as ESR_EL2, FAR_EL2 and HPFAR_EL2 describe it. */
struct guest_abort {
	uint64_t ipa;        /* guest-physical address accessed */
	uint64_t va;         /* the guest's virtual address (FAR) */
	unsigned size;       /* bytes: 1, 2, 4 or 8 (ISS.SAS) */
	unsigned reg;        /* ISS.SRT; 31 is XZR */
	unsigned fsc;        /* fault status code (ISS.DFSC) */
	bool write;          /* ISS.WnR */
	bool sign_extend;    /* ISS.SSE: a load that sign-extends */
	bool reg64;          /* ISS.SF: the register is an X register */
	bool syndrome_valid; /* ISS.ISV: size/reg/sign are meaningful */
	bool walk;           /* ISS.S1PTW: the guest's own table walk faulted */
};

/* HPFAR_EL2.FIPA holds IPA[51:12] in bits [43:4] (ARM ARM D13.2.55). */
#define HPFAR_FIPA_MASK     0x00000ffffffffff0ull
#define HPFAR_FIPA_SHIFT    8
#define PAGE_OFFSET_MASK    0xfffull
#define ABORT_BITS_PER_BYTE 8u
#define ABORT_WORD_BITS     32u

/* ESR_EL2 (EC = data abort from a lower EL), FAR_EL2, HPFAR_EL2 -> abort. */
static inline struct guest_abort arch_decode_abort(uint64_t esr, uint64_t far, uint64_t hpfar)
{
	uint32_t iss = esr_iss(esr);
	struct guest_abort a = {
		.ipa = ((hpfar & HPFAR_FIPA_MASK) << HPFAR_FIPA_SHIFT) | (far & PAGE_OFFSET_MASK),
		.va = far,
		.size = 1u << ((iss >> ESR_DABT_SAS_SHIFT) & ESR_DABT_SAS_MASK),
		.reg = (iss >> ESR_DABT_SRT_SHIFT) & ESR_DABT_SRT_MASK,
		.fsc = iss & ESR_ABT_FSC_MASK,
		.write = iss & ESR_DABT_WNR,
		.sign_extend = iss & ESR_DABT_SSE,
		.reg64 = iss & ESR_DABT_SF,
		.syndrome_valid = iss & ESR_DABT_ISV,
		.walk = iss & ESR_DABT_S1PTW,
	};
	return a;
}

/*
 * A load with a full syndrome (ISV: size, register, sign) from an unmapped
 * IPA, not the guest's own stage-1 walk: the only abort the trap fast path
 * (mmio_fast.c) may serve; every other one takes the full path, which
 * classifies it (guest_fault.h).
 */
static inline bool abort_is_plain_load(const struct guest_abort *a)
{
	return a->syndrome_valid && !a->write && !a->walk &&
	       (a->fsc & ~ESR_FSC_LEVEL_MASK) == ESR_FSC_TRANSLATION;
}

static inline uint64_t abort_low_bits(unsigned bits)
{
	return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

/* The register value a load leaves, from the datum the device returned:
 * LDRSB/LDRSH/LDRSW sign-extend to the register's width; W registers
 * leave the upper half zero (ARM ARM C6.2, load instructions). */
static inline uint64_t abort_load_value(const struct guest_abort *a, uint64_t datum)
{
	unsigned bits = a->size * ABORT_BITS_PER_BYTE;
	uint64_t value = datum & abort_low_bits(bits);

	if (a->sign_extend && bits < 64 && (value >> (bits - 1) & 1))
		value |= ~abort_low_bits(bits);
	return a->reg64 ? value : value & abort_low_bits(ABORT_WORD_BITS);
}

/* The datum a store writes, from the register's value. */
static inline uint64_t abort_store_value(const struct guest_abort *a, uint64_t reg)
{
	return reg & abort_low_bits(a->size * ABORT_BITS_PER_BYTE);
}

#endif
