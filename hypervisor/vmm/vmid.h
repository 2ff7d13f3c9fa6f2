/*
 * VMIDs: the tags that keep each VM's TLB entries apart.  8-bit VMIDs are
 * always implemented (ARM ARM D13.2, VTTBR_EL2), so VMs get 1..255; VMID 0
 * stays ZVM's own.  A VMID is never handed out while in use; allocation
 * goes round the space (next fit), so a VMID just freed is the last to be
 * reused, long after its TLB entries were flushed by stage2_destroy().
 *
 * Not thread-safe: the kernel keeps one pool under its VM lock.
 */
#ifndef VMM_VMID_H
#define VMM_VMID_H

#include <stdbool.h>
#include <stdint.h>

#define VMID_RESERVED  0 /* ZVM itself, never a VM's */
#define VMID_FIRST     1
#define VMID_LAST      255
#define VMID_SPACE     (VMID_LAST + 1)
#define VMID_WORD_BITS 64
#define VMID_WORDS     (VMID_SPACE / VMID_WORD_BITS)

struct vmid_pool {
	uint64_t used[VMID_WORDS]; /* bit n set: VMID n is in use */
	uint16_t next;             /* where the next search starts */
	uint16_t in_use;
};

void vmid_pool_init(struct vmid_pool *pool);

/* A free VMID (VMID_FIRST..VMID_LAST), or -ZE_NOMEM when all are in use. */
int vmid_alloc(struct vmid_pool *pool);

/* 0; -ZE_INVAL for VMID 0 or one out of range; -ZE_NOENT if not in use. */
int vmid_free(struct vmid_pool *pool, unsigned int vmid);

bool vmid_in_use(const struct vmid_pool *pool, unsigned int vmid);
unsigned int vmid_count_in_use(const struct vmid_pool *pool);

#endif
