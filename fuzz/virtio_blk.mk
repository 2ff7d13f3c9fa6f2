FUZZ_TARGETS += virtio_blk
virtio_blk_SRCS := $(PORTABLE_VIRTIO_BLK)
