UNIT_TESTS += test_logring
test_logring_SRCS := hypervisor/kernel/logring.c
