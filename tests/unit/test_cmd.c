/*
 * Host tests of the command registry: commands are registered in this test
 * program itself, through the same linker section ZVM uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/cmd.h"
#include "kernel/lineedit.h"

#define OUT_CAP       8192
#define ARG_CAP       64
#define COMMANDS_HERE 7 /* six below plus the built-in help */

/* Everything the commands print. */
static char out[OUT_CAP];
static size_t out_len;

static void capture(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	assert_true(out_len + n < OUT_CAP);
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = '\0';
}

static struct cmd_io io = { .write = capture, .ctx = NULL };

/* What the last handler saw. */
static struct {
	int calls;
	const char *handler;
	int argc;
	char argv[CMD_MAX_ARGS][ARG_CAP];
} seen;

static void record(const char *handler, int argc, char **argv)
{
	seen.calls++;
	seen.handler = handler;
	seen.argc = argc;
	for (int i = 0; i < argc && i < CMD_MAX_ARGS; i++)
		snprintf(seen.argv[i], ARG_CAP, "%s", argv[i]);
	assert_null(argv[argc]);
}

static int reset(void **state)
{
	(void)state;
	memset(&seen, 0, sizeof(seen));
	out_len = 0;
	out[0] = '\0';
	return 0;
}

/* Runs a line from a writable copy, as the shell does with its buffer. */
static int run(const char *text)
{
	char line[512];

	snprintf(line, sizeof(line), "%s", text);
	reset(NULL);
	return cmd_execute_line(&io, line);
}

static int echo_handler(struct cmd_io *cio, int argc, char **argv)
{
	record("echo", argc, argv);
	for (int i = 1; i < argc; i++)
		cmd_printf(cio, "[%s]", argv[i]);
	cmd_printf(cio, "\n");
	return CMD_OK;
}

/* Returns its argument, so that result codes can be followed through. */
static int exit_handler(struct cmd_io *cio, int argc, char **argv)
{
	int code;

	record("exit", argc, argv);
	if (argc != 2 || !cmd_parse_int(argv[1], &code))
		return CMD_ERR_USAGE;
	if (code < 0)
		cmd_printf(cio, "exit: failing with %d\n", code);
	return code;
}

static int list_handler(struct cmd_io *cio, int argc, char **argv)
{
	(void)cio;
	record("zvm list", argc, argv);
	return CMD_OK;
}

static int info_handler(struct cmd_io *cio, int argc, char **argv)
{
	(void)cio;
	record("zvm info", argc, argv);
	return argc == 2 ? CMD_OK : CMD_ERR_USAGE;
}

static int test_list_handler(struct cmd_io *cio, int argc, char **argv)
{
	(void)cio;
	record("zvm test list", argc, argv);
	return CMD_OK;
}

static int test_run_handler(struct cmd_io *cio, int argc, char **argv)
{
	(void)cio;
	record("zvm test run", argc, argv);
	return CMD_OK;
}

CMD_REGISTER(echo, "echo", "echo [<word>...]", "print the arguments", echo_handler);
CMD_REGISTER(exit, "exit", "exit <code>", "return <code>", exit_handler);
CMD_REGISTER(zvm_list, "zvm list", "zvm list", "list the VMs", list_handler);
CMD_REGISTER(zvm_info, "zvm info", "zvm info <vm>", "show one VM\nits state, cores and memory",
             info_handler);
CMD_REGISTER(zvm_test_list, "zvm test list", "zvm test list", "list the built-in tests",
             test_list_handler);
CMD_REGISTER(zvm_test_run, "zvm test run", "zvm test run <group|name|all>", "run built-in tests",
             test_run_handler);

static void assert_seen(const char *handler, int argc, const char *const *argv)
{
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.handler, handler);
	assert_int_equal(seen.argc, argc);
	for (int i = 0; i < argc; i++)
		assert_string_equal(seen.argv[i], argv[i]);
}

