UNIT_TESTS += test_format
test_format_SRCS := $(PORTABLE_FORMAT)
$(HOSTBUILD)/test_format: HOST_CFLAGS += -Wno-format -Wno-format-extra-args
