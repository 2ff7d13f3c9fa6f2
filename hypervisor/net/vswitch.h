/*
 * ZVM's virtual Ethernet switch: a learning bridge (IEEE 802.1D's
 * forwarding process, without spanning tree) between ports.  The ports
 * are every VM's virtio-net device, ZVM's own network stack and the
 * board's NIC (the uplink).
 *
 * - Learning: the source MAC of every accepted frame is remembered with
 *   its port; an entry not refreshed for `aging` ticks is forgotten
 *   (802.1D's ageing time, 300 s by default).
 * - Forwarding: a frame to a learned unicast address goes to that port
 *   only (never back where it came from); a broadcast, a multicast or an
 *   unknown unicast is flooded to every other port.
 * - Anti-spoofing: a port with a configured MAC (a VM, ZVM's stack) may
 *   send only with that source address; any other frame is dropped and
 *   counted.  A group source address is dropped on every port.  Only the
 *   uplink carries other stations' addresses.
 * - The table is fixed-size: when it is full of live entries, new
 *   addresses are not learned and their frames are flooded (counted), so a
 *   MAC flood costs bandwidth, never memory.
 *
 * Delivery is a port's callback and must not block: a port that cannot
 * take a frame (no receive buffer) drops it and says so.  Where the switch
 * runs and what serializes it is the caller's (docs/network.md: one thread
 * on ZVM's core).  Portable: no lock, no allocation; unit-tested on the host.
 */
#ifndef NET_VSWITCH_H
#define NET_VSWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/eth.h"

#define VSWITCH_MAX_PORTS 16u
#define VSWITCH_FDB_SIZE  64u
/* Ports are numbered 0..VSWITCH_MAX_PORTS-1; this is "none". */
#define VSWITCH_NO_PORT   0xffu

/* Takes one frame: 0, or a negated error when it had to drop it. */
typedef int (*vswitch_deliver_fn)(void *ctx, const uint8_t *frame, size_t len);

struct vswitch_port_stats {
	uint64_t rx_frames, rx_bytes; /* accepted from the port */
	uint64_t tx_frames, tx_bytes; /* delivered to the port */
	uint64_t spoofed;             /* dropped: a source MAC not the port's */
	uint64_t malformed;           /* dropped: runt, oversized, group source */
	uint64_t tx_dropped;          /* the port could not take a frame */
};

struct vswitch_port {
	bool used;
	bool any_source; /* the uplink: frames of other stations pass */
	uint8_t mac[ETH_ALEN];
	const char *name;
	vswitch_deliver_fn deliver;
	void *ctx;
	struct vswitch_port_stats stats;
};

struct vswitch_fdb_entry {
	uint8_t mac[ETH_ALEN];
	uint8_t port;  /* VSWITCH_NO_PORT: free */
	uint64_t seen; /* when last learned, in the caller's ticks */
};

struct vswitch_stats {
	uint64_t forwarded, flooded, filtered; /* filtered: the destination is where it came from */
	uint64_t learned, moved, aged, fdb_full;
};

struct vswitch {
	struct vswitch_port port[VSWITCH_MAX_PORTS];
	struct vswitch_fdb_entry fdb[VSWITCH_FDB_SIZE];
	uint64_t aging; /* ticks */
	struct vswitch_stats stats;
};

void vswitch_init(struct vswitch *sw, uint64_t aging);
/*
 * Adds a port: with a MAC, it may send with that source only; with
 * mac == NULL it is the uplink and any unicast source passes.  Returns the
 * port number, or -ZE_NO_SPACE / -ZE_CONFLICT (the MAC is another port's,
 * or a group or zero address: -ZE_INVAL).
 */
int vswitch_add_port(struct vswitch *sw, const char *name, const uint8_t *mac,
                     vswitch_deliver_fn deliver, void *ctx);
/* Removes a port and everything learned on it. */
void vswitch_remove_port(struct vswitch *sw, unsigned port);
/*
 * A frame that arrived from port `from` at time `now`: checked, learned,
 * forwarded or flooded.  Returns how many ports it was delivered to, or a
 * negated error when it was dropped (-ZE_PERM spoofed, -ZE_INVAL malformed).
 */
int vswitch_input(struct vswitch *sw, unsigned from, const uint8_t *frame, size_t len,
                  uint64_t now);
/* Forgets entries older than the ageing time (also done by every lookup). */
void vswitch_age(struct vswitch *sw, uint64_t now);
/* The port a unicast address was learned on, or VSWITCH_NO_PORT. */
unsigned vswitch_lookup(const struct vswitch *sw, const uint8_t *mac, uint64_t now);

#endif
