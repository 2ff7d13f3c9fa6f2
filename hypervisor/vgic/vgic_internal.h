/* Shared between the vGIC's files; not for its users. */
#ifndef VMM_VGIC_INTERNAL_H
#define VMM_VGIC_INTERNAL_H

#include "vgic/vgic.h"

#define VGIC_NIL         0xffff /* end of a queue */
#define VGIC_REG_UNKNOWN 1      /* not a register of the interrupt banks */
#define VGIC_WORD        4
#define VGIC_DOUBLE      8

/* All four affinity fields of an MPIDR or IROUTER value. */
#define VGIC_AFF_MASK                                                        \
	(GIC_AFF_FIELD << GIC_AFF0_SHIFT | GIC_AFF_FIELD << GIC_AFF1_SHIFT | \
	 GIC_AFF_FIELD << GIC_AFF2_SHIFT | GIC_AFF_FIELD << GIC_AFF3_SHIFT)

/* What GICD_IIDR / GICR_IIDR say: JEP106 of Arm, as emulations do. */
#define VGIC_IIDR_IMPLEMENTER 0x43b
#define VGIC_IIDR_PRODUCT     0x5a /* 'Z' */
#define VGIC_IIDR             (VGIC_IIDR_PRODUCT << GIC_IIDR_PRODUCT_SHIFT | VGIC_IIDR_IMPLEMENTER)

struct vgic_irq *vgic_irq_get(struct vgic *vgic, unsigned intid, unsigned vcpu);
unsigned vgic_irq_index(const struct vgic *vgic, const struct vgic_irq *irq);
bool vgic_irq_pending(const struct vgic_irq *irq);
bool vgic_irq_deliverable(const struct vgic *vgic, const struct vgic_irq *irq);
/* The vCPU an interrupt goes to now, or VGIC_NO_VCPU (an unrouted SPI). */
unsigned vgic_irq_target(const struct vgic *vgic, const struct vgic_irq *irq);
/* Re-evaluates where irq waits (which queue, if any) and who needs a kick. */
void vgic_irq_update(struct vgic *vgic, struct vgic_irq *irq);
void vgic_update_all(struct vgic *vgic);
/* A pending request (inject, SGI, ISPENDR) and its withdrawal (ICPENDR). */
void vgic_irq_request(struct vgic *vgic, struct vgic_irq *irq);
void vgic_irq_withdraw(struct vgic *vgic, struct vgic_irq *irq);
void vgic_irq_set_active(struct vgic *vgic, struct vgic_irq *irq, bool active);

/* The per-vCPU pending queue (vgic_queue.c). */
void vgic_queue_insert(struct vgic *vgic, unsigned vcpu, struct vgic_irq *irq);
void vgic_queue_remove(struct vgic *vgic, struct vgic_irq *irq);

/*
 * The interrupt-bank registers that GICD and GICR SGI_base share, at the
 * same offsets (vgic_regs.c).  vcpu names the bank for INTIDs below 32;
 * the frame models INTIDs [lo, hi) and has registers for INTIDs below
 * limit.  Returns 0, -ZE_INVAL, or VGIC_REG_UNKNOWN.
 */
int vgic_bank_access(struct vgic *vgic, unsigned vcpu, unsigned lo, unsigned hi, unsigned limit,
                     uint64_t offset, unsigned size, bool write, uint64_t *value);
bool vgic_access_size_ok(uint64_t offset, unsigned size);

#endif
