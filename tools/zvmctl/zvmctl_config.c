/*
 * The key file: lines of "name = value", '#' comments.  key is 64 hex
 * digits (the configuration's mgmt-key), client-id a number from 1,
 * target a default --target.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zvmctl.h"

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_key(const char *s, uint8_t *key)
{
	if (strlen(s) != 2 * RPC_KEY_BYTES)
		return false;
	for (unsigned i = 0; i < RPC_KEY_BYTES; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int apply(struct zvmctl_config *cfg, const char *name, const char *value)
{
	if (!strcmp(name, "key")) {
		cfg->has_key = parse_key(value, cfg->key);
		return cfg->has_key ? 0 : -1;
	}
	if (!strcmp(name, "client-id")) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(value, &end, 0);
		if (errno || *end || v == 0 || v > UINT32_MAX)
			return -1;
		cfg->client = (uint32_t)v;
		return 0;
	}
	if (!strcmp(name, "target")) {
		snprintf(cfg->target, sizeof(cfg->target), "%s", value);
		return 0;
	}
	return -1;
}

int config_read(const char *path, struct zvmctl_config *cfg, bool must_exist)
{
	char line[512];
	unsigned number = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		fprintf(stderr, "zvmctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		number++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (eq)
			*eq = '\0';
		if (!eq || apply(cfg, trim(s), trim(eq + 1))) {
			fprintf(stderr,
			        "zvmctl: %s:%u: expected 'key = <64 hex digits>', 'client-id = "
			        "<n>' "
			        "or 'target = <target>'\n",
			        path, number);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}
