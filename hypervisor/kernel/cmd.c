/*
 * The command registry and its dispatcher.
 *
 * Commands live in the zvm_cmds linker section, so adding one is a single
 * CMD_REGISTER in the file that implements it: no central table to edit.
 * The registry is small (tens of commands), so sorted walks are simple
 * quadratic scans instead of a sort that would need memory.
 */
#include <stdarg.h>

#include "kernel/cmd.h"
#include "kernel/cmd_words.h"
#include "lib/format.h"
#include "lib/string.h"

/* Output is formatted into this much stack before each write call. */
#define CMD_PRINTF_CHUNK 64

/* Weak, so that a program without any command still links. */
extern const struct cmd __start_zvm_cmds[] __attribute__((weak));
extern const struct cmd __stop_zvm_cmds[] __attribute__((weak));

size_t cmd_count(void)
{
	if (!__start_zvm_cmds)
		return 0;
	return (size_t)(__stop_zvm_cmds - __start_zvm_cmds);
}

const struct cmd *cmd_at(size_t index)
{
	return index < cmd_count() ? &__start_zvm_cmds[index] : NULL;
}

/* Orders by name, ties (a duplicate name) by position, so walks never loop. */
static bool cmd_before(const struct cmd *a, const struct cmd *b)
{
	int diff = strcmp(a->name, b->name);

	return diff < 0 || (diff == 0 && a < b);
}

const struct cmd *cmd_next_sorted(const struct cmd *prev)
{
	const struct cmd *best = NULL;

	for (size_t i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);

		if (prev && !cmd_before(prev, c))
			continue;
		if (!best || cmd_before(c, best))
			best = c;
	}
	return best;
}

const struct cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < cmd_count(); i++) {
		if (strcmp(cmd_at(i)->name, name) == 0)
			return cmd_at(i);
	}
	return NULL;
}

const struct cmd *cmd_lookup(int argc, char *const *argv, int *words)
{
	const struct cmd *best = NULL;
	int best_words = 0;

	for (size_t i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		int n = cmd_words_count(c->name);

		if (n > best_words && n <= argc && cmd_words_match(c->name, argc, argv) == n) {
			best = c;
			best_words = n;
		}
	}
	if (words)
		*words = best_words;
	return best;
}

int cmd_group_depth(int argc, char *const *argv)
{
	int depth = 0;

	for (size_t i = 0; i < cmd_count(); i++) {
		const char *name = cmd_at(i)->name;
		int matched = cmd_words_match(name, argc, argv);

		if (matched > depth && matched < cmd_words_count(name))
			depth = matched;
	}
	return depth;
}

static const char *usage_of(const struct cmd *c)
{
	return c->usage ? c->usage : c->name;
}

void cmd_print_group(struct cmd_io *io, int depth, char *const *argv)
{
	for (const struct cmd *c = cmd_next_sorted(NULL); c; c = cmd_next_sorted(c)) {
		if (cmd_words_match(c->name, depth, argv) == depth)
			cmd_printf(io, "  %s\n", usage_of(c));
	}
}

void cmd_print_words(struct cmd_io *io, int n, char *const *argv)
{
	for (int i = 0; i < n; i++)
		cmd_printf(io, "%s%s", i ? " " : "", argv[i]);
}

/* Explains an unknown command; the group is listed when there is one. */
static int report_unknown(struct cmd_io *io, int argc, char *const *argv)
{
	int depth = cmd_group_depth(argc, argv);

	if (depth == 0) {
		cmd_printf(io, "unknown command '%s'; type 'help' for a list\n", argv[0]);
		return CMD_ERR_NOT_FOUND;
	}
	cmd_write(io, "'", 1);
	cmd_print_words(io, depth, argv);
	if (depth == argc)
		cmd_printf(io, "' needs a subcommand, one of:\n");
	else
		cmd_printf(io, "' has no subcommand '%s'; one of:\n", argv[depth]);
	cmd_print_group(io, depth, argv);
	return depth == argc ? CMD_ERR_USAGE : CMD_ERR_NOT_FOUND;
}

int cmd_execute_argv(struct cmd_io *io, int argc, char **argv)
{
	char name[CMD_NAME_MAX + 1];
	char *args[CMD_MAX_ARGS + 1];
	const struct cmd *c;
	int words, nargs, ret;
	size_t name_len;

	if (argc <= 0)
		return CMD_OK;
	c = cmd_lookup(argc, argv, &words);
	if (!c)
		return report_unknown(io, argc, argv);
	nargs = argc - words + 1;
	if (nargs > CMD_MAX_ARGS) {
		cmd_printf(io, "too many arguments (at most %d)\n", CMD_MAX_ARGS);
		return CMD_ERR_SYNTAX;
	}
	/* A private copy: handlers may write to every argv[i], argv[0] too. */
	name_len = strnlen(c->name, CMD_NAME_MAX);
	memcpy(name, c->name, name_len);
	name[name_len] = '\0';
	args[0] = name;
	for (int i = 1; i < nargs; i++)
		args[i] = argv[words + i - 1];
	args[nargs] = NULL;
	ret = c->handler(io, nargs, args);
	if (ret == CMD_ERR_USAGE)
		cmd_printf(io, "usage: %s\n", usage_of(c));
	return ret;
}

int cmd_execute_line(struct cmd_io *io, char *line)
{
	char *argv[CMD_MAX_ARGS + 1];
	int argc = cmd_tokenize(io, line, argv, CMD_MAX_ARGS);

	if (argc < 0)
		return argc;
	return cmd_execute_argv(io, argc, argv);
}

void cmd_write(struct cmd_io *io, const char *s, size_t n)
{
	if (n)
		io->write(io->ctx, s, n);
}

struct printf_chunk {
	struct cmd_io *io;
	char buf[CMD_PRINTF_CHUNK];
	size_t used;
};

static void chunk_emit(void *ctx, char c)
{
	struct printf_chunk *ch = ctx;

	if (ch->used == sizeof(ch->buf)) {
		cmd_write(ch->io, ch->buf, ch->used);
		ch->used = 0;
	}
	ch->buf[ch->used++] = c;
}

int cmd_printf(struct cmd_io *io, const char *fmt, ...)
{
	struct printf_chunk ch = { .io = io, .used = 0 };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(chunk_emit, &ch, fmt, ap);
	va_end(ap);
	cmd_write(io, ch.buf, ch.used);
	return n;
}
