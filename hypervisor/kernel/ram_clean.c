/* Known-zero RAM: see ram_clean.h. */
#include "kernel/ram_clean.h"

#define CHUNK         RAM_CLEAN_CHUNK
#define MAX_CHUNKS    (64u * 1024u) /* 128 GiB of RAM at 2 MiB a bit */
#define BITS_PER_WORD 64u
#define MAX_BANKS     8u

struct bank {
	uint64_t base; /* chunk-aligned down */
	uint32_t chunks;
	uint32_t first_bit;
};

static uint64_t clean_bits[MAX_CHUNKS / BITS_PER_WORD];
static struct bank banks[MAX_BANKS];
static unsigned bank_count;
static uint32_t bits_used;

static bool bit_get(uint32_t b)
{
	return (clean_bits[b / BITS_PER_WORD] >> (b % BITS_PER_WORD)) & 1u;
}

static void bit_set(uint32_t b, bool clean)
{
	uint64_t mask = UINT64_C(1) << (b % BITS_PER_WORD);

	if (clean)
		clean_bits[b / BITS_PER_WORD] |= mask;
	else
		clean_bits[b / BITS_PER_WORD] &= ~mask;
}

/* The bit of the chunk holding addr, or false when no bank tracks it. */
static bool chunk_bit(uint64_t addr, uint32_t *bit)
{
	for (unsigned i = 0; i < bank_count; i++) {
		uint64_t off = addr - banks[i].base;
		if (addr >= banks[i].base && (off >> RAM_CLEAN_CHUNK_SHIFT) < banks[i].chunks) {
			*bit = banks[i].first_bit + (uint32_t)(off >> RAM_CLEAN_CHUNK_SHIFT);
			return true;
		}
	}
	return false;
}

void ram_clean_init(const struct phys_range *ram, unsigned ram_count, bool zero_at_reset)
{
	for (unsigned i = 0; i < ram_count && bank_count < MAX_BANKS; i++) {
		/* Only whole chunks can be clean: a partial one at either end
		 * stays dirty (it is never set below). */
		uint64_t first = (ram[i].base + CHUNK - 1) & ~(CHUNK - 1);
		uint64_t end = (ram[i].base + ram[i].size) & ~(CHUNK - 1);
		if (end <= first)
			continue;
		uint64_t chunks = (end - first) >> RAM_CLEAN_CHUNK_SHIFT;
		if (chunks > MAX_CHUNKS - bits_used)
			chunks = MAX_CHUNKS - bits_used;
		banks[bank_count++] = (struct bank){ first, (uint32_t)chunks, bits_used };
		for (uint32_t b = 0; b < chunks; b++)
			bit_set(bits_used + b, zero_at_reset);
		bits_used += (uint32_t)chunks;
	}
}

void ram_clean_dirty(uint64_t base, uint64_t size)
{
	uint32_t bit;

	for (uint64_t a = base & ~(CHUNK - 1); size && a < base + size; a += CHUNK) {
		if (chunk_bit(a, &bit))
			bit_set(bit, false);
	}
}

bool ram_clean_claim(uint64_t addr)
{
	uint32_t bit;

	if (!chunk_bit(addr, &bit) || !bit_get(bit))
		return false;
	bit_set(bit, false);
	return true;
}

uint64_t ram_clean_bytes(void)
{
	uint64_t n = 0;

	for (uint32_t b = 0; b < bits_used; b++)
		n += bit_get(b);
	return n << RAM_CLEAN_CHUNK_SHIFT;
}
