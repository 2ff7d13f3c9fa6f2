UNIT_TESTS += test_vswitch
test_vswitch_SRCS := $(PORTABLE_VSWITCH)
