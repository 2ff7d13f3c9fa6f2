/*
 * A guest's access that no memory and no emulated register can take: what
 * kind of fault it is and the one line that says so.  The VM's
 * abort-policy (docs/configuration.md) then decides between the
 * synchronous external abort bare metal would give and a crash; either way
 * the fault is counted per kind (zvm info) and logged.
 *
 * Portable: unit-tested on the host.
 */
#ifndef VMM_GUEST_FAULT_H
#define VMM_GUEST_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/mmio.h"

enum guest_fault {
	GUEST_FAULT_NONE,         /* an emulated register: its device takes it */
	GUEST_FAULT_OUTSIDE,      /* neither RAM nor a device behind the IPA */
	GUEST_FAULT_PERMISSION,   /* mapped, but not for this access (stage-2 permission) */
	GUEST_FAULT_UNEMULATABLE, /* a device register, but no syndrome (ISV=0) to emulate */
	GUEST_FAULT_KINDS
};

/*
 * The kind of a stage-2 abort that abort_is_mmio_candidate() accepted.
 * fetch: an instruction abort (never emulated); device: the IPA lies in an
 * emulated region (mmio_find() found one).
 */
enum guest_fault guest_fault_classify(const struct guest_abort *a, bool fetch, bool device);
/* "outside", "permission", "unemulatable" (zvm info's counter names). */
const char *guest_fault_name(enum guest_fault kind);
/* The operator's line for it, e.g. "write of IPA 0x7000000000 outside its
 * memory at PC 0x40080123"; returns its length. */
int guest_fault_describe(enum guest_fault kind, const struct guest_abort *a, bool fetch,
                         uint64_t pc, char *buf, size_t size);

#endif
