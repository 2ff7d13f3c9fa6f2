/*
 * The machine every VM sees: the same addresses as QEMU's virt board, so
 * that one guest binary runs natively on QEMU and unchanged under ZVM, and
 * guests find everything through the devicetree ZVM generates for them.
 */
#ifndef VMM_GUEST_LAYOUT_H
#define VMM_GUEST_LAYOUT_H

#define GUEST_GICD_BASE     0x08000000ull
#define GUEST_GICD_SIZE     0x00010000ull
#define GUEST_GICR_BASE     0x080a0000ull
#define GUEST_GICR_STRIDE   0x00020000ull /* RD_base + SGI_base per vCPU */
#define GUEST_UART_BASE     0x09000000ull /* emulated PL011 */
#define GUEST_UART_SIZE     0x00001000ull
/* The time base page (zvm/timebase.h), read-only: where QEMU virt puts
 * KVM's stolen-time region, free on the board ZVM copies. */
#define GUEST_TIMEBASE_BASE 0x090a0000ull
#define GUEST_TIMEBASE_SIZE 0x00001000ull
#define GUEST_VIRTIO_BASE   0x0a000000ull /* virtio-mmio slots */
#define GUEST_VIRTIO_STRIDE 0x00000200ull
#define GUEST_VIRTIO_SLOTS  32 /* QEMU virt's transports, SPIs 16..47 */
#define GUEST_RAM_BASE      0x40000000ull
/* Zshm channels, one after the other (64 KiB aligned), in QEMU virt's PCIe
 * MMIO window: a guest of ZVM has no PCI host bridge. */
#define GUEST_ZSHM_BASE     0x10000000ull
#define GUEST_ZSHM_SIZE     0x10000000ull
#define GUEST_ZSHM_ALIGN    0x10000ull

#define GUEST_MAX_VCPUS 8

/* INTIDs (GICv3: SGIs 0-15, PPIs 16-31, SPIs from 32). */
#define GUEST_INTID_MAINT      25  /* GICv3 maintenance, PPI 9 */
#define GUEST_INTID_HYP_TIMER  26  /* PPI 10 */
#define GUEST_INTID_VIRT_TIMER 27  /* PPI 11 */
#define GUEST_INTID_SEC_TIMER  29  /* PPI 13 */
#define GUEST_INTID_PHYS_TIMER 30  /* PPI 14 */
#define GUEST_INTID_UART       33  /* SPI 1 */
#define GUEST_INTID_VIRTIO0    48  /* SPI 16, one per slot */
#define GUEST_INTID_ZSHM0      112 /* SPI 80, a doorbell per channel (8) */
#define GUEST_SPI_COUNT        96  /* INTIDs 32..127 */

#endif
