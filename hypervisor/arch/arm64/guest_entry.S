/*
 * Entering and leaving a guest.
 *
 * A vCPU thread enters its guest once with guest_enter(): the guest's
 * registers go into a trap frame just below the thread's stack pointer and
 * leave through the ordinary exception return.  Every later trap from the
 * guest lands on exactly that frame (SP_EL2 is unchanged while the guest
 * runs), is handled in place and returns the same way, so the common path
 * costs one frame save and restore.  guest_exit() abandons the guest and
 * returns from guest_enter() on the thread, for stop, pause and crash.
 */
#include "arch/arm64/trap_frame.h"

#define HOST_SP		96
#define HOST_FRAME	104

/* uint64_t guest_enter(struct guest_host_ctx *host, const struct trap_frame *regs) */
	.text
	.globl guest_enter
guest_enter:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x9, sp
	str	x9, [x0, #HOST_SP]
	sub	sp, sp, #FRAME_SIZE
	mov	x9, sp
	str	x9, [x0, #HOST_FRAME]		/* where every trap's frame will be */
	add	x10, x1, #FRAME_SIZE
1:	ldp	x11, x12, [x1], #16
	stp	x11, x12, [x9], #16
	cmp	x1, x10
	b.lo	1b
	b	trap_return

/* void guest_exit(struct guest_host_ctx *host, uint64_t reason) */
	.globl guest_exit
guest_exit:
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x9, [x0, #HOST_SP]
	mov	sp, x9
	mov	x0, x1
	ret
