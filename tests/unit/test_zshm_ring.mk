UNIT_TESTS += test_zshm_ring
test_zshm_ring_SRCS := $(PORTABLE_ZSHM)
# The stress test runs a real writer thread and a real reader thread.
$(HOSTBUILD)/test_zshm_ring: HOST_CFLAGS += -pthread
