/*
 * The driver's side of a split virtqueue in a fake guest RAM, for the tests
 * of the walker and the transport: descriptors, the available ring and the
 * used ring laid out as a driver lays them out (VIRTIO 1.2 2.7).
 */
#ifndef TEST_VIRTQ_FIXTURE_H
#define TEST_VIRTQ_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vdev/guest_ram.h"
#include "vdev/virtio_defs.h"
#include "vdev/virtq.h"

#define FX_RAM_BASE 0x40000000ull
#define FX_RAM_SIZE 0x100000ull /* 1 MiB */
/* Where the fixture puts a queue's parts and its buffers. */
#define FX_DESC     (FX_RAM_BASE + 0x1000)
#define FX_AVAIL    (FX_RAM_BASE + 0x9000)
#define FX_USED     (FX_RAM_BASE + 0xa000)
#define FX_INDIRECT (FX_RAM_BASE + 0x10000)
#define FX_BUF      (FX_RAM_BASE + 0x20000)

struct fx {
	struct guest_ram ram;
	uint16_t size, avail_idx;
	uint64_t desc, avail, used; /* this queue's parts */
};

/* A fresh RAM (the previous one, if any, freed): tests restart with it. */
static inline void fx_init(struct fx *f, uint16_t size)
{
	free(f->ram.host);
	f->ram.base = FX_RAM_BASE;
	f->ram.size = FX_RAM_SIZE;
	f->ram.host = aligned_alloc(4096, FX_RAM_SIZE);
	memset(f->ram.host, 0, FX_RAM_SIZE);
	f->size = size;
	f->avail_idx = 0;
	f->desc = FX_DESC;
	f->avail = FX_AVAIL;
	f->used = FX_USED;
}

/* A second queue in the same RAM, its parts `shift` bytes above f's. */
static inline void fx_second_queue(struct fx *second, const struct fx *f, uint64_t shift)
{
	*second = *f;
	second->desc += shift;
	second->avail += shift;
	second->used += shift;
}

static inline void fx_free(struct fx *f)
{
	free(f->ram.host);
	f->ram.host = NULL;
}

static inline uint8_t *fx_host(struct fx *f, uint64_t ipa)
{
	return f->ram.host + (ipa - FX_RAM_BASE);
}

static inline void fx_put16(struct fx *f, uint64_t ipa, uint16_t v)
{
	memcpy(fx_host(f, ipa), &v, 2);
}

static inline uint16_t fx_get16(struct fx *f, uint64_t ipa)
{
	uint16_t v;
	memcpy(&v, fx_host(f, ipa), 2);
	return v;
}

static inline uint32_t fx_get32(struct fx *f, uint64_t ipa)
{
	uint32_t v;
	memcpy(&v, fx_host(f, ipa), 4);
	return v;
}

/* Descriptor i of the table at table_ipa. */
static inline void fx_desc_at(struct fx *f, uint64_t table_ipa, uint16_t i, uint64_t addr,
                              uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = fx_host(f, table_ipa + 16ull * i);
	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static inline void fx_desc(struct fx *f, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                           uint16_t next)
{
	fx_desc_at(f, f->desc, i, addr, len, flags, next);
}

/* Makes head available and publishes the new index. */
static inline void fx_offer(struct fx *f, uint16_t head)
{
	fx_put16(f, f->avail + 4 + 2u * (f->avail_idx % f->size), head);
	f->avail_idx++;
	fx_put16(f, f->avail + 2, f->avail_idx);
}

static inline void fx_set_used_event(struct fx *f, uint16_t v)
{
	fx_put16(f, f->avail + 4 + 2u * f->size, v);
}

static inline uint16_t fx_avail_event(struct fx *f)
{
	return fx_get16(f, f->used + 4 + 8u * f->size);
}

static inline uint16_t fx_used_idx(struct fx *f)
{
	return fx_get16(f, f->used + 2);
}

/* The used element at ring position i: its id and its length. */
static inline uint32_t fx_used_id(struct fx *f, uint16_t i)
{
	return fx_get32(f, f->used + 4 + 8u * (i % f->size));
}

static inline uint32_t fx_used_len(struct fx *f, uint16_t i)
{
	return fx_get32(f, f->used + 8 + 8u * (i % f->size));
}

/* A queue configured at the fixture's addresses, as the transport would. */
static inline void fx_configure(struct fx *f, struct virtq *q)
{
	virtq_reset(q);
	q->size = f->size;
	q->desc_ipa = f->desc;
	q->avail_ipa = f->avail;
	q->used_ipa = f->used;
}

#endif
