/*
 * A Zshm member's endpoint: the SPSC rings of include/zvm/zshm.h with
 * acquire/release ordering and event suppression.  Each ring has one
 * writer and one reader, so no index is ever written by two contexts.
 */
#include "lib/zshm_ring.h"

#include "lib/zerror.h"

#define LOAD(p)             __atomic_load_n((p), __ATOMIC_RELAXED)
#define LOAD_ACQUIRE(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v)         __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define STORE_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
/*
 * Store then load of the other side's word (arming, publishing): a full
 * barrier, else both sides could miss each other and nobody rings.
 */
#define FULL_BARRIER()      __atomic_thread_fence(__ATOMIC_SEQ_CST)

static struct zshm_header *own_header(const struct zshm_endpoint *ep)
{
	return zshm_header_of(ep->base, &ep->geo, ep->self);
}

static struct zshm_slot *slot_at(const struct zshm_endpoint *ep, uint32_t writer, uint32_t reader,
                                 uint32_t index)
{
	uint32_t mask = zshm_ring_slots(&ep->geo, writer) - 1;

	return (struct zshm_slot *)(void *)(ep->base + zshm_ring_offset(&ep->geo, writer, reader) +
	                                    (uint64_t)(index & mask) * ZSHM_SLOT_SIZE);
}

/* The region may be Device memory: whole aligned words only. */
static void copy_in(uint64_t *dst, const uint8_t *src, uint32_t len)
{
	for (uint32_t off = 0; off < len; off += 8) {
		uint64_t w = 0;
		for (uint32_t i = 0; i < 8 && off + i < len; i++)
			w |= (uint64_t)src[off + i] << (8 * i);
		STORE(&dst[off / 8], w);
	}
}

static void copy_out(uint8_t *dst, const uint64_t *src, uint32_t len)
{
	for (uint32_t off = 0; off < len; off += 8) {
		uint64_t w = LOAD(&src[off / 8]);
		for (uint32_t i = 0; i < 8 && off + i < len; i++)
			dst[off + i] = (uint8_t)(w >> (8 * i));
	}
}

static void add64(uint64_t *counter, uint64_t n)
{
	STORE(counter, LOAD(counter) + n);
}

static void clear_own_words(struct zshm_endpoint *ep)
{
	for (uint32_t p = 0; p < ep->geo.member_count; p++) {
		struct zshm_tx *tx = zshm_tx_of(ep->base, &ep->geo, ep->self, p);
		struct zshm_rx *rx = zshm_rx_of(ep->base, &ep->geo, p, ep->self);

		STORE(&tx->space_armed, 0u);
		STORE(&rx->armed, 0u);
		if (zshm_has_ring(&ep->geo, p, ep->self)) {
			/* What was sent to our old self is dropped. */
			uint32_t tail =
			        LOAD_ACQUIRE(&zshm_tx_of(ep->base, &ep->geo, p, ep->self)->tail);
			STORE_RELEASE(&rx->head, tail);
		}
		ep->peer_state[p] = LOAD_ACQUIRE(&zshm_header_of(ep->base, &ep->geo, p)->state);
	}
}

int zshm_open(struct zshm_endpoint *ep, void *base, const struct zshm_geometry *g, uint32_t self)
{
	struct zshm_header *h;
	uint32_t old;

	if (!ep || !base || zshm_geometry_check(g) || self >= g->member_count)
		return -ZE_INVAL;
	ep->base = base;
	ep->geo = *g;
	ep->self = self;
	ep->corrupt = 0;
	h = own_header(ep);
	old = LOAD(&h->state);
	ep->epoch = (old >> ZSHM_STATE_EPOCH_SHIFT) + 1;
	/* Down while the heads move, so a peer never pairs old and new. */
	STORE_RELEASE(&h->state, ep->epoch << ZSHM_STATE_EPOCH_SHIFT);
	STORE(&h->magic, ZSHM_MAGIC);
	STORE(&h->version, ZSHM_ABI_VERSION);
	STORE(&h->member, self);
	clear_own_words(ep);
	STORE_RELEASE(&h->state, ep->epoch << ZSHM_STATE_EPOCH_SHIFT | ZSHM_STATE_UP);
	return 0;
}

