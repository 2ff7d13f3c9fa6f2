UNIT_TESTS += test_vgic_storm
test_vgic_storm_SRCS := hypervisor/vmm/vgic.c hypervisor/vmm/vgic_queue.c \
	hypervisor/vmm/vgic_regs.c hypervisor/vmm/vgic_dist.c hypervisor/vmm/vgic_redist.c
