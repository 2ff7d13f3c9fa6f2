/*
 * The GIC priority of every interrupt ZVM programs, in one table.  Lower is
 * more urgent (IHI 0069 4.8); the values are multiples of 0x10, so they stay
 * distinct on any GICv3 (at least 16 levels as Non-secure software sees
 * them, 4.8.1).  A guest's own priorities are its business: the list
 * registers carry what the guest programmed into its vGIC.
 */
#ifndef KERNEL_IRQ_PRIORITY_H
#define KERNEL_IRQ_PRIORITY_H

/* ZVM's IPIs and timer as Group 0 FIQs on a core lent to a direct-delivery
 * guest: above anything that guest can program. */
#define IRQ_PRIO_OWN_FIQ            0x10
/* A direct-delivery guest's physical interrupts (its timers, SGIs): what
 * it programs, squeezed into [0x80, 0xff] in order.  Its Group 1 running
 * priority is the group priority of what it acknowledged, and with
 * ICC_BPR1_EL1 at its largest only bit 7 of the priority is left in that
 * (IHI 0069 4.8.5): from 0x80 up it stays below ZVM's FIQs whatever the
 * guest does with its binary point. */
#define IRQ_PRIO_DIRECT_GUEST_FLOOR 0x80
#define IRQ_PRIO_IPI                0x80 /* SGIs between ZVM's cores */
#define IRQ_PRIO_TIMER              0x80 /* ZVM's EL2 physical timer */
#define IRQ_PRIO_GUEST_PPI          0x80 /* a guest's timers, the vGIC maintenance IRQ */
#define IRQ_PRIO_DEVICE             0xa0 /* the console UART, pass-through SPIs */
#define IRQ_PRIO_DEFAULT            0xa0 /* what gic_init() gives every interrupt */

#endif
