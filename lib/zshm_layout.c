/*
 * Zshm geometry (where each member's rings lie, include/zvm/zshm.h) and
 * ZVM's read-only view of a channel's words.
 */
#include "lib/zshm_ring.h"

#include "lib/zerror.h"

#define SECTION_ALIGN 0x1000u    /* stage 2 maps 4 KiB pages */
#define SECTION_MAX   0x1000000u /* the configuration's largest */

static uint32_t bit(uint32_t member)
{
	return UINT32_C(1) << member;
}

static uint32_t count_bits(uint32_t mask)
{
	uint32_t n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

static uint32_t all_members(const struct zshm_geometry *g)
{
	return g->member_count >= 32 ? UINT32_MAX : bit(g->member_count) - 1;
}

int zshm_geometry_check(const struct zshm_geometry *g)
{
	if (!g || g->member_count < 1 || g->member_count > ZSHM_MAX_PEERS)
		return -ZE_INVAL;
	if ((g->writers | g->readers) & ~all_members(g))
		return -ZE_INVAL;
	if (g->section_size % SECTION_ALIGN || g->section_size > SECTION_MAX ||
	    g->section_size < ZSHM_CTRL_SIZE + ZSHM_SLOT_SIZE)
		return -ZE_INVAL;
	for (uint32_t w = 0; w < g->member_count; w++)
		if ((g->writers & bit(w)) && zshm_ring_slots(g, w) == 0)
			return -ZE_INVAL;
	return 0;
}

uint64_t zshm_region_size(const struct zshm_geometry *g)
{
	return g->section_size * g->member_count;
}

bool zshm_has_ring(const struct zshm_geometry *g, uint32_t writer, uint32_t reader)
{
	return writer < g->member_count && reader < g->member_count && writer != reader &&
	       (g->writers & bit(writer)) && (g->readers & bit(reader));
}

static uint32_t readers_of(const struct zshm_geometry *g, uint32_t writer)
{
	return g->readers & ~bit(writer) & all_members(g);
}

uint32_t zshm_ring_slots(const struct zshm_geometry *g, uint32_t writer)
{
	uint32_t rings, slots = ZSHM_MAX_RING_SLOTS;
	uint64_t room;

	if (writer >= g->member_count || !(g->writers & bit(writer)))
		return 0;
	rings = count_bits(readers_of(g, writer));
	if (rings == 0 || g->section_size < ZSHM_CTRL_SIZE)
		return 0;
	room = (g->section_size - ZSHM_CTRL_SIZE) / rings / ZSHM_SLOT_SIZE;
	while (slots > room)
		slots >>= 1;
	return slots;
}

uint64_t zshm_ring_offset(const struct zshm_geometry *g, uint32_t writer, uint32_t reader)
{
	uint32_t before = count_bits(readers_of(g, writer) & (bit(reader) - 1));

	return writer * g->section_size + ZSHM_CTRL_SIZE +
	       (uint64_t)before * zshm_ring_slots(g, writer) * ZSHM_SLOT_SIZE;
}

static uint8_t *section(void *base, const struct zshm_geometry *g, uint32_t member)
{
	return (uint8_t *)base + member * g->section_size;
}

struct zshm_header *zshm_header_of(void *base, const struct zshm_geometry *g, uint32_t member)
{
	return (struct zshm_header *)(void *)section(base, g, member);
}

struct zshm_tx *zshm_tx_of(void *base, const struct zshm_geometry *g, uint32_t writer,
                           uint32_t reader)
{
	return (struct zshm_tx *)(void *)(section(base, g, writer) + ZSHM_TX_OFFSET +
	                                  reader * ZSHM_CACHE_LINE);
}

struct zshm_rx *zshm_rx_of(void *base, const struct zshm_geometry *g, uint32_t writer,
                           uint32_t reader)
{
	return (struct zshm_rx *)(void *)(section(base, g, reader) + ZSHM_RX_OFFSET +
	                                  writer * ZSHM_CACHE_LINE);
}

void zshm_view_ring(const void *base, const struct zshm_geometry *g, uint32_t writer,
                    uint32_t reader, struct zshm_ring_view *out)
{
	void *b = (void *)(uintptr_t)base; /* read only below */
	const struct zshm_tx *tx = zshm_tx_of(b, g, writer, reader);
	const struct zshm_rx *rx = zshm_rx_of(b, g, writer, reader);

	/* One load each: the guests may change them while we look. */
	out->tail = __atomic_load_n(&tx->tail, __ATOMIC_ACQUIRE);
	out->head = __atomic_load_n(&rx->head, __ATOMIC_ACQUIRE);
	out->last_latency = __atomic_load_n(&rx->last_latency, __ATOMIC_RELAXED);
	out->pending = out->tail - out->head;
	out->broken = out->pending > zshm_ring_slots(g, writer);
	if (out->broken)
		out->pending = 0;
}

void zshm_view_member(const void *base, const struct zshm_geometry *g, uint32_t member,
                      struct zshm_member_view *out)
{
	const struct zshm_header *h = zshm_header_of((void *)(uintptr_t)base, g, member);

	out->opened = __atomic_load_n(&h->magic, __ATOMIC_RELAXED) == ZSHM_MAGIC &&
	              __atomic_load_n(&h->version, __ATOMIC_RELAXED) == ZSHM_ABI_VERSION;
	out->state = __atomic_load_n(&h->state, __ATOMIC_ACQUIRE);
	out->messages_sent = __atomic_load_n(&h->messages_sent, __ATOMIC_RELAXED);
	out->bytes_sent = __atomic_load_n(&h->bytes_sent, __ATOMIC_RELAXED);
	out->full_events = __atomic_load_n(&h->full_events, __ATOMIC_RELAXED);
	out->messages_received = __atomic_load_n(&h->messages_received, __ATOMIC_RELAXED);
}

/*
 * clock_ns doubles as the record's sequence: 0 first, then vcount, then
 * the new ns, each store released after the one before.  A reader that
 * finds the same non-zero ns before and after vcount has a whole record
 * (a clock read twice never gives the same ns to two records).
 */
void zshm_clock_publish(void *base, const struct zshm_geometry *g, uint32_t member, uint64_t vcount,
                        uint64_t ns)
{
	struct zshm_header *h = zshm_header_of(base, g, member);

	__atomic_store_n(&h->clock_ns, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->clock_vcount, vcount, __ATOMIC_RELEASE);
	__atomic_store_n(&h->clock_ns, ns, __ATOMIC_RELEASE);
}

bool zshm_clock_read(const void *base, const struct zshm_geometry *g, uint32_t member,
                     uint64_t *vcount, uint64_t *ns)
{
	const struct zshm_header *h = zshm_header_of((void *)(uintptr_t)base, g, member);
	uint64_t before = __atomic_load_n(&h->clock_ns, __ATOMIC_ACQUIRE);

	*vcount = __atomic_load_n(&h->clock_vcount, __ATOMIC_ACQUIRE);
	*ns = __atomic_load_n(&h->clock_ns, __ATOMIC_RELAXED);
	return before != 0 && before == *ns;
}
