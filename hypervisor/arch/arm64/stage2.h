/*
 * Stage-2 translation tables of one VM (ARM ARM D8, VMSAv8-64 stage 2).
 *
 * Shape: 4 KiB granule, 39-bit IPA space, walks start at level 1 with one
 * 4 KiB root table of 512 x 1 GiB entries.  Mappings use 1 GiB and 2 MiB
 * blocks wherever the IPA, the PA and the remaining size allow, 4 KiB pages
 * elsewhere.  ZVM identity-maps its RAM, so a table's address is its
 * physical address and table pointers are written into descriptors as is.
 *
 * The table building here is portable (host-tested); the two operations
 * that touch the CPU, stage2_activate() and stage2_flush_tlb(), live in
 * stage2_tlb.c.  stage2.c calls stage2_flush_tlb() itself whenever it
 * removes or replaces a valid descriptor, so a caller never flushes by hand.
 *
 * Not thread-safe: one VM's tables are changed under that VM's lock.
 */
#ifndef ARCH_ARM64_STAGE2_H
#define ARCH_ARM64_STAGE2_H

#include <stdbool.h>
#include <stdint.h>

#define STAGE2_IPA_BITS    39    /* VTCR_EL2.T0SZ = 64 - 39 = 25 */
#define STAGE2_PA_BITS_MAX 40    /* VTCR_EL2.PS is capped at 40 bits */
#define STAGE2_TABLE_SIZE  4096u /* bytes of one table, and its alignment */
#define STAGE2_PAGE_SIZE   (UINT64_C(1) << 12)
#define STAGE2_VMID_MAX    255 /* 8-bit VMIDs: always implemented */

enum stage2_mem {
	STAGE2_RAM,    /* normal write-back, read/write/execute */
	STAGE2_DEVICE, /* device-nGnRE, read/write, never executable */
	STAGE2_ROM,    /* normal write-back, read-only, executable */
	/*
	 * Pages shared with ZVM or other VMs that are not this VM's RAM (Zshm
	 * channels, the time base page): normal write-back, inner shareable
	 * like RAM so that every core sees one coherent copy, never
	 * executable: data shared between guests is no code path into one.
	 */
	STAGE2_SHARED_RW, /* read/write */
	STAGE2_SHARED_RO, /* read-only: a write is a permission fault */
};

/*
 * Where tables come from: alloc_table returns STAGE2_TABLE_SIZE bytes,
 * zeroed and aligned to STAGE2_TABLE_SIZE, or NULL when out of memory.
 * Its zeroes must be visible to table walkers of other cores when it
 * returns (the kernel's callback ends with "dsb ishst"), because the table
 * is linked into a map another core may be walking.
 */
struct stage2_alloc {
	void *(*alloc_table)(void *ctx);
	void (*free_table)(void *ctx, void *table);
	void *ctx;
};

/* What a VM's map costs, for `zvm info`. */
struct stage2_stats {
	uint32_t tables;    /* tables in use, the root included */
	uint64_t blocks_1g; /* level-1 block descriptors */
	uint64_t blocks_2m; /* level-2 block descriptors */
	uint64_t pages_4k;  /* level-3 page descriptors */
};

struct stage2 {
	uint64_t *root;    /* level-1 table; NULL once destroyed */
	uint64_t pa_limit; /* first PA this VM may not map */
	uint16_t vmid;
	bool tlb_stale;     /* a valid entry went away since the last flush */
	bool revoked;       /* stage2_revoke(): every root entry invalid */
	uint64_t *detached; /* tables unlinked, freed after the next flush */
	struct stage2_alloc alloc;
	struct stage2_stats stats;
};

/*
 * PA bits a stage-2 map may use on this CPU: ID_AA64MMFR0_EL1.PARange
 * (ARM ARM D13.2) capped at STAGE2_PA_BITS_MAX.
 */
unsigned int stage2_pa_bits(uint64_t id_aa64mmfr0);

/*
 * Empty map for VMID vmid (1..STAGE2_VMID_MAX; 0 is ZVM's own), allowed to
 * map PAs below 2^pa_bits (pa_bits from stage2_pa_bits()).  The allocator
 * is copied.  Returns 0, -ZE_INVAL or -ZE_NOMEM (no root table).
 */
