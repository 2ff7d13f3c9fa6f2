UNIT_TESTS += test_mmio
test_mmio_SRCS := $(PORTABLE_MMIO)
