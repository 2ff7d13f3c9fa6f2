/*
 * Split virtqueue walker and used ring (VIRTIO 1.2 section 2.7).  See
 * virtq.h for the rules; the barriers follow 2.7.13 (the driver's side)
 * read from the device's side: acquire after reading avail->idx, release
 * before publishing used->idx, a full fence before reading the driver's
 * event fields after publishing ours.
 */
#include "vdev/virtq.h"

#include "lib/string.h"

#include "lib/zerror.h"
#include "vdev/virtio_defs.h"

/* 2.7.5: struct virtq_desc, le64 addr, le32 len, le16 flags, le16 next. */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

const char *virtq_error_name(enum virtq_error e)
{
	switch (e) {
	case VIRTQ_OK: return "none";
	case VIRTQ_ERR_LAYOUT: return "ring layout";
	case VIRTQ_ERR_AVAIL_IDX: return "available index";
	case VIRTQ_ERR_HEAD: return "descriptor index";
	case VIRTQ_ERR_ADDR: return "buffer outside RAM";
	case VIRTQ_ERR_LOOP: return "descriptor loop";
	case VIRTQ_ERR_TOO_LONG: return "chain too long";
	case VIRTQ_ERR_LENGTH: return "length overflow";
	case VIRTQ_ERR_INDIRECT: return "indirect table";
	case VIRTQ_ERR_ORDER: return "readable after writable";
	case VIRTQ_ERR_COUNT:
	default: return "?";
	}
}

/* Ring sizes (2.7): flags, idx, the entries, and the event field. */
static uint64_t avail_bytes(uint16_t size)
{
	return VIRTQ_RING_HEADER + 2ull * size + 2;
}

static uint64_t used_bytes(uint16_t size)
{
	return VIRTQ_RING_HEADER + (uint64_t)VIRTQ_USED_ELEM_SIZE * size + 2;
}

/* The ring fields the driver writes concurrently: one aligned load each. */
static uint16_t load16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_RELAXED);
}

static void store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)(void *)p, v, __ATOMIC_RELAXED);
}

static int fail(struct virtq *q, enum virtq_error e)
{
	q->error = e;
	return -ZE_MALFORMED;
}

