/*
 * Accesses a VM's memory map has nothing for (guest.h): the abort each
 * must give under abort-policy "inject" is a synchronous external abort,
 * ESR_EL1 EC 0x25 (data) or 0x21 (fetch) from EL1, DFSC/IFSC 0x10.
 */
#include "guest.h"
#include "lib/gicv3_defs.h"
#include "zvm/guest_layout.h"

void probe_outside_read(void)
{
	uint64_t reg = UNTOUCHED;

	puts("probe: read outside my memory\n");
	abort_expected = true;
	__asm__ volatile("ldr %0, [%1]" : "+r"(reg) : "r"(OUTSIDE_ANY_MAP) : "memory");
	report("read outside", reg);
}

/* A branch to where nothing is: the handler resumes at the label. */
void probe_outside_fetch(void)
{
	uint64_t scratch;

	puts("probe: fetch outside my memory\n");
	abort_expected = true;
	__asm__ volatile("adr %0, 1f\n\t"
	                 "str %0, [%1]\n\t"
	                 "blr %2\n"
	                 "1:"
	                 : "=&r"(scratch)
	                 : "r"(&resume_at), "r"(OUTSIDE_ANY_MAP)
	                 : "x30", "memory");
	report("fetch outside", UNTOUCHED);
}

/* LDP gives no syndrome (ISV=0): the hypervisor cannot emulate it. */
void probe_unemulatable(void)
{
	uint64_t a = UNTOUCHED, b = UNTOUCHED;

	puts("probe: ldp from the distributor\n");
	abort_expected = true;
	__asm__ volatile("ldp %w0, %w1, [%2]"
	                 : "+r"(a), "+r"(b)
	                 : "r"(GUEST_GICD_BASE + GICD_CTLR)
	                 : "memory");
	report("ldp GICD_CTLR", a == UNTOUCHED && b == UNTOUCHED ? UNTOUCHED : 0);
}
