/*
 * The `zvm test` commands of the one registry: list, run, status, results,
 * cancel.  On the serial shell a run hands the terminal to its progress
 * (results appear as they come; Ctrl-C cancels, Ctrl-] leaves it running in
 * the background); any other caller's `run` waits and gets the same lines.
 */
#include "lib/zerror.h"
#include "kernel/shell.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "selftest/ztest_report.h"
#include "selftest/ztest_runner.h"

#define CANCEL_KEY    0x03 /* Ctrl-C */
#define WAIT_SLICE_MS 1000 /* a waiter rechecks the run this often */

/* --- zvm test list [group] --- */

static bool group_seen_before(const struct ztest *t)
{
	for (const struct ztest *u = ztest_first(); u < t; u++) {
		if (!strcmp(u->group, t->group))
			return true;
	}
	return false;
}

static void print_groups(struct cmd_io *io)
{
	for (const struct ztest *t = ztest_first(); t < ztest_end(); t++) {
		if (!group_seen_before(t))
			cmd_printf(io, " %s", t->group);
	}
	cmd_printf(io, "\n");
}

static int cmd_test_list(struct cmd_io *io, int argc, char **argv)
{
	unsigned tests = 0, groups = 0;

	if (argc > 2)
		return CMD_ERR_USAGE;
	for (const struct ztest *t = ztest_first(); t < ztest_end(); t++) {
		if (argc == 2 && strcmp(argv[1], t->group))
			continue;
		cmd_printf(io, "%s.%s\n", t->group, t->name);
		tests++;
		groups += !group_seen_before(t);
	}
	if (!tests) {
		cmd_printf(io, "no group '%s'; groups:", argv[1]);
		print_groups(io);
		return CMD_ERR_FAIL;
	}
	cmd_printf(io, "%u tests in %u group%s\n", tests, groups, groups == 1 ? "" : "s");
	return CMD_OK;
}
CMD_REGISTER(zvm_test_list, "zvm test list", "zvm test list [<group>]",
             "Lists the built-in tests as group.name, all or one group's.", cmd_test_list);

/* --- zvm test run: options --- */

struct run_options {
	const char *selector;
	unsigned repeat;
	uint64_t seed;
	bool borrow; /* the operator lets tests stop VMs for their cores */
};

static int parse_run_options(struct cmd_io *io, int argc, char **argv, struct run_options *o)
{
	uint64_t value;

	*o = (struct run_options){ .repeat = 1, .seed = time_now() };
	for (int i = 1; i < argc; i++) {
		bool repeat = !strcmp(argv[i], "--repeat"), seed = !strcmp(argv[i], "--seed");
		if (!strcmp(argv[i], "--borrow")) {
			o->borrow = true;
			continue;
		}
		if (!repeat && !seed) {
			if (o->selector || argv[i][0] == '-')
				return CMD_ERR_USAGE;
			o->selector = argv[i];
			continue;
		}
		const char *option = argv[i++];
		if (i == argc || !cmd_parse_u64(argv[i], &value)) {
			cmd_printf(io, "%s needs a number\n", option);
			return CMD_ERR_FAIL;
		}
		if (repeat && (value < 1 || value > ZTEST_REPEAT_MAX)) {
			cmd_printf(io, "--repeat takes 1 to %u rounds\n", ZTEST_REPEAT_MAX);
			return CMD_ERR_FAIL;
		}
		if (repeat)
			o->repeat = (unsigned)value;
		else
			o->seed = value;
	}
	return o->selector ? CMD_OK : CMD_ERR_USAGE;
}

/* --- zvm test run: following a run --- */

struct follower {
	unsigned run;  /* its number */
	unsigned next; /* the next result to print */
};

static struct follower shell_follower;

/* Prints what is new; true once the run has ended and all of it is out. */
static bool follow(struct cmd_io *io, struct follower *f)
{
	struct ztest_run_info info;

	ztest_results_info(&info);
	ztest_report_new(io, f->run, &f->next);
	if (info.number != f->run || info.state != ZTEST_RUN_DONE || f->next < info.produced)
		return false;
	ztest_report_summary(io, &info);
	return true;
}

static void follower_input(void *ctx, char c)
{
	(void)ctx;
	if (c == CANCEL_KEY && ztest_results_request_cancel())
		cmd_printf(&console_io, "^C: cancelling after the test that runs now\n");
}

