UNIT_TESTS += test_fdt_props
test_fdt_props_SRCS := lib/fdt.c lib/fdt_path.c lib/fdt_prop.c lib/fdt_search.c
include tests/unit/fixtures/fixtures.mk
$(HOSTBUILD)/test_fdt_props: $(UNIT_FIXTURE_DTBS)
$(HOSTBUILD)/test_fdt_props: HOST_CFLAGS += -DFIXTURE_DIR='"$(CURDIR)/$(UNIT_FIXTURE_DIR)"'
