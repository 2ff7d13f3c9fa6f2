UNIT_TESTS += test_page_alloc
test_page_alloc_SRCS := hypervisor/kernel/page_alloc.c
