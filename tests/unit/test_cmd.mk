UNIT_TESTS += test_cmd
test_cmd_SRCS := hypervisor/kernel/cmd.c hypervisor/kernel/cmd_words.c \
	hypervisor/kernel/cmd_parse.c hypervisor/kernel/cmd_check.c \
	hypervisor/kernel/cmd_complete.c hypervisor/kernel/cmd_help.c \
	lib/format.c
