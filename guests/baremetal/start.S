/* Entry at EL1 with x0 = devicetree (kept in boot_dtb): stack, bss, vectors, C. */
#include "lib/linux_image.h"

#define TEXT_OFFSET	0x80000		/* its Image header's load offset */
	.section .text.head, "ax"
	.globl _start
_start:
	b	1f
	.long	0
	.quad	TEXT_OFFSET
	.quad	_image_size
	.quad	IMAGE_FLAG_PAGE_4K | IMAGE_FLAG_ANYWHERE
	.quad	0, 0, 0
	.long	IMAGE_MAGIC
	.long	0
1:	ldr	x1, =__stack_top
	mov	sp, x1
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
2:	cmp	x1, x2
	b.hs	3f
	str	xzr, [x1], #8
	b	2b
3:	ldr	x1, =boot_dtb		/* x0: the devicetree (zshm_test.c) */
	str	x0, [x1]
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	bl	guest_main
4:	wfi
	b	4b

/* PSCI CPU_ON's entry for the other vCPUs (smp.c): x0, the context id,
 * is the top of the vCPU's own stack. */
	.globl	secondary_entry
secondary_entry:
	mov	sp, x0
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	bl	secondary_main
6:	wfi
	b	6b

/* IRQs, and the aborts the bad-width probe provokes (main.c); anything
 * else is a crash we make on purpose. */
	.balign	0x800
vectors:
	.balign	0x80
	b	crashed			/* current EL, SP0: sync */
	.balign	0x80
	b	crashed
	.balign	0x80
	b	crashed
	.balign	0x80
	b	crashed
	.balign	0x80
	b	sync_entry		/* current EL, SPx: sync */
	.balign	0x80
	b	irq_entry		/* current EL, SPx: IRQ */
	.balign	0x80
	b	crashed
	.balign	0x80
	b	crashed

/* Calls a C handler with the caller-saved registers saved around it. */
.macro	call_saved handler
	sub	sp, sp, #192
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	bl	\handler
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #192
.endm

irq_entry:
	call_saved guest_irq
	eret

/* guest_sync() never returns from an exception nobody expected. */
sync_entry:
	call_saved guest_sync
	eret

/* A crashed guest stops beating: ZVM's health monitor notices. */
	.globl crashed
crashed:
	msr	daifset, #0xf
5:	wfe
	b	5b

	.data
	.balign	8
	.globl	boot_dtb
boot_dtb:
	.quad	0
