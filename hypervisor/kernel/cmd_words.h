/*
 * The words of a command name ("zvm test run" has three), shared by the
 * registry's dispatcher, its completion and its help.  Internal to cmd*.c.
 */
#ifndef KERNEL_CMD_WORDS_H
#define KERNEL_CMD_WORDS_H

#include <stdbool.h>
#include <stddef.h>

/* Words in name, separated by single spaces. */
int cmd_words_count(const char *name);
/* How many leading words of name equal argv[0], argv[1]... in order. */
int cmd_words_match(const char *name, int argc, char *const *argv);
/* The word at index in name: its start, and its length in *len; or NULL. */
const char *cmd_word_at(const char *name, int index, size_t *len);

#endif
