/* What the bare-metal guest's parts share: console output, hypercalls and
 * the abort a probe expects (main.c). */
#ifndef BAREMETAL_GUEST_H
#define BAREMETAL_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#define UNTOUCHED       0x5a5a5a5a5a5a5a5aull
/* No RAM, no device: above everything a VM has, inside its IPA space. */
#define OUTSIDE_ANY_MAP 0x7000000000ull

void puts(const char *s);
void puthex(uint64_t v);
void putu(uint64_t v);
uint64_t hvc(uint64_t fn, uint64_t a1);
/* Beats the heartbeat if a beat is due: long commands keep the health
 * monitor informed. */
void bm_beat_if_due(void);
/* The virtual counter (CNTVCT_EL0) and its frequency. */
uint64_t bm_virtual_counter(void);
uint64_t bm_counter_hz(void);

/* Set before an access that should abort; the sync handler records the
 * syndrome, clears it and resumes at resume_at (if set) or past the
 * access. */
extern volatile bool abort_expected;
extern volatile uint64_t abort_esr, abort_far, resume_at;
/* "abort: <what> esr .. far .. register kept|written", or "no abort: ..". */
void report(const char *what, uint64_t reg);

/* Probes (probes.c): accesses with nothing behind them, and one the
 * hypervisor cannot emulate; each must come back as an abort the guest
 * handles (abort-policy "inject") or crash the VM ("crash"). */
void probe_outside_read(void);
void probe_outside_fetch(void);
void probe_unemulatable(void);

/* Key 'P' (pmu.c): instructions counted across null hypercalls, with
 * and without the EL2 filter bit. */
void pmu_probe(void);

/* Key 'D' (debug.c): breakpoints and watchpoints that match at EL2 only
 * while trapping into ZVM, its own at EL1, the debug registers ZVM keeps. */
void debug_probe(void);

/* Keys C M p W T (holdoff.c): a guest that keeps its core from ZVM every
 * way its CPU interface allows; false for any other key. */
bool holdoff_key(int c);

/* Registers another VM could have left behind (regs.c). */
void regs_snapshot_at_boot(void);
void regs_report_boot(void);
void regs_report_now(void);
void regs_set_markers(void);

/* fpregs.S: every q register and FPCR/FPSR. */
void fp_fill(uint64_t pattern);
uint32_t fp_nonzero_mask(void); /* bit n: q<n> is not zero */
uint64_t fp_read_fpcr(void);
uint64_t fp_read_fpsr(void);
void fp_write_status(uint64_t fpcr, uint64_t fpsr);

#endif
