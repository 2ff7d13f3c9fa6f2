/* Byte-order helpers and error formatting shared by package.c and package_build.c. */
#ifndef VMM_PACKAGE_PRIV_H
#define VMM_PACKAGE_PRIV_H

#include "vmm/package.h"

/* Byte loads and stores: the package may sit at any alignment. */
static inline uint32_t pkg_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t pkg_get64(const uint8_t *p)
{
	return (uint64_t)pkg_get32(p) | (uint64_t)pkg_get32(p + 4) << 32;
}

static inline void pkg_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void pkg_put64(uint8_t *p, uint64_t v)
{
	pkg_put32(p, (uint32_t)v);
	pkg_put32(p + 4, (uint32_t)(v >> 32));
}

/* Formats "package: <reason>" into msg (when given) and returns -code. */
int pkg_fail(struct zerr_msg *msg, enum zerror code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* CRC-32 of header and entries, reading the table_crc field as zero. */
uint32_t pkg_table_crc(const uint8_t *base, uint32_t count);

#endif
