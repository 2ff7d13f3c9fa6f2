/*
 * Built-in interrupt tests with the test VM (ztest_vm.h): its virtual timer
 * interrupts arrive, none is lost, and pausing the VM while its timer is
 * due loses nothing either; on two vCPUs, SGIs between them
 * (guests/baremetal/smp.c) all arrive, ping-pong and broadcast.  The
 * vGIC's own counters are the witness.
 */
#include "kernel/percpu.h"
#include "kernel/spinlock.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"
#include "selftest/ztest.h"
#include "selftest/ztest_vm.h"

#define BEATS        5 /* fifty virtual-timer interrupts taken by the guest */
#define PAUSE_ROUNDS 5

static bool beats(struct ztest_ctx *ctx, struct vm *vm, unsigned n)
{
	for (unsigned beat = 0; beat < n; beat++) {
		if (!zt_vm_wait(zt_vm_beat_after, vm, vm->last_heartbeat))
			return ztest_fail(ctx, __FILE__, __LINE__, "beat %u missing", beat), false;
	}
	return true;
}

static bool none_lost(struct ztest_ctx *ctx, struct vm *vm)
{
	struct vgic_stats gs;

	vgic_stats(&vm->vgic, &gs);
	if (!gs.lost)
		return true;
	ztest_fail(ctx, __FILE__, __LINE__, "%lu interrupts lost", gs.lost);
	return false;
}

static void timer_delivery(struct ztest_ctx *ctx, struct vm *vm)
{
	if (!zt_vm_start_beating(ctx, vm) || !beats(ctx, vm, BEATS) || !none_lost(ctx, vm))
		return;
	ztest_figure(ctx, "timer_fast", cpu_data(vm->vcpus[0].cpu)->fast_timer_count);
}

/* The guest's timer interrupts arrive, and the vGIC lost none. */
ZTEST(irq, timer_delivery)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, timer_delivery(ctx, vm));
}

static void pause_with_timer_due(struct ztest_ctx *ctx, struct vm *vm)
{
	struct zerr_msg msg;

	if (!zt_vm_start_beating(ctx, vm))
		return;
	for (unsigned round = 0; round < PAUSE_ROUNDS; round++) {
		if (vm_pause(vm, &msg))
			return ztest_fail(ctx, __FILE__, __LINE__, "pause: %s", msg.text);
		/* Its 10 ms timer comes due several times while it cannot run. */
		thread_sleep(ms_to_ticks(ZT_VM_QUIET_MS / 3));
		if (vm_resume(vm, &msg))
			return ztest_fail(ctx, __FILE__, __LINE__, "resume: %s", msg.text);
		if (!beats(ctx, vm, 1))
			return;
	}
	if (none_lost(ctx, vm))
		ztest_figure(ctx, "rounds", PAUSE_ROUNDS);
}

/* A timer that comes due while the VM is paused is taken after the resume. */
ZTEST(irq, timer_due_while_paused)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, pause_with_timer_due(ctx, vm));
}

#define SGI_LINE_MAX 160

static void two_vcpus(struct vm_config *cfg)
{
	cfg->vcpu_count = 2;
}

struct sgi_line {
	uint64_t intid, cpus, rounds, taken;
};

static bool parse_sgi(const char *l, struct sgi_line *s)
{
	return zt_line_field(l, "intid", &s->intid) && zt_line_field(l, "cpus", &s->cpus) &&
	       zt_line_field(l, "rounds", &s->rounds) && zt_line_field(l, "taken", &s->taken);
}

/* SGIs the vGIC delivered to vCPU 1. */
static uint64_t delivered_to_1(struct vm *vm, unsigned intid)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	uint64_t n = vgic_counters(&vm->vgic, intid, 1)->delivered;

	spin_unlock_irqrestore(&vm->lock, flags);
	return n;
}

static void sgi_rounds(struct ztest_ctx *ctx, struct vm *vm, char key, const char *what)
{
	char line[SGI_LINE_MAX], prefix[32];
	struct sgi_line s;
	uint64_t from;

	if (!zt_vm_start_beating(ctx, vm))
		return;
	fmt_snprintf(prefix, sizeof(prefix), "sgi %s", what);
	from = zt_vm_console_end(vm);
	if (!zt_vm_key(ctx, vm, key))
		return;
	if (!zt_vm_console_line(vm, from, prefix, line, sizeof(line)))
		return ztest_fail(ctx, __FILE__, __LINE__, "the guest printed no '%s' line",
		                  prefix);
	if (strstr(line, "stalled") || !parse_sgi(line, &s))
		return ztest_fail(ctx, __FILE__, __LINE__, "%s", line);
	ZT_CHECK_EQ(s.cpus, 2);
	ZT_CHECK(s.rounds > 0);
	ZT_CHECK_EQ(s.taken, s.rounds);
	/* The key started vCPU 1: every SGI it ever got is of this run. */
	ZT_CHECK_EQ(delivered_to_1(vm, (unsigned)s.intid), s.rounds);
	if (none_lost(ctx, vm)) {
		ztest_figure(ctx, "rounds", s.rounds);
	}
}

static void pingpong(struct ztest_ctx *ctx, struct vm *vm)
{
	sgi_rounds(ctx, vm, 'g', "pingpong");
}

static void broadcast(struct ztest_ctx *ctx, struct vm *vm)
{
	sgi_rounds(ctx, vm, 'B', "broadcast");
}

/* Thousands of SGIs between two vCPUs that idle in WFI between them, the
 * same SGI each time: every one is taken, once (a second SGI of the same
 * number once waited for ever). */
ZTEST(irq, sgi_pingpong)
{
	ZT_WITH_VM_TUNED(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, two_vcpus,
	                 pingpong(ctx, vm));
}

/* The same with SGIs sent to every other vCPU (IRM). */
ZTEST(irq, sgi_broadcast)
{
	ZT_WITH_VM_TUNED(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, two_vcpus,
	                 broadcast(ctx, vm));
}

static void direct(struct vm_config *cfg)
{
	cfg->direct_irq = true;
}

static void direct_delivery(struct ztest_ctx *ctx, struct vm *vm)
{
	char line[SGI_LINE_MAX];
	uint64_t from;

	/* Its heartbeat comes from its own timer interrupts, taken straight
	 * from the physical CPU interface. */
	if (!zt_vm_start_beating(ctx, vm) || !beats(ctx, vm, BEATS))
		return;
	from = zt_vm_console_end(vm);
	if (!zt_vm_key(ctx, vm, 'i'))
		return;
	if (!zt_vm_console_line(vm, from, "self ipi:", line, sizeof(line)))
		return ztest_fail(ctx, __FILE__, __LINE__, "the guest printed no 'self ipi' line");
	/* Sent with IRQs masked it is pending (the physical redistributor's
	 * state), and taken once they are unmasked. */
	if (!strstr(line, "pending 1 delivered 1"))
		return ztest_fail(ctx, __FILE__, __LINE__, "%s", line);
	/* ZVM keeps its core: the stop is proven, nothing left running. */
	struct zerr_msg msg;
	if (vm_stop(vm, &msg))
		return ztest_fail(ctx, __FILE__, __LINE__, "stop: %s", msg.text);
	ZT_CHECK(zt_vm_reaped_in_state(vm, VM_STOPPED));
}

/* Direct delivery: the guest owns its core's CPU interface; its timer
 * interrupts and its own SGIs reach it without ZVM, and ZVM still stops it. */
ZTEST(irq, direct_delivery)
{
	ZT_WITH_VM_TUNED(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, direct,
	                 direct_delivery(ctx, vm));
}
