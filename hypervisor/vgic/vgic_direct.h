/*
 * Direct interrupt delivery for an exclusive real-time guest: the guest's
 * IRQs go from the physical CPU interface straight to EL1, ZVM's list
 * registers stay out of the path.  ZVM keeps its own per-core interrupts
 * (IPIs, its timer) as Group 0 FIQs, which still reach EL2, so it can stop
 * the guest at any time.  The distributor and redistributors stay
 * emulated; the guest's timer PPIs are mirrored to the core's physical
 * redistributor.  Single-vCPU VMs only: a guest's SGIs would otherwise
 * reach physical cores by the guest's own numbering.
 */
#ifndef VMM_VGIC_DIRECT_H
#define VMM_VGIC_DIRECT_H

struct vcpu;

void vgic_direct_enter(struct vcpu *v);
void vgic_direct_leave(struct vcpu *v);
/* Before the return to the guest: if it wrote its GIC, apply its PPI settings. */
void vgic_direct_sync(struct vcpu *v);

#endif
