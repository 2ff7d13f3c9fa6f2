/* EL2 controls every core sets before taking interrupts. */
#ifndef ARCH_ARM64_EL2_H
#define ARCH_ARM64_EL2_H

/* HCR_EL2 bits (ARM ARM D13.2.48). */
#define HCR_FMO		(1ull << 3)	/* physical FIQs go to EL2 */
#define HCR_IMO		(1ull << 4)	/* physical IRQs go to EL2 */
#define HCR_AMO		(1ull << 5)	/* SErrors go to EL2 */
#define HCR_RW		(1ull << 31)	/* EL1 is AArch64 */

void el2_init_cpu(void);

#endif
