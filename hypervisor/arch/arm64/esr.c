/* ESR decoding for fault reports: names from the ARM ARM's EC and FSC tables. */
#include "arch/arm64/esr.h"
#include <stdbool.h>

#include "lib/format.h"

struct ec_name {
	unsigned ec;
	const char *name;
};

static const struct ec_name ec_names[] = {
	{ ESR_EC_UNKNOWN, "unknown reason (undefined instruction)" },
	{ ESR_EC_WFX, "WFI/WFE" },
	{ ESR_EC_FP_ACCESS, "FP/SIMD access trapped" },
	{ ESR_EC_ILLEGAL_STATE, "illegal execution state" },
	{ ESR_EC_SVC64, "SVC (AArch64)" },
	{ ESR_EC_HVC64, "HVC (AArch64)" },
	{ ESR_EC_SMC64, "SMC (AArch64)" },
	{ ESR_EC_SYSREG, "MSR/MRS/system instruction" },
	{ ESR_EC_IABT_LOWER, "instruction abort, lower EL" },
	{ ESR_EC_IABT_CUR, "instruction abort, same EL" },
	{ ESR_EC_PC_ALIGN, "PC alignment fault" },
	{ ESR_EC_DABT_LOWER, "data abort, lower EL" },
	{ ESR_EC_DABT_CUR, "data abort, same EL" },
	{ ESR_EC_SP_ALIGN, "SP alignment fault" },
	{ ESR_EC_FP_EXC64, "FP exception (AArch64)" },
	{ ESR_EC_SERROR, "SError interrupt" },
	{ 0x30, "breakpoint, lower EL" },
	{ 0x31, "breakpoint, same EL" },
	{ 0x32, "software step, lower EL" },
	{ 0x33, "software step, same EL" },
	{ 0x34, "watchpoint, lower EL" },
	{ 0x35, "watchpoint, same EL" },
	{ ESR_EC_BRK64, "BRK instruction (AArch64)" },
};

const char *esr_class_name(unsigned ec)
{
	for (size_t i = 0; i < sizeof(ec_names) / sizeof(ec_names[0]); i++) {
		if (ec_names[i].ec == ec)
			return ec_names[i].name;
	}
	return "reserved/unlisted exception class";
}

/* FSC encodings, ARM ARM D13.2.37 (DFSC/IFSC). */
const char *esr_fault_name(unsigned fsc)
{
	static const char *const levels[][4] = {
		{ "address size fault, level 0", "address size fault, level 1",
		  "address size fault, level 2", "address size fault, level 3" },
		{ "translation fault, level 0", "translation fault, level 1",
		  "translation fault, level 2", "translation fault, level 3" },
		{ "access flag fault, level 0", "access flag fault, level 1",
		  "access flag fault, level 2", "access flag fault, level 3" },
		{ "permission fault, level 0", "permission fault, level 1",
		  "permission fault, level 2", "permission fault, level 3" },
	};

	if (fsc < 0x10)
		return levels[fsc >> 2][fsc & 3];
	switch (fsc) {
	case 0x10: return "synchronous external abort";
	case 0x11: return "synchronous tag check fault";
	case 0x18: return "synchronous parity/ECC error";
	case 0x21: return "alignment fault";
	case 0x30: return "TLB conflict abort";
	case 0x31: return "unsupported atomic hardware update";
	default: return "unlisted fault status";
	}
}

static int describe_abort(uint64_t esr, unsigned ec, char *buf, size_t size)
{
	uint32_t iss = esr_iss(esr);
	const char *fault = esr_fault_name(iss & ESR_ABT_FSC_MASK);
	bool is_data = ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOWER;

	if (!is_data)
		return fmt_snprintf(buf, size, "%s: %s", esr_class_name(ec), fault);
	return fmt_snprintf(buf, size, "%s: %s on %s", esr_class_name(ec), fault,
	                    (iss & ESR_DABT_WNR) ? "write" : "read");
}

int esr_describe(uint64_t esr, char *buf, size_t size)
{
	unsigned ec = esr_class(esr);

	switch (ec) {
	case ESR_EC_DABT_CUR:
	case ESR_EC_DABT_LOWER:
	case ESR_EC_IABT_CUR:
	case ESR_EC_IABT_LOWER: return describe_abort(esr, ec, buf, size);
	case ESR_EC_HVC64:
	case ESR_EC_SMC64:
	case ESR_EC_SVC64:
	case ESR_EC_BRK64:
		return fmt_snprintf(buf, size, "%s, immediate #0x%x", esr_class_name(ec),
		                    (unsigned)(esr & 0xffff));
	default:
		return fmt_snprintf(buf, size, "%s, ISS 0x%07x", esr_class_name(ec),
		                    (unsigned)esr_iss(esr));
	}
}
