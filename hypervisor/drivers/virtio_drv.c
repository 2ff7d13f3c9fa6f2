/*
 * ZVM as a virtio-mmio driver (VIRTIO 1.2 3.1.1, 4.2.3, 2.7).  See
 * virtio_drv.h.  Barriers follow 2.7.13: the descriptors and the ring
 * entry are written before avail->idx (release), avail->idx before the
 * notify (full fence), and used entries are read after used->idx (acquire).
 */
#include "drivers/virtio_drv.h"

#include "lib/string.h"

#include "lib/zerror.h"
#include "vdev/virtio_defs.h"

#define BIT64(n)            (1ull << (n))
/* 2.7: the used ring starts aligned to 4 after the available ring. */
#define RING_ALIGN          4u
/* Device-specific feature bits are 0-23 (section 6: 24-40 are reserved). */
#define DEVICE_FEATURE_MASK 0x00ffffffull

static uint32_t rd(const struct vdrv *d, uint32_t off)
{
	return d->io.read32(d->io.ctx, off);
}

static void wr(const struct vdrv *d, uint32_t off, uint32_t v)
{
	d->io.write32(d->io.ctx, off, v);
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static size_t avail_offset(uint16_t size)
{
	return (size_t)VIRTQ_DESC_SIZE * size;
}

static size_t used_offset(uint16_t size)
{
	return align_up(avail_offset(size) + VIRTQ_RING_HEADER + 2u * size + 2u, RING_ALIGN);
}

size_t vdrv_queue_bytes(uint16_t size)
{
	return used_offset(size) + VIRTQ_RING_HEADER + (size_t)VIRTQ_USED_ELEM_SIZE * size + 2u;
}

int vdrv_probe(struct vdrv *d, const struct vdrv_io *io, uint32_t device_id)
{
	memset(d, 0, sizeof(*d));
	d->io = *io;
	if (rd(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    rd(d, VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_VERSION_MODERN ||
	    rd(d, VIRTIO_MMIO_DEVICE_ID) != device_id || device_id == 0)
		return -ZE_NOENT;
	d->device_id = device_id;
	wr(d, VIRTIO_MMIO_STATUS, 0);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	return 0;
}

static uint64_t device_features(const struct vdrv *d)
{
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t lo = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	uint64_t hi = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	return lo | hi << 32;
}

void vdrv_fail(struct vdrv *d)
{
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
}

int vdrv_negotiate(struct vdrv *d, uint64_t wanted)
{
	uint64_t offered = device_features(d);
	uint64_t take = offered & ((wanted & (DEVICE_FEATURE_MASK | BIT64(VIRTIO_F_EVENT_IDX))) |
	                           BIT64(VIRTIO_F_VERSION_1));
	uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

	if (!(take & BIT64(VIRTIO_F_VERSION_1))) {
		vdrv_fail(d);
		return -ZE_INVAL;
	}
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)take);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(take >> 32));
	wr(d, VIRTIO_MMIO_STATUS, status | VIRTIO_STATUS_FEATURES_OK);
	/* 3.1.1 step 6: the device clears FEATURES_OK when it refuses the set. */
	if (!(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		vdrv_fail(d);
		return -ZE_INVAL;
	}
	d->features = take;
	return 0;
}

bool vdrv_has_feature(const struct vdrv *d, unsigned bit)
{
	return bit < 64 && (d->features & BIT64(bit)) != 0;
}

static void set_addr(const struct vdrv *d, uint32_t low_reg, const void *p)
{
	uint64_t a = (uint64_t)(uintptr_t)p;

	wr(d, low_reg, (uint32_t)a);
	wr(d, low_reg + 4, (uint32_t)(a >> 32));
}

int vdrv_queue_setup(struct vdrv *d, struct vdrv_queue *q, uint16_t index, void *mem, uint16_t size)
{
	uint8_t *base = mem;

	wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
	if (rd(d, VIRTIO_MMIO_QUEUE_READY))
		return -ZE_BUSY;
	uint32_t max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max == 0)
		return -ZE_NOENT;
	if (size == 0 || (size & (size - 1u)) || size > max || size > VDRV_QUEUE_MAX)
		return -ZE_INVAL;
	memset(q, 0, sizeof(*q));
	q->index = index;
	q->size = size;
	q->desc = base;
	q->avail = base + avail_offset(size);
	q->used = base + used_offset(size);
	/* Every descriptor free, each naming the next. */
	for (uint16_t i = 0; i < size; i++) {
		uint16_t next = (uint16_t)(i + 1u);
		memcpy(q->desc + (size_t)i * VIRTQ_DESC_SIZE + 14, &next, 2);
	}
	q->num_free = size;
	wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
	set_addr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, q->desc);
	set_addr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, q->avail);
	set_addr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, q->used);
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

