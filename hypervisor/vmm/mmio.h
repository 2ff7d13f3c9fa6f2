/*
 * Emulated MMIO.  A guest access to an address with nothing mapped behind
 * it in stage 2 traps as a data abort; arch_decode_abort() turns the
 * syndrome into a struct guest_abort, and the VM's region table names the
 * device that owns the address.  Every emulated device (distributor,
 * redistributors, UART, later VirtIO and Zshm) registers its window with
 * mmio_register(); the trap path calls the region's handler and nothing
 * else knows where devices live.
 *
 * Portable: unit-tested on the host.  The table takes no lock; the trap
 * path holds the VM's lock around each handler call, registration happens
 * while the VM does not run.
 */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/mmio_decode.h"

/*
 * Only a stage-2 translation, access-flag or permission fault can mean "no
 * RAM here, a device to emulate" (ARM ARM D13.2.37, DFSC); anything else
 * (an external abort, alignment, a TLB conflict...) is the guest's fault.
 */
bool abort_is_mmio_candidate(const struct guest_abort *a);
/*
 * A device's access handler.  offset is from the region's base; *value is
 * the datum (zero-extended on reads).  Returns 0, or negative when the
 * device refuses the access (a width or alignment its register does not
 * support): the guest then gets a synchronous external abort.
 */
typedef int (*mmio_handler)(void *dev, uint64_t offset, unsigned size, bool write, uint64_t *value);

struct mmio_region {
	uint64_t base, size;
	mmio_handler handler;
	void *dev;        /* the device's state, given to its handler */
	const char *name; /* for messages: "gicd", "uart", ... */
};

/* GICD, GICR, UART, 32 virtio-mmio slots, shared-memory windows. */
#define MMIO_MAX_REGIONS 48

/* Sorted by base, never overlapping. */
struct mmio_table {
	unsigned count;
	struct mmio_region region[MMIO_MAX_REGIONS];
};

void mmio_table_init(struct mmio_table *t);
/*
 * Adds a region.  Returns 0, -ZE_INVAL (no handler, empty, or wrapping
 * past the top of the address space), -ZE_OVERLAP (it overlaps a
 * registered region) or -ZE_NO_SPACE (the table is full).
 */
int mmio_register(struct mmio_table *t, const struct mmio_region *r);
/* The region holding ipa, or NULL. */
const struct mmio_region *mmio_find(const struct mmio_table *t, uint64_t ipa);

#endif
