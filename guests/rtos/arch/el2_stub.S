/*
 * The "no hypervisor" EL2 of a native run.  When QEMU enters the RTOS at EL2,
 * boot.S installs this vector table in VBAR_EL2 before it drops to EL1, so
 * that the hvc_null benchmark has a baseline: an HVC taken to EL2 and
 * returned from at once, the bare cost of an exception round trip.  Under ZVM
 * the RTOS is entered at EL1, this table is never installed, and the same
 * hvc reaches ZVM.
 *
 * With HCR_EL2 = RW only (boot.S), an HVC is the only exception EL1 can take
 * to EL2, so the lower-EL synchronous slot need not look at ESR_EL2.  It
 * returns 0 in x0, as ZVM_HC_NULL does (docs/hypercalls.md).  Anything else
 * arriving here is a bug: the core stops in WFI.
 */
#include "arch/arm64_defs.h"

/* Vector table: 16 slots of 128 bytes each, 2 KiB aligned (Arm ARM D1.10.2). */
#define EL2_STUB_SLOT_SIZE	128
#define EL2_STUB_TABLE_ALIGN	2048

	.macro	stop_here
	.balign	EL2_STUB_SLOT_SIZE
1:	wfi
	b	1b
	.endm

	.section .vectors, "ax"
	.balign	EL2_STUB_TABLE_ALIGN
	.global	el2_stub_vectors
el2_stub_vectors:
	.rept	8		/* current EL (EL2), SP0 and SPx: never taken */
	stop_here
	.endr

	.balign	EL2_STUB_SLOT_SIZE	/* lower EL, AArch64: sync = our HVC */
	mov	x0, xzr
	eret

	.rept	7		/* lower EL: IRQ, FIQ, SError; AArch32 */
	stop_here
	.endr

	/* Set by boot.S once .bss is clear: this table is in VBAR_EL2. */
	.bss
	.global	el2_stub_installed
el2_stub_installed:
	.byte	0
	/* Set by boot.S: CNTPCT_EL0 at the image's first instruction. */
	.balign	8
	.global	boot_entry_counter
boot_entry_counter:
	.quad	0
