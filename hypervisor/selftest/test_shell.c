/* The command registry seen from inside: what the network agent will use. */
#include "selftest/ztest.h"
#include "lib/string.h"

struct capture {
	char buf[512];
	size_t len;
};

static void capture_write(void *ctx, const char *s, size_t n)
{
	struct capture *c = ctx;

	while (n-- && c->len + 1 < sizeof(c->buf))
		c->buf[c->len++] = *s++;
	c->buf[c->len] = '\0';
}

ZTEST(shell, registry_is_well_formed)
{
	struct capture out = { .len = 0 };
	struct cmd_io io = { capture_write, &out };

	ZT_CHECK_EQ(cmd_registry_check(&io), 0);
	ztest_figure(ctx, "commands", cmd_count());
}

ZTEST(shell, handlers_write_to_any_io)
{
	struct capture out = { .len = 0 };
	struct cmd_io io = { capture_write, &out };
	char line[] = "uptime";

	ZT_CHECK_EQ(cmd_execute_line(&io, line), CMD_OK);
	ZT_CHECK(!strncmp(out.buf, "up ", 3));
}

ZTEST(shell, errors_reach_the_caller)
{
	struct capture out = { .len = 0 };
	struct cmd_io io = { capture_write, &out };
	char unknown[] = "no-such-command";
	char usage[] = "cpus extra";

	ZT_CHECK_EQ(cmd_execute_line(&io, unknown), CMD_ERR_NOT_FOUND);
	ZT_CHECK(!strncmp(out.buf, "unknown command 'no-such-command'", 33));
	out.len = 0;
	ZT_CHECK_EQ(cmd_execute_line(&io, usage), CMD_ERR_USAGE);
	ZT_CHECK(!strncmp(out.buf, "usage: cpus", 11));
}
