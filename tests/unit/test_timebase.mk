UNIT_TESTS += test_timebase
test_timebase_SRCS := $(PORTABLE_TIMEBASE)
# The seqcount stress runs a real writer thread against a real reader.
$(HOSTBUILD)/test_timebase: HOST_CFLAGS += -pthread
