UNIT_TESTS += test_stage2
test_stage2_SRCS := hypervisor/arch/arm64/stage2.c hypervisor/arch/arm64/stage2_unmap.c
