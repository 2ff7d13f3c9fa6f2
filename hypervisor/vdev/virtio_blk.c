/*
 * virtio-blk request handling (VIRTIO 1.2 5.2.6).  See virtio_blk.h.
 */
#include "vdev/virtio_blk.h"

#include "lib/string.h"

#include "lib/zerror.h"

#define BIT64(n) (1ull << (n))

static struct virtio_blk *blk_of(struct virtio_device *d)
{
	return d->backend_state;
}

static void blk_notify(struct virtio_device *d, unsigned q)
{
	struct virtio_blk *b = blk_of(d);

	if (q != VIRTIO_BLK_REQUESTQ)
		return;
	if (b->kick)
		b->kick(b->kick_ctx);
	else
		virtio_blk_serve(b);
}

/* Requests in flight belong to the driver that reset: never completed. */
static void blk_reset(struct virtio_device *d)
{
	blk_of(d)->epoch++;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

void virtio_blk_init(struct virtio_blk *b, const struct guest_ram *ram,
                     const struct blk_backing *backing, const char *id,
                     void (*set_irq)(void *ctx, bool level), void *irq_ctx)
{
	memset(b, 0, sizeof(*b));
	b->backing = *backing;
	/* 5.2.6: zero-padded, not NUL-terminated when full. */
	memcpy(b->id, id, strnlen(id, sizeof(b->id)));
	put_le64(b->config + VIRTIO_BLK_CFG_CAPACITY, backing->sectors);
	put_le32(b->config + VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX);
	put_le32(b->config + VIRTIO_BLK_CFG_BLK_SIZE, VIRTIO_BLK_SECTOR_SIZE);

	b->backend = (struct virtio_backend){
		.kind = "blk",
		.device_id = VIRTIO_ID_BLOCK,
		.features = BIT64(VIRTIO_BLK_F_SEG_MAX) | BIT64(VIRTIO_BLK_F_BLK_SIZE) |
		            (backing->read_only ? BIT64(VIRTIO_BLK_F_RO) : 0) |
		            (backing->can_flush ? BIT64(VIRTIO_BLK_F_FLUSH) : 0),
		.num_queues = 1,
		.config_size = VIRTIO_BLK_CFG_SIZE,
		.notify = blk_notify,
		.reset = blk_reset,
	};
	virtio_device_init(&b->dev, &b->backend, b, ram, set_irq, irq_ctx);
	b->dev.config = b->config;
}

/*
 * Bytes [from, to) of the chain's readable (or writable) part as iov
 * pieces.  The caller checked that the part holds them.
 */
static unsigned slice(const struct virtq_chain *c, bool writable, uint32_t from, uint32_t to,
                      struct blk_iov *iov)
{
	unsigned first = writable ? c->readable : 0, end = writable ? c->count : c->readable;
	unsigned n = 0;
	uint32_t pos = 0;

	for (unsigned i = first; i < end && pos < to; i++) {
		uint32_t len = c->seg[i].len;
		uint32_t lo = from > pos ? from - pos : 0;
		uint32_t hi = to - pos < len ? to - pos : len;
		if (lo < hi)
			iov[n++] = (struct blk_iov){ c->seg[i].host + lo, hi - lo };
		pos += len;
	}
	return n;
}

/* Copies the 16-byte header out of the readable part (any framing). */
static void read_header(struct blk_req *r)
{
	struct blk_iov piece[VIRTQ_CHAIN_MAX];
	uint8_t hdr[VIRTIO_BLK_REQ_HDR_SIZE];
	unsigned n = slice(&r->chain, false, 0, VIRTIO_BLK_REQ_HDR_SIZE, piece);
	uint32_t at = 0;

	for (unsigned i = 0; i < n; i++) {
		memcpy(hdr + at, piece[i].host, piece[i].len);
		at += piece[i].len;
	}
	memcpy(&r->type, hdr, 4);
	memcpy(&r->sector, hdr + 8, 8);
}

/* The last writable byte of the chain: where the status goes. */
static uint8_t *status_byte(const struct virtq_chain *c)
{
	const struct virtq_seg *last = &c->seg[c->count - 1];

	return last->host + last->len - 1;
}

static uint8_t refuse(struct virtio_blk *b, uint8_t status)
{
	if (status == VIRTIO_BLK_S_UNSUPP)
		b->stats.unsupported++;
	else
		b->stats.io_errors++;
	return status;
}

/* The data of an IN or OUT: whole sectors, inside the disk. */
static uint8_t check_rw(struct virtio_blk *b, struct blk_req *r)
{
	bool out = r->type == VIRTIO_BLK_T_OUT;
	const struct virtq_chain *c = &r->chain;
	uint32_t len = out ? c->read_bytes - VIRTIO_BLK_REQ_HDR_SIZE : c->write_bytes - 1u;
	uint64_t sectors = len / VIRTIO_BLK_SECTOR_SIZE;

	if (out && b->backing.read_only)
		return refuse(b, VIRTIO_BLK_S_IOERR);
	if (len % VIRTIO_BLK_SECTOR_SIZE || r->sector > b->backing.sectors ||
	    sectors > b->backing.sectors - r->sector)
		return refuse(b, VIRTIO_BLK_S_IOERR);
	r->data_len = len;
	r->iov_count = out ? slice(c, false, VIRTIO_BLK_REQ_HDR_SIZE, c->read_bytes, r->iov) :
	                     slice(c, true, 0, len, r->iov);
	r->checked_ok = true;
	return VIRTIO_BLK_S_OK;
}

static uint8_t check_request(struct virtio_blk *b, struct blk_req *r)
{
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT: return check_rw(b, r);
	case VIRTIO_BLK_T_FLUSH:
		if (!b->backing.can_flush)
			return refuse(b, VIRTIO_BLK_S_UNSUPP);
		r->checked_ok = true;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		r->data_len = r->chain.write_bytes - 1u;
		if (r->data_len > VIRTIO_BLK_ID_BYTES)
			r->data_len = VIRTIO_BLK_ID_BYTES;
		r->iov_count = slice(&r->chain, true, 0, r->data_len, r->iov);
		r->checked_ok = true;
		return VIRTIO_BLK_S_OK;
	default: return refuse(b, VIRTIO_BLK_S_UNSUPP);
	}
}

