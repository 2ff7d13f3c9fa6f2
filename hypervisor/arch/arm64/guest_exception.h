/*
 * Taking an exception to a guest's EL1 on its behalf: what the hardware
 * would have done (ARM ARM D1.10, "Exception entry").  ZVM uses it to turn
 * an access its devices refuse into the synchronous external abort a real
 * device would have raised.  The computations are portable (unit-tested on
 * the host); guest_inject_abort() writes the guest's EL1 registers,
 * which are live on the vCPU's own core.
 */
#ifndef ARCH_ARM64_GUEST_EXCEPTION_H
#define ARCH_ARM64_GUEST_EXCEPTION_H

#include <stdbool.h>
#include <stdint.h>

/* PSTATE as SPSR_ELx holds it (ARM ARM C5.2.18). */
#define PSTATE_MODE_MASK    0x1full /* M[4:0]; M[4] = 1: AArch32 */
#define PSTATE_MODE_AARCH32 0x10ull
#define PSTATE_EL_SHIFT     2 /* M[3:2]: the exception level */
#define PSTATE_EL_MASK      0x3ull
#define PSTATE_SP_ELX       0x1ull        /* M[0]: SP_ELx, not SP_EL0 */
#define PSTATE_EL1H         0x5ull        /* EL1, SP_EL1 */
#define PSTATE_DAIF_MASKED  (0xfull << 6) /* D, A, I, F */
#define PSTATE_SSBS         (1ull << 12)
#define PSTATE_PAN          (1ull << 22)
#define PSTATE_DIT          (1ull << 24)
#define PSTATE_EL1H_MASKED  (PSTATE_EL1H | PSTATE_DAIF_MASKED)

/* SCTLR_EL1 bits that shape PSTATE on entry to EL1 (ARM ARM D13.2.118). */
#define SCTLR_EL1_SPAN  (1ull << 23) /* 0: set PAN on entry */
#define SCTLR_EL1_DSSBS (1ull << 44) /* SSBS on entry */

/* Offsets from VBAR_EL1 (ARM ARM D1.10.2, table D1-7); IRQ etc. add 0x80.. */
#define VECTOR_CUR_SP0   0x000u
#define VECTOR_CUR_SPX   0x200u
#define VECTOR_LOWER_A64 0x400u
#define VECTOR_LOWER_A32 0x600u

/* Features that change PSTATE on entry (ID_AA64MMFR1.PAN, ID_AA64PFR1.SSBS). */
struct guest_cpu_features {
	bool pan;
	bool ssbs;
};

/* The synchronous vector an exception to EL1 from this PSTATE takes. */
unsigned guest_sync_vector_offset(uint64_t spsr);
/* ESR_EL1 of a synchronous external data abort taken from this PSTATE. */
uint64_t guest_external_dabt_esr(uint64_t spsr, bool write);
/* ESR_EL1 of a synchronous external abort on an instruction fetch. */
uint64_t guest_external_iabt_esr(uint64_t spsr);
/* PSTATE at EL1 after taking an exception from old (SPSR_EL1 = old). */
uint64_t guest_entry_pstate(uint64_t old, uint64_t sctlr_el1, const struct guest_cpu_features *f);

#ifndef HOST_TEST
struct trap_frame;
/*
 * Makes the guest whose frame this is take a synchronous exception with
 * this ESR_EL1 and FAR_EL1 on its return: ELR/SPSR_EL1 as the hardware
 * sets them, PC at its vector.  The faulting instruction is not retired.
 */
void guest_inject_abort(struct trap_frame *f, uint64_t esr, uint64_t va);
/* Where guest_inject_abort() sends the guest of this frame. */
uint64_t guest_sync_vector(const struct trap_frame *f);
#endif

#endif
