UNIT_TESTS += test_esr
test_esr_SRCS := hypervisor/arch/arm64/esr.c lib/format.c
