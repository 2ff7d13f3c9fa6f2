UNIT_TESTS += test_vgic_spis
test_vgic_spis_SRCS := $(PORTABLE_VGIC)
