UNIT_TESTS += test_vgic_maint
test_vgic_maint_SRCS := $(PORTABLE_VGIC)
