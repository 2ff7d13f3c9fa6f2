/*
 * virtio-blk, the device (VIRTIO 1.2 section 5.2): one request queue,
 * IN / OUT / FLUSH / GET_ID, over a backing that says how large it is,
 * whether it may be written and how to move whole sectors.  Every request
 * is checked before the backing sees it: the header (16 readable bytes,
 * whatever the chain's framing), the status byte (the chain's last
 * writable byte), the data (a whole number of sectors, readable for OUT,
 * writable for IN) and its sector range against the backing's size.  A
 * bad request gets VIRTIO_BLK_S_IOERR (range, length, a write to a
 * read-only disk, a failed backing) or VIRTIO_BLK_S_UNSUPP (an unknown
 * type), is counted and leaves the device running; a chain without room
 * for a status is a driver error (NEEDS_RESET).
 *
 * A request goes in three steps so that the slow middle one can run
 * elsewhere: virtio_blk_take() (under the device's lock: pop, check),
 * virtio_blk_execute() (no lock: the backing's I/O) and
 * virtio_blk_complete() (under the lock: status, used ring, interrupt).
 * virtio_blk_serve() does all three for every waiting request.
 *
 * Portable: no lock of its own; unit-tested and fuzzed on the host.
 */
#ifndef VDEV_VIRTIO_BLK_H
#define VDEV_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "vdev/virtio_defs.h"
#include "vdev/virtio_mmio.h"

#define VIRTIO_BLK_REQUESTQ 0u
/* 5.2.4 seg_max: data buffers per request, leaving the header and status. */
#define VIRTIO_BLK_SEG_MAX  (VIRTQ_CHAIN_MAX - 2u)

/* One piece of a request's data, in the device's address space. */
struct blk_iov {
	uint8_t *host;
	uint32_t len;
};

/* Where the sectors live: a RAM disk, a partition of the board's disk. */
struct blk_backing {
	uint64_t sectors; /* size in VIRTIO_BLK_SECTOR_SIZE units */
	bool read_only;
	bool can_flush; /* offers VIRTIO_BLK_F_FLUSH */
	/* Moves the iov's bytes (a whole number of sectors) from/to sector.
	 * The range was checked against sectors.  0 or a negated zerror. */
	int (*rw)(void *ctx, bool write, uint64_t sector, const struct blk_iov *iov, unsigned n);
	int (*flush)(void *ctx); /* everything written is durable: 0 or -ZE_* */
	void *ctx;
};

/* What `zvm info` shows of a disk. */
struct virtio_blk_stats {
	uint64_t reads, writes, flushes, get_ids;
	uint64_t bytes_read, bytes_written; /* by the guest: from / to the disk */
	uint64_t io_errors;                 /* IOERR: range, length, read-only, backing */
	uint64_t unsupported;               /* UNSUPP: unknown request types */
	uint64_t malformed;                 /* no header or no status byte: NEEDS_RESET */
};

/* One request between take and complete. */
struct blk_req {
	struct virtq_chain chain;
	uint32_t type;
	uint64_t sector;
	struct blk_iov iov[VIRTQ_CHAIN_MAX];
	unsigned iov_count;
	uint32_t data_len;
	uint8_t *status_byte;
	uint8_t status;   /* VIRTIO_BLK_S_*: set by take (a refusal) or execute */
	bool checked_ok;  /* take found nothing wrong: execute does the I/O */
	uint32_t written; /* bytes the device wrote into the chain */
	uint64_t epoch;   /* the device's reset count when it was taken */
};

struct virtio_blk {
	struct virtio_device dev;
	struct virtio_backend backend; /* per instance: RO and FLUSH follow the backing */
	uint8_t config[VIRTIO_BLK_CFG_SIZE];
	struct blk_backing backing;
	char id[VIRTIO_BLK_ID_BYTES]; /* GET_ID's answer */
	uint64_t epoch;               /* driver resets so far: stale requests are dropped */
	struct virtio_blk_stats stats;
	/* Called on QueueNotify (under the device's lock) to get the queue
	 * served: ZVM posts it to its own core; NULL serves in place. */
	void (*kick)(void *ctx);
	void *kick_ctx;
	struct blk_req scratch; /* virtio_blk_serve()'s request (in place, no kick) */
};

void virtio_blk_init(struct virtio_blk *b, const struct guest_ram *ram,
                     const struct blk_backing *backing, const char *id,
                     void (*set_irq)(void *ctx, bool level), void *irq_ctx);
/* Takes the next request and checks it: 1, 0 (none), -ZE_MALFORMED. */
int virtio_blk_take(struct virtio_blk *b, struct blk_req *r);
/* The backing's part of a request taken without refusal. */
void virtio_blk_execute(struct virtio_blk *b, struct blk_req *r);
/* Status, used ring; false when the device was reset meanwhile (dropped). */
bool virtio_blk_complete(struct virtio_blk *b, struct blk_req *r);
/* Interrupts the driver for the completions since the last call. */
void virtio_blk_notify_driver(struct virtio_blk *b);
/* Every waiting request, in place (b->scratch); returns how many were completed. */
unsigned virtio_blk_serve(struct virtio_blk *b);

#endif