static void test_registry_is_consistent(void **state)
{
	(void)state;
	assert_int_equal(cmd_count(), COMMANDS_HERE);
	assert_int_equal(cmd_registry_check(&io), 0);
	assert_int_equal(out_len, 0);
	assert_non_null(cmd_find("zvm list"));
	assert_string_equal(cmd_find("zvm info")->usage, "zvm info <vm>");
	assert_null(cmd_find("zvm"));
	assert_null(cmd_find("zvm  list"));
	assert_null(cmd_at(COMMANDS_HERE));
}

static void test_sorted_walk_visits_each_once(void **state)
{
	static const char *const order[] = {
		"echo", "exit", "help", "zvm info", "zvm list", "zvm test list", "zvm test run",
	};
	size_t n = 0;

	(void)state;
	for (const struct cmd *c = cmd_next_sorted(NULL); c; c = cmd_next_sorted(c)) {
		assert_true(n < COMMANDS_HERE);
		assert_string_equal(c->name, order[n]);
		n++;
	}
	assert_int_equal(n, COMMANDS_HERE);
}

static void test_single_word_dispatch(void **state)
{
	static const char *const argv[] = { "echo", "a", "b" };

	(void)state;
	assert_int_equal(run("echo a b"), CMD_OK);
	assert_seen("echo", 3, argv);
	assert_string_equal(out, "[a][b]\n");
}

static void test_multi_word_dispatch(void **state)
{
	static const char *const list[] = { "zvm list" };
	static const char *const info[] = { "zvm info", "vm1" };
	static const char *const tests[] = { "zvm test run", "all", "x" };

	(void)state;
	assert_int_equal(run("zvm list"), CMD_OK);
	assert_seen("zvm list", 1, list);
	assert_int_equal(run("  zvm \t info   vm1 "), CMD_OK);
	assert_seen("zvm info", 2, info);
	assert_int_equal(run("zvm test run all x"), CMD_OK);
	assert_seen("zvm test run", 3, tests);
	/* A quoted name is one token, not two command words. */
	assert_int_equal(run("\"zvm list\""), CMD_ERR_NOT_FOUND);
	assert_int_equal(seen.calls, 0);
}

static void test_quoting_and_escapes(void **state)
{
	static const char *const argv[] = {
		"echo", "a b", "c d", "e f", "x\"y", "it\\s", "", "premidpost", "tab\there",
	};

	(void)state;
	assert_int_equal(run("echo \"a b\" 'c d' e\\ f \"x\\\"y\" 'it\\s' \"\""
	                     " pre\"mid\"'post' tab\"\t\"here"),
	                 CMD_OK);
	assert_seen("echo", 9, argv);
	assert_string_equal(out, "[a b][c d][e f][x\"y][it\\s][][premidpost]"
	                         "[tab\there]\n");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	assert_int_equal(run("echo \"abc"), CMD_ERR_SYNTAX);
	assert_string_equal(out, "syntax error: unterminated double quote\n");
	assert_int_equal(run("echo 'abc"), CMD_ERR_SYNTAX);
	assert_string_equal(out, "syntax error: unterminated single quote\n");
	assert_int_equal(run("echo \"ab\\"), CMD_ERR_SYNTAX);
	assert_string_equal(out, "syntax error: unterminated double quote\n");
	assert_int_equal(run("echo ab\\"), CMD_ERR_SYNTAX);
	assert_string_equal(out, "syntax error: backslash at the end of the line\n");
	assert_int_equal(seen.calls, 0);
}

static void test_argument_limit(void **state)
{
	(void)state;
	/* Sixteen tokens in all are fine, seventeen are not. */
	assert_int_equal(run("echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"), CMD_OK);
	assert_int_equal(seen.argc, CMD_MAX_ARGS);
	assert_string_equal(seen.argv[15], "15");
	assert_int_equal(run("echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"), CMD_ERR_SYNTAX);
	assert_string_equal(out, "too many arguments (at most 16)\n");
	assert_int_equal(seen.calls, 0);
}

