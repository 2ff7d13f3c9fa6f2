/*
 * virtio-net without offloads (VIRTIO 1.2 5.1).  See virtio_net.h.
 */
#include "vdev/virtio_net.h"

#include "lib/string.h"
#include "lib/zerror.h"
#include "vdev/virtio_defs.h"

#define BIT64(n) (UINT64_C(1) << (n))

static struct virtio_net *net_of(struct virtio_device *d)
{
	return d->backend_state;
}

/* Transmit waits for the switch; receive buffers wait in their ring. */
static void net_notify(struct virtio_device *d, unsigned q)
{
	struct virtio_net *n = net_of(d);

	if (q == VIRTIO_NET_TXQ && n->tx_kick)
		n->tx_kick(n->tx_ctx);
}

static const struct virtio_backend net_backend = {
	.kind = "net",
	.device_id = VIRTIO_ID_NET,
	.features = BIT64(VIRTIO_NET_F_MAC) | BIT64(VIRTIO_NET_F_STATUS),
	.num_queues = 2,
	.config_size = VIRTIO_NET_CONFIG_SIZE,
	.notify = net_notify,
	.reset = NULL,
};

void virtio_net_init(struct virtio_net *n, const struct guest_ram *ram, const uint8_t mac[ETH_ALEN],
                     void (*tx_kick)(void *ctx), void *tx_ctx,
                     void (*set_irq)(void *ctx, bool level), void *irq_ctx)
{
	memset(n, 0, sizeof(*n));
	memcpy(n->config, mac, ETH_ALEN);
	n->config[VIRTIO_NET_CONFIG_STATUS] = VIRTIO_NET_S_LINK_UP; /* le16, high byte 0 */
	n->tx_kick = tx_kick;
	n->tx_ctx = tx_ctx;
	virtio_device_init(&n->dev, &net_backend, n, ram, set_irq, irq_ctx);
	n->dev.config = n->config;
}

/* Gathers the chain's readable bytes past skip into buf; how many there were. */
static size_t gather(const struct virtq_chain *c, size_t skip, uint8_t *buf, size_t cap)
{
	size_t got = 0;

	for (unsigned i = 0; i < c->readable; i++) {
		const struct virtq_seg *s = &c->seg[i];
		size_t from = skip < s->len ? skip : s->len;
		size_t part = s->len - from;
		skip -= from;
		if (part > cap - got)
			part = cap - got;
		memcpy(buf + got, s->host + from, part);
		got += part;
	}
	return got;
}

/*
 * Whether a transmitted chain is a frame we pass on: only readable
 * buffers, a header asking for no offload (none was offered: 5.1.6.2.1),
 * then one Ethernet frame of a sane length.
 */
static bool tx_chain_ok(const struct virtq_chain *c, uint8_t hdr[VIRTIO_NET_HDR_SIZE])
{
	if (c->readable != c->count || c->read_bytes < VIRTIO_NET_HDR_SIZE)
		return false;
	uint32_t frame = c->read_bytes - VIRTIO_NET_HDR_SIZE;
	if (frame < ETH_HDR_LEN || frame > ETH_FRAME_MAX)
		return false;
	gather(c, 0, hdr, VIRTIO_NET_HDR_SIZE);
	return hdr[VIRTIO_NET_HDR_FLAGS] == 0 &&
	       hdr[VIRTIO_NET_HDR_GSO_TYPE] == VIRTIO_NET_HDR_GSO_NONE;
}

int virtio_net_tx(struct virtio_net *n, uint8_t *buf, size_t *len)
{
	struct virtq_chain c;
	uint8_t hdr[VIRTIO_NET_HDR_SIZE];

	while (virtio_queue_pop(&n->dev, VIRTIO_NET_TXQ, &c) > 0) {
		bool ok = tx_chain_ok(&c, hdr);
		if (ok)
			*len = gather(&c, VIRTIO_NET_HDR_SIZE, buf, ETH_FRAME_MAX);
		/* 5.1.6.2.2: the device writes nothing into a transmit buffer. */
		virtio_queue_push(&n->dev, VIRTIO_NET_TXQ, c.head, 0);
		if (ok) {
			n->stats.tx_packets++;
			n->stats.tx_bytes += *len;
			return 1;
		}
		n->stats.tx_errors++;
	}
	return 0;
}

void virtio_net_tx_done(struct virtio_net *n)
{
	virtio_queue_notify_driver(&n->dev, VIRTIO_NET_TXQ);
}

/* A write position in a chain's device-writable buffers. */
struct rx_cursor {
	const struct virtq_chain *c;
	unsigned seg;
	size_t off;
};

/* Copies n bytes at the cursor; the caller checked that they fit. */
static void put(struct rx_cursor *at, const uint8_t *src, size_t n)
{
	while (n > 0 && at->seg < at->c->count) {
		const struct virtq_seg *s = &at->c->seg[at->seg];
		size_t part = s->len - at->off < n ? s->len - at->off : n;
		memcpy(s->host + at->off, src, part);
		src += part;
		n -= part;
		at->off += part;
		if (at->off == s->len) {
			at->seg++;
			at->off = 0;
		}
	}
}

int virtio_net_rx(struct virtio_net *n, const uint8_t *frame, size_t len)
{
	struct virtq_chain c;
	uint8_t hdr[VIRTIO_NET_HDR_SIZE] = { 0 };

	if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX)
		return -ZE_INVAL;
	int got = virtio_queue_pop(&n->dev, VIRTIO_NET_RXQ, &c);
	if (got <= 0) {
		n->stats.rx_dropped++;
		return got < 0 ? -ZE_MALFORMED : -ZE_AGAIN;
	}
	/* 5.1.6.3.1: without MRG_RXBUF one buffer takes a whole frame. */
	if (c.readable != 0 || c.write_bytes < VIRTIO_NET_HDR_SIZE + len) {
		virtio_queue_push(&n->dev, VIRTIO_NET_RXQ, c.head, 0);
		virtio_queue_notify_driver(&n->dev, VIRTIO_NET_RXQ);
		n->stats.rx_errors++;
		return -ZE_INVAL;
	}
	hdr[VIRTIO_NET_HDR_NUM_BUFFERS] = 1; /* le16 1 */
	struct rx_cursor at = { &c, c.readable, 0 };
	put(&at, hdr, VIRTIO_NET_HDR_SIZE);
	put(&at, frame, len);
	/* len <= ETH_FRAME_MAX: the sum fits. */
	virtio_queue_push(&n->dev, VIRTIO_NET_RXQ, c.head, (uint32_t)(VIRTIO_NET_HDR_SIZE + len));
	virtio_queue_notify_driver(&n->dev, VIRTIO_NET_RXQ);
	n->stats.rx_packets++;
	n->stats.rx_bytes += len;
	return 0;
}
