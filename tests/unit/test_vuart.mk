UNIT_TESTS += test_vuart
test_vuart_SRCS := hypervisor/vdev/vuart.c
