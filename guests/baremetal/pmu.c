/*
 * Key 'P': does the PMU count the hypervisor?  Counts retired instructions
 * (event 0x08, counter 0) across 100 null hypercalls twice: with the
 * EL2 filter bit NSH set (count EL2 too) and clear (EL1 only).  Under a
 * hypervisor that keeps its own work out of the guest's counters the two
 * are equal (issue 12: they were 16 604 and 705).  Needs an event counter
 * and QEMU's -icount for instruction counting.
 */
#include "guest.h"
#include "zvm/hypercall.h"

#define PMCR_E          (1ull << 0)
#define PMCR_P          (1ull << 1) /* zero the event counters */
#define PMCR_N_SHIFT    11
#define PMCR_N_MASK     0x1full
#define EVENT_INST_RETD 0x08ull
#define FILTER_NSH      (1ull << 27)
#define COUNTER0        1ull
#define HYPERCALLS      100

static uint64_t count_hypercalls(bool with_el2)
{
	uint64_t type = EVENT_INST_RETD | (with_el2 ? FILTER_NSH : 0), count;

	__asm__ volatile("msr pmevtyper0_el0, %0; isb" : : "r"(type));
	__asm__ volatile("msr pmcr_el0, %0; isb" : : "r"(PMCR_E | PMCR_P));
	__asm__ volatile("msr pmcntenset_el0, %0; isb" : : "r"(COUNTER0));
	for (int i = 0; i < HYPERCALLS; i++)
		hvc(ZVM_HC_NULL, 0);
	__asm__ volatile("msr pmcntenclr_el0, %0; isb" : : "r"(COUNTER0));
	__asm__ volatile("mrs %0, pmevcntr0_el0" : "=r"(count));
	return count;
}

static void putnum(uint64_t v)
{
	char buf[24];
	int n = 0;
	char s[2] = { 0, 0 };

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n) {
		s[0] = buf[--n];
		puts(s);
	}
}

void pmu_probe(void)
{
	uint64_t pmcr, el1, el2;

	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
	uint64_t n = (pmcr >> PMCR_N_SHIFT) & PMCR_N_MASK;
	puts("pmu: counters ");
	putnum(n);
	if (n == 0) {
		puts(", nothing to count with\n");
		return;
	}
	el1 = count_hypercalls(false);
	el2 = count_hypercalls(true);
	puts(", el1 only ");
	putnum(el1);
	puts(", el2 included ");
	putnum(el2);
	puts("\n");
}
