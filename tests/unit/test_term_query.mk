UNIT_TESTS += test_term_query
test_term_query_SRCS := $(PORTABLE_TERM_QUERY)
