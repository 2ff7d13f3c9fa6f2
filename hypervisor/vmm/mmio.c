/*
 * Emulated MMIO: the decoded data abort and the per-VM region table
 * (see vmm/mmio.h).
 */
#include "vmm/mmio.h"
#include "arch/arm64/esr.h"
#include "lib/zerror.h"

bool abort_is_mmio_candidate(const struct guest_abort *a)
{
	unsigned kind = a->fsc & ~ESR_FSC_LEVEL_MASK;

	return kind == ESR_FSC_TRANSLATION || kind == ESR_FSC_ACCESS_FLAG ||
	       kind == ESR_FSC_PERMISSION;
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
