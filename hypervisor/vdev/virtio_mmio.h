/*
 * The virtio-mmio transport, modern version 2 (VIRTIO 1.2 section 4.2):
 * one MMIO region per device, registered in the VM's region table with
 * virtio_mmio_access() as its handler.  The transport owns the status
 * state machine (2.1, 3.1.1), feature negotiation (VIRTIO_F_VERSION_1
 * required; EVENT_IDX and INDIRECT_DESC offered by every device), the
 * split virtqueues' configuration and the interrupt status; a backend
 * (console, blk, net) gives its device ID, features, configuration space
 * and a notify callback, and takes requests with virtio_queue_pop().
 *
 * A driver error (a malformed chain, a status bit cleared, a queue
 * configured wrongly) sets DEVICE_NEEDS_RESET, tells the driver with a
 * configuration-change interrupt (2.1.2), is counted, and stops the
 * device's queues until the driver resets it.
 *
 * Portable: no lock; the VM's lock serializes every entry, as for all
 * MMIO regions (vmm/mmio.h).  Unit-tested on the host.
 */
#ifndef VDEV_VIRTIO_MMIO_H
#define VDEV_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "vdev/guest_ram.h"
#include "vdev/virtq.h"

/* The register window of one device: control registers, then config. */
#define VIRTIO_MMIO_REGION_SIZE 0x200u
/* Queues of one device: console (receive, transmit), net (rx, tx, ctrl). */
#define VIRTIO_MAX_QUEUES       4u
/* Largest queue a device offers (QueueNumMax). */
#define VIRTIO_QUEUE_MAX        256u
/* 4.2.2: VendorID, ours: "ZVM\0" read little-endian. */
#define VIRTIO_MMIO_VENDOR_ZVM  0x004d565au

struct virtio_device;

/* What a backend tells the transport about itself. */
struct virtio_backend {
	const char *kind;     /* "console", "blk", "net": for zvm info */
	uint32_t device_id;   /* VIRTIO_ID_* (section 5) */
	uint64_t features;    /* its device-specific feature bits */
	unsigned num_queues;  /* at most VIRTIO_MAX_QUEUES */
	uint32_t config_size; /* at most the window after VIRTIO_MMIO_CONFIG */
	/* The driver made buffers available on queue q (QueueNotify). */
	void (*notify)(struct virtio_device *d, unsigned q);
	/* The driver reset the device: drop every request in flight. */
	void (*reset)(struct virtio_device *d);
};

/*
 * Interrupt end-to-end time (bench/virtio): from an interrupt raised while
 * none was pending (the used ring is written by then) to the driver's
 * first read of InterruptStatus after it, the first thing Linux's
 * vm_interrupt() does.  In ticks of the clock virtio_set_clock() gave;
 * nothing is measured without one (the host tests' default).
 */
struct virtio_irq_timing {
	uint64_t count, min, max, sum;
};

/* What `zvm info` shows; only ever increases until the VM is created again. */
struct virtio_stats {
	uint64_t notifications; /* QueueNotify writes acted upon */
	uint64_t interrupts;    /* interrupts raised */
	uint64_t requests;      /* chains taken */
	uint64_t resets;        /* resets by the driver */
	uint64_t driver_errors; /* NEEDS_RESET entries and refused accesses */
	uint64_t queue_errors[VIRTQ_ERR_COUNT];
	struct virtio_irq_timing irq_to_status_read;
};

struct virtio_device {
	const struct virtio_backend *backend;
	void *backend_state;
	/* The instance's configuration space (config_size bytes, little-endian). */
	const uint8_t *config;
	const struct guest_ram *ram;
	/* Drives the device's interrupt line: high while InterruptStatus is
	 * not zero (a level the driver lowers with InterruptACK), so no
	 * notification can be missed between two handler runs. */
	void (*set_irq)(void *ctx, bool level);
	void *irq_ctx;

	uint32_t status, interrupt_status, config_generation;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint64_t driver_features;
	struct virtq queue[VIRTIO_MAX_QUEUES];
	struct virtio_stats stats;
	bool irq_timed;         /* an interrupt raised, its status not read yet */
	uint64_t irq_raised_at; /* when, on the clock */
};

/* The clock of the interrupt timing, for every device; NULL: none. */
void virtio_set_clock(uint64_t (*now)(void));

/* A fresh device, as after reset, with all counters zero. */
void virtio_device_init(struct virtio_device *d, const struct virtio_backend *b, void *state,
                        const struct guest_ram *ram, void (*set_irq)(void *ctx, bool level),
                        void *irq_ctx);
/* The region handler (vmm/mmio.h's mmio_handler); dev is the device. */
int virtio_mmio_access(void *dev, uint64_t offset, unsigned size, bool write, uint64_t *value);

/* Every feature bit the device offers: the backend's and the transport's. */
uint64_t virtio_offered_features(const struct virtio_device *d);
/* Whether the driver accepted feature bit (after FEATURES_OK). */
bool virtio_has_feature(const struct virtio_device *d, unsigned bit);
/* Whether the driver set DRIVER_OK and the device is not broken. */
bool virtio_device_live(const struct virtio_device *d);

/*
 * The next request on queue q: 1 (in *c), 0 (none, or the device is not
 * live), or -ZE_MALFORMED: the chain was malformed and the device now
 * needs a reset.
 */
int virtio_queue_pop(struct virtio_device *d, unsigned q, struct virtq_chain *c);
/* Returns a request; virtio_queue_notify_driver() after a batch. */
void virtio_queue_push(struct virtio_device *d, unsigned q, uint16_t head, uint32_t written);
/* Interrupts the driver if it wants to hear of the pushes since the last call. */
void virtio_queue_notify_driver(struct virtio_device *d, unsigned q);
/* The backend's configuration space changed: a new generation, an interrupt. */
void virtio_config_changed(struct virtio_device *d);
/* Puts the device in NEEDS_RESET (a driver error the backend found). */
void virtio_needs_reset(struct virtio_device *d);

#endif
