/* Exception entry to a guest's EL1: see arch/arm64/guest_exception.h. */
#include "arch/arm64/guest_exception.h"
#include "arch/arm64/esr.h"

#define EL0 0
#define EL1 1

static unsigned pstate_el(uint64_t spsr)
{
	return (unsigned)((spsr >> PSTATE_EL_SHIFT) & PSTATE_EL_MASK);
}

unsigned guest_sync_vector_offset(uint64_t spsr)
{
	if (spsr & PSTATE_MODE_AARCH32)
		return VECTOR_LOWER_A32;
	if (pstate_el(spsr) == EL0)
		return VECTOR_LOWER_A64;
	return (spsr & PSTATE_SP_ELX) ? VECTOR_CUR_SPX : VECTOR_CUR_SP0;
}

/* EC from EL1 itself or from EL0; IL: a 32-bit instruction; DFSC 0b010000. */
uint64_t guest_external_dabt_esr(uint64_t spsr, bool write)
{
	bool same_el = !(spsr & PSTATE_MODE_AARCH32) && pstate_el(spsr) == EL1;
	uint64_t ec = same_el ? ESR_EC_DABT_CUR : ESR_EC_DABT_LOWER;

	return ec << ESR_EC_SHIFT | ESR_IL | (write ? ESR_DABT_WNR : 0) | ESR_FSC_SYNC_EXTERNAL;
}

/* The same for a fetch: EC 0x21 from EL1, 0x20 from EL0; IFSC 0b010000. */
uint64_t guest_external_iabt_esr(uint64_t spsr)
{
	bool same_el = !(spsr & PSTATE_MODE_AARCH32) && pstate_el(spsr) == EL1;
	uint64_t ec = same_el ? ESR_EC_IABT_CUR : ESR_EC_IABT_LOWER;

	return ec << ESR_EC_SHIFT | ESR_IL | ESR_FSC_SYNC_EXTERNAL;
}

/*
 * EL1h with D, A, I, F masked (ARM ARM D1.10.3); PAN is set unless
 * SCTLR_EL1.SPAN says keep it, SSBS comes from SCTLR_EL1.DSSBS, DIT is
 * kept.  Features ZVM does not give guests (MTE's TCO, BTI's BTYPE, NMI's
 * ALLINT) stay zero.
 */
uint64_t guest_entry_pstate(uint64_t old, uint64_t sctlr_el1, const struct guest_cpu_features *f)
{
	uint64_t pstate = PSTATE_EL1H_MASKED | (old & PSTATE_DIT);

	if (f->pan)
		pstate |= (sctlr_el1 & SCTLR_EL1_SPAN) ? (old & PSTATE_PAN) : PSTATE_PAN;
	if (f->ssbs && (sctlr_el1 & SCTLR_EL1_DSSBS))
		pstate |= PSTATE_SSBS;
	return pstate;
}
