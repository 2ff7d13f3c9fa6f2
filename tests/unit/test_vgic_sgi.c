/*
 * SGIs between vCPUs that idle in WFI, against a simulation of the list
 * registers and of a guest that takes what an LR shows.  As on the
 * hardware, the guest ends an edge interrupt (EOI) without any trap, so
 * the model hears of it only at that vCPU's next trap; and an idling vCPU
 * traps only when something kicks its core.  Ping-pong and broadcast must
 * run every round to the end: a second SGI of the same number to a vCPU
 * that took the first must wake it (issue 12, "a second SGI is lost").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vgic_fixture.h"

#define VCPUS      4
#define LRS        4
#define ROUNDS     5000
/* Far more steps than the rounds need: a run that stalls ends here. */
#define STEP_LIMIT (ROUNDS * VCPUS * 64)

#define SGI_PING  1
#define SGI_PONG  2
#define SGI_CALL  3
#define SGI_REPLY 4 /* + the replier: SGIs to one vCPU merge */
#define SGI_LAST  (SGI_REPLY + VCPUS - 1)

struct lr {
	bool used;
	unsigned intid;
	unsigned state;
};

struct sim_vcpu {
	struct lr lr[LRS];
	bool kicked; /* its core has a physical kick pending */
	unsigned taken[GIC_SGI_COUNT];
};

enum pattern {
	PING_PONG,
	BROADCAST
};

static struct vgic g;
static struct sim_vcpu cpu[VCPUS];
static enum pattern pattern;
static unsigned rounds, replies;

static int setup(void **state)
{
	(void)state;
	memset(cpu, 0, sizeof(cpu));
	rounds = 0;
	replies = 0;
	assert_int_equal(vgic_init_test(&g, VCPUS, NULL, GUEST_SPI_COUNT), 0);
	for (unsigned v = 0; v < VCPUS; v++) {
		for (unsigned sgi = SGI_PING; sgi <= SGI_LAST; sgi++)
			enable_private(&g, v, sgi);
	}
	return 0;
}

/* What vm_kick_vcpus() does: a physical kick to each named core. */
static void deliver_kicks(void)
{
	uint32_t kicks = vgic_take_kicks(&g);

	for (unsigned v = 0; v < VCPUS; v++) {
		if (kicks >> v & 1)
			cpu[v].kicked = true;
	}
}

/* vgic_lr_sync() on the way back from a trap: fold back, then refill. */
static void trap_return(unsigned v)
{
	struct vgic_pick picks[LRS];
	unsigned n;

	for (unsigned i = 0; i < LRS; i++) {
		struct lr *lr = &cpu[v].lr[i];

		if (!lr->used)
			continue;
		assert_int_equal(vgic_lr_return(&g, v, lr->intid, lr->state), 0);
		lr->used = false;
	}
	n = vgic_pick(&g, v, picks, LRS);
	for (unsigned i = 0; i < n; i++)
		cpu[v].lr[i] = (struct lr){ true, picks[i].intid, picks[i].state };
	deliver_kicks();
}

/* The guest writes ICC_SGI1R_EL1: a trap, handled, then the return. */
static void send(unsigned from, uint64_t sgi1r)
{
	assert_true(vgic_send_sgi(&g, from, sgi1r) > 0);
	deliver_kicks();
	trap_return(from);
}

static uint64_t to_vcpu(unsigned intid, unsigned v)
{
	return SGI1R(intid, 1u << v); /* Aff0 = v (vgic_init with no MPIDRs) */
}

static void start_round(void)
{
	if (pattern == PING_PONG)
		send(0, to_vcpu(SGI_PING, 1));
	else
		send(0, SGI1R(SGI_CALL, 0) | ICC_SGI1R_IRM);
}

/* What the guest's handler for each SGI does. */
static void handle(unsigned v, unsigned intid)
{
	cpu[v].taken[intid]++;
	if (intid == SGI_PING) {
		send(v, to_vcpu(SGI_PONG, 0));
	} else if (intid == SGI_CALL) {
		send(v, to_vcpu(SGI_REPLY + v, 0));
	} else if (intid == SGI_PONG || ++replies == VCPUS - 1) {
		replies = 0;
		if (++rounds < ROUNDS)
			start_round();
	}
}

