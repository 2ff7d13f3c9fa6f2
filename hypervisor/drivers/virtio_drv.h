/*
 * ZVM as the *driver* of a board's virtio-mmio device (VIRTIO 1.2 section
 * 4.2, modern version 2 only): probing, the initialization sequence of
 * 3.1.1, feature negotiation and split virtqueues (2.7) that ZVM fills and
 * the device consumes.  The board's block device (board_blk.c) and NIC use
 * it; it knows nothing of either.
 *
 * Register access goes through struct vdrv_io, so the same code drives a
 * real window in ZVM and ZVM's own device model (vdev/) in the host tests.
 * Buffers are named by the address the device uses for DMA: ZVM runs
 * identity-mapped, so that is the pointer's value; a test's device model
 * sees the same numbers (its guest_ram base is the host address).
 *
 * No lock: one owner thread (on ZVM's core) drives each device.  No
 * indirect tables are asked for; every chain's buffers are direct
 * descriptors.  EVENT_IDX is taken when the caller asks for it (the
 * bare-metal test guest does, guests/baremetal/virtio_test.c).
 */
#ifndef DRIVERS_VIRTIO_DRV_H
#define DRIVERS_VIRTIO_DRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the driver reaches the device's registers (offsets of 4.2.2). */
struct vdrv_io {
	uint32_t (*read32)(void *ctx, uint32_t off);
	void (*write32)(void *ctx, uint32_t off, uint32_t value);
	void *ctx;
};

struct vdrv {
	struct vdrv_io io;
	uint32_t device_id;
	uint64_t features; /* what both sides accepted, after vdrv_negotiate() */
};

/* One buffer of a request chain: the device reads it, or writes it. */
struct vdrv_buf {
	uint64_t addr; /* DMA address */
	uint32_t len;
	bool device_writes;
};

/* The largest queue ZVM sets up: its outstanding-chain bitmap's size. */
#define VDRV_QUEUE_MAX 256u

/* A queue's memory: the three parts of 2.7 in one block the caller gives. */
struct vdrv_queue {
	uint16_t index, size;
	/* Bit h: the chain with head h is the device's.  A used entry naming
	 * any other descriptor is ignored (counted in bogus_used). */
	uint64_t busy[VDRV_QUEUE_MAX / 64];
	uint64_t bogus_used;
	uint8_t *desc, *avail, *used;
	uint16_t free_head, num_free; /* free descriptors, linked through next */
	uint16_t avail_idx;           /* our next available entry */
	uint16_t last_used;           /* the next used entry to read */
};

/* Bytes (aligned to 4096 by the caller) a queue of size entries needs. */
size_t vdrv_queue_bytes(uint16_t size);

/*
 * Finds a modern virtio-mmio device of device_id behind io, resets it and
 * sets ACKNOWLEDGE and DRIVER (3.1.1 steps 1-3).  0, -ZE_NOENT (no device
 * there: magic, version or ID differ; device ID 0 is an empty slot).
 */
int vdrv_probe(struct vdrv *d, const struct vdrv_io *io, uint32_t device_id);
/*
 * Offers VIRTIO_F_VERSION_1, VIRTIO_F_EVENT_IDX if wanted has it, and the
 * device-specific bits of wanted that the
 * device has, sets FEATURES_OK and checks the device kept it (steps 4-6).
 * 0, or -ZE_INVAL (the device refused): the device is then FAILED.
 */
int vdrv_negotiate(struct vdrv *d, uint64_t wanted);
/*
 * Sets queue index up in mem (vdrv_queue_bytes(size) zeroed bytes, 4096-
 * aligned), at most the device's QueueNumMax and VDRV_QUEUE_MAX (size a
 * power of two).
 * 0, -ZE_NOENT (no such queue), -ZE_INVAL (size), -ZE_BUSY (already live).
 */
int vdrv_queue_setup(struct vdrv *d, struct vdrv_queue *q, uint16_t index, void *mem,
                     uint16_t size);
/* Step 8: the driver is ready; the device may now use the queues. */
void vdrv_driver_ok(struct vdrv *d);
/* Marks the device FAILED (a driver that gave up, 2.1). */
void vdrv_fail(struct vdrv *d);
/* Whether the device asks for a reset (DEVICE_NEEDS_RESET). */
bool vdrv_needs_reset(const struct vdrv *d);

/* Whether feature bit was accepted by both. */
bool vdrv_has_feature(const struct vdrv *d, unsigned bit);
/* Reads the device's configuration space (4.2.2.2: 1, 2 or 4 bytes wide). */
uint32_t vdrv_config_read(const struct vdrv *d, uint32_t off, unsigned size);
/* A 64-bit field, read until the generation is stable (4.2.2.2). */
uint64_t vdrv_config_read64(const struct vdrv *d, uint32_t off);

/*
 * Makes the chain bufs[0..n) available (readable buffers first); returns
 * its head descriptor (>= 0), or -ZE_NO_SPACE when fewer than n
 * descriptors are free, -ZE_INVAL for n == 0 or n > size.
 */
int vdrv_queue_add(struct vdrv_queue *q, const struct vdrv_buf *bufs, unsigned n);
/* Tells the device of new available chains (QueueNotify). */
void vdrv_queue_kick(struct vdrv *d, const struct vdrv_queue *q);
/*
 * Takes the next used chain, frees its descriptors: true with its head and
 * the length the device wrote, false when none is new.
 */
bool vdrv_queue_get_used(struct vdrv_queue *q, uint16_t *head, uint32_t *written);
/*
 * After the used entries were taken: with EVENT_IDX asks for an interrupt
 * at the next used entry (used_event, 2.7.7.2).  Returns whether a used
 * entry arrived meanwhile, which the caller must take (and rearm again):
 * the device may have decided not to interrupt for it.
 */
bool vdrv_queue_rearm(const struct vdrv *d, struct vdrv_queue *q);
/* Reads and acknowledges InterruptStatus; returns the bits that were set. */
uint32_t vdrv_interrupt_ack(struct vdrv *d);

#endif
