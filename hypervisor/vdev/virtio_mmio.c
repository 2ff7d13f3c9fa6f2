/*
 * virtio-mmio version 2 (VIRTIO 1.2 section 4.2): the register file, the
 * status state machine and feature negotiation.  See virtio_mmio.h.
 */
#include "vdev/virtio_mmio.h"

#include "lib/string.h"

#include "lib/zerror.h"
#include "vdev/virtio_defs.h"

#define BIT64(n) (1ull << (n))

/* What the transport offers on top of the backend's own bits (section 6). */
#define TRANSPORT_FEATURES \
	(BIT64(VIRTIO_F_VERSION_1) | BIT64(VIRTIO_F_EVENT_IDX) | BIT64(VIRTIO_F_INDIRECT_DESC))

/* The status bits a driver may set, in the order 3.1.1 sets them. */
#define STATUS_DRIVER_BITS                                                              \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | \
	 VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FAILED)

static void drive_line(struct virtio_device *d)
{
	if (d->set_irq)
		d->set_irq(d->irq_ctx, d->interrupt_status != 0);
}

static uint64_t (*irq_clock)(void);

void virtio_set_clock(uint64_t (*now)(void))
{
	irq_clock = now;
}

static void raise_interrupt(struct virtio_device *d, uint32_t why)
{
	/* The line goes up now: the driver's handler has not run for it yet. */
	if (irq_clock && d->interrupt_status == 0) {
		d->irq_raised_at = irq_clock();
		d->irq_timed = true;
	}
	d->interrupt_status |= why;
	d->stats.interrupts++;
	drive_line(d);
}

static void reset_device(struct virtio_device *d)
{
	d->status = d->interrupt_status = 0;
	d->irq_timed = false;
	drive_line(d);
	d->device_features_sel = d->driver_features_sel = d->queue_sel = 0;
	d->driver_features = 0;
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++)
		virtq_reset(&d->queue[i]);
	if (d->backend->reset)
		d->backend->reset(d);
}

void virtio_device_init(struct virtio_device *d, const struct virtio_backend *b, void *state,
                        const struct guest_ram *ram, void (*set_irq)(void *ctx, bool level),
                        void *irq_ctx)
{
	memset(d, 0, sizeof(*d));
	d->backend = b;
	d->backend_state = state;
	d->ram = ram;
	d->set_irq = set_irq;
	d->irq_ctx = irq_ctx;
	reset_device(d);
}

uint64_t virtio_offered_features(const struct virtio_device *d)
{
	return d->backend->features | TRANSPORT_FEATURES;
}

bool virtio_has_feature(const struct virtio_device *d, unsigned bit)
{
	return (d->status & VIRTIO_STATUS_FEATURES_OK) && (d->driver_features & BIT64(bit));
}

bool virtio_device_live(const struct virtio_device *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED));
}

