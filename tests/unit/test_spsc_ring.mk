UNIT_TESTS += test_spsc_ring
test_spsc_ring_SRCS := $(PORTABLE_SPSC_RING)
# The stress test runs a real producer thread and a real consumer thread.
$(HOSTBUILD)/test_spsc_ring: HOST_CFLAGS += -pthread
