FUZZ_TARGETS += net_stack
net_stack_SRCS := $(sort $(PORTABLE_NETSTACK) $(PORTABLE_VSWITCH))
