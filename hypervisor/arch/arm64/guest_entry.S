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
#include "asm-offsets.h"
#include "arch/arm64/callee_saved.h"

/* uint64_t guest_enter(struct guest_host_ctx *host, const struct trap_frame *regs) */
	.text
	.globl guest_enter
guest_enter:
	save_callee_saved x0, x9
	sub	sp, sp, #FRAME_SIZE
	mov	x9, sp
	str	x9, [x0, #HOST_CTX_FRAME]		/* where every trap's frame will be */
	add	x10, x1, #FRAME_SIZE
1:	ldp	x11, x12, [x1], #16
	stp	x11, x12, [x9], #16
	cmp	x1, x10
	b.lo	1b
	b	trap_return

/* void guest_exit(struct guest_host_ctx *host, uint64_t reason) */
	.globl guest_exit
guest_exit:
	restore_callee_saved x0, x9
	mov	x0, x1
	ret
