UNIT_TESTS += test_vgic_queue
test_vgic_queue_SRCS := $(PORTABLE_VGIC)
