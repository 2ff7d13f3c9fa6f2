UNIT_TESTS += test_json
test_json_SRCS := $(PORTABLE_JSON) $(PORTABLE_ZERROR)
