/*
 * ZVM as the driver of a virtio-net device (VIRTIO 1.2 5.1 from the
 * driver's side), on virtio_drv.c: the board's NIC, the virtual switch's
 * uplink.  Portable (no lock, no allocation: the caller gives the memory
 * and serializes every call); unit-tested against ZVM's own device model.
 *
 * - Receive: every one of the VNETDRV_QUEUE_SIZE buffers is posted at
 *   start; vnetdrv_rx() hands each frame that comes back to a callback
 *   and posts its buffer again.  One buffer takes a whole frame (no
 *   MRG_RXBUF), so a frame is never split.
 * - Transmit: a frame is copied into a free transmit buffer behind a
 *   zeroed header; none free is a drop (counted), never a wait.
 * - Everything from the device is checked: a used entry naming a chain
 *   that is not the device's is ignored (virtio_drv), a written length
 *   shorter than header plus Ethernet header or longer than the buffer is
 *   an rx error and the buffer goes back unread.
 * - No offloads, no control queue: the device stays promiscuous (5.1.6.5:
 *   without VIRTIO_NET_F_CTRL_RX it receives every frame), as an uplink
 *   that carries other stations' addresses must.
 */
#ifndef DRIVERS_VIRTIO_NETDRV_H
#define DRIVERS_VIRTIO_NETDRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/virtio_drv.h"
#include "net/eth.h"

/* Entries of each queue, and buffers of each direction. */
#define VNETDRV_QUEUE_SIZE 64u
/* One buffer: the 12-byte header (5.1.6) and the largest frame, rounded up. */
#define VNETDRV_BUF_SIZE   2048u
/* Alignment of the memory block (2.7: 4096 for the rings on virtio-mmio's legacy
 * layout; the modern one needs less, 4096 costs nothing here). */
#define VNETDRV_MEM_ALIGN  4096u

struct vnetdrv_stats {
	uint64_t rx_packets, rx_bytes, rx_errors;  /* rx_errors: a bad written length */
	uint64_t tx_packets, tx_bytes, tx_dropped; /* tx_dropped: no free buffer */
	uint64_t tx_errors;                        /* a frame too short or too long */
};

struct vnetdrv {
	struct vdrv *drv;
	struct vdrv_queue rxq, txq;
	uint8_t *rx_buf, *tx_buf; /* VNETDRV_QUEUE_SIZE buffers each */
	uint8_t rx_slot[VDRV_QUEUE_MAX], tx_slot[VDRV_QUEUE_MAX]; /* head -> buffer */
	uint64_t tx_free;                                         /* bit b: tx buffer b is ours */
	bool has_mac;
	uint8_t mac[ETH_ALEN]; /* the device's, when it has one (VIRTIO_NET_F_MAC) */
	struct vnetdrv_stats stats;
};

/* Bytes of the block vnetdrv_start() carves (aligned to VNETDRV_MEM_ALIGN). */
size_t vnetdrv_mem_bytes(void);
/*
 * Negotiates, sets up both queues in mem (vnetdrv_mem_bytes(), aligned),
 * posts every receive buffer and sets DRIVER_OK.  drv has been probed
 * (vdrv_probe with VIRTIO_ID_NET).  0, or -ZE_* (the device is FAILED).
 */
int vnetdrv_start(struct vnetdrv *n, struct vdrv *drv, void *mem);

typedef void (*vnetdrv_rx_fn)(void *ctx, const uint8_t *frame, size_t len);
/* Up to max received frames to fn (the buffer is reused after fn returns); how many came. */
unsigned vnetdrv_rx(struct vnetdrv *n, vnetdrv_rx_fn fn, void *ctx, unsigned max);
/* Sends one frame: 0, -ZE_NO_SPACE (no free buffer: dropped), -ZE_INVAL (its length). */
int vnetdrv_tx(struct vnetdrv *n, const uint8_t *frame, size_t len);
/* Takes back the transmit buffers the device is done with; how many. */
unsigned vnetdrv_tx_reclaim(struct vnetdrv *n);

#endif
