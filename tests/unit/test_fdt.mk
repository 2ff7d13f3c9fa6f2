UNIT_TESTS += test_fdt
test_fdt_SRCS := lib/fdt.c lib/fdt_path.c lib/fdt_prop.c lib/fdt_search.c
include tests/unit/fixtures/fixtures.mk
$(HOSTBUILD)/test_fdt: $(UNIT_FIXTURE_DTBS)
$(HOSTBUILD)/test_fdt: HOST_CFLAGS += -DFIXTURE_DIR='"$(CURDIR)/$(UNIT_FIXTURE_DIR)"'
