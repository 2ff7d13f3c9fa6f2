UNIT_TESTS += test_netstack
test_netstack_SRCS := $(PORTABLE_NETSTACK)
