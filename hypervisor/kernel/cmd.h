/*
 * ZVM's one command registry (DESIGN.md section 3).
 *
 * Every operation is one handler registered with CMD_REGISTER.  The serial
 * shell, the JSON-RPC agent and the self-test runner all reach it through
 * cmd_execute_line() or cmd_execute_argv(); a handler never knows which of
 * them called it, it only writes to the struct cmd_io it is given.
 *
 * A command name may have several words separated by single spaces
 * ("zvm list"): the dispatcher picks the command with the most words that
 * equal the first tokens of the line.  Its usage string is the whole
 * synopsis, name included ("zvm info <vm>").
 */
#ifndef KERNEL_CMD_H
#define KERNEL_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Tokens on one line, command words included. */
#define CMD_MAX_ARGS 16
/* Longest command name (all words), excluding the terminating NUL. */
#define CMD_NAME_MAX 47

/* Handler and dispatcher results. */
#define CMD_OK            0
#define CMD_ERR_FAIL      (-1) /* the handler printed why */
#define CMD_ERR_USAGE     (-2) /* the registry prints "usage: ..." */
#define CMD_ERR_NOT_FOUND (-3) /* no such command or subcommand */
#define CMD_ERR_SYNTAX    (-4) /* the line could not be tokenized */

/* Where a handler's output goes: the UART, a reply buffer, a test log. */
struct cmd_io {
	void (*write)(void *ctx, const char *s, size_t n);
	void *ctx;
};

struct cmd {
	const char *name;
	const char *usage;
	const char *help;
	int (*handler)(struct cmd_io *io, int argc, char **argv);
};

/*
 * Places a command in the zvm_cmds section.  GNU ld defines
 * __start_zvm_cmds/__stop_zvm_cmds around it for hosted programs; ZVM's
 * linker script defines them itself and KEEPs the section.  The alignment
 * makes the section a plain array of struct cmd.
 */
#define CMD_REGISTER(ident, cmd_name, cmd_usage, cmd_help, cmd_handler)    \
	static const struct cmd cmd_entry_##ident                          \
	        __attribute__((used, section("zvm_cmds"), aligned(8))) = { \
		        .name = (cmd_name),                                \
		        .usage = (cmd_usage),                              \
		        .help = (cmd_help),                                \
		        .handler = (cmd_handler),                          \
	        }

int cmd_printf(struct cmd_io *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_write(struct cmd_io *io, const char *s, size_t n);
/* Prints argv[0..n) separated by single spaces. */
void cmd_print_words(struct cmd_io *io, int n, char *const *argv);

/*
 * Tokenizes line in place and runs the command.  Returns the handler's
 * result, 0 for an empty line, or a CMD_ERR_* of the registry's own (after
 * printing why).
 */
int cmd_execute_line(struct cmd_io *io, char *line);
/* The same for callers that already have arguments (the network agent). */
int cmd_execute_argv(struct cmd_io *io, int argc, char **argv);

/*
 * Splits line in place: spaces and tabs separate, "..." and '...' group,
 * a backslash escapes the next character (also inside "...", never inside
 * '...').  Returns the number of tokens, or CMD_ERR_SYNTAX after printing
 * the reason to io.  argv[result] is set to NULL, so argv needs max + 1
 * slots.
 */
int cmd_tokenize(struct cmd_io *io, char *line, char **argv, int max);

/* The registry, in link order. */
size_t cmd_count(void);
const struct cmd *cmd_at(size_t index);
/* Iterates by name: cmd_next_sorted(NULL) is the first. */
const struct cmd *cmd_next_sorted(const struct cmd *prev);
/* The command whose name is exactly name, or NULL. */
const struct cmd *cmd_find(const char *name);
/*
 * The command with the most name words equal to argv[0..]; *words gets how
 * many tokens its name used.  NULL when none matches.
 */
const struct cmd *cmd_lookup(int argc, char *const *argv, int *words);
/*
 * How many leading tokens name a group of multi-word commands ("zvm" of
 * "zvm list"): the most that equal the first words of a command whose name
 * goes on beyond them.  0 when they name no group.
 */
int cmd_group_depth(int argc, char *const *argv);
/* Lists, with their usage, the commands whose first depth words are argv's. */
void cmd_print_group(struct cmd_io *io, int depth, char *const *argv);

/*
 * Reports, for each command in table[0..n), a name that is empty, too long,
 * badly spaced or given twice, a usage that does not start with the name,
 * or a missing handler.  Returns the number of problems.
 */
int cmd_check_table(struct cmd_io *io, const struct cmd *table, size_t n);
int cmd_registry_check(struct cmd_io *io);

/*
 * Argument helpers.  Both return false for anything but a whole, in-range
 * number.  cmd_parse_u64 takes decimal or 0x hex with an optional K, M or G
 * (binary) suffix; cmd_parse_int takes an optional sign and decimal or hex.
 */
bool cmd_parse_u64(const char *s, uint64_t *out);
bool cmd_parse_int(const char *s, int *out);

/*
 * Completion for the line editor: line[0..len) is the text before the
 * cursor.  Calls add once per command word that can follow the complete
 * words already typed and starts with the word being typed, in name order
 * and without repeats.  Returns the number of candidates.  Its type matches
 * lineedit_complete_fn.
 */
size_t cmd_complete(const char *line, size_t len,
                    void (*add)(void *sink, const char *word, size_t n), void *sink);

#endif
