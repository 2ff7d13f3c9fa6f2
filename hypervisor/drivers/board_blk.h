/*
 * The board's block device, driven by ZVM itself: on QEMU virt a
 * virtio-mmio `virtio-blk-device` (make run's build/disk.img), found among
 * the board devicetree's virtio,mmio nodes and driven with virtio_drv.c.
 * VMs see partitions of it (vm_virtio_blk.c), never the whole disk.
 *
 * Runs on ZVM's core: one request at a time (a mutex), the caller's thread
 * sleeping until the device's interrupt says it is done.
 */
#ifndef DRIVERS_BOARD_BLK_H
#define DRIVERS_BOARD_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "vdev/virtio_blk.h"

/* Finds and starts the disk (boot, ZVM's core); no disk is no error. */
void board_blk_init(void);
/* Whether the board has a disk, its size in 512-byte sectors, its features. */
bool board_blk_present(void);
uint64_t board_blk_sectors(void);
bool board_blk_read_only(void);
bool board_blk_can_flush(void);
/*
 * Moves the iov (device addresses, a whole number of sectors, at most
 * VIRTIO_BLK_SEG_MAX pieces) from/to sector.  0, -ZE_INVAL (range, no
 * disk), -ZE_TIMEOUT (the device did not answer), -ZE_CORRUPT (it said
 * IOERR).  Sleeps: a thread on ZVM's core only.
 */
int board_blk_rw(bool write, uint64_t sector, const struct blk_iov *iov, unsigned n);
/* Makes every completed write durable (VIRTIO_BLK_T_FLUSH); 0 or as above. */
int board_blk_flush(void);

/* What `zvm disk` shows. */
struct board_blk_stats {
	uint64_t requests, bytes_read, bytes_written, flushes, errors, timeouts, interrupts;
};
void board_blk_get_stats(struct board_blk_stats *out);
/* The window it was found at (0 when none). */
uint64_t board_blk_base(void);

#endif
