UNIT_TESTS += test_page_alloc
test_page_alloc_SRCS := $(PORTABLE_PAGE_ALLOC) $(PORTABLE_ZERROR)
