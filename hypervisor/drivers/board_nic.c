/*
 * The board's virtio-net NIC, driven by ZVM.  See board_nic.h.
 */
#include "drivers/board_nic.h"

#include "drivers/gicv3.h"
#include "drivers/mmio.h"
#include "kernel/board_dt.h"
#include "kernel/boot.h"
#include "kernel/irq.h"
#include "kernel/irq_priority.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/percpu.h"
#include "lib/string.h"
#include "lib/zerror.h"
#include "vdev/virtio_defs.h"

/* ZVM's core takes the NIC's interrupt, as it runs the switch thread. */
#define NIC_CPU 0u

static struct {
	bool present;
	uint64_t base;
	uint32_t intid;
	struct vdrv drv;
	struct vnetdrv net;
	void (*notify)(void);
	uint64_t interrupts;
} nic;

static uint32_t nic_read32(void *ctx, uint32_t off)
{
	return mmio_read32((uintptr_t)ctx + off);
}

static void nic_write32(void *ctx, uint32_t off, uint32_t value)
{
	mmio_write32((uintptr_t)ctx + off, value);
}

static enum irq_result nic_irq(unsigned intid, void *arg)
{
	(void)intid;
	(void)arg;
	/* Acknowledged before the switch thread looks: a buffer used after
	 * this raises the interrupt again, so none waits unseen. */
	if (vdrv_interrupt_ack(&nic.drv)) {
		nic.interrupts++;
		void (*fn)(void) = __atomic_load_n(&nic.notify, __ATOMIC_ACQUIRE);
		if (fn)
			fn();
	}
	return IRQ_HANDLED;
}

/* 3.1.1 on one candidate window: 0 when it is a NIC and now runs. */
static int start_nic(const struct board_virtio *v)
{
	struct vdrv_io io = { nic_read32, nic_write32, (void *)(uintptr_t)v->reg.base };
	int rc = vdrv_probe(&nic.drv, &io, VIRTIO_ID_NET);

	if (rc)
		return rc;
	void *mem = kmalloc_aligned(vnetdrv_mem_bytes(), VNETDRV_MEM_ALIGN);
	if (!mem) {
		vdrv_fail(&nic.drv);
		return -ZE_NOMEM;
	}
	rc = vnetdrv_start(&nic.net, &nic.drv, mem);
	if (rc)
		return rc;
	nic.base = v->reg.base;
	nic.intid = v->intid;
	return 0;
}

void board_nic_init(void)
{
	for (unsigned i = 0; i < board.virtio_count && !nic.present; i++) {
		if (start_nic(&board.virtio[i]) == 0)
			nic.present = true;
	}
	if (!nic.present) {
		log_msg(LOG_INFO, "board nic: none (no virtio-net among %u virtio-mmio slots)",
		        board.virtio_count);
		return;
	}
	irq_register(nic.intid, nic_irq, 0, "board-nic");
	gic_set_priority(nic.intid, IRQ_PRIO_DEVICE);
	gic_route_spi(nic.intid, cpu_data(NIC_CPU)->mpidr);
	gic_enable_irq(nic.intid);
	const uint8_t *m = nic.net.mac;
	log_msg(LOG_INFO,
	        "board nic: virtio-net at 0x%llx, INTID %u, mac %02x:%02x:%02x:%02x:%02x:%02x, "
	        "%u receive buffers",
	        (unsigned long long)nic.base, nic.intid, m[0], m[1], m[2], m[3], m[4], m[5],
	        VNETDRV_QUEUE_SIZE);
}

bool board_nic_present(void)
{
	return nic.present;
}

void board_nic_set_notify(void (*fn)(void))
{
	__atomic_store_n(&nic.notify, fn, __ATOMIC_RELEASE);
}

unsigned board_nic_rx(vnetdrv_rx_fn fn, void *ctx, unsigned max)
{
	if (!nic.present)
		return 0;
	vnetdrv_tx_reclaim(&nic.net);
	return vnetdrv_rx(&nic.net, fn, ctx, max);
}

int board_nic_tx(const uint8_t *frame, size_t len)
{
	if (!nic.present)
		return -ZE_STATE;
	return vnetdrv_tx(&nic.net, frame, len);
}

void board_nic_get_info(struct board_nic_info *out)
{
	out->base = nic.base;
	out->intid = nic.intid;
	out->has_mac = nic.net.has_mac;
	memcpy(out->mac, nic.net.mac, ETH_ALEN);
	out->stats = nic.net.stats;
	out->interrupts = nic.interrupts;
	out->bogus_used = nic.net.rxq.bogus_used + nic.net.txq.bogus_used;
}