static void test_empty_line_does_nothing(void **state)
{
	(void)state;
	assert_int_equal(run(""), CMD_OK);
	assert_int_equal(run(" \t  "), CMD_OK);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(out_len, 0);
}

static void test_unknown_command(void **state)
{
	(void)state;
	assert_int_equal(run("foo bar"), CMD_ERR_NOT_FOUND);
	assert_string_equal(out, "unknown command 'foo'; type 'help' for a list\n");
	assert_int_equal(seen.calls, 0);
}

static void test_group_prefix_lists_subcommands(void **state)
{
	static const char *const zvm_group = "  zvm info <vm>\n"
	                                     "  zvm list\n"
	                                     "  zvm test list\n"
	                                     "  zvm test run <group|name|all>\n";
	char expect[512];

	(void)state;
	assert_int_equal(run("zvm"), CMD_ERR_USAGE);
	snprintf(expect, sizeof(expect), "'zvm' needs a subcommand, one of:\n%s", zvm_group);
	assert_string_equal(out, expect);

	assert_int_equal(run("zvm bogus 1"), CMD_ERR_NOT_FOUND);
	snprintf(expect, sizeof(expect), "'zvm' has no subcommand 'bogus'; one of:\n%s", zvm_group);
	assert_string_equal(out, expect);

	assert_int_equal(run("zvm test nope"), CMD_ERR_NOT_FOUND);
	assert_string_equal(out, "'zvm test' has no subcommand 'nope'; one of:\n"
	                         "  zvm test list\n"
	                         "  zvm test run <group|name|all>\n");
	assert_int_equal(seen.calls, 0);
}

static void test_usage_error_prints_usage(void **state)
{
	(void)state;
	assert_int_equal(run("zvm info"), CMD_ERR_USAGE);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(out, "usage: zvm info <vm>\n");
	assert_int_equal(run("exit twelve"), CMD_ERR_USAGE);
	assert_string_equal(out, "usage: exit <code>\n");
}

static void test_handler_result_is_returned(void **state)
{
	(void)state;
	assert_int_equal(run("exit 7"), 7);
	assert_int_equal(out_len, 0);
	assert_int_equal(run("exit -1"), CMD_ERR_FAIL);
	/* A failure's message is the handler's; the registry adds nothing. */
	assert_string_equal(out, "exit: failing with -1\n");
}

static void test_execute_argv_skips_tokenizing(void **state)
{
	char w0[] = "zvm", w1[] = "info", w2[] = "my \"vm\"";
	char *argv[] = { w0, w1, w2, NULL };
	static const char *const expect[] = { "zvm info", "my \"vm\"" };

	reset(state);
	assert_int_equal(cmd_execute_argv(&io, 3, argv), CMD_OK);
	assert_seen("zvm info", 2, expect);
	assert_int_equal(cmd_execute_argv(&io, 0, argv), CMD_OK);
	assert_int_equal(seen.calls, 1);
}

static void test_help_lists_every_command_sorted(void **state)
{
	(void)state;
	assert_int_equal(run("help"), CMD_OK);
	/* The usage column is as wide as the widest usage, 29 characters. */
	assert_string_equal(
	        out,
	        "commands:\n"
	        "  echo [<word>...]               print the arguments\n"
	        "  exit <code>                    return <code>\n"
	        "  help [<command>]               Lists the commands, or shows how to use one.\n"
	        "  zvm info <vm>                  show one VM\n"
	        "  zvm list                       list the VMs\n"
	        "  zvm test list                  list the built-in tests\n"
	        "  zvm test run <group|name|all>  run built-in tests\n");
}

