FUZZ_TARGETS += mmio_abort
mmio_abort_SRCS := $(PORTABLE_MMIO)
