/*
 * Table-driven CRC-32 (one table lookup per byte).  The table is computed
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

uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t c = crc ^ CRC32_XOR;

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
