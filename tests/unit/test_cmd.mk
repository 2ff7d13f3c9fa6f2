UNIT_TESTS += test_cmd
test_cmd_SRCS := $(PORTABLE_CMD)