void virtq_reset(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

int virtq_enable(struct virtq *q, const struct guest_ram *ram, uint16_t max, bool event_idx,
                 bool indirect)
{
	uint16_t n = q->size;

	if (n == 0 || n > max || (n & (n - 1)) != 0 || q->desc_ipa % VIRTQ_DESC_ALIGN ||
	    q->avail_ipa % VIRTQ_AVAIL_ALIGN || q->used_ipa % VIRTQ_USED_ALIGN)
		return fail(q, VIRTQ_ERR_LAYOUT);
	q->desc = guest_ram_ptr(ram, q->desc_ipa, (uint64_t)VIRTQ_DESC_SIZE * n);
	q->avail = guest_ram_ptr(ram, q->avail_ipa, avail_bytes(n));
	q->used = guest_ram_ptr(ram, q->used_ipa, used_bytes(n));
	if (!q->desc || !q->avail || !q->used)
		return fail(q, VIRTQ_ERR_LAYOUT);
	q->event_idx = event_idx;
	q->indirect = indirect;
	q->last_avail = q->used_idx = q->signalled_used = 0;
	q->error = VIRTQ_OK;
	q->ready = true;
	return 0;
}

/* Descriptor i of a table, copied out of guest memory once. */
static struct desc read_desc(const uint8_t *table, uint32_t i)
{
	struct desc d;
	const uint8_t *p = table + (uint64_t)i * VIRTQ_DESC_SIZE;

	memcpy(&d.addr, p, 8);
	memcpy(&d.len, p + 8, 4);
	memcpy(&d.flags, p + 12, 2);
	memcpy(&d.next, p + 14, 2);
	return d;
}

/* Adds one checked buffer to the chain. */
static int add_seg(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *c,
                   const struct desc *d)
{
	bool write = (d->flags & VIRTQ_DESC_F_WRITE) != 0;
	uint32_t *total = write ? &c->write_bytes : &c->read_bytes;

	if (c->count == VIRTQ_CHAIN_MAX)
		return fail(q, VIRTQ_ERR_TOO_LONG);
	if (!write && c->readable != c->count)
		return fail(q, VIRTQ_ERR_ORDER);
	if (d->len > UINT32_MAX - c->read_bytes - c->write_bytes)
		return fail(q, VIRTQ_ERR_LENGTH);
	uint8_t *host = guest_ram_ptr(ram, d->addr, d->len);
	if (!host)
		return fail(q, VIRTQ_ERR_ADDR);
	c->seg[c->count++] = (struct virtq_seg){ .host = host, .len = d->len, .write = write };
	if (!write)
		c->readable++;
	*total += d->len;
	return 0;
}

/*
 * Follows a chain through one table of n descriptors from index i.  More
 * than n steps means the chain loops (2.7.5.3.1: no chain is longer than
 * its table).
 */
static int walk(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *c,
                const uint8_t *table, uint32_t n, uint32_t i, bool in_indirect);

static int walk_indirect(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *c,
                         const struct desc *d)
{
	/* 2.7.5.3: negotiated, not nested, not chained, whole descriptors. */
	if (!q->indirect || (d->flags & VIRTQ_DESC_F_NEXT) || d->len == 0 ||
	    d->len % VIRTQ_DESC_SIZE)
		return fail(q, VIRTQ_ERR_INDIRECT);
	uint32_t n = d->len / VIRTQ_DESC_SIZE;
	if (n > VIRTQ_MAX_SIZE)
		return fail(q, VIRTQ_ERR_INDIRECT);
	const uint8_t *table = guest_ram_ptr(ram, d->addr, d->len);
	if (!table)
		return fail(q, VIRTQ_ERR_ADDR);
	return walk(q, ram, c, table, n, 0, true);
}

static int walk(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *c,
                const uint8_t *table, uint32_t n, uint32_t i, bool in_indirect)
{
	for (uint32_t steps = 0;; steps++) {
		if (steps == n)
			return fail(q, VIRTQ_ERR_LOOP);
		if (i >= n)
			return fail(q, VIRTQ_ERR_HEAD);
		struct desc d = read_desc(table, i);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* Only a chain's one head descriptor may name a table. */
			if (in_indirect || steps != 0)
				return fail(q, VIRTQ_ERR_INDIRECT);
			return walk_indirect(q, ram, c, &d);
		}
		int err = add_seg(q, ram, c, &d);
		if (err)
			return err;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

/* 2.7.10: the used ring's last field, where the device asks for kicks. */
static void write_avail_event(struct virtq *q)
{
	store16(q->used + VIRTQ_RING_HEADER + VIRTQ_USED_ELEM_SIZE * q->size, q->last_avail);
}

bool virtq_has_avail(const struct virtq *q)
{
	return q->ready && load16(q->avail + 2) != q->last_avail;
}

int virtq_pop(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *c)
{
	if (!q->ready || q->error != VIRTQ_OK)
		return 0;
	uint16_t avail_idx = load16(q->avail + 2);
	uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
	if (pending == 0)
		return 0;
	if (pending > q->size)
		return fail(q, VIRTQ_ERR_AVAIL_IDX);
	/* The ring entry and the descriptors are read after the index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	uint32_t slot = q->last_avail & (q->size - 1u);
	uint16_t head = load16(q->avail + VIRTQ_RING_HEADER + 2u * slot);

	c->head = head;
	c->count = c->readable = 0;
	c->read_bytes = c->write_bytes = 0;
	int err = walk(q, ram, c, q->desc, q->size, head, false);
	if (err)
		return err;
	q->last_avail++;
	if (q->event_idx && !q->notify_off)
		write_avail_event(q);
	return 1;
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t written)
{
	uint32_t slot = q->used_idx & (q->size - 1u);
	uint8_t *elem = q->used + VIRTQ_RING_HEADER + (uint64_t)VIRTQ_USED_ELEM_SIZE * slot;
	uint32_t id = head;

	memcpy(elem, &id, 4);
	memcpy(elem + 4, &written, 4);
	/* The element is visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->used_idx++;
	store16(q->used + 2, q->used_idx);
}

/* 2.7.10: vring_need_event(), whether event lies in (old, new]. */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

bool virtq_should_interrupt(struct virtq *q)
{
	uint16_t old_idx = q->signalled_used;

	if (!q->ready || old_idx == q->used_idx)
		return false;
	q->signalled_used = q->used_idx;
	/* Our used->idx is visible before we read what the driver wants. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->event_idx) {
		uint16_t used_event = load16(q->avail + VIRTQ_RING_HEADER + 2u * q->size);
		return need_event(used_event, q->used_idx, old_idx);
	}
	return !(load16(q->avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void virtq_set_notify(struct virtq *q, bool enable)
{
	if (!q->ready)
		return;
	q->notify_off = !enable;
	if (q->event_idx) {
		/* Notify when the driver makes entry last_avail available. */
		if (enable)
			write_avail_event(q);
	} else {
		store16(q->used, enable ? 0 : (uint16_t)VIRTQ_USED_F_NO_NOTIFY);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
