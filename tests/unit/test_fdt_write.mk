UNIT_TESTS += test_fdt_write
test_fdt_write_SRCS := $(PORTABLE_FDT_WRITE)