static void test_help_for_one_command(void **state)
{
	(void)state;
	assert_int_equal(run("help zvm info"), CMD_OK);
	assert_string_equal(out, "usage: zvm info <vm>\n"
	                         "show one VM\nits state, cores and memory\n");
	assert_int_equal(run("help help"), CMD_OK);
	assert_string_equal(out, "usage: help [<command>]\n"
	                         "Lists the commands, or shows how to use one.\n");
	assert_int_equal(run("help zvm test"), CMD_OK);
	assert_string_equal(out, "'zvm test' commands:\n"
	                         "  zvm test list\n"
	                         "  zvm test run <group|name|all>\n");
	assert_int_equal(run("help zvm nope"), CMD_ERR_NOT_FOUND);
	assert_string_equal(out, "help: no command 'zvm nope'; type 'help' for a list\n");
	assert_int_equal(run("help zvm info extra"), CMD_ERR_NOT_FOUND);
}

static int nop_handler(struct cmd_io *cio, int argc, char **argv)
{
	(void)cio;
	(void)argc;
	(void)argv;
	return CMD_OK;
}

static void test_check_reports_bad_tables(void **state)
{
	static const struct cmd good[] = {
		{ "a", NULL, NULL, nop_handler },
		{ "a b", "a b <x>", "", nop_handler },
	};
	static const struct cmd bad[] = {
		{ "", "", "", nop_handler },
		{ "dup", "dup", "", nop_handler },
		{ "dup", "dup", "", nop_handler },
		{ " lead", " lead", "", nop_handler },
		{ "two  spaces", "two  spaces", "", nop_handler },
		{ "tab\tsep", "tab\tsep", "", nop_handler },
		{ "trail ", "trail ", "", nop_handler },
		{ "named", "other <x>", "", nop_handler },
		{ "named2", "named2x", "", nop_handler },
		{ "nohandler", "nohandler", "", NULL },
		{ "a-name-that-is-much-longer-than-forty-seven-chars", NULL, "", nop_handler },
	};

	reset(state);
	assert_int_equal(cmd_check_table(&io, good, 2), 0);
	assert_int_equal(out_len, 0);
	assert_int_equal(cmd_check_table(&io, bad, 11), 10);
	assert_string_equal(out, "command #0 has no name\n"
	                         "'dup': registered twice\n"
	                         "' lead': words must be separated by single spaces\n"
	                         "'two  spaces': words must be separated by single spaces\n"
	                         "'tab\tsep': words must be separated by single spaces\n"
	                         "'trail ': words must be separated by single spaces\n"
	                         "'named': usage 'other <x>' must start with the name\n"
	                         "'named2': usage 'named2x' must start with the name\n"
	                         "'nohandler': no handler\n"
	                         "'a-name-that-is-much-longer-than-forty-seven-chars': name "
	                         "longer than 47 characters\n");
}

static void test_parse_u64_accepts(void **state)
{
	static const struct {
		const char *text;
		uint64_t value;
	} cases[] = {
		{ "0", 0 },
		{ "42", 42 },
		{ "0x1f", 0x1f },
		{ "0X1F", 0x1f },
		{ "4K", 4096 },
		{ "4k", 4096 },
		{ "2M", 2u << 20 },
		{ "3g", 3ull << 30 },
		{ "0x10M", 16u << 20 },
		{ "18446744073709551615", UINT64_MAX },
		{ "0xffffffffffffffff", UINT64_MAX },
		{ "17179869183G", 17179869183ull << 30 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 1;

		assert_true(cmd_parse_u64(cases[i].text, &v));
		assert_true(v == cases[i].value);
	}
}

static void test_parse_u64_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"x",
		"12x",
		"0x",
		"0xg",
		"-1",
		"+1",
		" 1",
		"1 ",
		"4KB",
		"K",
		"1.5",
		"18446744073709551616",
		"0x10000000000000000",
		"17179869184G",
		"99999999999999999999",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 1234;

		assert_false(cmd_parse_u64(bad[i], &v));
		assert_true(v == 1234);
	}
	assert_false(cmd_parse_u64(NULL, NULL));
}

