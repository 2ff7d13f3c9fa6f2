/*
 * Entry of the guest RTOS: a Linux arm64 Image header, so QEMU's -kernel and
 * ZVM's loader both pass the devicetree blob in x0 (booting.rst), then:
 * drop from EL2 to EL1 if needed, relocate ourselves (we may be loaded
 * anywhere), clear .bss, set up a stack and the vectors, and enter C.
 */
#include "arch/arm64_defs.h"
#include "lib/gicv3_defs.h"
#include "lib/linux_image.h"

	.section .text.head, "ax"
	.global image_header
image_header:
	b	boot_entry			/* code0 */
	.long	0				/* code1 */
	.quad	RTOS_TEXT_OFFSET
	.quad	_image_size
	.quad	IMAGE_FLAG_PAGE_4K | IMAGE_FLAG_ANYWHERE
	.quad	0, 0, 0				/* res2-res4 */
	.long	IMAGE_MAGIC
	.long	0				/* res5 */

boot_entry:
	/* First: when we started, for bench/boot_time.py's "reset to the
	 * guest's first instruction".  The physical counter counts from
	 * the machine's reset (ZVM gives EL1 the physical counter, and its
	 * CNTVOFF_EL2 moves only the virtual one). */
	mrs	x23, cntpct_el0
	mov	x21, x0				/* the DTB, kept for rtos_main */
	mov	x22, #0				/* 1: el2_stub_vectors in VBAR_EL2 */
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	lsr	x1, x1, #CURRENT_EL_SHIFT
	cmp	x1, #EL2
	b.ne	1f
	bl	drop_to_el1
	mov	x22, #1
1:	bl	setup_sctlr_el1
	bl	apply_relocations
	adrp	x0, __boot_stack_top
	add	x0, x0, :lo12:__boot_stack_top
	mov	sp, x0
	bl	clear_bss
	adrp	x0, el2_stub_installed
	strb	w22, [x0, :lo12:el2_stub_installed]
	adrp	x0, boot_entry_counter
	str	x23, [x0, :lo12:boot_entry_counter]
	adrp	x0, exception_vectors
	add	x0, x0, :lo12:exception_vectors
	msr	vbar_el1, x0
	isb
	mov	x0, x21
	bl	rtos_main
2:	wfi
	b	2b

/*
 * Runs at EL2 with the MMU off: give EL1 the counters, the timers and the
 * GIC system registers, leave the minimal EL2 of arch/el2_stub.S behind (it
 * answers HVC: the native baseline of the hvc_null benchmark), then eret to
 * our caller at EL1h.
 */
drop_to_el1:
	adrp	x0, el2_stub_vectors
	add	x0, x0, :lo12:el2_stub_vectors
	msr	vbar_el2, x0
	mov	x0, #HCR_EL2_RW
	msr	hcr_el2, x0
	isb
	mrs	x0, cnthctl_el2
	orr	x0, x0, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mrs	x0, icc_sre_el2
	mov	x1, #(ICC_SRE_SRE | ICC_SRE_ENABLE)	/* ICC_SRE_EL2 */
	orr	x0, x0, x1
	msr	icc_sre_el2, x0
	isb
	msr	ich_hcr_el2, xzr
	mov	x0, #CPTR_EL2_RES1
	msr	cptr_el2, x0
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	msr	elr_el2, x30
	isb
	eret

setup_sctlr_el1:
	mov	x0, #SCTLR_EL1_RES1_LO
	movk	x0, #SCTLR_EL1_RES1_HI, lsl #16
	msr	sctlr_el1, x0
	isb
	ret

/* Adds the load address to every R_AARCH64_RELATIVE slot; we link at 0. */
apply_relocations:
	adrp	x0, image_header
	add	x0, x0, :lo12:image_header
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	3f
	ldp	x3, x4, [x1]			/* r_offset, r_info */
	ldr	x5, [x1, #16]			/* r_addend */
	add	x1, x1, #ELF64_RELA_SIZE
	cbz	x4, 1b				/* R_AARCH64_NONE: padding */
	cmp	x4, #R_AARCH64_RELATIVE
	b.ne	2f
	add	x5, x5, x0
	str	x5, [x0, x3]
	b	1b
2:	wfi					/* a relocation we cannot apply */
	b	2b
3:	ret

clear_bss:
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:	ret
