UNIT_TESTS += test_board_dt
test_board_dt_SRCS := $(PORTABLE_BOARD_DT)
include tests/unit/fixtures/fixtures.mk
$(HOSTBUILD)/test_board_dt: $(UNIT_FIXTURE_DTBS)
$(HOSTBUILD)/test_board_dt: HOST_CFLAGS += -DFIXTURE_DIR='"$(CURDIR)/$(UNIT_FIXTURE_DIR)"'
