UNIT_TESTS += test_vgic_storm
test_vgic_storm_SRCS := $(PORTABLE_VGIC)
