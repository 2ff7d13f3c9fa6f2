UNIT_TESTS += test_ram_clean
test_ram_clean_SRCS := hypervisor/kernel/ram_clean.c
