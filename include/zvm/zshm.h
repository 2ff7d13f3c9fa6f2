/*
 * Zshm: the shared-memory channel layout every member of a channel agrees
 * on (guest ABI, version ZSHM_ABI_VERSION).  Guests include it as
 * "zvm/zshm.h"; lib/zshm_ring.h is the one implementation of it.
 *
 * A channel's region is member_count sections of section_size bytes, in
 * member order (the devicetree's "zvm,zshm-channel" node gives the region,
 * the member count, the section size, each member's roles and the reader's
 * own member index).  Stage 2 maps section k writable for member k only and
 * read-only for every other member, never executable: every word below has
 * exactly one writer, the member whose section holds it.
 *
 * Section of member m:
 *
 *   0x000  struct zshm_header                 m's peer-state word
 *   0x040  struct zshm_tx tx[ZSHM_MAX_PEERS]   m as writer: ring m -> p
 *   0x240  struct zshm_rx rx[ZSHM_MAX_PEERS]   m as reader: ring p -> m
 *   0x800  slots of m's rings, one ring per reader p of m (p != m), in
 *          ascending member order, each ring_slots * ZSHM_SLOT_SIZE bytes
 *
 * The ring m -> p is thus split over two sections: its tail and slots in
 * m's, its head in p's.  ring_slots is the largest power of two (at most
 * ZSHM_MAX_RING_SLOTS) with readers_of_m * ring_slots * ZSHM_SLOT_SIZE <=
 * section_size - ZSHM_CTRL_SIZE; the same for every writer of the channel
 * is not required: each ring's size follows from its writer's reader count.
 *
 * Indices are free-running 32-bit counters (slot = index & (ring_slots -
 * 1)).  The writer fills slot tail, then stores tail + 1 with release; the
 * reader loads tail with acquire, copies the slot, then stores head + 1
 * with release.  tail - head > ring_slots is a broken peer, never trusted.
 * Event suppression (virtio 1.x, 2.7.10 "used_event"): the reader stores
 * in rx.event the index whose publication should ring its doorbell; the
 * writer rings only when its new tail passes it (zshm_need_event()).  The
 * writer asks for space the same way with tx.space_event.
 *
 * Peer state: header.state = epoch << 8 | up.  A member that opens the
 * channel stores a new epoch (old + 1) with up set; a peer that sees the
 * epoch change knows the other side restarted.  A restarted reader starts
 * its head at the writer's tail (what was in flight to its old self is
 * dropped); a restarted writer keeps its tail, so nothing it published is
 * lost.  The region survives a member's restart; ZVM zeroes it once.
 */
#ifndef ZVM_ZSHM_H
#define ZVM_ZSHM_H

#include <stdint.h>

#define ZSHM_ABI_VERSION    1u
#define ZSHM_MAGIC          0x4d48535au /* "ZSHM", little-endian */
#define ZSHM_MAX_PEERS      8u          /* members of one channel */
#define ZSHM_CACHE_LINE     64u         /* Cortex-A53/A55/A76 TRMs */
#define ZSHM_CTRL_SIZE      0x800u      /* header, tx[], rx[], padding */
#define ZSHM_SLOT_SIZE      128u        /* bytes of one slot */
#define ZSHM_MAX_RING_SLOTS 65536u
/* A slot: its header, then the message. */
#define ZSHM_SLOT_HEADER    16u
#define ZSHM_MSG_MAX        (ZSHM_SLOT_SIZE - ZSHM_SLOT_HEADER)

/* header.state */
#define ZSHM_STATE_UP          1u
#define ZSHM_STATE_EPOCH_SHIFT 8

/* Written by the section's owner only; ZVM and peers read. */
struct zshm_header {
	uint32_t magic;   /* ZSHM_MAGIC once the owner has opened */
	uint32_t version; /* ZSHM_ABI_VERSION */
	uint32_t state;   /* epoch << 8 | ZSHM_STATE_UP */
	uint32_t member;  /* the owner's member index */
	/* What the owner says it did (ZVM shows them, never trusts them). */
	uint64_t messages_sent;
	uint64_t bytes_sent;
	uint64_t full_events; /* sends refused because a ring was full */
	uint64_t messages_received;
	/*
	 * The owner's clock (docs/timebase.md), for a member that cannot make
	 * ZVM_HC_TIME_REPORT (Linux user space): its virtual counter and its
	 * UTC ns there; ZVM adds the VM's CNTVOFF and measures the offset.
	 * clock_ns 0: no record, and 0 while the owner rewrites it
	 * (zshm_clock_publish(); zero in a region ZVM placed, as before).
	 */
	uint64_t clock_vcount;
	uint64_t clock_ns;
};

/* The writer's half of a ring, in the writer's section. */
struct zshm_tx {
	uint32_t tail;        /* next slot to fill */
	uint32_t space_event; /* ring me when head passes this */
	uint32_t space_armed; /* space_event is meaningful */
	uint32_t pad0;
	uint64_t pad[(ZSHM_CACHE_LINE - 16) / 8];
};

/* The reader's half of a ring, in the reader's section. */
struct zshm_rx {
	uint32_t head;  /* next slot to drain */
	uint32_t event; /* ring me when tail passes this */
	uint32_t armed; /* event is meaningful (the reader sleeps) */
	uint32_t pad0;
	uint64_t last_latency; /* counter ticks, stamp to receipt (shown) */
	uint64_t pad[(ZSHM_CACHE_LINE - 24) / 8];
};

/*
 * One slot: a message of len bytes, stamped with the system counter when
 * sent (CNTPCT_EL0: the same in every VM, unlike CNTVCT_EL0 with its
 * per-VM offset), so that the reader's rx.last_latency means something.
 * ZSHM_UNSTAMPED: a sender that cannot read CNTPCT_EL0 (Linux user space
 * has the virtual counter only); the reader keeps its last latency.
 */
#define ZSHM_UNSTAMPED 0u
struct zshm_slot {
	uint32_t len; /* 0..ZSHM_MSG_MAX */
	uint32_t seq; /* the index it was published at */
	uint64_t stamp;
	uint8_t data[ZSHM_MSG_MAX];
};

#define ZSHM_TX_OFFSET 0x40u
#define ZSHM_RX_OFFSET (ZSHM_TX_OFFSET + ZSHM_MAX_PEERS * ZSHM_CACHE_LINE)

_Static_assert(sizeof(struct zshm_header) == ZSHM_CACHE_LINE, "one line");
_Static_assert(sizeof(struct zshm_tx) == ZSHM_CACHE_LINE, "one line");
_Static_assert(sizeof(struct zshm_rx) == ZSHM_CACHE_LINE, "one line");
_Static_assert(sizeof(struct zshm_slot) == ZSHM_SLOT_SIZE, "one slot");
_Static_assert(ZSHM_RX_OFFSET + ZSHM_MAX_PEERS * ZSHM_CACHE_LINE <= ZSHM_CTRL_SIZE, "ctrl");

/*
 * virtio's vring_need_event() for 32-bit indices: true when publishing
 * new_idx (moving from old_idx) passes event, i.e. event is in
 * [old_idx, new_idx).
 */
static inline int zshm_need_event(uint32_t event, uint32_t new_idx, uint32_t old_idx)
{
	return (uint32_t)(new_idx - event - 1) < (uint32_t)(new_idx - old_idx);
}

#endif
