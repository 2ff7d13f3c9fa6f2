UNIT_TESTS += test_vuart
test_vuart_SRCS := $(PORTABLE_VUART)