void virtio_needs_reset(struct virtio_device *d)
{
	d->stats.driver_errors++;
	if (d->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	/* 2.1.2: a driver that is running hears of it. */
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		raise_interrupt(d, VIRTIO_MMIO_INT_CONFIG);
}

void virtio_config_changed(struct virtio_device *d)
{
	d->config_generation++;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		raise_interrupt(d, VIRTIO_MMIO_INT_CONFIG);
}

/* --- queues, for the backends ------------------------------------------- */

int virtio_queue_pop(struct virtio_device *d, unsigned q, struct virtq_chain *c)
{
	if (q >= d->backend->num_queues || !virtio_device_live(d))
		return 0;
	int got = virtq_pop(&d->queue[q], d->ram, c);
	if (got < 0) {
		d->stats.queue_errors[d->queue[q].error]++;
		virtio_needs_reset(d);
	} else if (got > 0) {
		d->stats.requests++;
	}
	return got;
}

void virtio_queue_push(struct virtio_device *d, unsigned q, uint16_t head, uint32_t written)
{
	if (q < d->backend->num_queues && d->queue[q].ready)
		virtq_push(&d->queue[q], head, written);
}

void virtio_queue_notify_driver(struct virtio_device *d, unsigned q)
{
	if (q < d->backend->num_queues && virtq_should_interrupt(&d->queue[q]))
		raise_interrupt(d, VIRTIO_MMIO_INT_VRING);
}

/* --- status and features ------------------------------------------------- */

/* 3.1.1 step 5: the device keeps FEATURES_OK only for a subset it offers. */
static bool features_acceptable(const struct virtio_device *d)
{
	return (d->driver_features & ~virtio_offered_features(d)) == 0 &&
	       (d->driver_features & BIT64(VIRTIO_F_VERSION_1));
}

static void write_status(struct virtio_device *d, uint32_t value)
{
	if (value == 0) {
		reset_device(d);
		d->stats.resets++;
		return;
	}
	uint32_t kept = d->status & STATUS_DRIVER_BITS;
	uint32_t added;

	/* Drivers write back what they read: NEEDS_RESET is the device's own. */
	value &= ~VIRTIO_STATUS_NEEDS_RESET;
	added = value & ~kept;

	/* 2.1.2: the driver never clears a bit, and sets only its own. */
	if ((kept & ~value) || (value & ~STATUS_DRIVER_BITS)) {
		virtio_needs_reset(d);
		return;
	}
	if ((added & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(d))
		added &= ~VIRTIO_STATUS_FEATURES_OK;
	/* 3.1.1: DRIVER_OK only after the features were accepted. */
	if ((added & VIRTIO_STATUS_DRIVER_OK) &&
	    !((d->status | added) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_needs_reset(d);
		return;
	}
	d->status |= added;
}

static void write_driver_features(struct virtio_device *d, uint32_t value)
{
	/* 3.1.1 step 4: features are written before FEATURES_OK, never after. */
	if (!(d->status & VIRTIO_STATUS_DRIVER) || (d->status & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_needs_reset(d);
		return;
	}
	if (d->driver_features_sel == 0)
		d->driver_features = (d->driver_features & ~0xffffffffull) | value;
	else if (d->driver_features_sel == 1)
		d->driver_features = (d->driver_features & 0xffffffffull) | (uint64_t)value << 32;
}

static uint32_t device_features_word(const struct virtio_device *d)
{
	uint64_t f = virtio_offered_features(d);

	if (d->device_features_sel == 0)
		return (uint32_t)f;
	if (d->device_features_sel == 1)
		return (uint32_t)(f >> 32);
	return 0;
}

/* --- queue configuration ------------------------------------------------- */

static struct virtq *selected_queue(struct virtio_device *d)
{
	return d->queue_sel < d->backend->num_queues ? &d->queue[d->queue_sel] : NULL;
}

static void set_low(uint64_t *field, uint32_t v)
{
	*field = (*field & ~0xffffffffull) | v;
}

static void set_high(uint64_t *field, uint32_t v)
{
	*field = (*field & 0xffffffffull) | (uint64_t)v << 32;
}

static void write_queue_ready(struct virtio_device *d, struct virtq *q, uint32_t value)
{
	if (value == 0) {
		q->ready = false;
		return;
	}
	if (q->ready)
		return;
	if (virtq_enable(q, d->ram, VIRTIO_QUEUE_MAX, virtio_has_feature(d, VIRTIO_F_EVENT_IDX),
	                 virtio_has_feature(d, VIRTIO_F_INDIRECT_DESC))) {
		d->stats.queue_errors[q->error]++;
		virtio_needs_reset(d);
	}
}

/* A write to one of the selected queue's registers. */
static void write_queue_reg(struct virtio_device *d, uint32_t reg, uint32_t value)
{
	struct virtq *q = selected_queue(d);

	/* 4.2.3.2: a queue is configured while not ready, once features are set. */
	if (!q || !(d->status & VIRTIO_STATUS_FEATURES_OK) ||
	    (q->ready && reg != VIRTIO_MMIO_QUEUE_READY)) {
		virtio_needs_reset(d);
		return;
	}
	switch (reg) {
	case VIRTIO_MMIO_QUEUE_NUM: q->size = value > VIRTIO_QUEUE_MAX ? 0 : (uint16_t)value; break;
	case VIRTIO_MMIO_QUEUE_READY: write_queue_ready(d, q, value); break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: set_low(&q->desc_ipa, value); break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: set_high(&q->desc_ipa, value); break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: set_low(&q->avail_ipa, value); break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: set_high(&q->avail_ipa, value); break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: set_low(&q->used_ipa, value); break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: set_high(&q->used_ipa, value); break;
	default: break;
	}
}

static void queue_notify(struct virtio_device *d, uint32_t value)
{
	if (value >= d->backend->num_queues || !virtio_device_live(d) || !d->queue[value].ready)
		return;
	d->stats.notifications++;
	if (d->backend->notify)
		d->backend->notify(d, value);
}

/* --- the register file ---------------------------------------------------- */

/* The handler's first read after a raised interrupt closes its timing. */
static uint32_t read_interrupt_status(struct virtio_device *d)
{
	struct virtio_irq_timing *t = &d->stats.irq_to_status_read;

	if (d->irq_timed && irq_clock) {
		uint64_t ticks = irq_clock() - d->irq_raised_at;

		if (t->count == 0 || ticks < t->min)
			t->min = ticks;
		if (ticks > t->max)
			t->max = ticks;
		t->sum += ticks;
		t->count++;
		d->irq_timed = false;
	}
	return d->interrupt_status;
}

static uint32_t read_reg(struct virtio_device *d, uint32_t reg)
{
	struct virtq *q = selected_queue(d);

	switch (reg) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION: return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID: return d->backend->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR_ZVM;
	case VIRTIO_MMIO_DEVICE_FEATURES: return device_features_word(d);
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? VIRTIO_QUEUE_MAX : 0;
	case VIRTIO_MMIO_QUEUE_READY: return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return read_interrupt_status(d);
	case VIRTIO_MMIO_STATUS: return d->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH: return VIRTIO_MMIO_SHM_NONE;
	case VIRTIO_MMIO_CONFIG_GENERATION: return d->config_generation;
	default: return 0; /* write-only or reserved */
	}
}

static void write_reg(struct virtio_device *d, uint32_t reg, uint32_t value)
{
	switch (reg) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: d->device_features_sel = value; break;
	case VIRTIO_MMIO_DRIVER_FEATURES: write_driver_features(d, value); break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: d->driver_features_sel = value; break;
	case VIRTIO_MMIO_QUEUE_SEL: d->queue_sel = value; break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: write_queue_reg(d, reg, value); break;
	case VIRTIO_MMIO_QUEUE_NOTIFY: queue_notify(d, value); break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->interrupt_status &= ~value;
		drive_line(d);
		break;
	case VIRTIO_MMIO_STATUS: write_status(d, value); break;
	case VIRTIO_MMIO_SHM_SEL: break;
	default: break; /* read-only or reserved: ignored (4.2.2) */
	}
}

/* 4.2.2.2: configuration fields are read with their own width, aligned. */
static int config_access(struct virtio_device *d, uint64_t off, unsigned size, bool write,
                         uint64_t *value)
{
	const struct virtio_backend *b = d->backend;

	if (size != 1 && size != 2 && size != 4)
		return -ZE_MMIO_SIZE;
	if (off % size)
		return -ZE_MMIO_ALIGN;
	if (off + size > b->config_size || !d->config)
		return -ZE_MMIO_RANGE;
	if (write)
		return 0; /* no device of ours has a driver-writable field */
	uint32_t v = 0;
	memcpy(&v, d->config + off, size);
	*value = v;
	return 0;
}

int virtio_mmio_access(void *dev, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	struct virtio_device *d = dev;
	int err;

	if (offset >= VIRTIO_MMIO_CONFIG)
		err = config_access(d, offset - VIRTIO_MMIO_CONFIG, size, write, value);
	else if (size != 4) /* 4.2.2.2: control registers are 32-bit, aligned */
		err = -ZE_MMIO_SIZE;
	else if (offset % 4)
		err = -ZE_MMIO_ALIGN;
	else if (write)
		write_reg(d, (uint32_t)offset, (uint32_t)*value), err = 0;
	else
		*value = read_reg(d, (uint32_t)offset), err = 0;
	if (err)
		d->stats.driver_errors++;
	return err;
}
