UNIT_TESTS += test_vgic_redist
test_vgic_redist_SRCS := hypervisor/vgic/vgic.c hypervisor/vgic/vgic_queue.c \
	hypervisor/vgic/vgic_regs.c hypervisor/vgic/vgic_dist.c hypervisor/vgic/vgic_redist.c
