/*
 * Built-in VirtIO tests: the test VM (ztest_vm.h) gets a virtio-blk RAM
 * disk of its own and drives it with ZVM's driver core
 * (guests/baremetal/virtio_test.c).  A storm keeps 16 requests in flight,
 * 2048 writes and checked reads and a flush, and the guest takes
 * completions in its interrupt handler only, so a lost interrupt stalls
 * it.  ZVM's own counters are the witnesses: every request the guest saw
 * complete is one the device took, every interrupt the guest took is one
 * the vGIC delivered on the device's line, and the vGIC lost none.
 * (A malformed chain's NEEDS_RESET is the host tests' and fuzzers'; the
 * guest's key 'a' still makes one.)
 */
#include "kernel/spinlock.h"
#include "lib/format.h"
#include "lib/string.h"
#include "selftest/ztest.h"
#include "selftest/ztest_perf.h"
#include "selftest/ztest_vm.h"
#include "vmm/vm_virtio.h"
#include "zvm/guest_layout.h"

#define DISK_BYTES         (256u << 10)        /* holds the guest's 128 KiB of blocks */
#define DISK_INTID         GUEST_INTID_VIRTIO0 /* slot 0's SPI */
#define LINE_MAX           200
#define US_PER_S           1000000u
/* A sanity bound on the average flush round trip (QEMU TCG, shared host). */
#define FLUSH_AVG_LIMIT_NS 20000000

/* What the device and the vGIC counted, for one device on vCPU 0. */
struct witness {
	uint64_t requests, blk_ops, raised, delivered, lost;
};

static void with_ram_disk(struct vm_config *cfg)
{
	cfg->virtio[0] = (struct vm_virtio){ .slot = 0,
		                             .type = VM_VIRTIO_BLK,
		                             .intid = DISK_INTID,
		                             .backing = VM_BACKING_RAM,
		                             .size = DISK_BYTES };
	cfg->virtio_count = 1;
}

static void witness(struct vm *vm, struct witness *w)
{
	struct vm_virtio_snapshot dev[VM_MAX_VIRTIO];
	struct vgic_stats gs;
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	unsigned n = vm_virtio_snapshot(vm, dev);

	w->delivered = vgic_counters(&vm->vgic, DISK_INTID, 0)->delivered;
	vgic_stats(&vm->vgic, &gs);
	spin_unlock_irqrestore(&vm->lock, flags);
	w->lost = gs.lost;
	w->requests = n ? dev[0].stats.requests : 0;
	w->blk_ops = n ? dev[0].blk.reads + dev[0].blk.writes + dev[0].blk.flushes : 0;
	w->raised = n ? dev[0].stats.interrupts : 0;
}

/* Types key and waits for the guest's line starting with prefix. */
static bool guest_line(struct ztest_ctx *ctx, struct vm *vm, char key, const char *prefix,
                       char *line)
{
	uint64_t from = zt_vm_console_end(vm);

	if (!zt_vm_key(ctx, vm, key))
		return false;
	if (zt_vm_console_line(vm, from, prefix, line, LINE_MAX))
		return true;
	ztest_fail(ctx, __FILE__, __LINE__, "the guest printed no '%s' line", prefix);
	return false;
}

struct storm_line {
	uint64_t event_idx, requests, used, interrupts, in_flight, bad, errors, us;
};

static bool parse_storm(const char *l, struct storm_line *s)
{
	return zt_line_field(l, "event_idx", &s->event_idx) &&
	       zt_line_field(l, "requests", &s->requests) && zt_line_field(l, "used", &s->used) &&
	       zt_line_field(l, "interrupts", &s->interrupts) &&
	       zt_line_field(l, "in_flight", &s->in_flight) && zt_line_field(l, "bad", &s->bad) &&
	       zt_line_field(l, "errors", &s->errors) && zt_line_field(l, "us", &s->us);
}

/* The guest's view against ZVM's counters, from before to after the storm. */
static void judge_storm(struct ztest_ctx *ctx, const struct storm_line *s, const struct witness *a,
                        const struct witness *b)
{
	ZT_CHECK_EQ(s->used, s->requests);
	ZT_CHECK_EQ(s->in_flight, 0);
	ZT_CHECK_EQ(s->bad, 0);
	ZT_CHECK_EQ(s->errors, 0);
	ZT_CHECK_EQ(b->requests - a->requests, s->used);
	ZT_CHECK_EQ(b->blk_ops - a->blk_ops, s->used);
	ZT_CHECK_EQ(b->delivered - a->delivered, s->interrupts);
	ZT_CHECK(s->interrupts > 0);
	ZT_CHECK(s->interrupts <= b->raised - a->raised);
	ZT_CHECK_EQ(b->lost, 0);
	ztest_figure(ctx, "requests", s->used);
	ztest_figure(ctx, "interrupts", s->interrupts);
	ztest_figure(ctx, "raised", b->raised - a->raised);
	ztest_figure(ctx, "completions_per_s", s->us ? s->used * US_PER_S / s->us : 0);
}

static void storm(struct ztest_ctx *ctx, struct vm *vm, bool event_idx)
{
	char line[LINE_MAX];
	struct storm_line s;
	struct witness before, after;

	if (!zt_vm_start_beating(ctx, vm))
		return;
	witness(vm, &before);
	if (!guest_line(ctx, vm, event_idx ? 'v' : 'V', "virtio storm", line))
		return;
	witness(vm, &after);
	if (strstr(line, "stalled"))
		return ztest_fail(ctx, __FILE__, __LINE__, "%s", line);
	if (!parse_storm(line, &s) || s.event_idx != event_idx)
		return ztest_fail(ctx, __FILE__, __LINE__, "unreadable: %s", line);
	judge_storm(ctx, &s, &before, &after);
}

static void storm_event_idx(struct ztest_ctx *ctx, struct vm *vm)
{
	storm(ctx, vm, true);
}

static void storm_every_interrupt(struct ztest_ctx *ctx, struct vm *vm)
{
	storm(ctx, vm, false);
}

/* 2048 checked requests and a flush, 16 in flight, with EVENT_IDX: nothing
 * lost, every interrupt the vGIC delivered taken by the guest. */
ZTEST(virtio, blk_storm_event_idx)
{
	ZT_WITH_VM_TUNED(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, with_ram_disk,
	                 storm_event_idx(ctx, vm));
}

/* The same storm without EVENT_IDX: an interrupt for every batch. */
ZTEST(virtio, blk_storm_no_event_idx)
{
	ZT_WITH_VM_TUNED(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, with_ram_disk,
	                 storm_every_interrupt(ctx, vm));
}

static void flush_round_trip(struct ztest_ctx *ctx, struct vm *vm)
{
	if (zt_vm_start_beating(ctx, vm))
		zt_perf_measure(ctx, vm, 'l', "virtio_blk_flush", FLUSH_AVG_LIMIT_NS);
}

/* A VirtIO round trip, one request at a time: the guest's QueueNotify
 * (a trap), the request served on ZVM's core, the used entry and the
 * interrupt back to the guest's handler. */
ZTEST(perf, virtio_blk_round_trip)
{
	ZT_WITH_VM_TUNED(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, with_ram_disk,
	                 flush_round_trip(ctx, vm));
}
