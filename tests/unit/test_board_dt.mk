UNIT_TESTS += test_board_dt
test_board_dt_SRCS := hypervisor/kernel/board_dt.c hypervisor/kernel/board_dt_dev.c \
	lib/fdt.c lib/fdt_path.c lib/fdt_prop.c lib/fdt_search.c lib/format.c
include tests/unit/fixtures/fixtures.mk
$(HOSTBUILD)/test_board_dt: $(UNIT_FIXTURE_DTBS)
$(HOSTBUILD)/test_board_dt: HOST_CFLAGS += -DFIXTURE_DIR='"$(CURDIR)/$(UNIT_FIXTURE_DIR)"'
