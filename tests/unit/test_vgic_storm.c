/*
 * The interrupt storm: tens of thousands of requests across every INTID and
 * vCPU, against a simulated consumer with four list registers per vCPU
 * that takes, ends and gives back interrupts in random order, while the
 * guest reprograms enables, priorities and routes.  Every edge must be
 * delivered exactly as often as it had distinct pending episodes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgic_fixture.h"

#define VCPUS  4
#define SPI(n) (32 + (n))
#define PPI(n) (16 + (n))

static struct vgic g;

static int setup(void **state)
{
	(void)state;
	return vgic_init_test(&g, VCPUS, NULL, GUEST_SPI_COUNT);
}

#define LRS          4
#define STORM_STEPS  400000
#define CHECK_EVERY  997
#define DRAIN_ROUNDS 1000

/*
 * What the test expects, kept apart from the vGIC: a pending request either
 * starts an episode (nothing was pending) or joins the pending one.  One
 * that arrives while the interrupt sits in an LR is settled when the LR
 * comes back: it joins if the LR still held pending, else it is new.
 */
struct shadow {
	bool latch; /* pending outside any LR */
	bool in_lr;
	bool lr_new; /* a request arrived while in an LR */
	unsigned requests, episodes, acks;
};

struct lr {
	bool used;
	unsigned intid;
	unsigned state;
};

static struct shadow banked[VCPUS][GIC_PRIVATE_COUNT];
static struct shadow spis[GUEST_SPI_COUNT];
static struct lr lrs[VCPUS][LRS];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static struct shadow *shadow_of(unsigned intid, unsigned vcpu)
{
	return intid < GIC_PRIVATE_COUNT ? &banked[vcpu][intid] : &spis[intid - SPI(0)];
}

static void expect_request(struct shadow *s)
{
	s->requests++;
	if (s->latch)
		return;
	s->latch = true;
	if (s->in_lr)
		s->lr_new = true;
	else
		s->episodes++;
}

static void storm_inject(void)
{
	unsigned kind = rnd(3), vcpu = rnd(VCPUS);

	if (kind == 0) {
		unsigned intid = rnd(GIC_SGI_COUNT), targets = 0, mask = 1 + rnd(15);
		bool irm = rnd(8) == 0;

		for (unsigned v = 0; v < VCPUS; v++) {
			if (irm ? v != vcpu : mask >> v & 1) {
				expect_request(shadow_of(intid, v));
				targets++;
			}
		}
		assert_int_equal(
		        vgic_send_sgi(&g, vcpu, SGI1R(intid, mask) | (irm ? ICC_SGI1R_IRM : 0)),
		        targets);
	} else if (kind == 1) {
		unsigned intid = PPI(rnd(16));

		expect_request(shadow_of(intid, vcpu));
		assert_int_equal(vgic_inject(&g, intid, vcpu), 0);
	} else {
		unsigned intid = SPI(rnd(GUEST_SPI_COUNT));

		expect_request(shadow_of(intid, 0));
		assert_int_equal(vgic_inject(&g, intid, 0), 0);
	}
}

/* The guest acknowledges, ends or deactivates what one LR holds. */
static void guest_step(unsigned vcpu, struct lr *lr)
{
	switch (lr->state) {
	case VGIC_LR_PENDING:
		lr->state = VGIC_LR_ACTIVE;
		shadow_of(lr->intid, vcpu)->acks++;
		break;
	case VGIC_LR_ACTIVE: lr->state = VGIC_LR_INVALID; break;
	case VGIC_LR_PENDING_ACTIVE: lr->state = VGIC_LR_PENDING; break;
	default: break; /* an empty LR: nothing to act on */
	}
}

static void give_back(unsigned vcpu, struct lr *lr)
{
	struct shadow *s = shadow_of(lr->intid, vcpu);

	assert_int_equal(vgic_lr_return(&g, vcpu, lr->intid, lr->state), 0);
	if (lr->state & VGIC_LR_PENDING) {
		s->latch = true; /* whatever came meanwhile joins it */
	} else if (s->lr_new) {
		s->episodes++;
	}
	s->in_lr = false;
	s->lr_new = false;
	lr->used = false;
}

/* Exit: invalid LRs always come back; sometimes every LR does. */
static void exit_vcpu(unsigned vcpu, bool all)
{
	for (unsigned i = 0; i < LRS; i++) {
		struct lr *lr = &lrs[vcpu][i];

		if (lr->used && (all || lr->state == VGIC_LR_INVALID))
			give_back(vcpu, lr);
	}
}

static void check_pick(unsigned vcpu, const struct vgic_pick *p, unsigned n, unsigned free)
{
	int last_pending = -1;

	for (unsigned i = 0; i < n; i++) {
		struct shadow *s = shadow_of(p[i].intid, vcpu);

		assert_false(s->in_lr); /* never in two LRs */
		if (p[i].state & VGIC_LR_PENDING)
			assert_true(s->latch); /* nothing spurious */
		if (p[i].state == VGIC_LR_PENDING) {
			assert_true(p[i].priority >= last_pending);
			last_pending = p[i].priority;
		}
	}
	if (n < free)
		assert_false(vgic_has_deliverable(&g, vcpu));
	else if (last_pending >= 0 && vgic_has_deliverable(&g, vcpu))
		assert_true(vgic_top_priority(&g, vcpu) >= last_pending);
}

