FUZZ_TARGETS += virtio_console
virtio_console_SRCS := $(PORTABLE_VIRTIO_CONSOLE)
