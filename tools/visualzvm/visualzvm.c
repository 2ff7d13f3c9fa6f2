/*
 * visualzvm: serves the dashboard and relays between it and ZVM's agent.
 *
 *   visualzvm [--target serial:<path>|udp://<host>:<port>] [--console serial:<path>]
 *             [--key-file <file>] [--port <n>] [--web <dir>] [--metrics-ms <n>]
 *             [--timeout <ms>]
 *
 * The key file is zvmctl's (key, client-id, target).  Calls and events go
 * over the target; the console is the target's line when that is serial,
 * or --console's beside a udp:// target (the Ethernet for control, the
 * UART for the shell and the boot log).  The page and its
 * WebSocket are on 127.0.0.1 only.  ZVM runs on whatever happens here.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "visualzvm.h"

#define DEFAULT_PORT       7580
#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_CLIENT_ID  2 /* zvmctl's default is 1: another replay window */

static void usage(void)
{
	fprintf(stderr, "usage: visualzvm [--target serial:<path>|udp://<host>:<port>] "
	                "[--console serial:<path>] [--key-file <file>] [--port <n>] "
	                "[--web <dir>] [--metrics-ms <n>] [--timeout <ms>]\n");
	exit(EXIT_USAGE);
}

static unsigned long number(const char *s, unsigned long lo, unsigned long hi)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		usage();
	return v;
}

static void parse(int argc, char **argv, struct vz_options *o, const char **key_file,
                  const char **target)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 >= argc)
			usage();
		const char *v = argv[++i];
		if (!strcmp(a, "--target"))
			*target = v;
		else if (!strcmp(a, "--console"))
			snprintf(o->console, sizeof(o->console), "%s", v);
		else if (!strcmp(a, "--key-file"))
			*key_file = v;
		else if (!strcmp(a, "--port"))
			o->port = (unsigned)number(v, 1, 65535);
		else if (!strcmp(a, "--web"))
			snprintf(o->web_dir, sizeof(o->web_dir), "%s", v);
		else if (!strcmp(a, "--metrics-ms"))
			o->metrics_ms = (unsigned)number(v, 250, 60000);
		else if (!strcmp(a, "--timeout"))
			o->timeout_ms = (int)number(v, 100, 600000);
		else
			usage();
	}
}

int main(int argc, char **argv)
{
	static struct vz_options o = { .port = DEFAULT_PORT,
		                       .metrics_ms = VZ_METRICS_MS_DEFAULT,
		                       .timeout_ms = DEFAULT_TIMEOUT_MS };
	const char *key_file = NULL, *target = NULL;
	char default_key[512];

	o.cfg.client = DEFAULT_CLIENT_ID;
	parse(argc, argv, &o, &key_file, &target);
	if (!key_file) {
		const char *home = getenv("HOME");
		snprintf(default_key, sizeof(default_key), "%s/.config/zvmctl", home ? home : ".");
		key_file = default_key;
	}
	if (config_read(key_file, &o.cfg, key_file != default_key))
		return EXIT_USAGE;
	if (target)
		snprintf(o.cfg.target, sizeof(o.cfg.target), "%s", target);
	if (!o.cfg.has_key || !o.cfg.target[0]) {
		fprintf(stderr, "visualzvm: needs a key and a target (--key-file, --target)\n");
		return EXIT_USAGE;
	}
	if (o.console[0] && strncmp(o.console, "serial:", 7)) {
		fprintf(stderr, "visualzvm: --console takes serial:<path>\n");
		return EXIT_USAGE;
	}
	if (!o.web_dir[0])
		snprintf(o.web_dir, sizeof(o.web_dir), "web");
	signal(SIGPIPE, SIG_IGN); /* a closed line is read as such, not a death */
	outbox_init(web_wake);
	if (inbox_init() || link_thread_start(&o))
		return EXIT_LINK;
	return web_run(&o) ? EXIT_LINK : EXIT_OK;
}
