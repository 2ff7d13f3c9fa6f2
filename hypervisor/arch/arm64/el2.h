/* EL2 controls: ZVM's own, and those in force while a guest runs. */
#ifndef ARCH_ARM64_EL2_H
#define ARCH_ARM64_EL2_H

#include <stdbool.h>
#include <stdint.h>

/* HCR_EL2 bits (ARM ARM D13.2.48). */
#define HCR_VM     (1ull << 0)  /* stage-2 translation */
#define HCR_SWIO   (1ull << 1)  /* set/way invalidate becomes clean+invalidate */
#define HCR_FMO    (1ull << 3)  /* physical FIQs go to EL2 */
#define HCR_IMO    (1ull << 4)  /* physical IRQs go to EL2; virtual IRQs on */
#define HCR_AMO    (1ull << 5)  /* SErrors go to EL2 */
#define HCR_FB     (1ull << 9)  /* broadcast TLB/cache maintenance */
#define HCR_BSU_IS (1ull << 10) /* barriers: inner shareable */
#define HCR_TWI    (1ull << 13) /* trap WFI */
#define HCR_TSC    (1ull << 19) /* trap SMC */
#define HCR_TIDCP  (1ull << 20) /* trap implementation-defined registers */
#define HCR_TSW    (1ull << 22) /* trap set/way maintenance */
#define HCR_RW     (1ull << 31) /* EL1 is AArch64 */

#define HCR_HOST         (HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO)
/* Direct delivery: the guest's IRQs stay at EL1; ZVM keeps FIQs, and its
 * WFI, which a guest holding off every interrupt could otherwise never
 * leave (vcpu_trap.c: direct_wfi()). */
#define HCR_GUEST_DIRECT ((HCR_GUEST & ~HCR_IMO) | HCR_TWI)
#define HCR_GUEST        (HCR_HOST | HCR_VM | HCR_SWIO | HCR_FB | HCR_BSU_IS | HCR_TSC | HCR_TIDCP)

struct el2_guest_setup {
	uint64_t vttbr;
	uint64_t vtcr;
	uint64_t vmpidr;
	uint64_t cntvoff;
	uint64_t mdcr; /* MDCR_EL2: its PMU counters and traps (pmu.h) */
	bool direct_irq;
};

void el2_init_cpu(void);
/* Puts the core in guest mode and resets EL1 to its architectural start. */
void el2_enter_guest_mode(const struct el2_guest_setup *setup);
void el2_enter_host_mode(void);

#endif
