/*
 * The RTOS's Zshm channels (zshm/zshm.h): the devicetree's channel node,
 * the doorbell's handler and the waits around lib/zshm_ring.c, which does
 * everything that touches the region.
 */
#include "zshm/zshm.h"
#include "arch/hvc.h"

#include "drivers/timer.h"
#include "kernel/irq.h"
#include "kernel/sched.h"
#include "lib/gicv3_defs.h"
#include "lib/string.h"
#include "lib/zerror.h"
#include "zvm/hypercall.h"

/* The boot protocol caps the DTB at 2 MiB (Documentation/arm64/booting.rst). */
#define DTB_MAX_SIZE   (2u << 20)
#define DOORBELL_LIMIT 1u /* a semaphore that remembers one ring */

uint64_t zchan_counter(void)
{
	return ptimer_now();
}

static int find_channel(const struct fdt *fdt, const char *name)
{
	int node = -1;
	const char *have;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "zvm,zshm-channel")) >= 0) {
		if (fdt_read_string(fdt, node, "zvm,name", &have) == 0 && strcmp(have, name) == 0)
			return node;
	}
	return -ZE_NOENT;
}

/* The node's geometry; the region must be exactly its sections. */
static int read_geometry(struct zchan *ch, struct zshm_geometry *g, uint32_t *self, uint64_t *base)
{
	uint64_t size;
	uint32_t section, kind, spi;
	int members;

	if (fdt_read_reg(&ch->fdt, ch->node, 0, base, &size) ||
	    fdt_read_u32(&ch->fdt, ch->node, "zvm,section-size", &section) ||
	    fdt_read_u32(&ch->fdt, ch->node, "zvm,self", self) ||
	    fdt_read_u32(&ch->fdt, ch->node, "zvm,writers", &g->writers) ||
	    fdt_read_u32(&ch->fdt, ch->node, "zvm,readers", &g->readers) ||
	    fdt_read_u32(&ch->fdt, ch->node, "zvm,channel", &ch->id))
		return -ZE_INVAL;
	members = fdt_stringlist_count(&ch->fdt, ch->node, "zvm,members");
	if (members <= 0)
		return -ZE_INVAL;
	g->section_size = section;
	g->member_count = (uint32_t)members;
	ch->intid = 0; /* no interrupts: a direct-irq member polls */
	if (fdt_read_u32_index(&ch->fdt, ch->node, "interrupts", 0, &kind) == 0 &&
	    fdt_read_u32_index(&ch->fdt, ch->node, "interrupts", 1, &spi) == 0) {
		if (kind != GIC_DT_SPI || spi > GIC_SPI_LAST - GIC_SPI_BASE)
			return -ZE_INVAL;
		ch->intid = GIC_SPI_BASE + spi;
	}
	return zshm_geometry_check(g) == 0 && zshm_region_size(g) == size ? 0 : -ZE_INVAL;
}

static void doorbell_handler(uint32_t intid, void *arg)
{
	struct zchan *ch = arg;

	(void)intid;
	ch->bell_entry = zchan_counter();
	ch->doorbells++;
	if (ch->on_doorbell)
		ch->on_doorbell(ch, ch->on_doorbell_arg);
	sem_give(&ch->recv_bell);
	sem_give(&ch->space_bell);
}

int zchan_open(struct zchan *ch, const void *dtb, const char *name)
{
	struct zshm_geometry g;
	uint64_t base;
	uint32_t self;
	int rc;

	memset(ch, 0, sizeof(*ch));
	if (strlen(name) >= sizeof(ch->name) || fdt_init(&ch->fdt, dtb, DTB_MAX_SIZE))
		return -ZE_INVAL;
	strlcpy(ch->name, name, sizeof(ch->name));
	ch->node = find_channel(&ch->fdt, name);
	if (ch->node < 0)
		return -ZE_NOENT;
	rc = read_geometry(ch, &g, &self, &base);
	if (rc)
		return rc;
	sem_init(&ch->recv_bell, 0, DOORBELL_LIMIT);
	sem_init(&ch->space_bell, 0, DOORBELL_LIMIT);
	rc = zshm_open(&ch->ep, (void *)(uintptr_t)base, &g, self);
	if (rc)
		return rc;
	if (ch->intid && irq_attach(ch->intid, doorbell_handler, ch))
		return -ZE_INVAL;
	return 0;
}

void zchan_close(struct zchan *ch)
{
	if (ch->intid)
		irq_detach(ch->intid);
	zshm_close(&ch->ep);
}

int zchan_member(const struct zchan *ch, const char *name)
{
	for (uint32_t i = 0; i < ch->ep.geo.member_count; i++) {
		const char *m = fdt_stringlist_get(&ch->fdt, ch->node, "zvm,members", (int)i);

		if (m && strcmp(m, name) == 0)
			return (int)i;
	}
	return -ZE_NOENT;
}

uint32_t zchan_self(const struct zchan *ch)
{
	return ch->ep.self;
}

