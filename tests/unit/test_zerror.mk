UNIT_TESTS += test_zerror
test_zerror_SRCS := $(PORTABLE_ZERROR)
