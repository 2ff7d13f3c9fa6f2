/* The emulated-register fast path of the vectors (mmio_fast.c). */
#ifndef VMM_MMIO_FAST_H
#define VMM_MMIO_FAST_H

#include <stdbool.h>

#include "arch/arm64/trap_frame.h"

/*
 * A data abort from the guest running on this core, with only the general
 * registers x0..x30 of f saved (interrupts masked, ELR_EL2/ESR_EL2/FAR_EL2/HPFAR_EL2 as
 * the exception left them).  Returns true when it served the access (f's
 * destination register and ELR_EL2 updated, counted as vcpu_trap() counts
 * it): the vectors restore and return.  False: nothing changed, the
 * vectors save the rest and take the full path.
 */
bool vcpu_mmio_fast(struct trap_frame *f);

#endif
