UNIT_TESTS += test_vmid
test_vmid_SRCS := hypervisor/vmm/vmid.c
