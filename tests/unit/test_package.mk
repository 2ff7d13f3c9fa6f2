UNIT_TESTS += test_package
test_package_SRCS := hypervisor/vmm/package.c hypervisor/vmm/package_build.c \
	lib/crc32.c lib/format.c
