UNIT_TESTS += test_package
test_package_SRCS := $(PORTABLE_PACKAGE)
