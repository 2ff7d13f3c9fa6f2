UNIT_TESTS += test_esr
test_esr_SRCS := $(PORTABLE_ESR)
