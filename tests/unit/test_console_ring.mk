UNIT_TESTS += test_console_ring
test_console_ring_SRCS := $(PORTABLE_CONSOLE_RING)