void zshm_close(struct zshm_endpoint *ep)
{
	STORE_RELEASE(&own_header(ep)->state, ep->epoch << ZSHM_STATE_EPOCH_SHIFT);
}

int zshm_send(struct zshm_endpoint *ep, uint32_t peer, const void *msg, uint32_t len,
              uint64_t stamp, bool *doorbell)
{
	struct zshm_tx *tx;
	struct zshm_slot *slot;
	uint32_t tail, head, event;

	*doorbell = false;
	if (!zshm_has_ring(&ep->geo, ep->self, peer) || len > ZSHM_MSG_MAX || (len && !msg))
		return -ZE_INVAL;
	tx = zshm_tx_of(ep->base, &ep->geo, ep->self, peer);
	tail = LOAD(&tx->tail); /* ours alone */
	/* Acquire: the reader is done with the slot it gave back. */
	head = LOAD_ACQUIRE(&zshm_rx_of(ep->base, &ep->geo, ep->self, peer)->head);
	if (tail - head > zshm_ring_slots(&ep->geo, ep->self)) {
		ep->corrupt++;
		return -ZE_CORRUPT;
	}
	if (tail - head == zshm_ring_slots(&ep->geo, ep->self)) {
		add64(&own_header(ep)->full_events, 1);
		return -ZE_AGAIN;
	}
	slot = slot_at(ep, ep->self, peer, tail);
	copy_in((uint64_t *)(void *)slot->data, msg, len);
	STORE(&slot->len, len);
	STORE(&slot->seq, tail);
	STORE(&slot->stamp, stamp);
	/* Release: the slot is whole before the reader can see it. */
	STORE_RELEASE(&tx->tail, tail + 1);
	add64(&own_header(ep)->messages_sent, 1);
	add64(&own_header(ep)->bytes_sent, len);
	FULL_BARRIER();
	{
		const struct zshm_rx *rx = zshm_rx_of(ep->base, &ep->geo, ep->self, peer);
		event = LOAD(&rx->event);
		*doorbell = LOAD(&rx->armed) && zshm_need_event(event, tail + 1, tail);
	}
	return 0;
}

static bool space_wanted(const struct zshm_endpoint *ep, uint32_t peer, uint32_t old_head)
{
	const struct zshm_tx *tx = zshm_tx_of(ep->base, &ep->geo, peer, ep->self);

	FULL_BARRIER();
	return LOAD(&tx->space_armed) &&
	       zshm_need_event(LOAD(&tx->space_event), old_head + 1, old_head);
}

int zshm_recv(struct zshm_endpoint *ep, uint32_t peer, void *buf, uint32_t cap, uint64_t now,
              bool *doorbell)
{
	struct zshm_rx *rx;
	const struct zshm_slot *slot;
	uint32_t head, tail, len;
	uint64_t stamp;

	*doorbell = false;
	if (!zshm_has_ring(&ep->geo, peer, ep->self) || (cap && !buf))
		return -ZE_INVAL;
	rx = zshm_rx_of(ep->base, &ep->geo, peer, ep->self);
	head = LOAD(&rx->head);
	/* Acquire: the slot's bytes are there before we read them. */
	tail = LOAD_ACQUIRE(&zshm_tx_of(ep->base, &ep->geo, peer, ep->self)->tail);
	if (tail == head)
		return -ZE_AGAIN;
	if (tail - head > zshm_ring_slots(&ep->geo, peer)) {
		ep->corrupt++;
		STORE_RELEASE(&rx->head, tail);
		return -ZE_CORRUPT;
	}
	slot = slot_at(ep, peer, ep->self, head);
	len = LOAD(&slot->len); /* once: the writer may change it */
	stamp = LOAD(&slot->stamp);
	if (len > ZSHM_MSG_MAX) {
		ep->corrupt++;
		STORE_RELEASE(&rx->head, head + 1);
		return -ZE_CORRUPT;
	}
	if (len > cap)
		return -ZE_NO_SPACE;
	copy_out(buf, (const uint64_t *)(const void *)slot->data, len);
	/* Release: we are done with the slot before the writer may reuse it. */
	STORE_RELEASE(&rx->head, head + 1);
	ep->last_stamp = stamp;
	if (stamp != ZSHM_UNSTAMPED && now >= stamp)
		STORE(&rx->last_latency, now - stamp);
	add64(&own_header(ep)->messages_received, 1);
	*doorbell = space_wanted(ep, peer, head);
	return (int)len;
}

