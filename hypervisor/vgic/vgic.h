/*
 * The virtual GICv3 of one VM, portable half: the emulated distributor and
 * redistributors as register models, and the per-vCPU pending queue that
 * feeds the list registers.  The arch half (ICH_LR<n>_EL2, ICH_HCR_EL2, the
 * maintenance interrupt, the world switch) is built on this API.
 *
 * How the arch half drives it, all under the VM's one lock:
 *   - a device, a pass-through SPI or a timer raises an interrupt:
 *     vgic_inject() (edge) or vgic_set_level() (level line);
 *   - the guest writes ICC_SGI1R_EL1 (trapped): vgic_send_sgi();
 *   - after any of these, vgic_take_kicks() names the vCPUs that now have
 *     something deliverable, so their cores can be sent an SGI;
 *   - at guest entry: vgic_pick() hands out the interrupts for the free list
 *     registers; each one then belongs to that list register;
 *   - when a list register is given up (it became invalid, it is evicted,
 *     or the world switch folds every LR back): vgic_lr_return() with the
 *     state the LR holds now.  This is where "the guest took it" is seen.
 *
 * Nothing is ever dropped: pending state is one bit per interrupt (as in
 * the architecture), and every INTID of the VM has its own slot in the
 * queue, so the queue cannot overflow.  vgic_stats() proves it with an
 * accounting of every pending request (the "lost" figure stays 0).
 *
 * This code takes no lock; the caller holds the VM's lock around each call.
 */
#ifndef VMM_VGIC_H
#define VMM_VGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/gicv3_defs.h"
#include "zvm/guest_layout.h"

#define VGIC_MAX_VCPUS     GUEST_MAX_VCPUS
/* Every SPI the architecture has room for, INTIDs 32..1019 (IHI 0069 2.2). */
#define VGIC_MAX_SPIS      (GIC_INTID_SPECIAL - GIC_SPI_BASE)
#define VGIC_MAX_INTID     (GIC_SPI_BASE + VGIC_MAX_SPIS - 1)
#define VGIC_PRIVATE_SLOTS (VGIC_MAX_VCPUS * GIC_PRIVATE_COUNT)
/*
 * The state of a VM with spis SPIs, which the caller allocates (sized per
 * VM: as many SPIs as the board's GICD_TYPER reports) and hands to
 * vgic_init(): each SPI's IROUTER, then every interrupt's state.
 */
#define VGIC_STORAGE_SIZE(spis) \
	(sizeof(uint64_t) * (spis) + sizeof(struct vgic_irq) * (VGIC_PRIVATE_SLOTS + (spis)))
#define VGIC_NO_VCPU 0xff

/* ICH_LR<n>_EL2.State encoding (IHI 0069, 12.4.6): pass the field as is. */
enum vgic_lr_state {
	VGIC_LR_INVALID = 0,
	VGIC_LR_PENDING = 1,
	VGIC_LR_ACTIVE = 2,
	VGIC_LR_PENDING_ACTIVE = 3,
};

/* What one list register should hold, from vgic_pick(). */
struct vgic_pick {
	uint16_t intid;    /* virtual INTID (ICH_LR.vINTID) */
	uint16_t hw_intid; /* physical INTID when hw (ICH_LR.pINTID) */
	uint8_t priority;  /* ICH_LR.Priority */
	uint8_t state;     /* enum vgic_lr_state */
	bool hw;           /* hardware-linked: set ICH_LR.HW */
	bool eoi_maint;    /* level-sensitive: set ICH_LR.EOI so that the
				 * line is sampled again when the guest is done */
};

struct vgic_irq_counters {
	uint32_t injected;  /* pending requests: inject, SGI, ISPENDR, line rising */
	uint32_t delivered; /* times the guest took it (pending left its LR) */
	uint32_t merged;    /* requests that found it already pending */
	uint32_t cleared;   /* pending requests withdrawn by ICPENDR */
};

struct vgic_irq {
	uint16_t prev, next; /* pending queue links (irq indices) */
	uint16_t intid;
	uint16_t hw_intid;
	uint8_t owner;     /* vCPU of a banked SGI/PPI; VGIC_NO_VCPU for SPIs */
	uint8_t queued_on; /* vCPU whose queue holds it, or VGIC_NO_VCPU */
	uint8_t lr_vcpu;   /* vCPU whose list register holds it, or VGIC_NO_VCPU */
	uint8_t lr_state;  /* the state vgic_pick() handed out */
	uint8_t priority;
	bool group1;
	bool enabled;
	bool edge;  /* ICFGR: edge-triggered, else level-sensitive */
	bool latch; /* edge pending, or software pending of a level irq */
	bool line;  /* level input as set by vgic_set_level() */
	bool active;
	bool hw;
	bool hw_held;          /* hw: the physical INTID is active for the model, not
		       * for a list register (see vgic_timer_sample()) */
	bool lr_took_latch;    /* the pending state in the LR came from the latch */
	bool lr_latch_cleared; /* the guest cleared that pending state meanwhile */
	struct vgic_irq_counters count;
	uint32_t line_rises;  /* injected by a level line, not by the latch */
	uint32_t taken_latch; /* deliveries that consumed a latched request */
};

