/* The guest's PMU behind MDCR_EL2: see arch/arm64/pmu.h. */
#include "arch/arm64/pmu.h"
#include "arch/arm64/sysreg.h"

/* MDCR_EL2 (ARM ARM D13.2.76). */
#define MDCR_HPMN_MASK 0x1full
#define MDCR_TPMCR     (1ull << 5)
#define MDCR_TPM       (1ull << 6)
#define MDCR_HPMD      (1ull << 17) /* FEAT_PMUv3p1 */

/* ID_AA64DFR0_EL1.PMUVer (D13.2.59). */
#define DFR0_PMUVER_SHIFT 8
#define DFR0_FIELD_MASK   0xfull
#define PMUVER_NONE       0x0ull
#define PMUVER_V3P1       0x4ull
#define PMUVER_IMPDEF     0xfull

/* PMCR_EL0 (D13.3.5): N, and the control bits a guest may write. */
#define PMCR_N_SHIFT 11
#define PMCR_N_MASK  0x1full
#define PMCR_CONTROL 0xffull /* E P C D X DP LC LP */

/* PMEVTYPER<n>_EL0 / PMCCFILTR_EL0.NSH: count at EL2 (D13.3.11). */
#define PMU_FILTER_NSH  (1ull << 27)
#define PMU_CYCLE_BIT   31u   /* the cycle counter's bit in the set/clear masks */
#define PMSELR_SEL_MASK 0x1fu /* 31 selects PMCCFILTR_EL0 */

/* Trapped-access ISS fields (EC 0x18, D13.2.37). */
#define ISS_READ        1u
#define ISS_CRM(iss)    (((iss) >> 1) & 0xfu)
#define ISS_CRN(iss)    (((iss) >> 10) & 0xfu)
#define ISS_OP1(iss)    (((iss) >> 14) & 0x7u)
#define ISS_OP2(iss)    (((iss) >> 17) & 0x7u)
#define ISS_OP0(iss)    (((iss) >> 20) & 0x3u)
#define CRN_PMU         9u  /* op0 3: PMCR .. PMOVSSET, PMINTEN */
#define CRN_PMU_COUNTER 14u /* op0 3, op1 3: PMEVCNTR, PMEVTYPER, PMCCFILTR */
#define CRM_COUNT_FIRST 8u  /* PMEVCNTR<n>: CRm 8-11 */
#define CRM_TYPE_FIRST  12u /* PMEVTYPER<n>: CRm 12-15 */
#define OP1_EL0         3u
#define OP1_EL1         0u

static uint64_t pmu_version(void)
{
	return (read_sysreg(id_aa64dfr0_el1) >> DFR0_PMUVER_SHIFT) & DFR0_FIELD_MASK;
}

static bool have_pmu(void)
{
	uint64_t ver = pmu_version();

	return ver != PMUVER_NONE && ver != PMUVER_IMPDEF;
}

/* ARM ARM D17.11 (common events): L1D_CACHE_REFILL 0x03 and L1D_CACHE 0x04,
 * implemented when their bits of PMCEID0_EL0 are set. */
#define EVENT_L1D_CACHE_REFILL 0x03u
#define EVENT_L1D_CACHE        0x04u

bool pmu_has_l1d_events(void)
{
	uint64_t ids = have_pmu() ? read_sysreg(pmceid0_el0) : 0;

	return (ids >> EVENT_L1D_CACHE_REFILL & 1) && (ids >> EVENT_L1D_CACHE & 1);
}

