/* PSCI 1.1 as a guest sees it (ARM DEN 0022), over HVC or SMC. */
#ifndef VMM_VPSCI_H
#define VMM_VPSCI_H

#include <stdint.h>
#include "arch/arm64/trap_frame.h"

struct vcpu;

#define VPSCI_VERSION_1_1 0x00010001

/* Handles the PSCI call in the guest's x0..x3; returns the x0 result. */
int64_t vpsci_call(struct vcpu *v, struct trap_frame *f);

#endif
