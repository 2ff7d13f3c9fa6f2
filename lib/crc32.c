/*
 * Table-driven CRC-32 (one table lookup per byte), or the CRC32
 * instructions where ZVM runs on a core that has them.  The table is computed
 * from the polynomial on first use rather than written out, so that no
 * 256 unexplained constants sit in the source; computing it twice (two
 * cores racing on the first call) writes the same values and is harmless.
 */
#include "lib/crc32.h"

#include <stdbool.h>

/* IEEE 802.3 polynomial 0x04C11DB7, bit-reversed for LSB-first processing. */
#define CRC32_POLY_REFLECTED 0xedb88320u
#define CRC32_XOR            0xffffffffu
#define CRC32_TABLE_SIZE     256
#define BITS_PER_BYTE        8
#define BYTE_MASK            0xffu

static uint32_t crc_table[CRC32_TABLE_SIZE];
static volatile bool crc_table_ready;

static void crc32_table_init(void)
{
	uint32_t i, bit, c;

	for (i = 0; i < CRC32_TABLE_SIZE; i++) {
		c = i;
		for (bit = 0; bit < BITS_PER_BYTE; bit++)
			c = (c & 1) ? (c >> 1) ^ CRC32_POLY_REFLECTED : c >> 1;
		crc_table[i] = c;
	}
	crc_table_ready = true;
}

#if defined(__aarch64__) && !__STDC_HOSTED__
/*
 * Freestanding on AArch64 (ZVM at EL2, a guest at EL1, where the ID
 * registers are readable): the CRC32B/CRC32X instructions (ARM ARM C6.2,
 * FEAT_CRC32: optional in ARMv8.0, implemented by the A53, A55 and A76)
 * compute this same CRC, the reflected 0x04C11DB7, eight bytes an
 * instruction instead of a table lookup per byte.  The boot's package
 * check runs it over every image, so a wrong result would stop every boot.
 */
#define ID_AA64ISAR0_CRC32_SHIFT 16
#define ID_AA64ISAR0_FIELD_MASK  0xfu
#define WORD_BYTES               8u

static bool crc_insn_present(void)
{
	uint64_t isar0;

	__asm__("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	return (isar0 >> ID_AA64ISAR0_CRC32_SHIFT) & ID_AA64ISAR0_FIELD_MASK;
}

static uint32_t crc_byte_insn(uint32_t c, uint8_t b)
{
	__asm__(".arch_extension crc\n\tcrc32b %w0, %w0, %w1" : "+r"(c) : "r"((uint32_t)b));
	return c;
}

static uint32_t crc_word_insn(uint32_t c, uint64_t w)
{
	__asm__(".arch_extension crc\n\tcrc32x %w0, %w0, %x1" : "+r"(c) : "r"(w));
	return c;
}

/* c is the running (inverted) CRC; words are loaded aligned (-mstrict-align). */
static uint32_t crc_update_insn(uint32_t c, const uint8_t *p, size_t len)
{
	while (len && (uintptr_t)p % WORD_BYTES) {
		c = crc_byte_insn(c, *p++);
		len--;
	}
	for (; len >= WORD_BYTES; len -= WORD_BYTES, p += WORD_BYTES)
		c = crc_word_insn(c, *(const uint64_t *)(const void *)p);
	while (len--)
		c = crc_byte_insn(c, *p++);
	return c;
}
#endif

uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t c = crc ^ CRC32_XOR;

#if defined(__aarch64__) && !__STDC_HOSTED__
	if (crc_insn_present())
		return crc_update_insn(c, p, len) ^ CRC32_XOR;
#endif
	if (!crc_table_ready)
		crc32_table_init();
	while (len--)
		c = crc_table[(c ^ *p++) & BYTE_MASK] ^ (c >> BITS_PER_BYTE);
	return c ^ CRC32_XOR;
}

uint32_t crc32(const void *data, size_t len)
{
	return crc32_update(0, data, len);
}
