UNIT_TESTS += test_fdt_write
test_fdt_write_SRCS := lib/fdt_write.c lib/fdt_write_prop.c \
	lib/fdt.c lib/fdt_path.c lib/fdt_prop.c lib/fdt_search.c
