UNIT_TESTS += test_vgic_dist
test_vgic_dist_SRCS := $(PORTABLE_VGIC)
