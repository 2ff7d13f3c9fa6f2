UNIT_TESTS += test_fdt
test_fdt_SRCS := $(PORTABLE_FDT)
include tests/unit/fixtures/fixtures.mk
$(HOSTBUILD)/test_fdt: $(UNIT_FIXTURE_DTBS)
$(HOSTBUILD)/test_fdt: HOST_CFLAGS += -DFIXTURE_DIR='"$(CURDIR)/$(UNIT_FIXTURE_DIR)"'
