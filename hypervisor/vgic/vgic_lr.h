/*
 * The hardware half of the vGIC: the list registers (ICH_LR<n>_EL2) of the
 * core a vCPU runs on.  The register model (vgic.h) stays authoritative:
 * at every trap the list registers are folded back into it, and before
 * every return the highest-priority deliverable interrupts are loaded.
 * When more wait than there are list registers, the maintenance interrupt
 * (no pending LR left) brings the vCPU back to load the rest: nothing lost.
 */
#ifndef VMM_VGIC_LR_H
#define VMM_VGIC_LR_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Core set-up when the vCPU starts on it, and undone when it leaves. */
void vgic_lr_enter(struct vcpu *v);
void vgic_lr_leave(struct vcpu *v);
/* Folds the list registers back into the model (before blocking). */
void vgic_lr_save(struct vcpu *v);
/* Folds back, then loads what is deliverable now: the last step to the guest. */
void vgic_lr_sync(struct vcpu *v);
/* The redistributors' MMIO handler for a VM whose LRs ZVM manages (the
 * distributor's is vgic_dist_mmio() in either mode). */
int vgic_lr_redist_mmio(void *vgic, uint64_t offset, unsigned size, bool write, uint64_t *value);
/* Timer interrupts v took by the fast path during its current or last run. */
uint64_t vgic_lr_fast_timer_count(const struct vcpu *v);

#endif
