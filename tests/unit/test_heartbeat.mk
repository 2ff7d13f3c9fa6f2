UNIT_TESTS += test_heartbeat
test_heartbeat_SRCS := $(PORTABLE_HEARTBEAT)
