UNIT_TESTS += test_heap
test_heap_SRCS := $(PORTABLE_HEAP) $(PORTABLE_ZERROR)
