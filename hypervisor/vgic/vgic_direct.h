/*
 * Direct interrupt delivery for an exclusive real-time guest: the guest's
 * IRQs go from the physical CPU interface straight to EL1, ZVM's list
 * registers stay out of the path.  ZVM keeps its own per-core interrupts
 * (IPIs, its timer) as Group 0 FIQs, which still reach EL2, so it can stop
 * the guest at any time: the guest's priorities for its physical
 * interrupts are mapped below them (IRQ_PRIO_DIRECT_GUEST_FLOOR), and what
 * it wrote into its active priority registers is cleared when it leaves
 * (the running priority it can forge there is met by a stop that revokes
 * its stage-2 map, vm_run.c).  The distributor and redistributors stay
 * emulated; the guest's timer PPIs are mirrored to the core's physical
 * redistributor, and so are its SGIs (those ZVM does not keep for its own
 * IPIs), which ZVM sends to the VM's own cores only.  The pending and
 * active state of these interrupts is the physical GIC's, and the guest
 * reads and writes it there.
 */
#ifndef VMM_VGIC_DIRECT_H
#define VMM_VGIC_DIRECT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

void vgic_direct_enter(struct vcpu *v);
void vgic_direct_leave(struct vcpu *v);
/* Before the return to the guest: if it wrote its GIC, apply its PPI settings. */
void vgic_direct_sync(struct vcpu *v);
/* The guest on v wrote ICC_SGI1R_EL1. */
void vgic_direct_send_sgi(struct vcpu *v, uint64_t sgi1r);
/* The redistributors' MMIO handler of a direct-delivery VM. */
int vgic_direct_redist_mmio(void *vgic, uint64_t offset, unsigned size, bool write,
                            uint64_t *value);

#endif
