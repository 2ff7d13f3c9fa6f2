/*
 * CRC-32 as used by zlib, PNG and Ethernet (IEEE 802.3: polynomial
 * 0x04C11DB7, reflected, initial value and final XOR 0xFFFFFFFF), so that
 * any host tool (Python's zlib.crc32, `crc32` from libarchive-zip-perl)
 * computes the same value as ZVM.  Portable and freestanding.
 */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC of len bytes at data. */
uint32_t crc32(const void *data, size_t len);

/*
 * Incremental form: start with crc = 0, feed pieces in order; the result
 * of each call is the CRC of everything fed so far.
 */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

#endif