static void test_parse_int(void **state)
{
	static const struct {
		const char *text;
		int value;
	} good[] = {
		{ "0", 0 },
		{ "-5", -5 },
		{ "+7", 7 },
		{ "0x10", 16 },
		{ "-0x10", -16 },
		{ "2147483647", 2147483647 },
		{ "-2147483648", -2147483647 - 1 },
	};
	static const char *const bad[] = {
		"", "-", "+", "2147483648", "-2147483649", "1.5", "5K", "--1", "0x80000000", "abc",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int v = 99;

		assert_true(cmd_parse_int(good[i].text, &v));
		assert_int_equal(v, good[i].value);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int v = 99;

		assert_false(cmd_parse_int(bad[i], &v));
		assert_int_equal(v, 99);
	}
}

/* Completion candidates joined by commas. */
static char completions[256];

static void collect(void *sink, const char *word, size_t n)
{
	size_t used = strlen(completions);

	assert_ptr_equal(sink, completions);
	snprintf(completions + used, sizeof(completions) - used, "%s%.*s", used ? "," : "", (int)n,
	         word);
}

/* The shell hands cmd_complete to the line editor: the types must agree. */
static const lineedit_complete_fn complete_fn = cmd_complete;

static size_t complete(const char *line)
{
	completions[0] = '\0';
	return complete_fn(line, strlen(line), collect, completions);
}

static void test_complete_command_words(void **state)
{
	(void)state;
	assert_int_equal(complete(""), 4);
	assert_string_equal(completions, "echo,exit,help,zvm");
	assert_int_equal(complete("e"), 2);
	assert_string_equal(completions, "echo,exit");
	assert_int_equal(complete("ec"), 1);
	assert_string_equal(completions, "echo");
	assert_int_equal(complete("zvm "), 3);
	assert_string_equal(completions, "info,list,test");
	assert_int_equal(complete("  zvm\t l"), 1);
	assert_string_equal(completions, "list");
	assert_int_equal(complete("zvm test "), 2);
	assert_string_equal(completions, "list,run");
	assert_int_equal(complete("zvm test run "), 0);
	assert_int_equal(complete("zvm nope "), 0);
	assert_int_equal(complete("q"), 0);
	/* Only the text before the cursor counts. */
	completions[0] = '\0';
	assert_int_equal(cmd_complete("zvm li", 4, collect, completions), 3);
	assert_string_equal(completions, "info,list,test");
}

static void test_printf_longer_than_its_chunk(void **state)
{
	char big[300];

	reset(state);
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(cmd_printf(&io, "<%s>%d", big, 42), (int)sizeof(big) - 1 + 4);
	assert_int_equal(out_len, sizeof(big) - 1 + 4);
	assert_int_equal(out[0], '<');
	assert_string_equal(out + sizeof(big), ">42");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_registry_is_consistent, reset),
		cmocka_unit_test(test_sorted_walk_visits_each_once),
		cmocka_unit_test(test_single_word_dispatch),
		cmocka_unit_test(test_multi_word_dispatch),
		cmocka_unit_test(test_quoting_and_escapes),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_argument_limit),
		cmocka_unit_test(test_empty_line_does_nothing),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_group_prefix_lists_subcommands),
		cmocka_unit_test(test_usage_error_prints_usage),
		cmocka_unit_test(test_handler_result_is_returned),
		cmocka_unit_test(test_execute_argv_skips_tokenizing),
		cmocka_unit_test(test_help_lists_every_command_sorted),
		cmocka_unit_test(test_help_for_one_command),
		cmocka_unit_test(test_check_reports_bad_tables),
		cmocka_unit_test(test_parse_u64_accepts),
		cmocka_unit_test(test_parse_u64_rejects),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_complete_command_words),
		cmocka_unit_test(test_printf_longer_than_its_chunk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
