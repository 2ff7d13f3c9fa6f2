/*
 * The built-in "help" command: the one place a user learns what the shell
 * (or the agent, through the same handler) can do.
 */
#include "kernel/cmd.h"
#include "lib/string.h"

/* Usages longer than this push their help text right instead of aligning. */
#define HELP_USAGE_COLUMN_MAX 32

static int usage_column(void)
{
	size_t widest = 0;

	for (size_t i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		size_t len = strlen(c->usage ? c->usage : c->name);

		if (len > widest)
			widest = len;
	}
	return widest > HELP_USAGE_COLUMN_MAX ? HELP_USAGE_COLUMN_MAX : (int)widest;
}

/* Only the first line of a help text fits in the overview. */
static int first_line_len(const char *text)
{
	const char *nl = strchr(text, '\n');

	return nl ? (int)(nl - text) : (int)strlen(text);
}

static void list_all(struct cmd_io *io)
{
	int column = usage_column();

	cmd_printf(io, "commands:\n");
	for (const struct cmd *c = cmd_next_sorted(NULL); c; c = cmd_next_sorted(c)) {
		const char *help = c->help ? c->help : "";

		cmd_printf(io, "  %-*s  %.*s\n", column, c->usage ? c->usage : c->name,
		           first_line_len(help), help);
	}
}

static int describe(struct cmd_io *io, int argc, char **argv)
{
	int words, depth;
	const struct cmd *c = cmd_lookup(argc, argv, &words);

	if (c && words == argc) {
		cmd_printf(io, "usage: %s\n", c->usage ? c->usage : c->name);
		if (c->help && *c->help)
			cmd_printf(io, "%s\n", c->help);
		return CMD_OK;
	}
	depth = cmd_group_depth(argc, argv);
	if (depth == argc) {
		cmd_write(io, "'", 1);
		cmd_print_words(io, argc, argv);
		cmd_printf(io, "' commands:\n");
		cmd_print_group(io, depth, argv);
		return CMD_OK;
	}
	cmd_printf(io, "help: no command '");
	cmd_print_words(io, argc, argv);
	cmd_printf(io, "'; type 'help' for a list\n");
	return CMD_ERR_NOT_FOUND;
}

static int help_handler(struct cmd_io *io, int argc, char **argv)
{
	if (argc == 1) {
		list_all(io);
		return CMD_OK;
	}
	return describe(io, argc - 1, argv + 1);
}

CMD_REGISTER(help, "help", "help [<command>]", "Lists the commands, or shows how to use one.",
             help_handler);
