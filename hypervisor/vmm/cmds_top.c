/*
 * zvm top: where each vCPU's core time went over an interval (in the
 * guest and in ZVM, or idle in a trapped WFI for direct delivery;
 * vmm/vcpu_time.h says what each covers) and its traps and injected
 * interrupts per second: the figures the agent's zvm.metrics streams,
 * measured here between two samples.
 */
#include "kernel/cmd.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "vmm/vm.h"
#include "vmm/vm_snapshot.h"

#define TOP_DEFAULT_MS 1000
#define TOP_MIN_MS     100
#define TOP_MAX_MS     10000
#define TOP_MAX_ROUNDS 100
#define PERMILLE       1000u
#define NOT_KEPT       "-" /* a bucket this vCPU's accounting has not */

struct top_vcpu {
	unsigned cpu;
	bool on;                   /* powered on (PSCI), as the snapshot says */
	enum vcpu_time_mode mode;  /* which of its buckets are kept */
	uint64_t guest, el2, idle; /* ticks */
	uint64_t traps, injected;  /* injected: by the vGIC and the timer fast path */
};

struct top_vm {
	bool present;
	unsigned id;
	char name[VM_NAME_MAX];
	const char *state;
	unsigned vcpus;
	struct top_vcpu v[GUEST_MAX_VCPUS];
};

struct top_sample {
	uint64_t at;
	struct top_vm vm[VM_MAX];
};

static struct top_sample samples[2]; /* the shell runs one command at a time */
static struct vm_snapshot snap;

static void take_sample(struct top_sample *s)
{
	s->at = time_now();
	for (unsigned i = 0; i < VM_MAX; i++) {
		struct top_vm *t = &s->vm[i];
		t->present = vm_snapshot_at(i, &snap);
		if (!t->present)
			continue;
		t->id = snap.id;
		memcpy(t->name, snap.cfg.name, sizeof(t->name));
		t->state = vm_state_name(snap.state);
		t->vcpus = snap.vcpu_count;
		for (unsigned c = 0; c < snap.vcpu_count; c++) {
			const struct vcpu_stats *st = &snap.vcpus[c].stats;
			t->v[c] = (struct top_vcpu){ snap.vcpus[c].cpu,
				                     snap.vcpus[c].on,
				                     snap.vcpus[c].time_mode,
				                     st->guest_ticks,
				                     st->el2_ticks,
				                     st->idle_ticks,
				                     st->traps,
				                     st->injected + snap.vcpus[c].fast_timer };
		}
	}
}

/* "99.8": a share of the interval in tenths of a percent. */
static void print_share(struct cmd_io *io, uint64_t part, uint64_t whole)
{
	uint64_t permille = whole ? (uint64_t)((__uint128_t)part * PERMILLE / whole) : 0;

	cmd_printf(io, " %5lu.%lu", permille / 10, permille % 10);
}

static uint64_t per_second(uint64_t count, uint64_t ticks)
{
	return ticks ? (uint64_t)((__uint128_t)count * counter_freq() / ticks) : 0;
}

static void print_vcpu(struct cmd_io *io, const struct top_vm *vm, unsigned c,
                       const struct top_vcpu *a, const struct top_vcpu *b, uint64_t ticks)
{
	cmd_printf(io, "%-3u %-15s %-5u %-4u %-8s", vm->id, vm->name, c, b->cpu,
	           b->on ? vm->state : "off");
	if (b->mode == VCPU_TIME_RUN) {
		print_share(io, b->guest - a->guest, ticks);
		print_share(io, b->el2 - a->el2, ticks);
		cmd_printf(io, " %7s", NOT_KEPT);
	} else { /* direct delivery: only its trapped WFI is told apart */
		cmd_printf(io, " %7s %7s", NOT_KEPT, NOT_KEPT);
		print_share(io, b->idle - a->idle, ticks);
	}
	cmd_printf(io, " %10lu %10lu\n", per_second(b->traps - a->traps, ticks),
	           per_second(b->injected - a->injected, ticks));
}

/* The vCPUs both samples saw (the same VM, by id, in the same slot). */
static void print_round(struct cmd_io *io, const struct top_sample *a, const struct top_sample *b)
{
	uint64_t ticks = b->at - a->at;

	cmd_printf(io, "over %lu ms:\n", ticks_to_ns(ticks) / 1000000);
	cmd_printf(io, "ID  VM              VCPU  CORE STATE     GUEST%%    ZVM%%   IDLE%%    "
	               "TRAPS/S     IRQS/S\n");
	for (unsigned i = 0; i < VM_MAX; i++) {
		const struct top_vm *x = &a->vm[i], *y = &b->vm[i];
		if (!x->present || !y->present || x->id != y->id)
			continue;
		for (unsigned c = 0; c < y->vcpus && c < x->vcpus; c++)
			print_vcpu(io, y, c, &x->v[c], &y->v[c], ticks);
	}
}

static int cmd_top(struct cmd_io *io, int argc, char **argv)
{
	uint64_t ms = TOP_DEFAULT_MS, rounds = 1;

	for (int i = 1; i < argc; i += 2) {
		uint64_t *out = !strcmp(argv[i], "-d") ? &ms : !strcmp(argv[i], "-n") ? &rounds : 0;
		if (!out || i + 1 >= argc || !cmd_parse_u64(argv[i + 1], out))
			return CMD_ERR_USAGE;
	}
	if (ms < TOP_MIN_MS || ms > TOP_MAX_MS || rounds < 1 || rounds > TOP_MAX_ROUNDS) {
		cmd_printf(io, "zvm top: -d from %u to %u ms, -n from 1 to %u\n", TOP_MIN_MS,
		           TOP_MAX_MS, TOP_MAX_ROUNDS);
		return CMD_ERR_FAIL;
	}
	take_sample(&samples[0]);
	for (uint64_t r = 0; r < rounds; r++) {
		struct top_sample *a = &samples[r % 2], *b = &samples[(r + 1) % 2];
		thread_sleep(ms_to_ticks(ms));
		take_sample(b);
		print_round(io, a, b);
	}
	return CMD_OK;
}
CMD_REGISTER(zvm_top, "zvm top", "zvm top [-d <ms>] [-n <rounds>]",
             "Each vCPU's time in the guest and in ZVM (idle for direct delivery), traps and "
             "interrupts per second, "
             "over -d ms (1000), -n times (1).",
             cmd_top);
