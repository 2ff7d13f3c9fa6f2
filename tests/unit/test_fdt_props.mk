UNIT_TESTS += test_fdt_props
test_fdt_props_SRCS := $(PORTABLE_FDT)
include tests/unit/fixtures/fixtures.mk
$(HOSTBUILD)/test_fdt_props: $(UNIT_FIXTURE_DTBS)
$(HOSTBUILD)/test_fdt_props: HOST_CFLAGS += -DFIXTURE_DIR='"$(CURDIR)/$(UNIT_FIXTURE_DIR)"'