static unsigned enter_vcpu(unsigned vcpu)
{
	struct vgic_pick p[LRS];
	unsigned free = 0, n;

	for (unsigned i = 0; i < LRS; i++)
		free += !lrs[vcpu][i].used;
	n = vgic_pick(&g, vcpu, p, free);
	check_pick(vcpu, p, n, free);
	for (unsigned i = 0, slot = 0; i < n; i++) {
		struct shadow *s = shadow_of(p[i].intid, vcpu);

		while (lrs[vcpu][slot].used)
			slot++;
		lrs[vcpu][slot] = (struct lr){ true, p[i].intid, p[i].state };
		if (p[i].state & VGIC_LR_PENDING)
			s->latch = false;
		s->in_lr = true;
	}
	return n;
}

static void storm_reconfigure(void)
{
	unsigned what = rnd(4), spi = SPI(rnd(GUEST_SPI_COUNT));

	if (what == 0)
		dist_bit(&g, rnd(2) ? GICD_ICENABLER : GICD_ISENABLER, spi);
	else if (what == 1)
		dist_wr(&g, GICD_IPRIORITYR + spi, 1, rnd(16) << 4);
	else if (what == 2)
		dist_wr(&g, GICD_IROUTER + 8 * spi, 8, rnd(8) ? rnd(VCPUS) : GICD_IROUTER_IRM);
	else
		rd_wr(&g, rnd(VCPUS), GICR_IPRIORITYR0 + rnd(32), 1, rnd(16) << 4);
}

static void storm_setup(void)
{
	dist_wr(&g, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	for (unsigned n = 1; n < 4; n++)
		dist_wr(&g, GICD_ISENABLER + 4 * n, 4, 0xffffffff);
	for (unsigned n = 2; n < 8; n++)
		dist_wr(&g, GICD_ICFGR + 4 * n, 4, 0xaaaaaaaa);
	for (unsigned v = 0; v < VCPUS; v++) {
		rd_wr(&g, v, GICR_ISENABLER0, 4, 0xffffffff);
		rd_wr(&g, v, GICR_ICFGR1, 4, 0xaaaaaaaa);
		rd_wr(&g, v, GICR_WAKER, 4, 0);
	}
}

static void storm_step(unsigned step)
{
	unsigned vcpu = rnd(VCPUS);

	switch (rnd(8)) {
	case 0:
	case 1:
	case 2: storm_inject(); break;
	case 3:
	case 4: guest_step(vcpu, &lrs[vcpu][rnd(LRS)]); break;
	case 5:
		exit_vcpu(vcpu, rnd(2));
		enter_vcpu(vcpu);
		break;
	case 6: enter_vcpu(vcpu); break;
	default:
		if (rnd(4) == 0)
			storm_reconfigure();
		break;
	}
	if (step % CHECK_EVERY == 0)
		assert_int_equal(vgic_check(&g), 0);
}

/* Everything enabled again; the guest takes and ends all until none is left. */
static void storm_drain(void)
{
	unsigned round;

	for (unsigned n = 1; n < 4; n++)
		dist_wr(&g, GICD_ISENABLER + 4 * n, 4, 0xffffffff);
	for (round = 0; round < DRAIN_ROUNDS; round++) {
		unsigned moved = 0;

		for (unsigned v = 0; v < VCPUS; v++) {
			for (unsigned i = 0; i < LRS; i++) {
				while (lrs[v][i].used && lrs[v][i].state != VGIC_LR_INVALID)
					guest_step(v, &lrs[v][i]);
			}
			exit_vcpu(v, true);
			moved += enter_vcpu(v);
		}
		if (!moved)
			break;
	}
	assert_true(round < DRAIN_ROUNDS);
}

static void assert_all_delivered(unsigned intid, unsigned vcpu, uint64_t *requests,
                                 uint64_t *episodes)
{
	struct shadow *s = shadow_of(intid, vcpu);
	const struct vgic_irq_counters *c = vgic_counters(&g, intid, vcpu);

	assert_false(s->latch);
	assert_false(s->in_lr);
	assert_int_equal(c->injected, s->requests);
	assert_int_equal(c->delivered, s->episodes); /* none lost */
	assert_int_equal(s->acks, s->episodes);      /* none duplicated */
	*requests += s->requests;
	*episodes += s->episodes;
}

static void test_storm_loses_nothing(void **state)
{
	struct vgic_stats st;
	uint64_t requests = 0, episodes = 0;

	(void)state;
	storm_setup();
	for (unsigned step = 0; step < STORM_STEPS; step++)
		storm_step(step);
	storm_drain();
	assert_int_equal(vgic_check(&g), 0);
	for (unsigned v = 0; v < VCPUS; v++) {
		for (unsigned i = 0; i < GIC_PRIVATE_COUNT; i++)
			assert_all_delivered(i, v, &requests, &episodes);
	}
	for (unsigned s = 0; s < GUEST_SPI_COUNT; s++)
		assert_all_delivered(SPI(s), 0, &requests, &episodes);
	vgic_stats(&g, &st);
	print_message("storm: %llu requests, %llu delivered, %llu merged, %llu lost\n",
	              (unsigned long long)st.injected, (unsigned long long)st.delivered,
	              (unsigned long long)st.merged, (unsigned long long)st.lost);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.outstanding, 0);
	assert_int_equal(st.injected, requests);
	assert_int_equal(st.delivered, episodes);
	assert_int_equal(st.injected, st.delivered + st.merged);
	assert_true(requests > 50000);
	assert_true(st.merged > 1000); /* the storm really piled up */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_storm_loses_nothing, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
