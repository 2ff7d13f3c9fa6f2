/*
 * The one implementation of the Zshm channel layout (include/zvm/zshm.h):
 * the geometry every member computes alike, a member's endpoint (open,
 * send, receive, arm for a doorbell) and ZVM's read-only view of a
 * channel's counters.  Used by ZVM, the guest RTOS, the bare-metal guest,
 * the Linux endpoint and the host tests.
 *
 * No lock, no allocator, no memcpy: the region may be mapped Device or
 * Normal non-cacheable (Linux's /dev/mem), so every access to it is an
 * aligned 32- or 64-bit load or store.  The peer's words are hostile:
 * an index or length out of range is reported (-ZE_CORRUPT), never
 * followed.  One context per (endpoint, ring direction) at a time.
 * Errors are negated enum zerror values (lib/zerror.h).
 */
#ifndef LIB_ZSHM_RING_H
#define LIB_ZSHM_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "zvm/zshm.h"

/* What the devicetree tells a member, and what ZVM was configured with. */
struct zshm_geometry {
	uint64_t section_size; /* bytes of each member's section */
	uint32_t member_count; /* 1..ZSHM_MAX_PEERS */
	uint32_t writers;      /* bit i: member i writes */
	uint32_t readers;      /* bit i: member i reads */
};

/* 0 when g describes a usable region, else -ZE_INVAL. */
int zshm_geometry_check(const struct zshm_geometry *g);
/* Bytes of the whole region: member_count sections. */
uint64_t zshm_region_size(const struct zshm_geometry *g);
/* True when the ring writer -> reader exists. */
bool zshm_has_ring(const struct zshm_geometry *g, uint32_t writer, uint32_t reader);
/* Slots of each of writer's rings (0 when it writes to nobody). */
uint32_t zshm_ring_slots(const struct zshm_geometry *g, uint32_t writer);
/* Byte offset in the region of ring writer -> reader's first slot. */
uint64_t zshm_ring_offset(const struct zshm_geometry *g, uint32_t writer, uint32_t reader);

/* Section k's parts, in a region mapped at base. */
struct zshm_header *zshm_header_of(void *base, const struct zshm_geometry *g, uint32_t member);
struct zshm_tx *zshm_tx_of(void *base, const struct zshm_geometry *g, uint32_t writer,
                           uint32_t reader);
struct zshm_rx *zshm_rx_of(void *base, const struct zshm_geometry *g, uint32_t writer,
                           uint32_t reader);

/* One member's endpoint; lives in the member's private memory. */
struct zshm_endpoint {
	uint8_t *base;
	struct zshm_geometry geo;
	uint32_t self;
	uint32_t epoch;                      /* ours, since the last open */
	uint32_t peer_state[ZSHM_MAX_PEERS]; /* last seen header.state */
	uint64_t corrupt;                    /* hostile words seen */
	uint64_t last_stamp;                 /* the last received message's stamp */
};

/*
 * Opens member self's endpoint on the region at base: a new epoch, the
 * heads of its receive rings resynchronised to their writers' tails, and
 * its state up.  0 or -ZE_INVAL.
 */
int zshm_open(struct zshm_endpoint *ep, void *base, const struct zshm_geometry *g, uint32_t self);
/* Marks the member down (its peers see it); the endpoint may reopen. */
void zshm_close(struct zshm_endpoint *ep);

/*
 * Sends len (<= ZSHM_MSG_MAX) bytes to peer, stamped with the caller's
 * counter value.  0, with *doorbell set when the peer asked to be rung;
 * -ZE_AGAIN when the ring is full (counted in our header); -ZE_CORRUPT
 * when the peer's head is out of range; -ZE_INVAL (no such ring, length).
 */
int zshm_send(struct zshm_endpoint *ep, uint32_t peer, const void *msg, uint32_t len,
              uint64_t stamp, bool *doorbell);
/*
 * Receives the oldest message from peer into buf (cap bytes): its length;
 * -ZE_AGAIN when empty; -ZE_NO_SPACE when cap is too small (the message
 * stays); -ZE_CORRUPT when the writer's tail or the slot's length is out
 * of range (a bad slot is skipped, a bad tail resynchronises the head).
 * now is the caller's counter: now - stamp goes to rx.last_latency.
 * *doorbell is set when the writer asked to be told of space.
 */
int zshm_recv(struct zshm_endpoint *ep, uint32_t peer, void *buf, uint32_t cap, uint64_t now,
              bool *doorbell);

/* Messages waiting from peer (clamped to the ring's size). */
uint32_t zshm_pending(const struct zshm_endpoint *ep, uint32_t peer);
/*
 * Before sleeping on the doorbell: asks peer to ring on its next message.
 * Returns true when a message is already there (do not sleep).
 */
bool zshm_arm_recv(struct zshm_endpoint *ep, uint32_t peer);
void zshm_disarm_recv(struct zshm_endpoint *ep, uint32_t peer);
/* The same for a full ring: true when there is space already. */
bool zshm_arm_space(struct zshm_endpoint *ep, uint32_t peer);

/* Peer's state word as it is now: up, and its epoch. */
bool zshm_peer_up(const struct zshm_endpoint *ep, uint32_t peer);
uint32_t zshm_peer_epoch(const struct zshm_endpoint *ep, uint32_t peer);
/*
 * True once after peer's state changed since we last looked (it opened,
 * restarted or closed); a restarted writer's ring continues at its tail.
 */
bool zshm_peer_changed(struct zshm_endpoint *ep, uint32_t peer);

/* ZVM's view of one ring, read once from hostile words and clamped. */
struct zshm_ring_view {
	uint32_t tail, head; /* as read */
	uint32_t pending;    /* tail - head, or 0 when out of range */
	bool broken;         /* tail - head > slots */
	uint64_t last_latency;
};
void zshm_view_ring(const void *base, const struct zshm_geometry *g, uint32_t writer,
                    uint32_t reader, struct zshm_ring_view *out);
/* A member's own counters and state word, copied (shown, not trusted). */
struct zshm_member_view {
	bool opened; /* magic and version right */
	uint32_t state;
	uint64_t messages_sent, bytes_sent, full_events, messages_received;
};
void zshm_view_member(const void *base, const struct zshm_geometry *g, uint32_t member,
                      struct zshm_member_view *out);

/*
 * The owner of section member publishes its clock: at virtual counter
 * vcount its UTC read ns (not 0).  Needs no open endpoint (no new epoch).
 */
void zshm_clock_publish(void *base, const struct zshm_geometry *g, uint32_t member, uint64_t vcount,
                        uint64_t ns);
/* ZVM's read of it: true with a whole record, false when none or mid-write. */
bool zshm_clock_read(const void *base, const struct zshm_geometry *g, uint32_t member,
                     uint64_t *vcount, uint64_t *ns);

#endif
