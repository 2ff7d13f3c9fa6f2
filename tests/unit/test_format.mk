UNIT_TESTS += test_format
test_format_SRCS := lib/format.c
$(HOSTBUILD)/test_format: HOST_CFLAGS += -Wno-format -Wno-format-extra-args
