/*
 * VIRTIO 1.2 (OASIS, 2022) constants the transport and the virtqueue walker
 * use, each with its section.  Defined here once; the backends include it.
 */
#ifndef VDEV_VIRTIO_DEFS_H
#define VDEV_VIRTIO_DEFS_H

/* 2.1 Device Status Field. */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01u
#define VIRTIO_STATUS_DRIVER      0x02u
#define VIRTIO_STATUS_DRIVER_OK   0x04u
#define VIRTIO_STATUS_FEATURES_OK 0x08u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED      0x80u

/* 6 Reserved Feature Bits (bit numbers). */
#define VIRTIO_F_INDIRECT_DESC 28u
#define VIRTIO_F_EVENT_IDX     29u
#define VIRTIO_F_VERSION_1     32u

/* 5 Device Types: the Device ID register. */
#define VIRTIO_ID_NET     1u
#define VIRTIO_ID_BLOCK   2u
#define VIRTIO_ID_CONSOLE 3u

/* 2.7.5 The Virtqueue Descriptor Table: flags. */
#define VIRTQ_DESC_F_NEXT          0x1u
#define VIRTQ_DESC_F_WRITE         0x2u
#define VIRTQ_DESC_F_INDIRECT      0x4u
/* 2.7.6 The Virtqueue Available Ring: flags. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 0x1u
/* 2.7.8 The Virtqueue Used Ring: flags. */
#define VIRTQ_USED_F_NO_NOTIFY     0x1u

/* 2.7 Split Virtqueues: sizes and alignment of the three parts. */
#define VIRTQ_DESC_SIZE      16u /* addr(8) len(4) flags(2) next(2) */
#define VIRTQ_DESC_ALIGN     16u
#define VIRTQ_AVAIL_ALIGN    2u
#define VIRTQ_USED_ALIGN     4u
#define VIRTQ_USED_ELEM_SIZE 8u     /* id(4) len(4) */
#define VIRTQ_RING_HEADER    4u     /* flags(2) idx(2) */
#define VIRTQ_MAX_SIZE       32768u /* 2.7: Queue Size at most 32768 */

/* 4.2.2 MMIO Device Register Layout (offsets, all 32 bits wide). */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000u
#define VIRTIO_MMIO_VERSION             0x004u
#define VIRTIO_MMIO_DEVICE_ID           0x008u
#define VIRTIO_MMIO_VENDOR_ID           0x00cu
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010u
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014u
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020u
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024u
#define VIRTIO_MMIO_QUEUE_SEL           0x030u
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034u
#define VIRTIO_MMIO_QUEUE_NUM           0x038u
#define VIRTIO_MMIO_QUEUE_READY         0x044u
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050u
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060u
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064u
#define VIRTIO_MMIO_STATUS              0x070u
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080u
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084u
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090u
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094u
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0u
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4u
#define VIRTIO_MMIO_SHM_SEL             0x0acu
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0u
#define VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4u
#define VIRTIO_MMIO_SHM_BASE_LOW        0x0b8u
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bcu
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fcu
#define VIRTIO_MMIO_CONFIG              0x100u /* device-specific space */

#define VIRTIO_MMIO_MAGIC          0x74726976u /* "virt" little-endian */
#define VIRTIO_MMIO_VERSION_MODERN 2u          /* 4.2.2: non-legacy */
/* 4.2.2 InterruptStatus bits. */
#define VIRTIO_MMIO_INT_VRING      0x1u /* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG     0x2u /* configuration change */
/* 4.2.2: ShmLen reads as all ones when the region does not exist. */
#define VIRTIO_MMIO_SHM_NONE       0xffffffffu

/* 5.2 Block Device.  5.2.3 Feature bits (bit numbers). */
#define VIRTIO_BLK_F_SIZE_MAX   1u
#define VIRTIO_BLK_F_SEG_MAX    2u
#define VIRTIO_BLK_F_RO         5u
#define VIRTIO_BLK_F_BLK_SIZE   6u
#define VIRTIO_BLK_F_FLUSH      9u
/* 5.2.4 struct virtio_blk_config: offsets of the fields we use. */
#define VIRTIO_BLK_CFG_CAPACITY 0u  /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8u  /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX  12u /* le32 */
#define VIRTIO_BLK_CFG_BLK_SIZE 20u /* le32 */
#define VIRTIO_BLK_CFG_SIZE     24u /* through blk_size: what we expose */
/* 5.2.6: the sector field always counts 512-byte units. */
#define VIRTIO_BLK_SECTOR_SIZE  512u
/* 5.2.6 struct virtio_blk_req: le32 type, le32 reserved, le64 sector. */
#define VIRTIO_BLK_REQ_HDR_SIZE 16u
#define VIRTIO_BLK_T_IN         0u
#define VIRTIO_BLK_T_OUT        1u
#define VIRTIO_BLK_T_FLUSH      4u
#define VIRTIO_BLK_T_GET_ID     8u
#define VIRTIO_BLK_ID_BYTES     20u /* 5.2.6: GET_ID's string, not NUL-terminated when full */
#define VIRTIO_BLK_S_OK         0u
#define VIRTIO_BLK_S_IOERR      1u
#define VIRTIO_BLK_S_UNSUPP     2u

/* 5.1 Network Device (the driver in the guest RTOS shares these).
 * 5.1.2 Virtqueues: receiveq1, transmitq1 (no control queue, no MQ). */
#define VIRTIO_NET_RXQ 0u
#define VIRTIO_NET_TXQ 1u

/* 5.1.3 Feature bits. */
#define VIRTIO_NET_F_MAC    5u
#define VIRTIO_NET_F_STATUS 16u

/* 5.1.4 struct virtio_net_config: mac[6], status (le16), max_virtqueue_pairs (le16). */
#define VIRTIO_NET_CONFIG_SIZE     10u
#define VIRTIO_NET_CONFIG_STATUS   6u
#define VIRTIO_NET_S_LINK_UP       1u
/* 5.1.6: struct virtio_net_hdr with VERSION_1 (num_buffers always there). */
#define VIRTIO_NET_HDR_SIZE        12u
#define VIRTIO_NET_HDR_FLAGS       0u  /* u8 flags */
#define VIRTIO_NET_HDR_GSO_TYPE    1u  /* u8 gso_type */
#define VIRTIO_NET_HDR_NUM_BUFFERS 10u /* le16 num_buffers */
#define VIRTIO_NET_HDR_GSO_NONE    0u

#endif
