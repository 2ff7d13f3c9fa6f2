/*
 * ZVM's virtio-net driver: receive buffers, transmit copies, checks.
 * See virtio_netdrv.h.
 */
#include "drivers/virtio_netdrv.h"

#include "lib/string.h"
#include "lib/zerror.h"
#include "vdev/virtio_defs.h"
#include "vdev/virtio_net.h"

#define BIT64(n) (1ull << (n))
/* No buffer is mapped to this head. */
#define NO_SLOT  0xffu

_Static_assert(VNETDRV_QUEUE_SIZE <= 64u, "tx_free is one 64-bit mask");
_Static_assert(VNETDRV_QUEUE_SIZE < NO_SLOT, "slots fit in a byte below NO_SLOT");
_Static_assert(VIRTIO_NET_HDR_SIZE + ETH_FRAME_MAX <= VNETDRV_BUF_SIZE, "a buffer takes a frame");

static size_t ring_bytes(void)
{
	size_t q = vdrv_queue_bytes(VNETDRV_QUEUE_SIZE);

	return (q + VNETDRV_MEM_ALIGN - 1u) / VNETDRV_MEM_ALIGN * VNETDRV_MEM_ALIGN;
}

size_t vnetdrv_mem_bytes(void)
{
	return 2u * ring_bytes() + 2u * (size_t)VNETDRV_QUEUE_SIZE * VNETDRV_BUF_SIZE;
}

static uint8_t *rx_buffer(const struct vnetdrv *n, unsigned slot)
{
	return n->rx_buf + (size_t)slot * VNETDRV_BUF_SIZE;
}

static uint8_t *tx_buffer(const struct vnetdrv *n, unsigned slot)
{
	return n->tx_buf + (size_t)slot * VNETDRV_BUF_SIZE;
}

/* Gives receive buffer slot to the device (a free descriptor is always there:
 * there are as many descriptors as buffers). */
static void post_rx(struct vnetdrv *n, unsigned slot)
{
	struct vdrv_buf b = { (uint64_t)(uintptr_t)rx_buffer(n, slot), VNETDRV_BUF_SIZE, true };
	int head = vdrv_queue_add(&n->rxq, &b, 1);

	if (head >= 0)
		n->rx_slot[head] = (uint8_t)slot;
}

int vnetdrv_start(struct vnetdrv *n, struct vdrv *drv, void *mem)
{
	uint8_t *p = mem;

	memset(n, 0, sizeof(*n));
	memset(mem, 0, vnetdrv_mem_bytes());
	memset(n->rx_slot, NO_SLOT, sizeof(n->rx_slot));
	memset(n->tx_slot, NO_SLOT, sizeof(n->tx_slot));
	n->drv = drv;
	int rc = vdrv_negotiate(drv, BIT64(VIRTIO_NET_F_MAC));
	if (rc)
		return rc;
	rc = vdrv_queue_setup(drv, &n->rxq, VIRTIO_NET_RXQ, p, VNETDRV_QUEUE_SIZE);
	if (rc == 0)
		rc = vdrv_queue_setup(drv, &n->txq, VIRTIO_NET_TXQ, p + ring_bytes(),
		                      VNETDRV_QUEUE_SIZE);
	if (rc) {
		vdrv_fail(drv);
		return rc;
	}
	n->rx_buf = p + 2u * ring_bytes();
	n->tx_buf = n->rx_buf + (size_t)VNETDRV_QUEUE_SIZE * VNETDRV_BUF_SIZE;
	n->tx_free = VNETDRV_QUEUE_SIZE == 64u ? ~0ull : BIT64(VNETDRV_QUEUE_SIZE) - 1u;
	n->has_mac = vdrv_has_feature(drv, VIRTIO_NET_F_MAC);
	for (unsigned i = 0; n->has_mac && i < ETH_ALEN; i++)
		n->mac[i] = (uint8_t)vdrv_config_read(drv, i, 1);
	for (unsigned s = 0; s < VNETDRV_QUEUE_SIZE; s++)
		post_rx(n, s);
	vdrv_driver_ok(drv);
	vdrv_queue_kick(drv, &n->rxq);
	return 0;
}

unsigned vnetdrv_rx(struct vnetdrv *n, vnetdrv_rx_fn fn, void *ctx, unsigned max)
{
	unsigned count = 0, reposted = 0;
	uint16_t head;
	uint32_t written;

	while (count < max && vdrv_queue_get_used(&n->rxq, &head, &written)) {
		unsigned slot = n->rx_slot[head];
		n->rx_slot[head] = NO_SLOT;
		if (slot == NO_SLOT) /* cannot be: virtio_drv returns only our chains */
			continue;
		count++;
		if (written < VIRTIO_NET_HDR_SIZE + ETH_HDR_LEN ||
		    written > VIRTIO_NET_HDR_SIZE + ETH_FRAME_MAX) {
			n->stats.rx_errors++;
		} else {
			size_t len = written - VIRTIO_NET_HDR_SIZE;
			n->stats.rx_packets++;
			n->stats.rx_bytes += len;
			fn(ctx, rx_buffer(n, slot) + VIRTIO_NET_HDR_SIZE, len);
		}
		post_rx(n, slot);
		reposted++;
	}
	if (reposted)
		vdrv_queue_kick(n->drv, &n->rxq);
	return count;
}

unsigned vnetdrv_tx_reclaim(struct vnetdrv *n)
{
	unsigned count = 0;
	uint16_t head;
	uint32_t written;

	while (vdrv_queue_get_used(&n->txq, &head, &written)) {
		unsigned slot = n->tx_slot[head];
		n->tx_slot[head] = NO_SLOT;
		if (slot == NO_SLOT)
			continue;
		n->tx_free |= BIT64(slot);
		count++;
	}
	return count;
}

int vnetdrv_tx(struct vnetdrv *n, const uint8_t *frame, size_t len)
{
	if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX) {
		n->stats.tx_errors++;
		return -ZE_INVAL;
	}
	if (!n->tx_free)
		vnetdrv_tx_reclaim(n);
	if (!n->tx_free) {
		n->stats.tx_dropped++;
		return -ZE_NO_SPACE;
	}
	unsigned slot = (unsigned)__builtin_ctzll(n->tx_free);
	uint8_t *b = tx_buffer(n, slot);
	/* 5.1.6.2: no checksum or segmentation asked; num_buffers is the device's. */
	memset(b, 0, VIRTIO_NET_HDR_SIZE);
	memcpy(b + VIRTIO_NET_HDR_SIZE, frame, len);
	struct vdrv_buf vb = { (uint64_t)(uintptr_t)b, (uint32_t)(VIRTIO_NET_HDR_SIZE + len),
		               false };
	int head = vdrv_queue_add(&n->txq, &vb, 1);
	if (head < 0) {
		n->stats.tx_dropped++;
		return head;
	}
	n->tx_free &= ~BIT64(slot);
	n->tx_slot[head] = (uint8_t)slot;
	n->stats.tx_packets++;
	n->stats.tx_bytes += len;
	vdrv_queue_kick(n->drv, &n->txq);
	return 0;
}
