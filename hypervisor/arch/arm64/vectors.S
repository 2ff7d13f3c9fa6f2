/*
 * EL2 exception vectors.  Every entry saves a full trap_frame on the current
 * stack and calls C (but for the guest's fast paths below: its virtual
 * timer, the null hypercall, lock-free emulated-register reads); IRQs from
 * EL2 may switch threads inside irq_dispatch and come back here much later,
 * when the interrupted thread runs again.
 */
#include "asm-offsets.h"
#include "arch/arm64/trap_frame.h"
#include "lib/gicv3_defs.h"
#include "zvm/guest_layout.h"

.macro vector kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X0]
	mov	x0, #\kind
	b	trap_entry
.endm

/* The general registers but x0/x1 (the vector entry saved them). */
.macro save_x2_x30
	stp	x2, x3, [sp, #FRAME_X0 + 16]
	stp	x4, x5, [sp, #FRAME_X0 + 32]
	stp	x6, x7, [sp, #FRAME_X0 + 48]
	stp	x8, x9, [sp, #FRAME_X0 + 64]
	stp	x10, x11, [sp, #FRAME_X0 + 80]
	stp	x12, x13, [sp, #FRAME_X0 + 96]
	stp	x14, x15, [sp, #FRAME_X0 + 112]
	stp	x16, x17, [sp, #FRAME_X0 + 128]
	stp	x18, x19, [sp, #FRAME_X0 + 144]
	stp	x20, x21, [sp, #FRAME_X0 + 160]
	stp	x22, x23, [sp, #FRAME_X0 + 176]
	stp	x24, x25, [sp, #FRAME_X0 + 192]
	stp	x26, x27, [sp, #FRAME_X0 + 208]
	stp	x28, x29, [sp, #FRAME_X0 + 224]
	str	x30, [sp, #FRAME_X0 + 240]
.endm

/* Every general register from the frame, the frame popped, back. */
.macro restore_x0_x30_eret
	ldp	x2, x3, [sp, #FRAME_X0 + 16]
	ldp	x4, x5, [sp, #FRAME_X0 + 32]
	ldp	x6, x7, [sp, #FRAME_X0 + 48]
	ldp	x8, x9, [sp, #FRAME_X0 + 64]
	ldp	x10, x11, [sp, #FRAME_X0 + 80]
	ldp	x12, x13, [sp, #FRAME_X0 + 96]
	ldp	x14, x15, [sp, #FRAME_X0 + 112]
	ldp	x16, x17, [sp, #FRAME_X0 + 128]
	ldp	x18, x19, [sp, #FRAME_X0 + 144]
	ldp	x20, x21, [sp, #FRAME_X0 + 160]
	ldp	x22, x23, [sp, #FRAME_X0 + 176]
	ldp	x24, x25, [sp, #FRAME_X0 + 192]
	ldp	x26, x27, [sp, #FRAME_X0 + 208]
	ldp	x28, x29, [sp, #FRAME_X0 + 224]
	ldr	x30, [sp, #FRAME_X0 + 240]
	ldp	x0, x1, [sp, #FRAME_X0]
	add	sp, sp, #FRAME_SIZE
	eret
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl vectors
vectors:
	vector	VEC_SP0
	vector	VEC_SP0
	vector	VEC_SP0
	vector	VEC_SP0
	vector	VEC_SYNC_CUR
	vector	VEC_IRQ_CUR
	vector	VEC_FIQ_CUR
	vector	VEC_SERROR_CUR
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X0]
	b	sync_lower
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X0]
	b	irq_lower
	vector	VEC_FIQ_LOWER
	vector	VEC_SERROR_LOWER
	vector	VEC_AARCH32
	vector	VEC_AARCH32
	vector	VEC_AARCH32
	vector	VEC_AARCH32

/*
 * A guest timer's interrupt into its own list register: if this core has a
 * fast-path LR value for it (vgic_lr.c), the LR is free and the timer is
 * still what the acknowledge returns, the value goes into the LR after the
 * priority drop and the guest's own deactivation ends the physical
 * interrupt.  x0 = this core's percpu; goes on to 2f (the full path) or
 * 1f (acknowledged something else) otherwise.
 */
.macro fast_timer_irq intid, lr_value, lr
	ldr	x1, [x0, #\lr_value]
	cbz	x1, 2f
	mrs	x1, \lr
	lsr	x1, x1, #ICH_LR_STATE_SHIFT
	cbnz	x1, 2f				/* the LR still in use */
	mrs	x1, icc_iar1_el1
	cmp	x1, #\intid
	b.ne	1f				/* something else came first */
	msr	icc_eoir1_el1, x1		/* priority drop; the guest deactivates */
	ldr	x1, [x0, #\lr_value]
	msr	\lr, x1
.endm

/*
 * An IRQ while a guest runs.  The guest's timers are the ones that matter
 * for latency: the virtual timer goes into list register 0, the EL1
 * physical timer into list register 1, right here, with two registers
 * saved and no C at all.  Anything else takes the full path.
 */
irq_lower:
	mrs	x0, tpidr_el2
	mrs	x1, icc_hppir1_el1
	cmp	x1, #GUEST_INTID_VIRT_TIMER
	b.eq	3f
	cmp	x1, #GUEST_INTID_PHYS_TIMER
	b.ne	2f
	fast_timer_irq GUEST_INTID_PHYS_TIMER, PERCPU_FAST_PTIMER_LR, ich_lr1_el2
	b	5f
3:	fast_timer_irq GUEST_INTID_VIRT_TIMER, PERCPU_FAST_TIMER_LR, ich_lr0_el2
5:	ldr	x1, [x0, #PERCPU_FAST_TIMER_COUNT]
	add	x1, x1, #1
	str	x1, [x0, #PERCPU_FAST_TIMER_COUNT]
	ldp	x0, x1, [sp, #FRAME_X0]
	add	sp, sp, #FRAME_SIZE
	eret
1:	str	x1, [x0, #PERCPU_FAST_ACKED]	/* for irq_dispatch to finish */
2:	mov	x0, #VEC_IRQ_LOWER
	b	trap_entry

/*
 * A synchronous exception from a guest.  The null hypercall (HVC with
 * ZVM_HC_NULL in w0: does nothing, returns 0; SMCCC passes the function ID
 * in w0) is answered here with two registers saved, counted as vcpu_trap()
 * counts it: a guest's cheapest way to time or ping ZVM costs a round trip,
 * not the full save, dispatch and vGIC check.  Skipping
 * before_guest_return() is safe: whatever asks this vCPU to stop, pause or
 * take an interrupt also sends it an IPI (vcpu_kick(), vm_kick_vcpus()),
 * which traps right after the eret and takes the full path.
 */
sync_lower:
	mrs	x1, esr_el2
	lsr	x1, x1, #ASM_ESR_EC_SHIFT
	cmp	x1, #ASM_ESR_EC_HVC64
	b.ne	4f
	mov	w1, #ASM_ZVM_HC_NULL_LO
	movk	w1, #ASM_ZVM_HC_NULL_HI, lsl #16
	cmp	w0, w1
	b.ne	1f
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PERCPU_VCPU]
	cbz	x0, 1f				/* no guest: vcpu_trap() reports it */
	ldr	x1, [x0, #VCPU_STAT_TRAPS]
	add	x1, x1, #1
	str	x1, [x0, #VCPU_STAT_TRAPS]
	ldr	x1, [x0, #VCPU_STAT_HYPERCALLS]
	add	x1, x1, #1
	str	x1, [x0, #VCPU_STAT_HYPERCALLS]
	mov	x0, xzr				/* SMCCC_SUCCESS */
	ldr	x1, [sp, #FRAME_X0 + 8]
	add	sp, sp, #FRAME_SIZE
	eret
4:	cmp	x1, #ASM_ESR_EC_DABT_LOWER
	b.eq	data_abort_lower
1:	mov	x0, #VEC_SYNC_LOWER
	b	trap_entry

/*
 * A data abort from a guest: an emulated register, usually.  The general
 * registers are saved, and vcpu_mmio_fast() (vmm/mmio_fast.c) serves the
 * reads that need neither the rest of the frame nor the VM's lock.
 * Anything else carries on into the full path from there.
 */
data_abort_lower:
	save_x2_x30
	mov	x0, sp
	bl	vcpu_mmio_fast
	cbz	w0, 2f
	restore_x0_x30_eret
2:	mov	x0, #VEC_SYNC_LOWER
	b	trap_entry_gprs_saved

/* x0 = vector kind; x0/x1 of the interrupted code are already saved. */
trap_entry:
	save_x2_x30
/* x0 = vector kind; x0..x30 of the interrupted code are saved. */
trap_entry_gprs_saved:
	add	x1, sp, #FRAME_SIZE		/* the interrupted SP */
	str	x1, [sp, #FRAME_SP]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #FRAME_ELR]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #FRAME_ESR]

	mov	x1, x0
	mov	x0, sp
	cmp	x1, #VEC_SYNC_LOWER
	b.lo	3f				/* from EL2 itself */
	cmp	x1, #VEC_SP0
	b.eq	3f
	bl	vcpu_trap			/* from a guest */
	b	trap_return
3:	bl	trap_dispatch

/* Also the way into a guest for the first time: see guest_entry.S. */
	.globl trap_return
trap_return:
	ldp	x2, x3, [sp, #FRAME_ELR]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	restore_x0_x30_eret
