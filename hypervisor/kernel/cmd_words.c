/*
 * Words of command names.  Names are checked at boot to use single spaces
 * (cmd_check_table), so a word ends at the next space or at the NUL.
 */
#include "kernel/cmd_words.h"
#include "lib/string.h"

#define CMD_WORD_SEPARATOR ' '

static size_t word_len(const char *w)
{
	size_t n = 0;

	while (w[n] && w[n] != CMD_WORD_SEPARATOR)
		n++;
	return n;
}

const char *cmd_word_at(const char *name, int index, size_t *len)
{
	const char *w = name;

	for (int i = 0; i < index; i++) {
		w += word_len(w);
		if (!*w)
			return NULL;
		w++;
	}
	*len = word_len(w);
	return w;
}

int cmd_words_count(const char *name)
{
	int n = 1;

	for (const char *p = name; *p; p++)
		n += *p == CMD_WORD_SEPARATOR;
	return n;
}

int cmd_words_match(const char *name, int argc, char *const *argv)
{
	int matched = 0;
	const char *w;
	size_t len;

	while (matched < argc && (w = cmd_word_at(name, matched, &len)) != NULL) {
		if (strlen(argv[matched]) != len || strncmp(w, argv[matched], len) != 0)
			break;
		matched++;
	}
	return matched;
}