static void follower_drain(void *ctx)
{
	if (follow(&console_io, ctx))
		shell_detach();
}

static void follower_detach(void *ctx)
{
	(void)ctx;
	struct ztest_run_info info;

	ztest_runner_on_progress(0);
	ztest_results_info(&info);
	if (info.state == ZTEST_RUN_ACTIVE)
		cmd_printf(&console_io,
		           "[the run goes on: 'zvm test status', 'zvm test results']\n");
}

static bool follower_waiting(void *ctx)
{
	(void)ctx;
	return false;
}

static const struct shell_attachment follower_attachment = {
	follower_input, follower_drain, follower_detach, follower_waiting, &shell_follower,
};

static int wait_for_run(struct cmd_io *io, unsigned run)
{
	struct follower f = { run, 0 };
	struct ztest_run_info info;

	while (!follow(io, &f))
		ztest_runner_wait(ms_to_ticks(WAIT_SLICE_MS));
	ztest_results_info(&info);
	return info.count[ZTEST_FAIL] || info.cancelled ? CMD_ERR_FAIL : CMD_OK;
}

static int cmd_test_run(struct cmd_io *io, int argc, char **argv)
{
	struct run_options o;
	struct ztest_run_info info;
	int rc = parse_run_options(io, argc, argv, &o);

	if (rc != CMD_OK)
		return rc;
	int run = ztest_runner_start(o.selector, o.repeat, o.seed, o.borrow);
	if (run == -ZE_NOENT) {
		cmd_printf(io, "no test matches '%s'; see 'zvm test list'\n", o.selector);
		return CMD_ERR_FAIL;
	}
	if (run < 0) {
		ztest_results_info(&info);
		cmd_printf(io, "cannot start a run: ");
		ztest_report_status(io, &info);
		return CMD_ERR_FAIL;
	}
	ztest_results_info(&info);
	ztest_report_header(io, &info);
	if (io != &console_io)
		return wait_for_run(io, (unsigned)run);
	shell_follower = (struct follower){ (unsigned)run, 0 };
	ztest_runner_on_progress(shell_wake);
	shell_attach(&follower_attachment);
	shell_wake();
	return CMD_OK;
}
CMD_REGISTER(zvm_test_run, "zvm test run",
             "zvm test run <group|group.name|name|all> [--repeat <n>] [--seed <s>] [--borrow]",
             "Runs built-in tests: one result line each, then a summary. --borrow lets "
             "tests that need cores stop VMs and start them again when the run ends. "
             "On the shell Ctrl-C cancels and Ctrl-] leaves the run going in the "
             "background.",
             cmd_test_run);

/* --- status, results, cancel --- */

static int cmd_test_status(struct cmd_io *io, int argc, char **argv)
{
	struct ztest_run_info info;

	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	ztest_results_info(&info);
	ztest_report_status(io, &info);
	return CMD_OK;
}
CMD_REGISTER(zvm_test_status, "zvm test status", "zvm test status",
             "Shows the test run in progress, or what the last one did.", cmd_test_status);

static int cmd_test_results(struct cmd_io *io, int argc, char **argv)
{
	struct ztest_run_info info;
	unsigned next = 0;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json")))
		return CMD_ERR_USAGE;
	if (argc == 2) {
		ztest_report_json(io);
		return CMD_OK;
	}
	ztest_results_info(&info);
	if (info.state == ZTEST_RUN_NONE) {
		ztest_report_status(io, &info);
		return CMD_OK;
	}
	ztest_report_header(io, &info);
	ztest_report_new(io, info.number, &next);
	if (info.state == ZTEST_RUN_DONE)
		ztest_report_summary(io, &info);
	else
		ztest_report_status(io, &info);
	return CMD_OK;
}
CMD_REGISTER(zvm_test_results, "zvm test results", "zvm test results [--json]",
             "Prints the last run's results, as result lines or as one JSON object.",
             cmd_test_results);

static int cmd_test_cancel(struct cmd_io *io, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	if (!ztest_results_request_cancel()) {
		cmd_printf(io, "no test run is in progress\n");
		return CMD_ERR_FAIL;
	}
	cmd_printf(io, "cancelling: the run stops after the test that runs now\n");
	return CMD_OK;
}
CMD_REGISTER(zvm_test_cancel, "zvm test cancel", "zvm test cancel",
             "Stops the test run in progress after its current test.", cmd_test_cancel);
