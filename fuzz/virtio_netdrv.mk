FUZZ_TARGETS += virtio_netdrv
virtio_netdrv_SRCS := $(sort $(PORTABLE_VIRTIO_NETDRV) $(PORTABLE_VIRTIO_NET))
