/*
 * zvmctl: ZVM's command line on the PC (docs/protocol.md, "zvmctl").
 *
 *   zvmctl [options] list | info <vm> | start|pause|resume|shutdown|stop|
 *          restart|delete <vm> | create -t <template> -c <vcpus> -m <MiB>
 *          [-n <name>] [-C <core,...>] | test list [<group>] | test run <selector>
 *          [--repeat <n>] [--seed <s>] [--borrow] | test status | test results |
 *          test cancel |
 *          log [-n <records>] [--since <seq>] | metrics | top [-d <ms>]
 *          [-n <rounds>] | agent |
 *          call <method> [<params object>] | events [--metrics-ms <n>]
 *          [--count <n>] [--wait-ms <n>]
 *   options: --target serial:<path> (a unix socket or a tty) or
 *            udp://<host>:<port> (the agent on ZVM's network), --key-file
 *            <file> (default ~/.config/zvmctl), --client-id <n>, --json,
 *            --timeout <ms>, --seq <n>, -v (console text to stderr)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zvmctl.h"

#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_ATTEMPTS   3
#define TEST_POLL_MS       500

static struct client client;
static bool json_output;

static void usage(void)
{
	fprintf(stderr,
	        "usage: zvmctl [--target serial:<path>|udp://<host>:<port>] [--key-file <file>] "
	        "[--client-id <n>]\n"
	        "              [--json] [--timeout <ms>] [--seq <n>] [-v] <command>\n"
	        "commands: list | info <vm> | create -t <template> -c <vcpus> -m <MiB> [-n "
	        "<name>] [-C <core,...>]\n"
	        "          start|pause|resume|shutdown|stop|restart|delete <vm>\n"
	        "          test list [<group>] | test run <selector> [--repeat <n>] [--seed <s>] "
	        "[--borrow]\n"
	        "          test status | test results | test cancel\n"
	        "          log [-n <records>] [--since <seq>]\n"
	        "          metrics | top [-d <ms>] [-n <rounds>] | agent\n"
	        "          call <method> [<params object>]\n"
	        "          events [--metrics-ms <n>] [--count <n>] [--wait-ms <n>]\n"
	        "exit: 0 done, 1 refused by ZVM (or a test failed), 2 usage, 3 no link or no "
	        "reply,\n"
	        "      4 unauthenticated or replayed, 5 protocol error\n");
}

bool parse_number(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s)
		return false;
	*out = strtoull(s, &end, 0);
	return *end == '\0';
}

/* Calls method and prints its result; the exit code. */
static int run(const char *command, const char *method, const char *params)
{
	int result;
	int rc = client_call(&client, method, params, &result);

	if (rc != EXIT_OK)
		return rc;
	if (json_output) {
		const struct json_token *t = &client.doc.tok[result];
		size_t quotes = t->type == JSON_STRING ? 1 : 0;
		printf("%.*s\n", (int)(t->len + 2 * quotes), client.doc.text + t->start - quotes);
	} else {
		print_result(command, &client.doc, result);
	}
	return EXIT_OK;
}

static int vm_command(const char *verb, int argc, char **argv)
{
	static const char *const verbs[] = { "info",     "start", "pause",   "resume",
		                             "shutdown", "stop",  "restart", "delete" };
	char method[32], params[128];
	struct json_writer w;

	if (argc != 1)
		return -1;
	for (unsigned i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verb, verbs[i]))
			continue;
		snprintf(method, sizeof(method), "zvm.%s", verb);
		json_writer_init(&w, params, sizeof(params));
		json_object_begin(&w);
		json_member_string(&w, "vm", argv[0]);
		json_object_end(&w);
		if (!json_writer_ok(&w))
			return -1;
		return run(verb, method, params);
	}
	return -2;
}

static int create_command(int argc, char **argv)
{
	char params[256];
	struct json_writer w;
	uint64_t n;

	json_writer_init(&w, params, sizeof(params));
	json_object_begin(&w);
	for (int i = 0; i + 1 < argc; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];
		if (!strcmp(o, "-t") || !strcmp(o, "-n") || !strcmp(o, "-C")) {
			json_member_string(&w,
			                   o[1] == 't' ? "template" :
			                   o[1] == 'n' ? "name" :
			                                 "cores",
			                   v);
		} else if ((!strcmp(o, "-c") || !strcmp(o, "-m")) && parse_number(v, &n)) {
			json_member_u64(&w, o[1] == 'c' ? "vcpus" : "memory_mib", n);
		} else {
			return -1;
		}
	}
	json_object_end(&w);
	if (argc % 2 || !json_writer_ok(&w))
		return -1;
	return run("create", "zvm.create", params);
}

