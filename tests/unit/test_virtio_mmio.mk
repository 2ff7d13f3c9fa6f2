UNIT_TESTS += test_virtio_mmio
test_virtio_mmio_SRCS := $(PORTABLE_VIRTIO_MMIO)
