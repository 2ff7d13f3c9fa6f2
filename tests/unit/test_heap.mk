UNIT_TESTS += test_heap
test_heap_SRCS := hypervisor/kernel/heap.c
