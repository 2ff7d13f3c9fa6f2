/*
 * Emulated MMIO: the decoded data abort and the per-VM region table
 * (see vmm/mmio.h).
 */
#include "vmm/mmio.h"
#include "arch/arm64/esr.h"
#include "lib/zerror.h"

/* HPFAR_EL2.FIPA holds IPA[51:12] in bits [43:4] (ARM ARM D13.2.55). */
#define HPFAR_FIPA_MASK  0x00000ffffffffff0ull
#define HPFAR_FIPA_SHIFT 8
#define PAGE_OFFSET_MASK 0xfffull
#define BITS_PER_BYTE    8u
#define WORD_BITS        32u

struct guest_abort arch_decode_abort(uint64_t esr, uint64_t far, uint64_t hpfar)
{
	uint32_t iss = esr_iss(esr);
	struct guest_abort a = {
		.ipa = ((hpfar & HPFAR_FIPA_MASK) << HPFAR_FIPA_SHIFT) | (far & PAGE_OFFSET_MASK),
		.va = far,
		.size = 1u << ((iss >> ESR_DABT_SAS_SHIFT) & ESR_DABT_SAS_MASK),
		.reg = (iss >> ESR_DABT_SRT_SHIFT) & ESR_DABT_SRT_MASK,
		.fsc = iss & ESR_ABT_FSC_MASK,
		.write = iss & ESR_DABT_WNR,
		.sign_extend = iss & ESR_DABT_SSE,
		.reg64 = iss & ESR_DABT_SF,
		.syndrome_valid = iss & ESR_DABT_ISV,
		.walk = iss & ESR_DABT_S1PTW,
	};
	return a;
}

bool abort_is_mmio_candidate(const struct guest_abort *a)
{
	unsigned kind = a->fsc & ~ESR_FSC_LEVEL_MASK;

	return kind == ESR_FSC_TRANSLATION || kind == ESR_FSC_ACCESS_FLAG ||
	       kind == ESR_FSC_PERMISSION;
}

static uint64_t low_bits(unsigned bits)
{
	return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

/* LDRSB/LDRSH/LDRSW sign-extend to the register's width; W registers
 * leave the upper half zero (ARM ARM C6.2, load instructions). */
uint64_t abort_load_value(const struct guest_abort *a, uint64_t datum)
{
	unsigned bits = a->size * BITS_PER_BYTE;
	uint64_t value = datum & low_bits(bits);

	if (a->sign_extend && bits < 64 && (value >> (bits - 1) & 1))
		value |= ~low_bits(bits);
	return a->reg64 ? value : value & low_bits(WORD_BITS);
}

uint64_t abort_store_value(const struct guest_abort *a, uint64_t reg)
{
	return reg & low_bits(a->size * BITS_PER_BYTE);
}

void mmio_table_init(struct mmio_table *t)
{
	t->count = 0;
}

static uint64_t region_last(const struct mmio_region *r)
{
	return r->base + (r->size - 1);
}

/* Index of the first region whose base is above ipa (binary search). */
static unsigned upper_bound(const struct mmio_table *t, uint64_t ipa)
{
	unsigned lo = 0, hi = t->count;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (t->region[mid].base <= ipa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int mmio_register(struct mmio_table *t, const struct mmio_region *r)
{
	if (!r->handler || !r->size || r->base + (r->size - 1) < r->base)
		return -ZE_INVAL;
	unsigned at = upper_bound(t, r->base);

	if (at > 0 && region_last(&t->region[at - 1]) >= r->base)
		return -ZE_OVERLAP; /* the one below reaches into it */
	if (at < t->count && t->region[at].base <= region_last(r))
		return -ZE_OVERLAP; /* it reaches into the one above */
	if (t->count == MMIO_MAX_REGIONS)
		return -ZE_NO_SPACE;
	for (unsigned i = t->count; i > at; i--)
		t->region[i] = t->region[i - 1];
	t->region[at] = *r;
	t->count++;
	return 0;
}

const struct mmio_region *mmio_find(const struct mmio_table *t, uint64_t ipa)
{
	unsigned at = upper_bound(t, ipa);

	if (at == 0)
		return NULL;
	const struct mmio_region *r = &t->region[at - 1];
	return ipa - r->base < r->size ? r : NULL;
}
