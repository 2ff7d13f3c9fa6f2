FUZZ_TARGETS += virtio_net
virtio_net_SRCS := $(PORTABLE_VIRTIO_NET)