void vdrv_driver_ok(struct vdrv *d)
{
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

bool vdrv_needs_reset(const struct vdrv *d)
{
	return (rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) != 0;
}

uint32_t vdrv_config_read(const struct vdrv *d, uint32_t off, unsigned size)
{
	/* The register interface is 32 bits wide; narrower fields are taken out of it. */
	uint32_t word = rd(d, VIRTIO_MMIO_CONFIG + (off & ~3u));
	uint32_t shift = (off & 3u) * 8u;

	if (size >= 4)
		return word;
	return (word >> shift) & ((1u << (size * 8u)) - 1u);
}

uint64_t vdrv_config_read64(const struct vdrv *d, uint32_t off)
{
	uint32_t gen, lo, hi;

	do {
		gen = rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
		lo = vdrv_config_read(d, off, 4);
		hi = vdrv_config_read(d, off + 4, 4);
	} while (gen != rd(d, VIRTIO_MMIO_CONFIG_GENERATION));
	return (uint64_t)hi << 32 | lo;
}

static uint8_t *desc_at(const struct vdrv_queue *q, uint16_t i)
{
	return q->desc + (size_t)i * VIRTQ_DESC_SIZE;
}

static uint16_t desc_next(const struct vdrv_queue *q, uint16_t i)
{
	uint16_t next;

	memcpy(&next, desc_at(q, i) + 14, 2);
	return next;
}

int vdrv_queue_add(struct vdrv_queue *q, const struct vdrv_buf *bufs, unsigned n)
{
	if (n == 0 || n > q->size)
		return -ZE_INVAL;
	if (n > q->num_free)
		return -ZE_NO_SPACE;
	uint16_t head = q->free_head, i = head;
	for (unsigned k = 0; k < n; k++) {
		uint8_t *p = desc_at(q, i);
		uint16_t next = desc_next(q, i);
		uint16_t flags = (uint16_t)((bufs[k].device_writes ? VIRTQ_DESC_F_WRITE : 0u) |
		                            (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0u));
		memcpy(p, &bufs[k].addr, 8);
		memcpy(p + 8, &bufs[k].len, 4);
		memcpy(p + 12, &flags, 2);
		/* The last descriptor keeps its free-list link in next: we follow
		 * it again when the chain comes back. */
		if (k + 1 < n)
			i = next;
		else
			q->free_head = next;
	}
	q->num_free = (uint16_t)(q->num_free - n);
	q->busy[head / 64u] |= 1ull << (head % 64u);
	uint16_t slot = (uint16_t)(q->avail_idx & (q->size - 1u));
	memcpy(q->avail + VIRTQ_RING_HEADER + 2u * slot, &head, 2);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail_idx++;
	__atomic_store_n((uint16_t *)(void *)(q->avail + 2), q->avail_idx, __ATOMIC_RELAXED);
	return head;
}

void vdrv_queue_kick(struct vdrv *d, const struct vdrv_queue *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

/* Puts the chain from head back on the free list; false if it is not ours. */
static bool free_chain(struct vdrv_queue *q, uint16_t head)
{
	uint16_t i = head, flags;
	unsigned n = 1;

	for (;; n++) {
		memcpy(&flags, desc_at(q, i) + 12, 2);
		if (!(flags & VIRTQ_DESC_F_NEXT) || n > q->size)
			break;
		i = desc_next(q, i);
		if (i >= q->size)
			return false;
	}
	/* The chain's last descriptor links to the old free list. */
	memcpy(desc_at(q, i) + 14, &q->free_head, 2);
	q->free_head = head;
	q->num_free = (uint16_t)(q->num_free + n);
	return true;
}

bool vdrv_queue_get_used(struct vdrv_queue *q, uint16_t *head, uint32_t *written)
{
	uint16_t idx = __atomic_load_n((uint16_t *)(void *)(q->used + 2), __ATOMIC_RELAXED);

	while (idx != q->last_used) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		uint16_t slot = (uint16_t)(q->last_used & (q->size - 1u));
		const uint8_t *e =
		        q->used + VIRTQ_RING_HEADER + (size_t)VIRTQ_USED_ELEM_SIZE * slot;
		uint32_t id, len;
		memcpy(&id, e, 4);
		memcpy(&len, e + 4, 4);
		q->last_used++;
		/* A device naming a descriptor we never gave, or gave back
		 * already, is ignored: our free list stays ours. */
		if (id >= q->size || !(q->busy[id / 64u] & (1ull << (id % 64u))) ||
		    !free_chain(q, (uint16_t)id)) {
			q->bogus_used++;
			continue;
		}
		q->busy[id / 64u] &= ~(1ull << (id % 64u));
		*head = (uint16_t)id;
		*written = len;
		return true;
	}
	return false;
}

uint32_t vdrv_interrupt_ack(struct vdrv *d)
{
	uint32_t bits = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (bits)
		wr(d, VIRTIO_MMIO_INTERRUPT_ACK, bits);
	return bits;
}

bool vdrv_queue_rearm(const struct vdrv *d, struct vdrv_queue *q)
{
	uint16_t idx;

	if (vdrv_has_feature(d, VIRTIO_F_EVENT_IDX)) {
		/* 2.7.7.2: used_event follows the available ring's entries. */
		__atomic_store_n((uint16_t *)(void *)(q->avail + VIRTQ_RING_HEADER + 2u * q->size),
		                 q->last_used, __ATOMIC_RELAXED);
	}
	/* The device may have pushed before it could see the new used_event. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	idx = __atomic_load_n((uint16_t *)(void *)(q->used + 2), __ATOMIC_RELAXED);
	return idx != q->last_used;
}
