/*
 * libFuzzer target: the vGIC register model (distributor and
 * redistributors) driven the way guests and ZVM drive it.  The input picks
 * a VM shape (vCPUs, SPIs) and then a stream of operations: register
 * accesses of any offset, width and value, directly and through the MMIO
 * abort decoder (arch_decode_abort() on a random syndrome, as the trap
 * path does); injections, level lines, timer lines, SGIs; and list
 * registers simulated per vCPU, which the guest changes behind the
 * model's back (acknowledge, end) and which are folded back and refilled.
 * After every step: the queues agree with the interrupt states
 * (vgic_check()), nothing is out of range, and every request is accounted
 * for: taken, merged, cleared, or still pending in the latch or an LR
 * (vgic_stats().lost == 0).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vgic/vgic.h"
#include "vmm/mmio.h"
#include "lib/zerror.h"

#define LRS          4
#define PAGE_SHIFT   12
#define HPFAR_SHIFT  4
#define ABORT_REGION (GUEST_GICR_BASE + VGIC_MAX_VCPUS * GUEST_GICR_STRIDE - GUEST_GICD_BASE)
#define MAX_OPS      512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *data;
	size_t size, at;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)(in->at < in->size ? in->data[in->at++] : 0) << (8 * i);
	return v;
}

struct sim_lr {
	bool used;
	uint16_t intid;
	uint8_t state;
};

static struct vgic g;
static uint64_t storage[VGIC_STORAGE_SIZE(VGIC_MAX_SPIS) / sizeof(uint64_t) + 1];
static struct sim_lr lr[VGIC_MAX_VCPUS][LRS];

static void check(void)
{
	struct vgic_stats st;

	if (vgic_check(&g))
		abort();
	vgic_stats(&g, &st);
	if (st.lost)
		abort();
	for (unsigned i = 0; i < g.irq_count; i++) {
		const struct vgic_irq *irq = &g.irq[i];

		if (irq->lr_vcpu != VGIC_NO_VCPU && irq->lr_vcpu >= g.vcpus)
			abort();
		if (irq->queued_on != VGIC_NO_VCPU && irq->queued_on >= g.vcpus)
			abort();
		if (irq->lr_state > VGIC_LR_PENDING_ACTIVE)
			abort();
	}
}

static unsigned size_of(uint64_t code)
{
	return 1u << (code % 4);
}

static void check_result(int err)
{
	if (err != 0 && err != -ZE_INVAL)
		abort();
}

static void mmio(uint64_t offset, unsigned bytes, bool write, uint64_t value)
{
	uint64_t v = value;
	int err;

	if (offset < GUEST_GICD_SIZE) {
		uint64_t fast;
		/* The trap fast path's answer, before the access: where it
		 * answers, the full path must accept and agree. */
		bool served = !write && vgic_dist_read_lockless(&g, offset, bytes, &fast);

		err = vgic_dist_mmio(&g, offset, bytes, write, &v);
		if (served && (err || v != fast))
			abort();
	} else if (offset >= GUEST_GICR_BASE - GUEST_GICD_BASE &&
	           offset - (GUEST_GICR_BASE - GUEST_GICD_BASE) < g.vcpus * GUEST_GICR_STRIDE)
		err = vgic_redist_mmio(&g, offset - (GUEST_GICR_BASE - GUEST_GICD_BASE), bytes,
		                       write, &v);
	else
		return;
	check_result(err);
	if (!err && !write && bytes < 8 && v >> (8 * bytes))
		abort(); /* a read never returns more than its width */
}

/* An access as the trap path sees it: decoded from a syndrome first. */
static void decoded_access(struct input *in)
{
	uint64_t esr = take(in, 4);
	uint64_t ipa = GUEST_GICD_BASE + take(in, 4) % ABORT_REGION;
	struct guest_abort a = arch_decode_abort(esr, ipa, (ipa >> PAGE_SHIFT) << HPFAR_SHIFT);

	if (!a.syndrome_valid || a.ipa != ipa)
		return;
	mmio(a.ipa - GUEST_GICD_BASE, a.size, a.write, abort_store_value(&a, take(in, 8)));
}

static unsigned any_intid(struct input *in)
{
	return (unsigned)(take(in, 2) % (GIC_SPI_BASE + VGIC_MAX_SPIS + 4));
}