int virtio_blk_take(struct virtio_blk *b, struct blk_req *r)
{
	int got = virtio_queue_pop(&b->dev, VIRTIO_BLK_REQUESTQ, &r->chain);

	if (got <= 0)
		return got;
	r->epoch = b->epoch;
	r->checked_ok = false;
	r->iov_count = 0;
	r->data_len = r->written = 0;
	r->type = 0;
	r->sector = 0;
	/* 5.2.6: a header the device reads, a status byte it writes. */
	if (r->chain.read_bytes < VIRTIO_BLK_REQ_HDR_SIZE || r->chain.write_bytes < 1) {
		b->stats.malformed++;
		virtio_needs_reset(&b->dev);
		return -ZE_MALFORMED;
	}
	r->status_byte = status_byte(&r->chain);
	read_header(r);
	r->status = check_request(b, r);
	return 1;
}

static void copy_id(const struct virtio_blk *b, struct blk_req *r)
{
	uint32_t at = 0;

	for (unsigned i = 0; i < r->iov_count; i++) {
		memcpy(r->iov[i].host, b->id + at, r->iov[i].len);
		at += r->iov[i].len;
	}
}

void virtio_blk_execute(struct virtio_blk *b, struct blk_req *r)
{
	const struct blk_backing *k = &b->backing;
	int err = 0;

	if (!r->checked_ok)
		return;
	switch (r->type) {
	case VIRTIO_BLK_T_IN: err = k->rw(k->ctx, false, r->sector, r->iov, r->iov_count); break;
	case VIRTIO_BLK_T_OUT: err = k->rw(k->ctx, true, r->sector, r->iov, r->iov_count); break;
	case VIRTIO_BLK_T_FLUSH: err = k->flush(k->ctx); break;
	case VIRTIO_BLK_T_GET_ID: copy_id(b, r); break;
	default: break;
	}
	r->status = err ? refuse(b, VIRTIO_BLK_S_IOERR) : VIRTIO_BLK_S_OK;
}

static void count_done(struct virtio_blk *b, const struct blk_req *r)
{
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
		b->stats.reads++;
		b->stats.bytes_read += r->data_len;
		break;
	case VIRTIO_BLK_T_OUT:
		b->stats.writes++;
		b->stats.bytes_written += r->data_len;
		break;
	case VIRTIO_BLK_T_FLUSH: b->stats.flushes++; break;
	case VIRTIO_BLK_T_GET_ID: b->stats.get_ids++; break;
	default: break;
	}
}

bool virtio_blk_complete(struct virtio_blk *b, struct blk_req *r)
{
	if (r->epoch != b->epoch)
		return false;
	/* What the device wrote: IN's data or GET_ID's string, and the status. */
	bool wrote_data = r->status == VIRTIO_BLK_S_OK &&
	                  (r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_GET_ID);
	r->written = (wrote_data ? r->data_len : 0u) + 1u;
	if (r->status == VIRTIO_BLK_S_OK)
		count_done(b, r);
	*r->status_byte = r->status;
	virtio_queue_push(&b->dev, VIRTIO_BLK_REQUESTQ, r->chain.head, r->written);
	return true;
}

void virtio_blk_notify_driver(struct virtio_blk *b)
{
	virtio_queue_notify_driver(&b->dev, VIRTIO_BLK_REQUESTQ);
}

unsigned virtio_blk_serve(struct virtio_blk *b)
{
	struct blk_req *r = &b->scratch;
	unsigned done = 0;

	while (virtio_blk_take(b, r) > 0) {
		virtio_blk_execute(b, r);
		done += virtio_blk_complete(b, r);
	}
	virtio_blk_notify_driver(b);
	return done;
}
