/*
 * Taking mappings out of a VM's stage-2 tables: splitting blocks that
 * straddle the range (break-before-make), freeing tables left empty once no
 * TLB or walk cache can still reach them.  Portable, like stage2.c.
 */
#include "arch/arm64/stage2.h"
#include "arch/arm64/stage2_desc.h"
#include "lib/zerror.h"

/*
 * Tables needed so that boundary falls on an entry edge: one per level,
 * from the block that straddles it down to the level where it is aligned.
 */
static unsigned int splits_needed(const struct stage2 *s2, uint64_t boundary)
{
	const uint64_t *table = s2->root;

	if (boundary >> STAGE2_IPA_BITS)
		return 0; /* the end of the IPA space is an edge */
	for (int level = S2_START_LEVEL; level < S2_LAST_LEVEL; level++) {
		uint64_t desc = table[s2_index(boundary, level)];
		unsigned int needed = 0;

		if ((boundary & (s2_level_span(level) - 1)) == 0 || !s2_is_valid(desc))
			return 0;
		if (s2_is_table(desc, level)) {
			table = s2_next_table(desc);
			continue;
		}
		for (int l = level; l < S2_LAST_LEVEL && (boundary & (s2_level_span(l) - 1)); l++)
			needed++;
		return needed;
	}
	return 0;
}

static void release_spares(struct stage2 *s2, struct s2_spares *spares)
{
	while (spares->count)
		s2_table_free(s2, spares->tables[--spares->count]);
}

/* Takes every table the splits at both ends may need, or none at all. */
static int reserve_spares(struct stage2 *s2, uint64_t ipa, uint64_t end, struct s2_spares *spares)
{
	unsigned int needed = splits_needed(s2, ipa) + splits_needed(s2, end);

	spares->count = 0;
	while (spares->count < needed) {
		uint64_t *table = s2_table_new(s2);

		if (!table) {
			release_spares(s2, spares);
			return -ZE_NOMEM;
		}
		spares->tables[spares->count++] = table;
	}
	return 0;
}

void s2_commit(struct stage2 *s2)
{
	if (s2->tlb_stale) {
		stage2_flush_tlb(s2);
		s2->tlb_stale = false;
	}
	while (s2->detached) {
		uint64_t *table = s2->detached;

		s2->detached = s2_next_table(table[0]);
		s2_table_free(s2, table);
	}
}

/*
 * Replaces the block at *entry with a table of the same mappings one level
 * down.  Break-before-make: the block must be gone from every TLB before a
 * walker can find the table, or a core could hold both translations at
 * once (a TLB conflict, ARM ARM D8).
 */
static int split_block(struct stage2 *s2, uint64_t *entry, int level, struct s2_spares *spares)
{
	uint64_t block = *entry;
	int child_level = level + 1;
	uint64_t child_span = s2_level_span(child_level);
	uint64_t attrs = block & ~(S2_ADDR_MASK | S2_DESC_TABLE);
	uint64_t kind = child_level == S2_LAST_LEVEL ? S2_DESC_TABLE : 0;
	uint64_t pa = block & S2_ADDR_MASK;
	uint64_t *table;

	if (!spares->count)
		return -ZE_NOMEM;
	table = spares->tables[--spares->count];
	for (unsigned int i = 0; i < S2_ENTRIES; i++)
		table[i] = (pa + i * child_span) | attrs | kind;

	s2_write_desc(entry, 0);
	s2->tlb_stale = true;
	s2_commit(s2); /* its barrier also publishes the new table */
	s2_write_desc(entry, (uint64_t)(uintptr_t)table | S2_DESC_TABLE | S2_DESC_VALID);
	s2_count_leaf(s2, level, -1);
	s2_count_leaf(s2, child_level, S2_ENTRIES);
	return 0;
}

static bool table_is_empty(const uint64_t *table)
{
	for (unsigned int i = 0; i < S2_ENTRIES; i++) {
		if (s2_is_valid(table[i]))
			return false;
	}
	return true;
}

/*
 * Unlinks an empty table and queues it for s2_commit().  The queue link
 * lives in the table's first entry: a 4 KiB-aligned address (or NULL) has
 * bit 0 clear, so a walk that still reaches the table reads it as invalid.
 */
static void detach_table(struct stage2 *s2, uint64_t *entry)
{
	uint64_t *table = s2_next_table(*entry);

	s2_write_desc(entry, 0);
	s2->tlb_stale = true;
	s2_write_desc(&table[0], (uint64_t)(uintptr_t)s2->detached);
	s2->detached = table;
}

static int unmap_level(struct stage2 *s2, uint64_t *table, int level, uint64_t ipa, uint64_t end,
                       struct s2_spares *spares)
{
	while (ipa < end) {
		uint64_t *entry = &table[s2_index(ipa, level)];
		uint64_t stop = s2_entry_stop(ipa, end, level);
		int err;

		if (s2_is_table(*entry, level)) {
			uint64_t *sub = s2_next_table(*entry);

			err = unmap_level(s2, sub, level + 1, ipa, stop, spares);
			if (err)
				return err;
			if (table_is_empty(sub))
				detach_table(s2, entry);
		} else if (s2_is_valid(*entry) && stop - ipa == s2_level_span(level)) {
			s2_write_desc(entry, 0);
			s2->tlb_stale = true;
			s2_count_leaf(s2, level, -1);
		} else if (s2_is_valid(*entry)) {
			err = split_block(s2, entry, level, spares);
			if (err)
				return err;
			continue; /* now a table: visit it */
		}
		ipa = stop;
	}
	return 0;
}

int s2_unmap_range(struct stage2 *s2, uint64_t ipa, uint64_t end, struct s2_spares *spares)
{
	return unmap_level(s2, s2->root, S2_START_LEVEL, ipa, end, spares);
}

int stage2_unmap(struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	struct s2_spares spares;
	int err;

	if (!s2_args_valid(s2, ipa, size))
		return -ZE_INVAL;
	err = reserve_spares(s2, ipa, ipa + size, &spares);
	if (err)
		return err;
	err = s2_unmap_range(s2, ipa, ipa + size, &spares);
	release_spares(s2, &spares);
	s2_commit(s2);
	return err;
}
