UNIT_TESTS += test_vgic_timer
test_vgic_timer_SRCS := $(PORTABLE_VGIC)
