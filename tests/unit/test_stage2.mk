UNIT_TESTS += test_stage2
test_stage2_SRCS := $(PORTABLE_STAGE2)
