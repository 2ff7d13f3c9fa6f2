UNIT_TESTS += test_vgic_redist
test_vgic_redist_SRCS := $(PORTABLE_VGIC)
