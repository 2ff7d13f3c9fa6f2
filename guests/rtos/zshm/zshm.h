/*
 * The guest RTOS's Zshm library: a channel between VMs (docs/zshm.md),
 * opened by its name from the devicetree ZVM generates, on top of the one
 * ring implementation (lib/zshm_ring.c).
 *
 * A channel node ("zvm,zshm-channel") gives the region, the members in
 * order, this VM's member index, each member's roles, the channel number
 * ZVM_HC_ZSHM_NOTIFY takes and, unless this VM has direct interrupt
 * delivery, the doorbell (an edge SPI).  With a doorbell a waiting thread
 * blocks on a semaphore its handler gives; without one (a direct-irq VM:
 * no virtual interrupt reaches it) the waiting thread polls the rings,
 * spinning (yielding to threads of its own priority) or, with
 * poll_ticks set, sleeping that long between looks.
 *
 * Timeouts are relative counter ticks as everywhere in the RTOS
 * (TIMEOUT_NO_WAIT, TIMEOUT_FOREVER, kernel/sched.h).  Errors are negated
 * enum zerror values (lib/zerror.h): -ZE_NOENT (no such channel or
 * member), -ZE_INVAL, -ZE_AGAIN (nothing, and not waiting), -ZE_TIMEOUT,
 * -ZE_NO_SPACE (a message longer than the buffer: it stays), -ZE_CORRUPT
 * (the peer's words are out of range; never followed).
 *
 * Concurrency: at most one thread receives from a given peer and one
 * sends to it at a time (the rings are single-producer, single-consumer);
 * the doorbell handler touches only the channel's semaphores and counters.
 */
#ifndef RTOS_ZSHM_ZSHM_H
#define RTOS_ZSHM_ZSHM_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/sem.h"
#include "lib/fdt.h"
#include "lib/zshm_ring.h"

#define ZCHAN_NAME_MAX 32

struct zchan {
	struct zshm_endpoint ep;
	char name[ZCHAN_NAME_MAX];
	struct fdt fdt;      /* the devicetree, for member names */
	int node;            /* the channel's node in it */
	uint32_t id;         /* zvm,channel: ZVM_HC_ZSHM_NOTIFY's x1 */
	uint32_t intid;      /* the doorbell's INTID; 0: none, we poll */
	uint64_t poll_ticks; /* polling: 0 spins, else sleeps this long */
	struct semaphore recv_bell, space_bell;
	/* Kept by the doorbell handler. */
	volatile uint64_t doorbells;  /* doorbell interrupts taken */
	volatile uint64_t bell_entry; /* CNTPCT at the last one's handler */
	/* Called from the doorbell handler, IRQs masked (may be NULL). */
	void (*on_doorbell)(struct zchan *ch, void *arg);
	void *on_doorbell_arg;
	/* Kept by the callers. */
	uint64_t doorbells_rung; /* ZVM_HC_ZSHM_NOTIFY calls made */
	uint64_t polls;          /* looks at a ring while waiting without a doorbell */
};

/*
 * Opens the channel called name (zvm,name) that the devicetree at dtb
 * describes: a new epoch for this member, its heads at the writers' tails
 * (docs/zshm.md), and the doorbell's handler attached.  0, -ZE_NOENT when
 * no such channel, -ZE_INVAL when its node is unusable.
 */
int zchan_open(struct zchan *ch, const void *dtb, const char *name);
/* Marks this member down; its peers see it.  The doorbell is detached. */
void zchan_close(struct zchan *ch);

/* Member index of the member called name, or -ZE_NOENT. */
int zchan_member(const struct zchan *ch, const char *name);
/* This VM's member index. */
uint32_t zchan_self(const struct zchan *ch);

/*
 * Sends len (<= ZSHM_MSG_MAX) bytes to peer; waits up to timeout while
 * its ring is full; rings peer's doorbell when it asked for one.  0 or an
 * error (-ZE_TIMEOUT when still full).
 */
int zchan_send(struct zchan *ch, uint32_t peer, const void *msg, uint32_t len, uint64_t timeout);
/*
 * Receives the oldest message from peer into buf (cap bytes); waits up to
 * timeout for one.  Its length, or an error (-ZE_TIMEOUT when none came).
 * *stamp (may be NULL) gets the sender's CNTPCT_EL0 at the send.
 */
int zchan_recv(struct zchan *ch, uint32_t peer, void *buf, uint32_t cap, uint64_t timeout,
               uint64_t *stamp);
/* Messages waiting from peer. */
uint32_t zchan_pending(const struct zchan *ch, uint32_t peer);

/*
 * Waits up to timeout for the doorbell (any peer's message or space);
 * without a doorbell, one poll interval.  0 when rung (or polled), else
 * -ZE_TIMEOUT.  zchan_recv()/zchan_send() call it; exposed for a thread
 * that serves several peers.
 */
int zchan_wait(struct zchan *ch, uint64_t timeout);

/* Rings peer's doorbell now (ZVM_HC_ZSHM_NOTIFY); ZVM's answer. */
int64_t zchan_ring(struct zchan *ch, uint32_t peer);

/* The peer's state word now: up, and its epoch (0 before it opened). */
bool zchan_peer_up(const struct zchan *ch, uint32_t peer);
uint32_t zchan_peer_epoch(const struct zchan *ch, uint32_t peer);
/* True once after peer opened, restarted (a new epoch) or closed. */
bool zchan_peer_changed(struct zchan *ch, uint32_t peer);
/* Waits up to timeout for peer to be up; 0 or -ZE_TIMEOUT. */
int zchan_wait_peer_up(struct zchan *ch, uint32_t peer, uint64_t timeout);

/* CNTPCT_EL0: the counter every VM reads alike (no CNTVOFF). */
uint64_t zchan_counter(void);

#endif
