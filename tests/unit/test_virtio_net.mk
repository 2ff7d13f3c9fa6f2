UNIT_TESTS += test_virtio_net
test_virtio_net_SRCS := $(PORTABLE_VIRTIO_NET)