static int test_status(const char *method, char *state, size_t cap, uint64_t *failed)
{
	int result;
	int rc = client_call(&client, method, NULL, &result);

	if (rc)
		return rc;
	json_get_string(&client.doc, json_member(&client.doc, result, "state"), state, cap);
	json_get_u64(&client.doc, json_member(&client.doc, result, "failed"), failed);
	return 0;
}

/* Starts a run, polls its status until it is done, prints its results. */
static int test_run(int argc, char **argv)
{
	char params[256], state[16] = "";
	struct json_writer w;
	uint64_t n, failed = 0;
	int result;

	json_writer_init(&w, params, sizeof(params));
	json_object_begin(&w);
	json_member_string(&w, "selector", argv[0]);
	for (int i = 1; i < argc; i += 2) {
		bool repeat = !strcmp(argv[i], "--repeat"), seed = !strcmp(argv[i], "--seed");
		if (!strcmp(argv[i], "--borrow")) {
			json_member_u64(&w, "borrow", 1);
			i--; /* a flag: no value follows */
			continue;
		}
		if ((!repeat && !seed) || i + 1 >= argc || !parse_number(argv[i + 1], &n))
			return -1;
		json_member_u64(&w, repeat ? "repeat" : "seed", n);
	}
	json_object_end(&w);
	int rc = client_call(&client, "zvm.test.run", params, &result);
	if (rc)
		return rc;
	do {
		struct timespec pause = { 0, TEST_POLL_MS * 1000000L };
		nanosleep(&pause, NULL); /* polling a remote run: not a test's synchronization */
		rc = test_status("zvm.test.status", state, sizeof(state), &failed);
		if (rc)
			return rc;
	} while (strcmp(state, "done"));
	rc = run("test results", "zvm.test.results", NULL);
	return rc ? rc : failed ? EXIT_REFUSED : EXIT_OK;
}

static int test_command(int argc, char **argv)
{
	char params[128];
	struct json_writer w;

	if (argc < 1)
		return -1;
	if (!strcmp(argv[0], "list") && argc <= 2) {
		if (argc == 1)
			return run("test list", "zvm.test.list", NULL);
		json_writer_init(&w, params, sizeof(params));
		json_object_begin(&w);
		json_member_string(&w, "group", argv[1]);
		json_object_end(&w);
		return json_writer_ok(&w) ? run("test list", "zvm.test.list", params) : -1;
	}
	if (!strcmp(argv[0], "run") && argc >= 2)
		return test_run(argc - 1, argv + 1);
	if (!strcmp(argv[0], "status") && argc == 1)
		return run("test status", "zvm.test.status", NULL);
	if (!strcmp(argv[0], "results") && argc == 1)
		return run("test results", "zvm.test.results", NULL);
	if (!strcmp(argv[0], "cancel") && argc == 1)
		return run("test cancel", "zvm.test.cancel", NULL);
	return -1;
}

static int log_command(int argc, char **argv)
{
	char params[128];
	struct json_writer w;
	uint64_t n;

	json_writer_init(&w, params, sizeof(params));
	json_object_begin(&w);
	for (int i = 0; i + 1 < argc; i += 2) {
		if (!parse_number(argv[i + 1], &n))
			return -1;
		if (!strcmp(argv[i], "-n"))
			json_member_u64(&w, "max", n);
		else if (!strcmp(argv[i], "--since"))
			json_member_u64(&w, "since", n);
		else
			return -1;
	}
	json_object_end(&w);
	return argc % 2 ? -1 : run("log", "log", params);
}

/* Subscribes, then prints each event's JSON on a line of its own. */
static int events_command(int argc, char **argv)
{
	char params[64];
	uint64_t metrics_ms = 0, count = 0, wait_ms = INT32_MAX, n;
	int result;

	for (int i = 0; i + 1 < argc; i += 2) {
		if (!parse_number(argv[i + 1], &n))
			return -1;
		if (!strcmp(argv[i], "--metrics-ms"))
			metrics_ms = n;
		else if (!strcmp(argv[i], "--count"))
			count = n;
		else if (!strcmp(argv[i], "--wait-ms") && n && n <= INT32_MAX)
			wait_ms = n;
		else
			return -1;
	}
	if (argc % 2)
		return -1;
	snprintf(params, sizeof(params), metrics_ms ? "{\"metrics_ms\":%llu}" : "{}",
	         (unsigned long long)metrics_ms);
	int rc = client_call(&client, "events.subscribe", params, &result);
	if (rc)
		return rc;
	fflush(stdout);
	for (uint64_t seen = 0; !count || seen < count; seen++) {
		int r = client_next_event(&client, (int)wait_ms);
		if (r <= 0) {
			if (r == 0)
				fprintf(stderr, "zvmctl: no event within %llu ms\n",
				        (unsigned long long)wait_ms);
			return EXIT_LINK;
		}
		printf("%s\n", client.event);
		fflush(stdout);
	}
	return EXIT_OK;
}

