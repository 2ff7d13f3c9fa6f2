/*
 * The register-leak check (issue 12): registers a previous VM on the same
 * core could have left its values in.  At boot each must hold its reset
 * value (what ZVM sets before a VM's first instruction); key 'm' writes a
 * marker into each that takes one, 'n' shows which now differ from reset,
 * 'd' which differed at boot.
 */
#include "guest.h"
#include "zvm/hypercall.h"

#define PMCR_N_SHIFT   11
#define PMCR_N_MASK    0x1fu
#define PMCR_CTRL_MASK 0xffull /* E P C D X DP LC LP; N and IDs are read-only */
#define CNT_CTL_MASK   0x3ull  /* ENABLE, IMASK; ISTATUS is read-only */
#define OSLSR_OSLK     0x2ull  /* locked after a cold reset */
#define ALL            (~0ull)
#define FP_MARKER      0x6d61726b65720000ull /* "marker\0\0" + n */
#define FPCR_MARKER    0x03000000ull         /* DN, FZ */
#define FPSR_MARKER    0x08000001ull         /* QC, IOC */

#define REG_FN(reg)                                                   \
	static uint64_t rd_##reg(void)                                \
	{                                                             \
		uint64_t v;                                           \
		__asm__ volatile("mrs %0, " #reg : "=r"(v));          \
		return v;                                             \
	}                                                             \
	static void wr_##reg(uint64_t v)                              \
	{                                                             \
		__asm__ volatile("msr " #reg ", %0; isb" : : "r"(v)); \
	}

/* name, bits compared, their reset value, marker (0: none: the guest's own
 * exceptions and timer overwrite them, or a marker would do harm). */
#define LEAK_REGS(X)                                    \
	X(tpidr_el0, ALL, 0, 0x7470696472300000ull)     \
	X(tpidrro_el0, ALL, 0, 0x7470696472726f00ull)   \
	X(tpidr_el1, ALL, 0, 0x7470696472310000ull)     \
	X(contextidr_el1, ALL, 0, 0x42)                 \
	X(mair_el1, ALL, 0, 0x44ff04)                   \
	X(amair_el1, ALL, 0, 0x11)                      \
	X(tcr_el1, ALL, 0, 0x19)                        \
	X(ttbr0_el1, ALL, 0, 0x40010000)                \
	X(ttbr1_el1, ALL, 0, 0x40020000)                \
	X(par_el1, ALL, 0, 0x40030000)                  \
	X(sp_el0, ALL, 0, 0x40040000)                   \
	X(csselr_el1, ALL, 0, 0x2)                      \
	X(esr_el1, ALL, 0, 0)                           \
	X(far_el1, ALL, 0, 0)                           \
	X(elr_el1, ALL, 0, 0)                           \
	X(spsr_el1, ALL, 0, 0)                          \
	X(cntkctl_el1, ALL, 0, 0x3)                     \
	X(cntp_ctl_el0, CNT_CTL_MASK, 0, 0x2)           \
	X(cntp_cval_el0, ALL, 0, 0x0123456789abcdefull) \
	X(cntv_ctl_el0, CNT_CTL_MASK, 0, 0)             \
	X(cntv_cval_el0, ALL, 0, 0)                     \
	X(pmcr_el0, PMCR_CTRL_MASK, 0, 0x48)            \
	X(pmcntenset_el0, ALL, 0, 1ull << 31)           \
	X(pmintenset_el1, ALL, 0, 0)                    \
	X(pmovsset_el0, ALL, 0, 0)                      \
	X(pmuserenr_el0, ALL, 0, 0x1)                   \
	X(pmselr_el0, ALL, 0, 0x1f)                     \
	X(pmccfiltr_el0, ALL, 0, 1ull << 30)            \
	X(pmccntr_el0, ALL, 0, 0x123456)                \
	X(mdscr_el1, ALL, 0, 1ull << 12)                \
	X(dbgbvr0_el1, ALL, 0, 0x40001000)              \
	X(dbgbcr0_el1, ALL, 0, 0x1e0)                   \
	X(dbgwvr0_el1, ALL, 0, 0x40002000)              \
	X(dbgwcr0_el1, ALL, 0, 0x1ffe)                  \
	X(osdlr_el1, ALL, 0, 0)
/* Only with an event counter (PMCR_EL0.N > 0). */
#define COUNTER_REGS(X)                                \
	X(pmevtyper0_el0, ALL, 0, 0x08 | (1ull << 27)) \
	X(pmevcntr0_el0, ALL, 0, 0x1234)

#define DEFINE_FNS(reg, mask, reset, marker) REG_FN(reg)
LEAK_REGS(DEFINE_FNS)
COUNTER_REGS(DEFINE_FNS)

static uint64_t rd_oslsr_el1(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, oslsr_el1" : "=r"(v));
	return v;
}

struct leak_reg {
	const char *name;
	uint64_t (*read)(void);
	void (*write)(uint64_t);
	uint64_t mask, reset, marker;
	bool counter;
};

#define ENTRY(reg, m, r, mk)     { #reg, rd_##reg, wr_##reg, m, r, mk, false },
#define CTR_ENTRY(reg, m, r, mk) { #reg, rd_##reg, wr_##reg, m, r, mk, true },
static const struct leak_reg leak_regs[] = { LEAK_REGS(ENTRY) COUNTER_REGS(CTR_ENTRY) };
#define LEAK_COUNT (sizeof(leak_regs) / sizeof(leak_regs[0]))

struct reg_values {
	uint64_t sys[LEAK_COUNT];
	uint64_t oslsr, fpcr, fpsr;
	uint32_t q_nonzero;
};

static struct reg_values at_boot;

static bool have_counter(void)
{
	return ((rd_pmcr_el0() >> PMCR_N_SHIFT) & PMCR_N_MASK) != 0;
}

static void take(struct reg_values *v)
{
	bool counter = have_counter();

	for (unsigned i = 0; i < LEAK_COUNT; i++)
		v->sys[i] = (!leak_regs[i].counter || counter) ? leak_regs[i].read() : 0;
	v->oslsr = rd_oslsr_el1();
	v->fpcr = fp_read_fpcr();
	v->fpsr = fp_read_fpsr();
	v->q_nonzero = fp_nonzero_mask();
}

/* One name of the report: a long line takes a while on an emulated UART
 * (a trap per character), so the guest beats with each. */
static void put_name(bool first, const char *lead, const char *name)
{
	puts(first ? " differ " : " ");
	puts(lead);
	puts(name);
	hvc(ZVM_HC_HEARTBEAT, 0);
}

/* "<title>: clean", or "<title>: differ <name> ..." */
static void report_values(const char *title, const struct reg_values *v)
{
	bool clean = true;

	puts(title);
	puts(":");
	for (unsigned i = 0; i < LEAK_COUNT; i++) {
		if ((v->sys[i] & leak_regs[i].mask) == leak_regs[i].reset)
			continue;
		put_name(clean, "", leak_regs[i].name);
		clean = false;
	}
	if ((v->oslsr & OSLSR_OSLK) != OSLSR_OSLK) {
		put_name(clean, "", "oslsr_el1");
		clean = false;
	}
	if (v->fpcr || v->fpsr) {
		put_name(clean, "", "fpcr/fpsr");
		clean = false;
	}
	for (unsigned n = 0; n < 32; n++) {
		if (!(v->q_nonzero >> n & 1))
			continue;
		char num[3] = { (char)('0' + n / 10), (char)('0' + n % 10), 0 };

		put_name(clean, "q", n >= 10 ? num : num + 1);
		clean = false;
	}
	puts(clean ? " clean\n" : "\n");
}

void regs_snapshot_at_boot(void)
{
	take(&at_boot);
}

void regs_report_boot(void)
{
	report_values("registers at boot", &at_boot);
}

void regs_report_now(void)
{
	struct reg_values now;

	take(&now);
	report_values("registers now", &now);
}

void regs_set_markers(void)
{
	bool counter = have_counter();

	for (unsigned i = 0; i < LEAK_COUNT; i++) {
		if (leak_regs[i].marker && (!leak_regs[i].counter || counter))
			leak_regs[i].write(leak_regs[i].marker);
	}
	__asm__ volatile("msr oslar_el1, %0; isb" : : "r"(0ull)); /* unlock */
	fp_fill(FP_MARKER);
	fp_write_status(FPCR_MARKER, FPSR_MARKER);
	puts("markers set\n");
}
