/*
 * The one owner of every structure offset the assembly uses.  Not linked:
 * the build compiles it to assembly and turns each marker below into a
 * #define of $(BUILD)/asm-offsets.h, which the .S files include.  So the
 * trap frame, the per-CPU data and the saved host context have one layout,
 * the C one, and the assembly follows it whenever it changes.
 */
#include <stddef.h>

#include "arch/arm64/esr.h"
#include "arch/arm64/guest_entry.h"
#include "arch/arm64/trap_frame.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "vmm/vcpu.h"
#include "zvm/hypercall.h"

/* Emits "->NAME value" into the compiler's assembly output. */
#define OFFSET(name, value) \
	__asm__ volatile("\n.ascii \"->" #name " %0\"" : : "i"((unsigned long)(value)))

void asm_offsets(void);

void asm_offsets(void)
{
	/* struct trap_frame: what every exception entry saves (vectors.S). */
	OFFSET(FRAME_X0, offsetof(struct trap_frame, x));
	OFFSET(FRAME_SP, offsetof(struct trap_frame, sp));
	OFFSET(FRAME_ELR, offsetof(struct trap_frame, elr));
	OFFSET(FRAME_SPSR, offsetof(struct trap_frame, spsr));
	OFFSET(FRAME_ESR, offsetof(struct trap_frame, esr));
	OFFSET(FRAME_FAR, offsetof(struct trap_frame, far));
	OFFSET(FRAME_SIZE, sizeof(struct trap_frame));

	/* struct percpu: the vectors' timer fast path. */
	OFFSET(PERCPU_FAST_TIMER_LR, offsetof(struct percpu, fast_timer_lr));
	OFFSET(PERCPU_FAST_PTIMER_LR, offsetof(struct percpu, fast_ptimer_lr));
	OFFSET(PERCPU_FAST_TIMER_COUNT, offsetof(struct percpu, fast_timer_count));
	OFFSET(PERCPU_FAST_ACKED, offsetof(struct percpu, fast_acked));

	/* The vectors' null-hypercall fast path: C's constants (the headers
	 * use C suffixes gas does not take) and the counters it keeps. */
	OFFSET(PERCPU_VCPU, offsetof(struct percpu, vcpu));
	OFFSET(VCPU_STAT_TRAPS, offsetof(struct vcpu, stats.traps));
	OFFSET(VCPU_STAT_HYPERCALLS, offsetof(struct vcpu, stats.hypercalls));
	OFFSET(ASM_ESR_EC_SHIFT, ESR_EC_SHIFT);
	OFFSET(ASM_ESR_EC_HVC64, ESR_EC_HVC64);
	OFFSET(ASM_ESR_EC_DABT_LOWER, ESR_EC_DABT_LOWER);
	OFFSET(ASM_ZVM_HC_NULL_LO, ZVM_HC_NULL & 0xffffu);
	OFFSET(ASM_ZVM_HC_NULL_HI, ZVM_HC_NULL >> 16);

	/* Callee-saved registers: struct arch_context (context.S) and struct
	 * guest_host_ctx (guest_entry.S) share one layout, x19..x30 then SP. */
	OFFSET(CALLEE_SAVED_X19, offsetof(struct arch_context, x19_x28));
	OFFSET(CALLEE_SAVED_SP, offsetof(struct arch_context, sp));
	OFFSET(HOST_CTX_SP, offsetof(struct guest_host_ctx, sp));
	OFFSET(HOST_CTX_FRAME, offsetof(struct guest_host_ctx, frame));
}

/* What the assembly assumes beyond the offsets themselves. */
_Static_assert(sizeof(struct trap_frame) % 16 == 0, "SP must stay 16-byte aligned");
_Static_assert(offsetof(struct trap_frame, x) == 0 && offsetof(struct trap_frame, sp) == 31 * 8,
               "x0..x30 then SP, in order: vectors.S saves them pairwise");
_Static_assert(offsetof(struct guest_host_ctx, callee_saved) ==
                               offsetof(struct arch_context, x19_x28) &&
                       offsetof(struct guest_host_ctx, sp) == offsetof(struct arch_context, sp),
               "callee_saved.h serves both");
_Static_assert(offsetof(struct thread, ctx) == 0, "context.S takes a thread as its context");