/* The command after the options: an exit code, or -1 for a usage error. */
static int dispatch(int argc, char **argv)
{
	const char *cmd = argv[0];

	if (!strcmp(cmd, "list") && argc == 1)
		return run("list", "zvm.list", NULL);
	if (!strcmp(cmd, "create"))
		return create_command(argc - 1, argv + 1);
	if (!strcmp(cmd, "test"))
		return test_command(argc - 1, argv + 1);
	if (!strcmp(cmd, "log"))
		return log_command(argc - 1, argv + 1);
	if (!strcmp(cmd, "metrics") && argc == 1)
		return run("metrics", "zvm.metrics", NULL);
	if (!strcmp(cmd, "top"))
		return top_command(&client, json_output, argc - 1, argv + 1);
	if (!strcmp(cmd, "agent") && argc == 1)
		return run("agent", "zvm.agent", NULL);
	if (!strcmp(cmd, "events"))
		return events_command(argc - 1, argv + 1);
	if (!strcmp(cmd, "call") && (argc == 2 || argc == 3))
		return run("call", argv[1], argc == 3 ? argv[2] : NULL);
	int rc = vm_command(cmd, argc - 1, argv + 1);
	return rc == -2 ? -1 : rc;
}

struct options {
	const char *target, *key_file;
	uint64_t client_id, timeout_ms, seq;
};

/* The options before the command: index of the command, or -1. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json")) {
			json_output = true;
		} else if (!strcmp(a, "-v")) {
			client.verbose = true;
		} else if (i + 1 >= argc) {
			return -1;
		} else if (!strcmp(a, "--target")) {
			o->target = argv[++i];
		} else if (!strcmp(a, "--key-file")) {
			o->key_file = argv[++i];
		} else if (!strcmp(a, "--client-id")) {
			if (!parse_number(argv[++i], &o->client_id) || !o->client_id ||
			    o->client_id > UINT32_MAX)
				return -1;
		} else if (!strcmp(a, "--timeout")) {
			if (!parse_number(argv[++i], &o->timeout_ms) || !o->timeout_ms)
				return -1;
		} else if (!strcmp(a, "--seq")) {
			if (!parse_number(argv[++i], &o->seq) || !o->seq)
				return -1;
		} else {
			return -1;
		}
	}
	return i < argc ? i : -1;
}

static int load_config(const struct options *o, struct zvmctl_config *cfg)
{
	char path[512];
	const char *home = getenv("HOME");

	cfg->client = 1;
	if (o->key_file) {
		if (config_read(o->key_file, cfg, true))
			return -1;
	} else if (home) {
		snprintf(path, sizeof(path), "%s/.config/zvmctl", home);
		if (config_read(path, cfg, false))
			return -1;
	}
	if (o->client_id)
		cfg->client = (uint32_t)o->client_id;
	if (o->target)
		snprintf(cfg->target, sizeof(cfg->target), "%s", o->target);
	if (!cfg->has_key) {
		fprintf(stderr, "zvmctl: no key: give --key-file or write 'key = <64 hex digits>' "
		                "to ~/.config/zvmctl\n");
		return -1;
	}
	if (!cfg->target[0]) {
		fprintf(stderr,
		        "zvmctl: no target: give --target serial:<path> or udp://<host>:<port>\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct zvmctl_config cfg;
	struct options o = { 0 };
	int first = parse_options(argc, argv, &o);

	if (first < 0) {
		usage();
		return EXIT_USAGE;
	}
	if (load_config(&o, &cfg))
		return EXIT_USAGE;
	client_init(&client, &cfg);
	client.seq = o.seq;
	client.timeout_ms = o.timeout_ms ? (int)o.timeout_ms : DEFAULT_TIMEOUT_MS;
	client.attempts = DEFAULT_ATTEMPTS;
	if (link_open(&client.link, cfg.target))
		return EXIT_LINK;
	int rc = dispatch(argc - first, argv + first);
	link_close(&client.link);
	if (rc < 0) {
		usage();
		return EXIT_USAGE;
	}
	return rc;
}
