/* The guest's debug registers behind MDCR_EL2: see arch/arm64/debug_regs.h. */
#include "arch/arm64/debug_regs.h"
#include "arch/arm64/sysreg.h"

/* MDCR_EL2 (ARM ARM D13.2.76); TDE (bit 8) and TDA (bit 9) stay clear. */
#define MDCR_TDOSA (1ull << 10) /* OSLAR, OSLSR, OSDLR, DBGPRCR */
#define MDCR_TDRA  (1ull << 11) /* MDRAR */

/* Trapped-access ISS (EC 0x18, D13.2.37): Op0 Op2 Op1 CRn CRm, no Rt/dir. */
#define ISS_REG_MASK 0x3ffc1eu
#define ISS_READ     1u
#define ISS_REG(op0, op1, crn, crm, op2) \
	((uint32_t)(((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1)))
#define ISS_MDRAR   ISS_REG(2, 0, 1, 0, 0)
#define ISS_OSLAR   ISS_REG(2, 0, 1, 0, 4)
#define ISS_OSLSR   ISS_REG(2, 0, 1, 1, 4)
#define ISS_OSDLR   ISS_REG(2, 0, 1, 3, 4)
#define ISS_DBGPRCR ISS_REG(2, 0, 1, 4, 4)

uint64_t debug_guest_mdcr(void)
{
	return MDCR_TDOSA | MDCR_TDRA;
}

bool debug_is_reg(uint32_t iss)
{
	uint32_t reg = iss & ISS_REG_MASK;

	return reg == ISS_MDRAR || reg == ISS_OSLAR || reg == ISS_OSLSR || reg == ISS_OSDLR ||
	       reg == ISS_DBGPRCR;
}

void debug_emulate(uint32_t iss, uint64_t *value)
{
	uint32_t reg = iss & ISS_REG_MASK;
	bool read = (iss & ISS_READ) != 0;

	if (reg == ISS_OSLAR && !read) {
		write_sysreg(oslar_el1, *value);
		isb();
	} else if (reg == ISS_OSLSR && read) {
		*value = read_sysreg(oslsr_el1);
	} else if (read) {
		*value = 0; /* no ROM table; no double lock; no power-down request */
	}
}