unsigned pmu_core_counters(void)
{
	return have_pmu() ? (unsigned)((read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK) : 0;
}

uint64_t pmu_host_mdcr(void)
{
	return pmu_core_counters();
}

uint64_t pmu_guest_mdcr(unsigned counters)
{
	unsigned n = pmu_core_counters();

	if (!have_pmu())
		return 0;
	if (counters == 0 || counters > n)
		counters = n;
	uint64_t mdcr = (counters & MDCR_HPMN_MASK) | MDCR_TPM | MDCR_TPMCR;
	if (pmu_version() >= PMUVER_V3P1)
		mdcr |= MDCR_HPMD;
	return mdcr;
}

bool pmu_is_reg(uint32_t iss)
{
	if (ISS_OP0(iss) != 3)
		return false;
	if (ISS_CRN(iss) == CRN_PMU && ISS_OP1(iss) == OP1_EL0)
		return ISS_CRM(iss) >= 12 && ISS_CRM(iss) <= 14;
	if (ISS_CRN(iss) == CRN_PMU && ISS_OP1(iss) == OP1_EL1)
		return ISS_CRM(iss) == 14 && (ISS_OP2(iss) == 1 || ISS_OP2(iss) == 2);
	return ISS_CRN(iss) == CRN_PMU_COUNTER && ISS_OP1(iss) == OP1_EL0 &&
	       ISS_CRM(iss) >= CRM_COUNT_FIRST;
}

/* The guest's counters (the first HPMN) and the cycle counter. */
static uint64_t guest_mask(void)
{
	uint64_t hpmn = read_sysreg(mdcr_el2) & MDCR_HPMN_MASK;

	return ((1ull << hpmn) - 1) | (1ull << PMU_CYCLE_BIT);
}

static bool guest_counter(unsigned n)
{
	return n == PMU_CYCLE_BIT || ((guest_mask() >> n) & 1);
}

/* Set/clear registers: only the guest's bits are seen or changed. */
#define MASKED(reg, write, value)                                   \
	do {                                                        \
		if (write)                                          \
			write_sysreg(reg, *(value)&guest_mask());   \
		else                                                \
			*(value) = read_sysreg(reg) & guest_mask(); \
	} while (0)

static void pmcr(bool write, uint64_t *value)
{
	if (write) {
		write_sysreg(pmcr_el0, *value & PMCR_CONTROL);
		return;
	}
	uint64_t hpmn = read_sysreg(mdcr_el2) & MDCR_HPMN_MASK;
	*value = (read_sysreg(pmcr_el0) & ~(PMCR_N_MASK << PMCR_N_SHIFT)) | hpmn << PMCR_N_SHIFT;
}

/* A counter's type or count through the selector the guest set (or n). */
static void counter_reg(unsigned n, bool type, bool write, uint64_t *value)
{
	uint64_t sel = read_sysreg(pmselr_el0);

	if (n == PMU_CYCLE_BIT && type) {
		if (write)
			write_sysreg(pmccfiltr_el0, *value & ~PMU_FILTER_NSH);
		else
			*value = read_sysreg(pmccfiltr_el0);
		return;
	}
	if (n == PMU_CYCLE_BIT || !guest_counter(n)) {
		if (!write)
			*value = 0; /* not the guest's: reads as zero, ignores writes */
		return;
	}
	write_sysreg(pmselr_el0, n);
	isb();
	if (type && write)
		write_sysreg(pmxevtyper_el0, *value & ~PMU_FILTER_NSH);
	else if (type)
		*value = read_sysreg(pmxevtyper_el0);
	else if (write)
		write_sysreg(pmxevcntr_el0, *value);
	else
		*value = read_sysreg(pmxevcntr_el0);
	write_sysreg(pmselr_el0, sel);
	isb();
}

static void plain(bool write, uint64_t *value, unsigned op2)
{
	switch (op2) {
	case 0:
		if (write)
			write_sysreg(pmccntr_el0, *value);
		else
			*value = read_sysreg(pmccntr_el0);
		break;
	default: break;
	}
}

static void crm12(unsigned op2, bool write, uint64_t *value)
{
	switch (op2) {
	case 0: pmcr(write, value); break;
	case 1: MASKED(pmcntenset_el0, write, value); break;
	case 2: MASKED(pmcntenclr_el0, write, value); break;
	case 3: MASKED(pmovsclr_el0, write, value); break;
	case 4:
		if (write)
			write_sysreg(pmswinc_el0, *value & guest_mask() & ~(1ull << PMU_CYCLE_BIT));
		else
			*value = 0;
		break;
	case 5:
		if (write)
			write_sysreg(pmselr_el0, *value & PMSELR_SEL_MASK);
		else
			*value = read_sysreg(pmselr_el0);
		break;
	case 6: *value = write ? *value : read_sysreg(pmceid0_el0); break;
	case 7: *value = write ? *value : read_sysreg(pmceid1_el0); break;
	default: break;
	}
}

static void crm13(unsigned op2, bool write, uint64_t *value)
{
	unsigned sel = (unsigned)read_sysreg(pmselr_el0) & PMSELR_SEL_MASK;

	if (op2 == 1)
		counter_reg(sel, true, write, value);
	else if (op2 == 2)
		counter_reg(sel, false, write, value);
	else
		plain(write, value, op2);
}

static void crm14(unsigned op1, unsigned op2, bool write, uint64_t *value)
{
	if (op1 == OP1_EL1 && op2 == 1)
		MASKED(pmintenset_el1, write, value);
	else if (op1 == OP1_EL1 && op2 == 2)
		MASKED(pmintenclr_el1, write, value);
	else if (op2 == 0 && write)
		write_sysreg(pmuserenr_el0, *value);
	else if (op2 == 0)
		*value = read_sysreg(pmuserenr_el0);
	else if (op2 == 3)
		MASKED(pmovsset_el0, write, value);
	else if (!write)
		*value = 0;
}

void pmu_emulate(uint32_t iss, uint64_t *value)
{
	bool write = !(iss & ISS_READ);
	unsigned crm = ISS_CRM(iss), op2 = ISS_OP2(iss);

	if (!write)
		*value = 0;
	if (ISS_CRN(iss) == CRN_PMU_COUNTER) {
		unsigned n = ((crm & 3u) << 3) | op2;
		counter_reg(n, crm >= CRM_TYPE_FIRST, write, value);
		return;
	}
	switch (crm) {
	case 12: crm12(op2, write, value); break;
	case 13: crm13(op2, write, value); break;
	case 14: crm14(ISS_OP1(iss), op2, write, value); break;
	default: break;
	}
}
