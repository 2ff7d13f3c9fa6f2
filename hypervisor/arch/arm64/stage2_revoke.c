/*
 * Taking a running VM's whole map away, and giving it back (stage2.h).
 *
 * Every access and instruction fetch of a guest goes through its stage-2
 * map; a stage-2 fault is taken to EL2 whatever the guest has masked or
 * done to its CPU interface (ARM ARM D8, stage 2 faults are always routed
 * to EL2).  So with every root entry invalid and the VMID's TLB entries
 * broadcast-invalidated, the guest's next fetch traps: the one way into
 * a core ZVM cannot interrupt.
 *
 * The root entries keep their bits, marked with a software bit: an
 * invalid descriptor's other bits are ignored by the hardware (ARM ARM
 * D8, "Invalid descriptors"), and bits [58:55] of a valid one are
 * reserved for software, so nothing else is needed to put them back.
 */
#include "arch/arm64/stage2_desc.h"

void stage2_revoke(struct stage2 *s2)
{
	if (!s2->root)
		return;
	for (unsigned int i = 0; i < S2_ENTRIES; i++) {
		uint64_t desc = s2->root[i];
		if (s2_is_valid(desc))
			s2_write_desc(&s2->root[i], (desc & ~S2_DESC_VALID) | S2_DESC_SW_REVOKED);
	}
	s2->revoked = true;
	/* Flushed even when revoked already: a retry must reach the core again. */
	stage2_flush_tlb(s2);
	s2->tlb_stale = false;
}

void stage2_restore(struct stage2 *s2)
{
	if (!s2->root || !s2->revoked)
		return;
	/* Invalid entries become valid: no TLB can hold them (stage2_map()). */
	for (unsigned int i = 0; i < S2_ENTRIES; i++) {
		uint64_t desc = s2->root[i];
		if (desc & S2_DESC_SW_REVOKED)
			s2_write_desc(&s2->root[i], (desc & ~S2_DESC_SW_REVOKED) | S2_DESC_VALID);
	}
	s2->revoked = false;
}
