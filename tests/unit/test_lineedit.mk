UNIT_TESTS += test_lineedit
test_lineedit_SRCS := hypervisor/kernel/lineedit.c \
	hypervisor/kernel/lineedit_history.c hypervisor/kernel/lineedit_complete.c \
	lib/format.c