int64_t zchan_ring(struct zchan *ch, uint32_t peer)
{
	ch->doorbells_rung++;
	return hvc3(ZVM_HC_ZSHM_NOTIFY, ch->id, 1ull << peer);
}

/* Relative ticks left until deadline (0 when passed). */
static uint64_t left_until(uint64_t deadline)
{
	uint64_t now = timer_now();

	return now >= deadline ? 0 : deadline - now;
}

static uint64_t deadline_of(uint64_t timeout)
{
	uint64_t now = timer_now();

	return timeout >= TIMEOUT_FOREVER - now ? TIMEOUT_FOREVER : now + timeout;
}

/* One wait on bell, or one poll interval without a doorbell. */
static int wait_on(struct zchan *ch, struct semaphore *bell, uint64_t timeout)
{
	if (timeout == TIMEOUT_NO_WAIT)
		return -ZE_TIMEOUT;
	if (ch->intid)
		return sem_take(bell, timeout) == 0 ? 0 : -ZE_TIMEOUT;
	ch->polls++;
	if (ch->poll_ticks)
		thread_sleep(ch->poll_ticks < timeout ? ch->poll_ticks : timeout);
	else {
		cpu_relax();
		thread_yield();
	}
	return 0;
}

int zchan_wait(struct zchan *ch, uint64_t timeout)
{
	return wait_on(ch, &ch->recv_bell, timeout);
}

/* What is left of a deadline as a timeout. */
static uint64_t timeout_left(uint64_t deadline)
{
	return deadline == TIMEOUT_FOREVER ? TIMEOUT_FOREVER : left_until(deadline);
}

/* True when a finite deadline has passed. */
static bool expired(uint64_t deadline)
{
	return deadline != TIMEOUT_FOREVER && left_until(deadline) == 0;
}

int zchan_send(struct zchan *ch, uint32_t peer, const void *msg, uint32_t len, uint64_t timeout)
{
	uint64_t deadline = deadline_of(timeout);
	bool bell;
	int rc;

	while ((rc = zshm_send(&ch->ep, peer, msg, len, zchan_counter(), &bell)) == -ZE_AGAIN) {
		if (timeout == TIMEOUT_NO_WAIT)
			return -ZE_AGAIN;
		if (expired(deadline))
			return -ZE_TIMEOUT;
		/* Ask for space, then look again before sleeping (no lost ring).
		 * Without a doorbell nobody could ring us: do not ask. */
		if (ch->intid && zshm_arm_space(&ch->ep, peer))
			continue;
		(void)wait_on(ch, &ch->space_bell, timeout_left(deadline));
	}
	if (rc == 0 && bell)
		(void)zchan_ring(ch, peer);
	return rc;
}

int zchan_recv(struct zchan *ch, uint32_t peer, void *buf, uint32_t cap, uint64_t timeout,
               uint64_t *stamp)
{
	uint64_t deadline = deadline_of(timeout);
	bool bell;
	int n;

	for (;;) {
		n = zshm_recv(&ch->ep, peer, buf, cap, zchan_counter(), &bell);
		if (bell)
			(void)zchan_ring(ch, peer);
		if (n != -ZE_AGAIN)
			break;
		if (timeout == TIMEOUT_NO_WAIT)
			return -ZE_AGAIN;
		if (expired(deadline))
			return -ZE_TIMEOUT;
		/* Without a doorbell we poll, unarmed: a writer's ring could
		 * not reach us and would cost it a hypercall for nothing. */
		if (!ch->intid) {
			(void)wait_on(ch, &ch->recv_bell, timeout_left(deadline));
			continue;
		}
		/* Armed, then one more look: a message published meanwhile
		 * either is seen now or rings us (zshm_need_event()). */
		if (!zshm_arm_recv(&ch->ep, peer))
			(void)wait_on(ch, &ch->recv_bell, timeout_left(deadline));
		zshm_disarm_recv(&ch->ep, peer);
	}
	if (n >= 0 && stamp)
		*stamp = ch->ep.last_stamp;
	return n;
}

uint32_t zchan_pending(const struct zchan *ch, uint32_t peer)
{
	return zshm_pending(&ch->ep, peer);
}

bool zchan_peer_up(const struct zchan *ch, uint32_t peer)
{
	return zshm_peer_up(&ch->ep, peer);
}

uint32_t zchan_peer_epoch(const struct zchan *ch, uint32_t peer)
{
	return zshm_peer_epoch(&ch->ep, peer);
}

bool zchan_peer_changed(struct zchan *ch, uint32_t peer)
{
	return zshm_peer_changed(&ch->ep, peer);
}

int zchan_wait_peer_up(struct zchan *ch, uint32_t peer, uint64_t timeout)
{
	uint64_t deadline = deadline_of(timeout);

	while (!zchan_peer_up(ch, peer)) {
		if (expired(deadline) || timeout == TIMEOUT_NO_WAIT)
			return -ZE_TIMEOUT;
		/* Opening rings nobody: look again after a short sleep. */
		thread_sleep(timer_frequency() / 10000u);
	}
	return 0;
}
