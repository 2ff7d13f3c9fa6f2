UNIT_TESTS += test_virtq
test_virtq_SRCS := $(PORTABLE_VIRTQ)
