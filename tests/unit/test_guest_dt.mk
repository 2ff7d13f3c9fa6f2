UNIT_TESTS += test_guest_dt
test_guest_dt_SRCS := $(PORTABLE_GUEST_DT)
