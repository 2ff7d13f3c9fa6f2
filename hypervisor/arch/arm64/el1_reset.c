/*
 * Every EL1/EL0 register a guest can leave a value in, reset for the next
 * one (see arch/arm64/el1_reset.h).  Values: ARM ARM D13 (AArch64 system
 * registers); where the reset value is UNKNOWN, zero.
 */
#include "arch/arm64/el1_reset.h"
#include "arch/arm64/sysreg.h"

#define SCTLR_EL1_RESET   0x30d00800ull /* RES1 bits; MMU and caches off */
#define CPACR_EL1_FPEN    (3ull << 20)  /* no FP/SIMD traps at EL1/EL0 */
/* CPTR_EL2 (non-VHE): RES1 bits [13:12] and [9:0]; TFP (bit 10) clear:
 * neither the guest's FP nor the reset below traps. */
#define CPTR_EL2_NO_TRAPS 0x33ffull

/* ID_AA64DFR0_EL1 (ARM ARM D13.2.59): counts minus one, PMU version. */
#define DFR0_BRPS_SHIFT   12
#define DFR0_WRPS_SHIFT   20
#define DFR0_PMUVER_SHIFT 8
#define DFR0_FIELD_MASK   0xfull
#define PMUVER_NONE       0x0ull
#define PMUVER_IMPDEF     0xfull
/* PMCR_EL0 (D13.3.5): N, and P/C that zero the event and cycle counters. */
#define PMCR_N_SHIFT      11
#define PMCR_N_MASK       0x1full
#define PMCR_P            (1ull << 1)
#define PMCR_C            (1ull << 2)
#define PMU_ALL_COUNTERS  0xffffffffull /* PMCNTENCLR, PMINTENCLR, PMOVSCLR */
#define OSLAR_LOCK        1ull          /* the OS Lock is set by a cold reset */

static uint64_t dfr0_field(unsigned shift)
{
	return (read_sysreg(id_aa64dfr0_el1) >> shift) & DFR0_FIELD_MASK;
}

static void reset_system(void)
{
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	write_sysreg(tcr_el1, 0);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(amair_el1, 0);
	write_sysreg(vbar_el1, 0);
	write_sysreg(cpacr_el1, CPACR_EL1_FPEN);
	write_sysreg(contextidr_el1, 0);
	write_sysreg(csselr_el1, 0);
	write_sysreg(par_el1, 0);
	write_sysreg(afsr0_el1, 0);
	write_sysreg(afsr1_el1, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(elr_el1, 0);
	write_sysreg(spsr_el1, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
}

static void reset_timers(void)
{
	write_sysreg(cntkctl_el1, 0);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(cntp_cval_el0, 0);
}

/* Counting off, every counter and its configuration zero. */
static void reset_pmu(void)
{
	uint64_t ver = dfr0_field(DFR0_PMUVER_SHIFT);

	if (ver == PMUVER_NONE || ver == PMUVER_IMPDEF)
		return;
	uint64_t n = (read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK;

	write_sysreg(pmcntenclr_el0, PMU_ALL_COUNTERS);
	write_sysreg(pmintenclr_el1, PMU_ALL_COUNTERS);
	write_sysreg(pmovsclr_el0, PMU_ALL_COUNTERS);
	for (uint64_t i = 0; i < n; i++) {
		write_sysreg(pmselr_el0, i);
		isb();
		write_sysreg(pmxevtyper_el0, 0);
	}
	write_sysreg(pmselr_el0, 0);
	write_sysreg(pmccfiltr_el0, 0);
	write_sysreg(pmuserenr_el0, 0);
	write_sysreg(pmcr_el0, PMCR_P | PMCR_C); /* E = 0; P and C zero the counts */
	isb();
}

#define BREAKPOINT_CASE(n)                        \
	case n:                                   \
		write_sysreg(dbgbcr##n##_el1, 0); \
		write_sysreg(dbgbvr##n##_el1, 0); \
		break
#define WATCHPOINT_CASE(n)                        \
	case n:                                   \
		write_sysreg(dbgwcr##n##_el1, 0); \
		write_sysreg(dbgwvr##n##_el1, 0); \
		break

static void reset_breakpoint(unsigned n)
{
	switch (n) {
		BREAKPOINT_CASE(0);
		BREAKPOINT_CASE(1);
		BREAKPOINT_CASE(2);
		BREAKPOINT_CASE(3);
		BREAKPOINT_CASE(4);
		BREAKPOINT_CASE(5);
		BREAKPOINT_CASE(6);
		BREAKPOINT_CASE(7);
		BREAKPOINT_CASE(8);
		BREAKPOINT_CASE(9);
		BREAKPOINT_CASE(10);
		BREAKPOINT_CASE(11);
		BREAKPOINT_CASE(12);
		BREAKPOINT_CASE(13);
		BREAKPOINT_CASE(14);
		BREAKPOINT_CASE(15);
	default: break;
	}
}

static void reset_watchpoint(unsigned n)
{
	switch (n) {
		WATCHPOINT_CASE(0);
		WATCHPOINT_CASE(1);
		WATCHPOINT_CASE(2);
		WATCHPOINT_CASE(3);
		WATCHPOINT_CASE(4);
		WATCHPOINT_CASE(5);
		WATCHPOINT_CASE(6);
		WATCHPOINT_CASE(7);
		WATCHPOINT_CASE(8);
		WATCHPOINT_CASE(9);
		WATCHPOINT_CASE(10);
		WATCHPOINT_CASE(11);
		WATCHPOINT_CASE(12);
		WATCHPOINT_CASE(13);
		WATCHPOINT_CASE(14);
		WATCHPOINT_CASE(15);
	default: break;
	}
}

/* Breakpoints and watchpoints off and zero, no debug events, OS Lock set
 * as after a cold reset (the guest unlocks it, as Linux does). */
static void reset_debug(void)
{
	unsigned brps = (unsigned)dfr0_field(DFR0_BRPS_SHIFT) + 1;
	unsigned wrps = (unsigned)dfr0_field(DFR0_WRPS_SHIFT) + 1;

	write_sysreg(mdscr_el1, 0);
	write_sysreg(mdccint_el1, 0);
	for (unsigned i = 0; i < brps; i++)
		reset_breakpoint(i);
	for (unsigned i = 0; i < wrps; i++)
		reset_watchpoint(i);
	write_sysreg(osdlr_el1, 0);
	write_sysreg(oslar_el1, OSLAR_LOCK);
	isb();
}

void el1_reset_all(void)
{
	write_sysreg(cptr_el2, CPTR_EL2_NO_TRAPS);
	isb();
	reset_system();
	reset_timers();
	reset_pmu();
	reset_debug();
	el1_reset_fp();
	isb();
}
