/*
 * ZVM's entry point.  The image carries the Linux arm64 Image header so that
 * QEMU's -kernel and a board bootloader (booti) load it at a 2 MiB-aligned
 * base + text_offset and enter it at EL2 with the devicetree blob in x0.
 */
#include "arch/arm64/boot_defs.h"

	.section .text.head, "ax"
	.globl _head
_head:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	ZVM_TEXT_OFFSET
	.quad	_image_size			/* includes .bss */
	.quad	ZVM_IMAGE_FLAGS
	.quad	0, 0, 0				/* reserved */
	.long	IMAGE_MAGIC
	.long	0				/* no PE/COFF header */

primary_entry:
	msr	daifset, #0xf
	mov	x19, x0				/* devicetree blob */
	mov	x20, #0				/* boot reason: 0 = fine */

	mrs	x1, CurrentEL
	cmp	x1, #CURRENT_EL_EL2
	b.eq	1f
	mov	x20, #1				/* not entered at EL2 */
1:	adr	x1, _head			/* where we run ... */
	ldr	x2, =_head			/* ... and where we were linked */
	cmp	x1, x2
	b.eq	2f
	mov	x20, #2
	b	early_stop			/* no C: addresses are wrong */

2:	cbnz	x20, 3f				/* at EL1 we still can say why */
	ldr	x1, =SCTLR_EL2_RES1		/* MMU and caches off */
	msr	sctlr_el2, x1
	isb
	ldr	x1, =vectors
	msr	vbar_el2, x1

3:	ldr	x1, =boot_stacks + BOOT_STACK_SIZE
	mov	sp, x1
	/* .bss with the caches off, where DC ZVA would fault: 64 bytes a
	 * round (zvm.ld aligns both ends to a page). */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
4:	cmp	x1, x2
	b.hs	5f
	stp	xzr, xzr, [x1]
	stp	xzr, xzr, [x1, #16]
	stp	xzr, xzr, [x1, #32]
	stp	xzr, xzr, [x1, #48]
	add	x1, x1, #64
	b	4b
5:	mov	x0, x19
	mov	x1, x20
	bl	boot_primary
	b	cpu_halt

/*
 * Secondary cores arrive here from PSCI CPU_ON, at EL2 with the MMU off;
 * x0 is the context argument we gave: the logical CPU number.
 */
	.globl secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	isb
	ldr	x1, =vectors
	msr	vbar_el2, x1
	ldr	x1, =boot_stacks + BOOT_STACK_SIZE
	lsl	x2, x19, #BOOT_STACK_SHIFT
	add	sp, x1, x2
	mov	x0, x19
	bl	boot_secondary
	b	cpu_halt

/* Loaded at the wrong address: nothing to do but stop quietly. */
early_stop:
	wfe
	b	early_stop

	.globl cpu_halt
cpu_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b

	.section .bss.stacks, "aw", %nobits
	.balign	4096
	.globl boot_stacks
boot_stacks:
	.space	BOOT_STACK_SIZE * MAX_CPUS
