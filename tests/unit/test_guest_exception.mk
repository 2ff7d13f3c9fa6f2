UNIT_TESTS += test_guest_exception
test_guest_exception_SRCS := $(PORTABLE_GUEST_EXCEPTION)