uint32_t zshm_pending(const struct zshm_endpoint *ep, uint32_t peer)
{
	uint32_t n;

	if (!zshm_has_ring(&ep->geo, peer, ep->self))
		return 0;
	n = LOAD_ACQUIRE(&zshm_tx_of(ep->base, &ep->geo, peer, ep->self)->tail) -
	    LOAD(&zshm_rx_of(ep->base, &ep->geo, peer, ep->self)->head);
	return n > zshm_ring_slots(&ep->geo, peer) ? 0 : n;
}

bool zshm_arm_recv(struct zshm_endpoint *ep, uint32_t peer)
{
	struct zshm_rx *rx;

	if (!zshm_has_ring(&ep->geo, peer, ep->self))
		return false;
	rx = zshm_rx_of(ep->base, &ep->geo, peer, ep->self);
	STORE(&rx->event, LOAD(&rx->head));
	STORE(&rx->armed, 1u);
	FULL_BARRIER();
	return LOAD_ACQUIRE(&zshm_tx_of(ep->base, &ep->geo, peer, ep->self)->tail) !=
	       LOAD(&rx->head);
}

void zshm_disarm_recv(struct zshm_endpoint *ep, uint32_t peer)
{
	if (zshm_has_ring(&ep->geo, peer, ep->self))
		STORE(&zshm_rx_of(ep->base, &ep->geo, peer, ep->self)->armed, 0u);
}

bool zshm_arm_space(struct zshm_endpoint *ep, uint32_t peer)
{
	struct zshm_tx *tx;
	uint32_t tail, head;

	if (!zshm_has_ring(&ep->geo, ep->self, peer))
		return false;
	tx = zshm_tx_of(ep->base, &ep->geo, ep->self, peer);
	tail = LOAD(&tx->tail);
	/* Ring me once the reader has taken the oldest slot. */
	STORE(&tx->space_event, tail - zshm_ring_slots(&ep->geo, ep->self));
	STORE(&tx->space_armed, 1u);
	FULL_BARRIER();
	head = LOAD_ACQUIRE(&zshm_rx_of(ep->base, &ep->geo, ep->self, peer)->head);
	return tail - head < zshm_ring_slots(&ep->geo, ep->self);
}

static uint32_t peer_state(const struct zshm_endpoint *ep, uint32_t peer)
{
	return LOAD_ACQUIRE(&zshm_header_of(ep->base, &ep->geo, peer)->state);
}

bool zshm_peer_up(const struct zshm_endpoint *ep, uint32_t peer)
{
	return peer < ep->geo.member_count && (peer_state(ep, peer) & ZSHM_STATE_UP);
}

uint32_t zshm_peer_epoch(const struct zshm_endpoint *ep, uint32_t peer)
{
	return peer < ep->geo.member_count ? peer_state(ep, peer) >> ZSHM_STATE_EPOCH_SHIFT : 0;
}

bool zshm_peer_changed(struct zshm_endpoint *ep, uint32_t peer)
{
	uint32_t now;

	if (peer >= ep->geo.member_count)
		return false;
	now = peer_state(ep, peer);
	if (now == ep->peer_state[peer])
		return false;
	ep->peer_state[peer] = now;
	return true;
}