static struct lr *shown(unsigned v)
{
	for (unsigned i = 0; i < LRS; i++) {
		if (cpu[v].lr[i].used && cpu[v].lr[i].state == VGIC_LR_PENDING)
			return &cpu[v].lr[i];
	}
	return NULL;
}

/*
 * One step of vCPU v, or false if it idles in WFI: a pending LR wakes it
 * (acknowledge, handle, EOI: the LR goes invalid, nobody traps), a kick
 * makes it trap.
 */
static bool step(unsigned v)
{
	struct lr *lr = shown(v);

	if (lr) {
		unsigned slot = (unsigned)(lr - cpu[v].lr), intid = lr->intid;

		lr->state = VGIC_LR_ACTIVE;
		handle(v, intid);
		/* The handler's trap may have refilled the LRs: EOI finds it. */
		for (slot = 0; slot < LRS; slot++) {
			lr = &cpu[v].lr[slot];
			if (lr->used && lr->intid == intid && lr->state & VGIC_LR_ACTIVE) {
				lr->state &= ~(unsigned)VGIC_LR_ACTIVE;
				break;
			}
		}
		assert_true(slot < LRS); /* what it acknowledged is in an LR */
		return true;
	}
	if (cpu[v].kicked) {
		cpu[v].kicked = false;
		trap_return(v);
		return true;
	}
	return false;
}

static void run(void)
{
	start_round();
	for (unsigned steps = 0; steps < STEP_LIMIT; steps++) {
		bool progress = false;

		for (unsigned v = 0; v < VCPUS; v++)
			progress |= step(v);
		if (!progress)
			break; /* every vCPU in WFI, nothing kicked */
	}
}

static void assert_nothing_lost(void)
{
	struct vgic_stats st;

	assert_int_equal(vgic_check(&g), 0);
	vgic_stats(&g, &st);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.outstanding, 0);
}

static void test_ping_pong_between_idle_vcpus(void **state)
{
	(void)state;
	pattern = PING_PONG;
	run();
	assert_int_equal(rounds, ROUNDS);
	assert_int_equal(cpu[1].taken[SGI_PING], ROUNDS);
	assert_int_equal(cpu[0].taken[SGI_PONG], ROUNDS);
	assert_nothing_lost();
}

static void test_broadcast_reaches_every_idle_vcpu(void **state)
{
	(void)state;
	pattern = BROADCAST;
	run();
	assert_int_equal(rounds, ROUNDS);
	for (unsigned v = 1; v < VCPUS; v++)
		assert_int_equal(cpu[v].taken[SGI_CALL], ROUNDS);
	assert_int_equal(cpu[0].taken[SGI_CALL], 0); /* IRM: not the sender */
	for (unsigned v = 1; v < VCPUS; v++)
		assert_int_equal(cpu[0].taken[SGI_REPLY + v], ROUNDS);
	assert_nothing_lost();
}

/* The narrowest case: the same SGI twice to a vCPU that took the first. */
static void test_second_sgi_kicks_its_target(void **state)
{
	struct vgic_pick p;

	(void)state;
	assert_int_equal(vgic_send_sgi(&g, 0, to_vcpu(SGI_PING, 1)), 1);
	assert_int_equal(vgic_take_kicks(&g), 1u << 1);
	assert_int_equal(vgic_pick(&g, 1, &p, 1), 1);
	/* The guest takes and ends it in the LR; the model is not told. */
	assert_int_equal(vgic_send_sgi(&g, 0, to_vcpu(SGI_PING, 1)), 1);
	assert_int_equal(vgic_take_kicks(&g), 1u << 1);
	assert_int_equal(vgic_lr_return(&g, 1, SGI_PING, VGIC_LR_INVALID), 0);
	assert_true(vgic_has_deliverable(&g, 1));
	assert_int_equal(vgic_check(&g), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_second_sgi_kicks_its_target, setup),
		cmocka_unit_test_setup(test_ping_pong_between_idle_vcpus, setup),
		cmocka_unit_test_setup(test_broadcast_reaches_every_idle_vcpu, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
