UNIT_TESTS += test_virtio_console
test_virtio_console_SRCS := $(PORTABLE_VIRTIO_CONSOLE)
