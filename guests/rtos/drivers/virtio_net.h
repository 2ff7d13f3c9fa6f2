/*
 * The RTOS's virtio-net driver (VIRTIO 1.2 section 5.1) on a modern
 * virtio-mmio window, through the portable driver core ZVM uses for the
 * board's devices (hypervisor/drivers/virtio_drv.c): one receive and one
 * transmit queue, no offloads, no MRG_RXBUF, VIRTIO_NET_F_MAC taken.
 *
 * Polled: the default RTOS VM delivers its interrupts directly (direct-irq),
 * so the device's emulated SPI can never reach it.  Both queues' available
 * rings say VIRTQ_AVAIL_F_NO_INTERRUPT, so the device does not even raise
 * it; the owner calls vnet_poll() from a thread.
 *
 * No lock: one thread owns the device.
 */
#ifndef RTOS_DRIVERS_VIRTIO_NET_H
#define RTOS_DRIVERS_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/virtio_drv.h"
#include "net/eth.h"
#include "vdev/virtio_defs.h"

#define VNET_QUEUE_SIZE 16u /* entries per queue: receive buffers, frames in flight */
/* One buffer holds the header and a whole frame (no MRG_RXBUF: 5.1.6.3.1). */
#define VNET_BUF_SIZE   1536u
#define VNET_QUEUE_MEM  4096u /* vdrv_queue_bytes(VNET_QUEUE_SIZE), page-aligned */

struct vnet_stats {
	uint64_t rx_frames, rx_bytes, rx_bad;  /* bad: shorter than header and Ethernet */
	uint64_t tx_frames, tx_bytes, tx_busy; /* busy: every transmit buffer in flight */
};

typedef void (*vnet_rx_fn)(void *ctx, const uint8_t *frame, size_t len);

struct vnet {
	struct vdrv drv;
	struct vdrv_queue rxq, txq;
	uint8_t mac[ETH_ALEN];
	uint8_t rx_slot_of[VNET_QUEUE_SIZE]; /* head descriptor -> buffer */
	uint8_t tx_slot_of[VNET_QUEUE_SIZE];
	uint32_t tx_free; /* bit s: transmit buffer s is ours */
	struct vnet_stats stats;
};

/*
 * Brings up the virtio-net device at base (3.1.1) with every receive
 * buffer posted: 0, -ZE_NOENT (no virtio-net there), -ZE_INVAL (the
 * device refused the features or a queue).
 */
int vnet_probe(struct vnet *n, uint64_t base);
/* Queues one frame (at most ETH_FRAME_MAX bytes) and notifies: 0, -ZE_BUSY, -ZE_INVAL. */
int vnet_send(struct vnet *n, const uint8_t *frame, size_t len);
/* Gives every received frame to fn, reposts its buffer, reaps sent ones: frames taken. */
unsigned vnet_poll(struct vnet *n, vnet_rx_fn fn, void *ctx);
/* Whether the device asks for a reset (a malformed ring, 2.1.2). */
bool vnet_needs_reset(const struct vnet *n);

#endif
