/*
 * The board's NIC, driven by ZVM itself: on QEMU virt a virtio-mmio
 * `virtio-net-device` (make run gives one on QEMU's user network), found
 * among the board devicetree's virtio,mmio nodes like the disk and driven
 * with virtio_netdrv.c.  It is the virtual switch's uplink port
 * (net_service.c); nothing else calls it.
 *
 * Who runs what: the interrupt (routed to ZVM's core) only acknowledges
 * the device and calls the notify hook (the switch thread's wake-up);
 * receiving and sending run on the switch thread alone, under its mutex.
 */
#ifndef DRIVERS_BOARD_NIC_H
#define DRIVERS_BOARD_NIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/virtio_netdrv.h"

/* Finds and starts the NIC (boot, ZVM's core); no NIC is no error. */
void board_nic_init(void);
bool board_nic_present(void);
/* Called from the interrupt when the device used buffers (may be NULL). */
void board_nic_set_notify(void (*fn)(void));
/* The switch thread: up to max received frames to fn; how many came. */
unsigned board_nic_rx(vnetdrv_rx_fn fn, void *ctx, unsigned max);
/* The switch thread: one frame out; 0 or -ZE_* (dropped, counted). */
int board_nic_tx(const uint8_t *frame, size_t len);

/* What `net` shows. */
struct board_nic_info {
	uint64_t base;
	uint32_t intid;
	bool has_mac;
	uint8_t mac[ETH_ALEN];
	struct vnetdrv_stats stats;
	uint64_t interrupts, bogus_used;
};
void board_nic_get_info(struct board_nic_info *out);

#endif