static void fold_back(unsigned v)
{
	for (unsigned i = 0; i < LRS; i++) {
		if (!lr[v][i].used)
			continue;
		if (vgic_lr_return(&g, v, lr[v][i].intid, (enum vgic_lr_state)lr[v][i].state))
			abort(); /* every LR was handed out by vgic_pick() */
		lr[v][i].used = false;
	}
}

static void refill(unsigned v)
{
	struct vgic_pick picks[LRS];
	unsigned n;

	fold_back(v);
	n = vgic_pick(&g, v, picks, LRS);
	if (n > LRS)
		abort();
	for (unsigned i = 0; i < n; i++) {
		if (picks[i].state == VGIC_LR_INVALID)
			abort();
		lr[v][i] = (struct sim_lr){ true, picks[i].intid, picks[i].state };
	}
	(void)vgic_maintenance(&g, v, picks, n);
}

/* What a guest does to an LR without a trap: acknowledge, or end. */
static void guest_acts(unsigned v, unsigned slot, bool end)
{
	struct sim_lr *l = &lr[v][slot % LRS];

	if (!l->used)
		return;
	if (!end && l->state == VGIC_LR_PENDING)
		l->state = VGIC_LR_ACTIVE;
	else if (end && (l->state & VGIC_LR_ACTIVE))
		l->state &= (uint8_t)~VGIC_LR_ACTIVE;
}

/* The distributor on and one interrupt enabled, by its registers: deep states sooner. */
static void ready(unsigned v, unsigned intid)
{
	uint64_t bank = intid < GIC_PRIVATE_COUNT ? GUEST_GICR_BASE - GUEST_GICD_BASE +
	                                                    v * GUEST_GICR_STRIDE + GICR_SGI_BASE :
	                                            0;

	mmio(GICD_CTLR, 4, true, GICD_CTLR_ENABLE_GRP1);
	mmio(bank + GICD_ISENABLER + intid / 32 * 4, 4, true, 1u << (intid % 32));
}

static void step(struct input *in)
{
	unsigned op = (unsigned)take(in, 1);
	unsigned v = (unsigned)take(in, 1) % g.vcpus;

	switch (op % 12) {
	case 0: {
		uint64_t off = take(in, 2) % GUEST_GICD_SIZE;
		unsigned bytes = size_of(take(in, 1));
		mmio(off, bytes, op & 0x80, take(in, 8));
		break;
	}
	case 1: {
		uint64_t off = GUEST_GICR_BASE - GUEST_GICD_BASE +
		               take(in, 3) % (g.vcpus * GUEST_GICR_STRIDE);
		unsigned bytes = size_of(take(in, 1));
		mmio(off, bytes, op & 0x80, take(in, 8));
		break;
	}
	case 2: decoded_access(in); break;
	case 3: check_result(vgic_inject(&g, any_intid(in), v)); break;
	case 4: check_result(vgic_set_level(&g, any_intid(in), v, op & 0x80)); break;
	case 5:
		if (vgic_send_sgi(&g, v, take(in, 8)) < 0)
			abort();
		break;
	case 6: {
		unsigned intid = op & 0x80 ? GUEST_INTID_VIRT_TIMER : GUEST_INTID_PHYS_TIMER;
		if (op & 0x40)
			check_result(vgic_timer_fired(&g, intid, v));
		else if (vgic_timer_sample(&g, intid, v, take(in, 1)) < 0)
			abort();
		break;
	}
	case 7: refill(v); break;
	case 8: guest_acts(v, (unsigned)take(in, 1), op & 0x80); break;
	case 9: fold_back(v); break;
	case 10: ready(v, any_intid(in)); break;
	default:
		check_result(vgic_set_hw(&g, any_intid(in), v, (unsigned)take(in, 2) % 1024));
		break;
	}
	(void)vgic_take_kicks(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	unsigned vcpus = (unsigned)take(&in, 1) % VGIC_MAX_VCPUS + 1;
	unsigned spis = (unsigned)take(&in, 2) % (VGIC_MAX_SPIS + 1);

	memset(lr, 0, sizeof(lr));
	if (vgic_init(&g, vcpus, NULL, spis, storage))
		abort();
	for (unsigned n = 0; n < MAX_OPS && in.at < in.size; n++) {
		step(&in);
		check();
	}
	for (unsigned v = 0; v < vcpus; v++)
		fold_back(v);
	check();
	return 0;
}