struct vgic_queue {
	uint16_t head, tail;
	uint16_t length;
};

struct vgic_redist {
	uint64_t mpidr;
	bool sleep; /* GICR_WAKER.ProcessorSleep */
};

struct vgic_stats {
	uint64_t injected, delivered, merged, cleared;
	uint64_t outstanding; /* pending requests not yet taken */
	uint64_t lost;        /* requests unaccounted for: must stay 0 */
	uint64_t unhandled;   /* accesses to registers we do not model */
};

struct vgic {
	unsigned vcpus;
	unsigned spis;
	bool enable_grp0, enable_grp1; /* GICD_CTLR */
	uint32_t kicks;                /* vCPUs with new deliverable work */
	uint64_t unhandled;            /* RAZ/WI accesses to unmodelled registers */
	uint64_t sgis_refused;         /* direct delivery: SGIs ZVM keeps for itself */
	uint32_t writes;               /* guest register writes: the arch half
					 * re-reads the model when this moves */
	struct vgic_redist redist[VGIC_MAX_VCPUS];
	struct vgic_queue queue[VGIC_MAX_VCPUS];
	unsigned irq_count;   /* slots in irq: VGIC_PRIVATE_SLOTS + spis */
	uint64_t *irouter;    /* [spis], in the caller's storage */
	struct vgic_irq *irq; /* [irq_count]: SGIs/PPIs per vCPU, then SPIs */
};

/*
 * Resets the whole vGIC.  vcpu_mpidr names each vCPU's MPIDR (affinity is
 * what IROUTER and ICC_SGI1R_EL1 route by); NULL gives vCPU i Aff0 = i.
 * spi_count SPIs occupy INTIDs 32.. ; storage holds VGIC_STORAGE_SIZE(
 * spi_count) bytes, 8-byte aligned, and stays the vGIC's until the next
 * vgic_init().  Returns 0 or -ZE_INVAL.
 */
int vgic_init(struct vgic *vgic, unsigned vcpus, const uint64_t *vcpu_mpidr, unsigned spi_count,
              void *storage);

/*
 * Emulated MMIO.  offset is from GUEST_GICD_BASE, or from the start of the
 * vCPU's GICR frame (RD_base, then SGI_base at +64 KiB).  size is the
 * access width in bytes; *value is the datum (zero-extended on reads).  Returns 0, or
 * -ZE_INVAL for an access the GIC does not allow (a size or alignment the
 * register does not support, an offset outside the frame): the caller
 * turns that into an abort for the guest.
 */
int vgic_dist_access(struct vgic *vgic, uint64_t offset, unsigned size, bool write,
                     uint64_t *value);
int vgic_redist_access(struct vgic *vgic, unsigned vcpu, uint64_t offset, unsigned size, bool write,
                       uint64_t *value);
/*
 * The same as MMIO region handlers (vmm/mmio.h), dev being the struct
 * vgic: the distributor's window, and the redistributors' (one frame per
 * vCPU, offset from the first).
 */
int vgic_dist_mmio(void *vgic, uint64_t offset, unsigned size, bool write, uint64_t *value);
int vgic_redist_mmio(void *vgic, uint64_t offset, unsigned size, bool write, uint64_t *value);
/*
 * A distributor read that needs no lock (an aligned word of CTLR, TYPER,
 * IIDR, TYPER2 or PIDR2): true with *value as vgic_dist_access() would
 * give it, false for any other access, which takes the full path.
 */
bool vgic_dist_read_lockless(const struct vgic *vgic, uint64_t offset, unsigned size,
                             uint64_t *value);
/* Guest writes so far: a change means the model may have changed. */
uint32_t vgic_writes(const struct vgic *vgic);

/*
 * Makes an interrupt pending (an edge; for a level-configured INTID it is a
 * software pend like ISPENDR).  vcpu names the bank of an SGI/PPI and is
 * ignored for SPIs, which go where their IROUTER says.
 */
