/*
 * virtio-net (VIRTIO 1.2 section 5.1), one receive and one transmit queue,
 * no offloads: the driver hands whole Ethernet frames behind a
 * virtio_net_hdr and gets whole frames back.  Offered: VIRTIO_NET_F_MAC
 * (the MAC the configuration gives the VM) and VIRTIO_NET_F_STATUS (link
 * up); not VIRTIO_NET_F_MRG_RXBUF, so every receive buffer holds a whole
 * frame and num_buffers is always 1.
 *
 * The device model only moves frames between the rings and its caller.
 * Transmit: a QueueNotify on the transmit queue calls tx_kick (ZVM: posts
 * the port to the virtual switch on ZVM's core); the switch then takes the
 * frames with virtio_net_tx().  Receive: virtio_net_rx() copies one frame
 * into the next receive buffer, or drops it (counted) when the driver has
 * none: a slow guest never holds the switch up.
 *
 * Every frame is checked: a header asking for an offload we did not offer,
 * a frame shorter than an Ethernet header or longer than ETH_FRAME_MAX,
 * a transmit chain with device-writable buffers, a receive buffer too small
 * for the header and a full frame: each is a counted error, the chain goes
 * back to the driver, nothing else happens.  Malformed rings are the
 * walker's (virtq.c): NEEDS_RESET.
 *
 * Portable: no lock; the VM's lock serializes every call, as for all MMIO
 * devices (vmm/mmio.h).  Unit-tested and fuzzed on the host.
 */
#ifndef VDEV_VIRTIO_NET_H
#define VDEV_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "net/eth.h"
#include "vdev/virtio_defs.h"
#include "vdev/virtio_mmio.h"

/* Why a frame did not go through: counted per device. */
struct virtio_net_stats {
	uint64_t tx_packets, tx_bytes, tx_errors;
	uint64_t rx_packets, rx_bytes, rx_errors;
	uint64_t rx_dropped; /* the driver had no receive buffer */
};

struct virtio_net {
	struct virtio_device dev;
	uint8_t config[VIRTIO_NET_CONFIG_SIZE];
	void (*tx_kick)(void *ctx); /* the driver has frames to send */
	void *tx_ctx;
	struct virtio_net_stats stats;
};

void virtio_net_init(struct virtio_net *n, const struct guest_ram *ram, const uint8_t mac[ETH_ALEN],
                     void (*tx_kick)(void *ctx), void *tx_ctx,
                     void (*set_irq)(void *ctx, bool level), void *irq_ctx);
/*
 * Takes the next frame the driver transmits into buf (at least
 * ETH_FRAME_MAX bytes): 1 with its length in *len, 0 when there is
 * none (or the device is not live).  Bad frames are skipped and counted;
 * a malformed ring stops the queue (NEEDS_RESET) and reads as 0.  Call
 * virtio_net_tx_done() after a batch to interrupt the driver.
 */
int virtio_net_tx(struct virtio_net *n, uint8_t *buf, size_t *len);
void virtio_net_tx_done(struct virtio_net *n);
/*
 * Gives the driver one frame: 0, or -ZE_AGAIN (no receive buffer, or not
 * live: dropped and counted), -ZE_INVAL (not a frame we pass on), or
 * -ZE_MALFORMED (the ring is broken).  The driver is interrupted as it asked.
 */
int virtio_net_rx(struct virtio_net *n, const uint8_t *frame, size_t len);

#endif
