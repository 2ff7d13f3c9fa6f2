/*
 * Zshm in ZVM: the configured channels' pages (placed once, outside every
 * VM's RAM), their stage-2 mappings in each member, their devicetree
 * nodes, the doorbell hypercall and the counters `zvm zshm` shows.
 * Layout and rules: include/zvm/zshm.h, docs/zshm.md.
 */
#ifndef ZSHM_ZSHM_H
#define ZSHM_ZSHM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/zerror.h"
#include "lib/zshm_ring.h"
#include "vmm/guest_dt.h"
#include "vmm/vm_config.h"

struct vm;
struct vcpu;

/* Per channel, counted by ZVM itself (never by a guest). */
struct zshm_counters {
	uint64_t doorbells;              /* calls that rang at least one peer */
	uint64_t delivered;              /* peer interrupts made pending */
	uint64_t polled;                 /* peers not rung: no doorbell (direct-irq, down) */
	uint64_t refused;                /* calls by a VM that is not a member */
	uint64_t rung[ZSHM_MAX_MEMBERS]; /* calls per member */
};

/*
 * Boot, before any VM is created: takes and zeroes each channel's pages.
 * A channel that gets no memory is logged and left out.
 */
void zshm_setup(const struct system_config *cfg);
/* vm_create(): maps the channels vm is a member of (by name). */
int zshm_map_vm(struct vm *vm, struct zerr_msg *msg);
/* vm release: vm is a member of nothing any more. */
void zshm_unmap_vm(const struct vm *vm);
/* Adds vm's channel nodes to its devicetree parameters. */
void zshm_vm_dt(const struct vm *vm, struct guest_dt_params *p);

/*
 * ZVM_HC_ZSHM_NOTIFY from vCPU v: rings the peers in mask (0: every other
 * member) of channel id.  Returns the peers rung (>= 0) or a negative
 * SMCCC/ZVM result (zvm/hypercall.h).  Takes no lock.
 */
int64_t zshm_notify(struct vcpu *v, uint64_t id, uint64_t mask);
/* On v's own core, under its VM's lock: pending doorbells become SPIs. */
void zshm_take_doorbells(struct vcpu *v);

/* For `zvm zshm`: channel i's configuration, host address and counters. */
struct zshm_channel_view {
	struct zshm_channel_config cfg;
	char members[ZSHM_MAX_MEMBERS][VM_NAME_MAX];
	bool placed;
	uint64_t host_pa;
	struct zshm_geometry geo;
	struct zshm_counters counters;
};
uint32_t zshm_channel_count(void);
bool zshm_channel_view(uint32_t i, struct zshm_channel_view *out);
/*
 * The clock record (include/zvm/zshm.h) vm_name keeps in its section of
 * the first channel that has one: its virtual counter and UTC ns there.
 */
bool zshm_vm_clock(const char *vm_name, uint64_t *vcount, uint64_t *ns);
/* The channel's region as ZVM sees it (read-only use), or NULL; its
 * cache lines are invalidated first, so the view is fresh from memory. */
const void *zshm_channel_region(uint32_t i);
/*
 * The built-in tests' channel (zshm_test_channel.c): two members, by name,
 * both writing and reading; it is channel *id until it closes.  Open it
 * before its members are created, close it after they are deleted.
 */
int zshm_test_channel_open(const char *const members[2], uint64_t section_size, uint32_t *id,
                           struct zerr_msg *msg);
void zshm_test_channel_close(uint32_t id);

/* Hypercalls that named no channel at all. */
uint64_t zshm_bad_calls(void);

#endif
