UNIT_TESTS += test_logring
test_logring_SRCS := $(PORTABLE_LOGRING)
