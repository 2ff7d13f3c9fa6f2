UNIT_TESTS += test_virtio_blk
test_virtio_blk_SRCS := $(sort $(PORTABLE_VIRTIO_BLK) $(PORTABLE_VIRTIO_DRV) $(PORTABLE_CRC32))