int stage2_init(struct stage2 *s2, uint16_t vmid, unsigned int pa_bits,
                const struct stage2_alloc *alloc);

/*
 * Maps [ipa, ipa + size) to [pa, pa + size) as type.  All three must be
 * 4 KiB multiples, the IPA range within 2^STAGE2_IPA_BITS and the PA range
 * below the limit given to stage2_init().  Returns 0; -ZE_INVAL for a bad
 * argument; -ZE_BUSY if any page of the IPA range is already mapped;
 * -ZE_NOMEM when a table could not be had.  On any error the map is as it
 * was before the call: the overlap check comes first, and what an
 * out-of-memory call had added is taken away again.
 *
 * New descriptors replace invalid ones, which no TLB may hold (ARM ARM
 * D8, TLB maintenance), so mapping needs no TLB maintenance.
 */
int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size, enum stage2_mem type);

/*
 * Unmaps every mapped page of [ipa, ipa + size) (4 KiB multiples); holes
 * are fine.  A block that straddles an end of the range is split into the
 * next level down, break-before-make (ARM ARM D8, "Using
 * break-before-make when updating translation table entries"): the block
 * descriptor is made invalid, the VMID's TLB entries are flushed, and only
 * then is the table of smaller mappings put in its place.  A vCPU touching
 * the rest of that block in between takes a stage-2 fault; ZVM's fault
 * handler sees with stage2_translate() that the page is mapped and simply
 * returns to the guest to retry.  Tables left empty are unlinked and freed
 * after the final TLB flush, so no walker can still hold them.
 * The tables a split needs are reserved first, so the call either does all
 * of its work or, with -ZE_NOMEM, none.  Returns 0, -ZE_INVAL or -ZE_NOMEM.
 */
int stage2_unmap(struct stage2 *s2, uint64_t ipa, uint64_t size);

/* Software walk: the PA and type ipa maps to, or false when unmapped. */
bool stage2_translate(const struct stage2 *s2, uint64_t ipa, uint64_t *pa, enum stage2_mem *type);

/*
 * Flushes the VMID's TLB entries and frees every table.  The VM must not
 * be running on any core.  Its VMID may be given to another VM afterwards.
 */
void stage2_destroy(struct stage2 *s2);

/*
 * Makes every root entry invalid (keeping what stage2_restore() needs)
 * and flushes the VMID's TLB entries on every core: a vCPU running the
 * map takes a stage-2 fault at its next access or fetch, whatever it has
 * masked (stage2_revoke.c).  Again while revoked only flushes again.
 * Meanwhile the map translates nothing; stage2_map() and stage2_unmap()
 * must not be used on it.
 */
void stage2_revoke(struct stage2 *s2);
/* Puts back what stage2_revoke() took; nothing if it is not revoked. */
void stage2_restore(struct stage2 *s2);

/* VTTBR_EL2 for this VM: root table PA | VMID << 48 (ARM ARM D13.2). */
uint64_t stage2_vttbr(const struct stage2 *s2);

/*
 * VTCR_EL2 shared by every VM (ARM ARM D13.2).  The 39-bit IPA space needs
 * PS >= 40 bits: an IPA size above the PA size is CONSTRAINED UNPREDICTABLE
 * (QEMU faults every access), so a CPU with a 32- or 36-bit PARange would
 * need a smaller T0SZ.  Every core ZVM supports (A53, A55, A76) has 40.
 */
uint64_t stage2_vtcr(uint64_t id_aa64mmfr0);

void stage2_get_stats(const struct stage2 *s2, struct stage2_stats *stats);

/* Bytes of IPA space mapped: the sum of all blocks and pages. */
uint64_t stage2_mapped_bytes(const struct stage2 *s2);

/*
 * AArch64 only (stage2_tlb.c).
 * stage2_activate: installs VTCR_EL2 and this VM's VTTBR_EL2 on the calling
 * core, ready for the next entry into the guest.
 * stage2_flush_tlb: invalidates every stage-1 and stage-2 TLB entry of the
 * VMID in the inner-shareable domain, from any core; called by stage2.c.
 */
void stage2_activate(const struct stage2 *s2);
void stage2_flush_tlb(const struct stage2 *s2);

#endif
