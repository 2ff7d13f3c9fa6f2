/*
 * libFuzzer target: the MMIO abort decoder and the per-VM region table,
 * which every guest data abort passes through.  The input is a syndrome
 * (ESR, FAR, HPFAR) followed by region registrations and lookups; after
 * each step the decoded fields and the table must keep their invariants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/mmio.h"

#define SYNDROME_BYTES 24
#define OP_BYTES       17 /* kind, base, size */
#define PAGE_OFFSET    0xfffull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t take64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int ignore_access(void *dev, uint64_t offset, unsigned bytes, bool write, uint64_t *value)
{
	(void)dev, (void)offset, (void)bytes, (void)write, (void)value;
	return 0;
}

static void check_decode(uint64_t esr, uint64_t far, uint64_t hpfar)
{
	struct guest_abort a = arch_decode_abort(esr, far, hpfar);

	if (a.size != 1 && a.size != 2 && a.size != 4 && a.size != 8)
		abort();
	if (a.reg > 31 || (a.ipa & PAGE_OFFSET) != (far & PAGE_OFFSET) || a.va != far)
		abort();
	uint64_t width_mask = a.size == 8 ? ~0ull : (1ull << (a.size * 8)) - 1;
	if (abort_store_value(&a, hpfar ^ esr) & ~width_mask)
		abort(); /* a store never writes beyond its width */
	uint64_t loaded = abort_load_value(&a, far ^ hpfar);
	if (!a.reg64 && loaded >> 32)
		abort(); /* a W register's upper half stays zero */
	if (!a.sign_extend && loaded & ~width_mask)
		abort(); /* a plain load zero-extends */
}

/* Sorted, disjoint, within bounds; mmio_find() agrees with a linear scan. */
static void check_table(const struct mmio_table *t, uint64_t probe)
{
	const struct mmio_region *want = NULL;

	if (t->count > MMIO_MAX_REGIONS)
		abort();
	for (unsigned i = 0; i < t->count; i++) {
		const struct mmio_region *r = &t->region[i];
		if (!r->size || r->base + (r->size - 1) < r->base)
			abort();
		if (i && t->region[i - 1].base + (t->region[i - 1].size - 1) >= r->base)
			abort();
		if (probe - r->base < r->size)
			want = r;
	}
	if (mmio_find(t, probe) != want)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mmio_table table;

	if (size < SYNDROME_BYTES)
		return 0;
	check_decode(take64(data), take64(data + 8), take64(data + 16));
	mmio_table_init(&table);
	for (size_t at = SYNDROME_BYTES; at + OP_BYTES <= size; at += OP_BYTES) {
		uint64_t base = take64(data + at + 1), len = take64(data + at + 9);
		/* Small windows in a small space make overlaps likely. */
		if (data[at] & 1) {
			base &= 0xffffull;
			len &= 0xfffull;
		}
		struct mmio_region r = { base, len, ignore_access, NULL, "fuzz" };
		unsigned before = table.count;
		int rc = mmio_register(&table, &r);
		if ((rc == 0) != (table.count == before + 1))
			abort();
		check_table(&table, base + (len >> 1));
	}
	return 0;
}
