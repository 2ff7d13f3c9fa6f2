UNIT_TESTS += test_vgic_queue
test_vgic_queue_SRCS := hypervisor/vgic/vgic.c hypervisor/vgic/vgic_queue.c \
	hypervisor/vgic/vgic_regs.c hypervisor/vgic/vgic_dist.c hypervisor/vgic/vgic_redist.c
