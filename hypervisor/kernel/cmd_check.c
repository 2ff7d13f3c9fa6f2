/*
 * Registry self-check.  Commands are registered from many files, so the
 * mistakes the compiler cannot see (a name given twice, a usage that names
 * another command) are found here, at boot and by the unit tests.
 */
#include "kernel/cmd.h"
#include "lib/string.h"

static bool name_well_spaced(const char *name)
{
	char prev = ' '; /* so that a leading space counts as doubled */

	for (const char *p = name; *p; p++) {
		bool printable = *p > ' ' && *p < 0x7f;

		if (!printable && !(*p == ' ' && prev != ' '))
			return false;
		prev = *p;
	}
	return prev != ' ';
}

static bool usage_names(const struct cmd *c)
{
	size_t len = strlen(c->name);

	if (!c->usage)
		return true;
	return strncmp(c->usage, c->name, len) == 0 &&
	       (c->usage[len] == '\0' || c->usage[len] == ' ');
}

static bool named_before(const struct cmd *table, size_t index)
{
	for (size_t j = 0; j < index; j++) {
		if (table[j].name && strcmp(table[j].name, table[index].name) == 0)
			return true;
	}
	return false;
}

static int check_one(struct cmd_io *io, const struct cmd *table, size_t i)
{
	const struct cmd *c = &table[i];
	int problems = 0;

	if (!c->name || !*c->name) {
		cmd_printf(io, "command #%zu has no name\n", i);
		return 1;
	}
	if (strlen(c->name) > CMD_NAME_MAX) {
		cmd_printf(io, "'%s': name longer than %d characters\n", c->name, CMD_NAME_MAX);
		problems++;
	}
	if (!name_well_spaced(c->name)) {
		cmd_printf(io, "'%s': words must be separated by single spaces\n", c->name);
		problems++;
	}
	if (named_before(table, i)) {
		cmd_printf(io, "'%s': registered twice\n", c->name);
		problems++;
	}
	if (!usage_names(c)) {
		cmd_printf(io, "'%s': usage '%s' must start with the name\n", c->name, c->usage);
		problems++;
	}
	if (!c->handler) {
		cmd_printf(io, "'%s': no handler\n", c->name);
		problems++;
	}
	return problems;
}

int cmd_check_table(struct cmd_io *io, const struct cmd *table, size_t n)
{
	int problems = 0;

	for (size_t i = 0; i < n; i++)
		problems += check_one(io, table, i);
	return problems;
}

int cmd_registry_check(struct cmd_io *io)
{
	return cmd_check_table(io, cmd_at(0), cmd_count());
}
