UNIT_TESTS += test_console_ring
test_console_ring_SRCS := hypervisor/vdev/console_ring.c
