UNIT_TESTS += test_lineedit
test_lineedit_SRCS := $(PORTABLE_LINEEDIT)
