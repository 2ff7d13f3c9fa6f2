/* Pieces of the FDT writer shared by its source files; not a public API. */
#ifndef LIB_FDT_WRITE_INTERNAL_H
#define LIB_FDT_WRITE_INTERNAL_H

#include "lib/fdt_write.h"

/* Structure block tokens and their padding (Devicetree Spec v0.4, 5.4.1). */
#define FDTW_BEGIN_NODE      0x00000001u
#define FDTW_END_NODE        0x00000002u
#define FDTW_PROP            0x00000003u
#define FDTW_END             0x00000009u
#define FDTW_TOKEN_SIZE      4u
#define FDTW_TOKEN_ALIGN     4u
/* FDT_PROP is followed by { be32 len; be32 nameoff; } (5.4.1). */
#define FDTW_PROP_LEN_AT     4u
#define FDTW_PROP_NAMEOFF_AT 8u
#define FDTW_PROP_VALUE_AT   12u
#define FDTW_CELL_SIZE       4u

/* Records err (unless an error is already recorded) and returns the sticky one. */
int fdtw_fail(struct fdt_writer *w, int err, const char *name);
/* The sticky error, or -ZE_FDT_FINISHED after finish, else 0. */
int fdtw_check(struct fdt_writer *w, const char *name);

/* n bytes of the structure block, zero-filled, or NULL (error recorded). */
uint8_t *fdtw_grab(struct fdt_writer *w, size_t n, const char *name);

static inline size_t fdtw_align(size_t n)
{
	return (n + FDTW_TOKEN_ALIGN - 1) & ~(size_t)(FDTW_TOKEN_ALIGN - 1);
}

/* Big-endian stores and loads, byte by byte: buf may be unaligned. */
static inline void fdtw_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t fdtw_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Walks the structure block we wrote: the token at off, and the offset of
 * the token after it.  Returns FDTW_END at the end of what has been written.
 */
uint32_t fdtw_token(const struct fdt_writer *w, size_t off, size_t *next);

/*
 * Until finish, a property's nameoff holds its string's distance from the
 * end of the buffer, since the strings block grows downwards.
 */
static inline const char *fdtw_pending_name(const struct fdt_writer *w, uint32_t dist)
{
	return (const char *)w->buf + w->size - dist;
}

#endif
