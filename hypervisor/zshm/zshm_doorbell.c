/*
 * Zshm doorbells: ZVM_HC_ZSHM_NOTIFY on the caller's core marks each peer's
 * doorbell pending and kicks the peer's first vCPU (an SGI to its core);
 * there, on its way back into the guest and under its own VM's lock only,
 * zshm_take_doorbells() makes the channel's SPI pending in its vGIC.  No
 * lock is held across cores: the two sides meet in one atomic word.
 */
#include "zshm/zshm_priv.h"

#include "arch/arm64/sysreg.h"
#include "vmm/vm.h"
#include "zvm/hypercall.h"

static uint64_t bad_calls;

static void count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static int member_of(const struct zshm_channel *ch, const struct vm *vm)
{
	for (uint32_t m = 0; m < ch->cfg.member_count; m++)
		if (__atomic_load_n(&ch->vm[m], __ATOMIC_ACQUIRE) == vm)
			return (int)m;
	return -1;
}

/* Rings member m; false when it cannot take a doorbell (it polls). */
static bool ring(struct zshm_channel *ch, uint32_t m)
{
	struct vm *peer = __atomic_load_n(&ch->vm[m], __ATOMIC_ACQUIRE);

	if (!peer || peer->cfg.direct_irq || peer->state != VM_RUNNING)
		return false;
	__atomic_store_n(&ch->pending[m], 1u, __ATOMIC_RELEASE);
	vm_kick_vcpus(peer, 1u); /* vCPU 0 takes it, the vGIC routes it */
	return true;
}

int64_t zshm_notify(struct vcpu *v, uint64_t id, uint64_t mask)
{
	struct zshm_channel *ch;
	uint32_t all, targets, rung = 0;
	int self;

	if (id >= zshm_count || !zshm_channels[id].placed) {
		count(&bad_calls, 1);
		return ZVM_HC_INVALID;
	}
	ch = &zshm_channels[id];
	self = member_of(ch, v->vm);
	if (self < 0) {
		count(&ch->counters.refused, 1);
		return ZVM_HC_DENIED;
	}
	all = (1u << ch->cfg.member_count) - 1;
	if (mask & ~(uint64_t)all)
		return ZVM_HC_INVALID;
	targets = (mask ? (uint32_t)mask : all) & ~(1u << self);
	count(&ch->counters.rung[self], 1);
	/* The caller's ring stores are visible before any peer is woken. */
	dmb(ish);
	for (uint32_t m = 0; m < ch->cfg.member_count; m++) {
		if (!(targets & (1u << m)))
			continue;
		if (ring(ch, m))
			rung++;
		else
			count(&ch->counters.polled, 1);
	}
	if (rung) {
		count(&ch->counters.doorbells, 1);
		count(&ch->counters.delivered, rung);
	}
	return rung;
}

void zshm_take_doorbells(struct vcpu *v)
{
	uint32_t kicks = 0;

	if (v->index != 0)
		return;
	for (uint32_t i = 0; i < zshm_count; i++) {
		struct zshm_channel *ch = &zshm_channels[i];
		int m = member_of(ch, v->vm);

		if (m < 0 || !__atomic_exchange_n(&ch->pending[m], 0u, __ATOMIC_ACQ_REL))
			continue;
		vgic_inject(&v->vm->vgic, ch->cfg.intid, 0);
		kicks |= vgic_take_kicks(&v->vm->vgic);
	}
	/* Routed to a sibling vCPU: that one must look too. */
	kicks &= ~(1u << v->index);
	if (kicks)
		vm_kick_vcpus(v->vm, kicks);
}

void zshm_read_counters(const struct zshm_channel *ch, struct zshm_counters *out)
{
	const struct zshm_counters *c = &ch->counters;

	out->doorbells = __atomic_load_n(&c->doorbells, __ATOMIC_RELAXED);
	out->delivered = __atomic_load_n(&c->delivered, __ATOMIC_RELAXED);
	out->polled = __atomic_load_n(&c->polled, __ATOMIC_RELAXED);
	out->refused = __atomic_load_n(&c->refused, __ATOMIC_RELAXED);
	for (uint32_t m = 0; m < ZSHM_MAX_MEMBERS; m++)
		out->rung[m] = __atomic_load_n(&c->rung[m], __ATOMIC_RELAXED);
}

uint64_t zshm_bad_calls(void)
{
	return __atomic_load_n(&bad_calls, __ATOMIC_RELAXED);
}
