/* The minimal EL2 of a native run (arch/el2_stub.S): HVC returns at once. */
#ifndef RTOS_ARCH_EL2_STUB_H
#define RTOS_ARCH_EL2_STUB_H

#include <stdbool.h>
#include <stdint.h>

/* True when the RTOS was entered at EL2 and left the stub there, so an hvc
 * is answered by it (0 in x0); false under a hypervisor, which answers
 * hvc itself. */
extern bool el2_stub_installed;
/* The physical counter at the image's first instruction (boot.S). */
extern uint64_t boot_entry_counter;

#endif
