/*
 * Split virtqueues (VIRTIO 1.2 section 2.7) from the device's side: the
 * walker that takes the driver's descriptor chains and the used ring that
 * gives them back, with VIRTIO_F_EVENT_IDX and VIRTIO_F_INDIRECT_DESC.
 *
 * Everything in the rings is the guest's and can change under us, so each
 * field is read once into a local and checked there: a descriptor outside
 * the VM's RAM, a loop, lengths that overflow, a chain longer than we take,
 * a bad indirect table or an available index that jumps past the queue is
 * a driver error.  virtq_pop() then returns -ZE_MALFORMED, names the
 * reason in q->error and takes nothing; the transport puts the device in
 * NEEDS_RESET.  Nothing outside guest RAM is ever touched.
 *
 * Portable: no lock (the device's owner serializes), unit-tested and fuzzed
 * on the host.  Assumes a little-endian host, as VIRTIO 1.x rings are.
 */
#ifndef VDEV_VIRTQ_H
#define VDEV_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#include "vdev/guest_ram.h"

/*
 * The most descriptors one request may have.  virtio-blk and virtio-net
 * chains are a header, the data pages and a status byte: Linux stays well
 * under this (the blk device offers seg_max to match).
 */
#define VIRTQ_CHAIN_MAX 64u

/* Why a queue stopped: what the transport counts per device. */
enum virtq_error {
	VIRTQ_OK = 0,
	VIRTQ_ERR_LAYOUT,    /* size or ring address bad, misaligned, outside RAM */
	VIRTQ_ERR_AVAIL_IDX, /* the available index moved by more than the size */
	VIRTQ_ERR_HEAD,      /* a descriptor index past the table */
	VIRTQ_ERR_ADDR,      /* a buffer not wholly inside the VM's RAM */
	VIRTQ_ERR_LOOP,      /* more descriptors than the table holds */
	VIRTQ_ERR_TOO_LONG,  /* more than VIRTQ_CHAIN_MAX buffers */
	VIRTQ_ERR_LENGTH,    /* the chain's total length overflows 32 bits */
	VIRTQ_ERR_INDIRECT,  /* indirect not negotiated, nested, chained, bad size */
	VIRTQ_ERR_ORDER,     /* a device-readable buffer after a writable one */
	VIRTQ_ERR_COUNT
};
/* A short name for each reason, for `zvm info` and logs. */
const char *virtq_error_name(enum virtq_error e);

/* One buffer of a chain, already checked to lie inside guest RAM. */
struct virtq_seg {
	uint8_t *host;
	uint32_t len;
	bool write; /* device-writable (the driver's VIRTQ_DESC_F_WRITE) */
};

/* A request: readable buffers first, then writable ones (2.7.4.2). */
struct virtq_chain {
	uint16_t head; /* what virtq_push() gives back */
	unsigned count, readable;
	uint32_t read_bytes, write_bytes;
	struct virtq_seg seg[VIRTQ_CHAIN_MAX];
};

struct virtq {
	/* What the driver configured through the transport. */
	uint16_t size; /* QueueNum: a power of two, 0 when not set */
	uint64_t desc_ipa, avail_ipa, used_ipa;
	bool ready;
	/* Negotiated features that change the ring layout or rules. */
	bool event_idx, indirect;
	/* Our side of the rings. */
	uint16_t last_avail;     /* next available entry to take */
	uint16_t used_idx;       /* what we last published in used->idx */
	uint16_t signalled_used; /* used_idx when we last decided on an interrupt */
	enum virtq_error error;  /* why the queue stopped, VIRTQ_OK if it did not */
	bool notify_off;         /* virtq_set_notify(false): the driver need not kick */
	/* Resolved by virtq_enable(): inside guest RAM, aligned. */
	uint8_t *desc, *avail, *used;
};

/* Forgets the configuration and the rings (device reset). */
void virtq_reset(struct virtq *q);
/*
 * Makes a configured queue live: checks the size against max and the three
 * parts against RAM and alignment (2.7), and resolves them.  Returns 0, or
 * -ZE_MALFORMED with q->error = VIRTQ_ERR_LAYOUT.
 */
int virtq_enable(struct virtq *q, const struct guest_ram *ram, uint16_t max, bool event_idx,
                 bool indirect);
/*
 * Takes the next available chain into *c.  With EVENT_IDX it also asks
 * for a kick at the next new entry (avail_event = the next one to take),
 * unless notifications are off: without that, the driver kicks once.  Returns 1 when it did, 0 when
 * the ring is empty, -ZE_MALFORMED on a driver error (q->error says which;
 * nothing is taken, the queue stays stopped until reset).
 */
int virtq_pop(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *c);
/* Gives a chain back with the bytes the device wrote into it. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t written);
/*
 * After pushes: whether the driver wants an interrupt for them (its
 * used_event with EVENT_IDX, 2.7.10; else VIRTQ_AVAIL_F_NO_INTERRUPT).
 */
bool virtq_should_interrupt(struct virtq *q);
/*
 * Asks the driver for notifications (or not) of new buffers: avail_event
 * with EVENT_IDX (2.7.10), else VIRTQ_USED_F_NO_NOTIFY.  After enabling,
 * check virtq_has_avail() again: a buffer may have come meanwhile.
 */
void virtq_set_notify(struct virtq *q, bool enable);
/* Whether the driver made buffers available that were not taken yet. */
bool virtq_has_avail(const struct virtq *q);

#endif