int vgic_inject(struct vgic *vgic, unsigned intid, unsigned vcpu);
/* Drives a level-sensitive input: pending follows the line while not active. */
int vgic_set_level(struct vgic *vgic, unsigned intid, unsigned vcpu, bool level);
/*
 * The guest on from_vcpu wrote ICC_SGI1R_EL1 with this value.  Returns the
 * number of vCPUs the SGI was made pending on, or -ZE_INVAL.
 */
int vgic_send_sgi(struct vgic *vgic, unsigned from_vcpu, uint64_t sgi1r);
/* The vCPUs (bit i: vCPU i) that such a write names; 0 for a bad sender. */
uint32_t vgic_sgi_targets(const struct vgic *vgic, unsigned from_vcpu, uint64_t sgi1r);
/*
 * A guest timer's interrupt is a level (ARM ARM D11.2.4): it is asserted
 * while the timer is enabled, its condition met and it is not masked, and
 * the vGIC's pending state follows it.  The arch half acknowledges the
 * physical timer PPI (keeping it active, so that it does not fire again)
 * and reports it with vgic_timer_fired(); the line's fall is seen only by
 * reading the timer's control register on the vCPU's core, which the arch
 * half reports with vgic_timer_sample() whenever the model may act on the
 * line (before a vGIC register access, after the LRs are folded back).
 * vgic_timer_sample() returns 1 when the physical interrupt that the model
 * held active must now be deactivated (the line fell and no list register
 * owns it), 0 if not, -ZE_INVAL for an INTID that is not the vCPU's.
 */
bool vgic_timer_asserted(uint64_t cnt_ctl);
int vgic_timer_fired(struct vgic *vgic, unsigned intid, unsigned vcpu);
int vgic_timer_sample(struct vgic *vgic, unsigned intid, unsigned vcpu, uint64_t cnt_ctl);
/* Links a virtual INTID to a physical one (0 unlinks): ICH_LR.HW. */
int vgic_set_hw(struct vgic *vgic, unsigned intid, unsigned vcpu, unsigned hw_intid);

/* Returns and forgets the mask of vCPUs that have new deliverable work. */
uint32_t vgic_take_kicks(struct vgic *vgic);

/*
 * Fills up to max list registers of vcpu: first every interrupt that is
 * active but in no LR (the guest must be able to deactivate it), then the
 * deliverable pending ones, by priority (lower value first), then arrival.
 * Each one is handed out once until vgic_lr_return() gives it back.
 */
unsigned vgic_pick(struct vgic *vgic, unsigned vcpu, struct vgic_pick *out, unsigned max);
/*
 * The list register holding intid on vcpu is given up, holding state now.
 * Pending gone from the LR means the guest took the interrupt.  Returns 0,
 * or -ZE_INVAL if that LR was not handed out by vgic_pick().
 */
int vgic_lr_return(struct vgic *vgic, unsigned vcpu, unsigned intid, enum vgic_lr_state state);
/* Shorthand: the LR went invalid (or stays active only). */
int vgic_completed(struct vgic *vgic, unsigned vcpu, unsigned intid, bool still_active);

/*
 * Which maintenance interrupt brings the vCPU back to load what still
 * waits after vgic_pick() filled the list registers with picks[0..n):
 * ICH_HCR_EL2.NPIE when at least one LR is pending (the guest taking it
 * is progress), else UIE when two or more are valid (the guest ending
 * them is), else none: a maintenance interrupt that is due at once, with
 * the same LRs loaded again, would be a livelock (issue 12: every SPI
 * pending and active, IRQs masked, NPIE fired after every refill).
 * Returns the ICH_HCR_EL2 bits to set besides En.
 */
uint64_t vgic_maintenance(const struct vgic *vgic, unsigned vcpu, const struct vgic_pick *picks,
                          unsigned n);
/* Something waits in the queue that vgic_pick() would hand out as pending. */
bool vgic_has_deliverable(const struct vgic *vgic, unsigned vcpu);
/* Priority of the best deliverable waiting interrupt, or -1 if none. */
int vgic_top_priority(const struct vgic *vgic, unsigned vcpu);

/* Counters of one INTID (vcpu names the bank of SGIs/PPIs); NULL if none. */
const struct vgic_irq_counters *vgic_counters(const struct vgic *vgic, unsigned intid,
                                              unsigned vcpu);
void vgic_stats(const struct vgic *vgic, struct vgic_stats *out);
/* Checks the queues against the interrupt states; 0 or -ZE_INVAL. */
int vgic_check(const struct vgic *vgic);

#endif
