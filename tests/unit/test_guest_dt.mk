UNIT_TESTS += test_guest_dt
test_guest_dt_SRCS := hypervisor/vmm/guest_dt.c \
	lib/fdt_write.c lib/fdt_write_prop.c \
	lib/fdt.c lib/fdt_path.c lib/fdt_prop.c lib/fdt_search.c lib/format.c \
	hypervisor/kernel/board_dt.c hypervisor/kernel/board_dt_dev.c
