UNIT_TESTS += test_vgic_sgi
test_vgic_sgi_SRCS := $(PORTABLE_VGIC)
