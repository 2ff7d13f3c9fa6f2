/*
 * The SMCCC calls a guest makes besides PSCI and ZVM's own hypercalls:
 * SMCCC_VERSION and ARCH_FEATURES (so that Linux uses SMCCC 1.1 and
 * probes the vendor hypervisor services), and KVM's vendor hypervisor
 * services that Linux's ptp_kvm uses: the UID, the features bitmap and
 * the PTP call (docs/hypercalls.md, lib/smccc_defs.h).
 */
#ifndef VMM_SMCCC_H
#define VMM_SMCCC_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/arm64/trap_frame.h"

struct vcpu;

/* Whether fn is one of this file's: the arch range or the vendor hyp SMC32 range. */
bool smccc_owns(uint32_t fn);

/* Handles the call in x0 with arguments from x1; results in x0..x3. */
void smccc_call(struct vcpu *v, struct trap_frame *f);

#endif
