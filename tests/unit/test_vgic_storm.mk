UNIT_TESTS += test_vgic_storm
test_vgic_storm_SRCS := hypervisor/vgic/vgic.c hypervisor/vgic/vgic_queue.c \
	hypervisor/vgic/vgic_regs.c hypervisor/vgic/vgic_dist.c hypervisor/vgic/vgic_redist.c
