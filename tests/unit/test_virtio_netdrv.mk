UNIT_TESTS += test_virtio_netdrv
test_virtio_netdrv_SRCS := $(sort $(PORTABLE_VIRTIO_NETDRV) $(PORTABLE_VIRTIO_NET))
