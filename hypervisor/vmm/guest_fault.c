/* Kinds and messages of a guest's faults: see vmm/guest_fault.h. */
#include "vmm/guest_fault.h"
#include "arch/arm64/esr.h"
#include "lib/format.h"

enum guest_fault guest_fault_classify(const struct guest_abort *a, bool fetch, bool device)
{
	/* A permission fault is on a page stage 2 maps: RAM or a pass-through
	 * device, never an emulated window (those are unmapped). */
	if ((a->fsc & ~ESR_FSC_LEVEL_MASK) == ESR_FSC_PERMISSION)
		return GUEST_FAULT_PERMISSION;
	if (fetch || !device)
		return GUEST_FAULT_OUTSIDE;
	/* A stage-1 walk into a device window has no syndrome either. */
	if (!a->syndrome_valid || a->walk)
		return GUEST_FAULT_UNEMULATABLE;
	return GUEST_FAULT_NONE;
}

const char *guest_fault_name(enum guest_fault kind)
{
	switch (kind) {
	case GUEST_FAULT_OUTSIDE: return "outside";
	case GUEST_FAULT_PERMISSION: return "permission";
	case GUEST_FAULT_UNEMULATABLE: return "unemulatable";
	case GUEST_FAULT_NONE:
	case GUEST_FAULT_KINDS:
	default: break;
	}
	return "none";
}

static const char *access_name(const struct guest_abort *a, bool fetch)
{
	if (fetch)
		return "instruction fetch";
	if (a->walk)
		return "stage-1 table walk";
	return a->write ? "write" : "read";
}

int guest_fault_describe(enum guest_fault kind, const struct guest_abort *a, bool fetch,
                         uint64_t pc, char *buf, size_t size)
{
	const char *what = access_name(a, fetch);

	switch (kind) {
	case GUEST_FAULT_PERMISSION:
		return fmt_snprintf(
		        buf, size, "%s of IPA 0x%lx not permitted (%s page) at PC 0x%lx", what,
		        a->ipa, fetch ? "non-executable" : (a->write ? "read-only" : "no-read"),
		        pc);
	case GUEST_FAULT_UNEMULATABLE:
		return fmt_snprintf(buf, size,
		                    "unemulatable %s of IPA 0x%lx (ISV=0: pair, writeback, "
		                    "exclusive or SIMD/FP) at PC 0x%lx",
		                    what, a->ipa, pc);
	case GUEST_FAULT_OUTSIDE:
	case GUEST_FAULT_NONE:
	case GUEST_FAULT_KINDS:
	default: break;
	}
	return fmt_snprintf(buf, size, "%s of IPA 0x%lx outside its memory at PC 0x%lx", what,
	                    a->ipa, pc);
}
