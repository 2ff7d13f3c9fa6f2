/*
 * Host tests of the line editor: byte sequences as a terminal sends them,
 * checked against the resulting line and against what the editor echoes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/lineedit.h"

#define OUT_CAP 65536
#define PROMPT  "zvm> "
#define BEL     "\a"
#define ESC     "\x1b"
#define LEFT    ESC "[D"
#define RIGHT   ESC "[C"
#define UP      ESC "[A"
#define DOWN    ESC "[B"
#define HOME    ESC "[H"
#define END     ESC "[F"
#define DELETE  ESC "[3~"
#define CTRL(c) ((char)((c)&0x1f))

static char out[OUT_CAP];
static size_t out_len;
static struct lineedit le;
static int lines_done;

static void capture(void *ctx, const char *s, size_t n)
{
	assert_ptr_equal(ctx, &le);
	assert_true(out_len + n < OUT_CAP);
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = '\0';
}

static void clear_output(void)
{
	out_len = 0;
	out[0] = '\0';
}

static int setup(void **state)
{
	(void)state;
	lineedit_init(&le, capture, &le, PROMPT);
	clear_output();
	lines_done = 0;
	lineedit_begin(&le);
	return 0;
}

/* Feeds bytes (embedded NULs are not needed); returns the last result. */
static int feed(const char *bytes)
{
	int result = LINEEDIT_MORE;

	for (const char *p = bytes; *p; p++) {
		result = lineedit_feed(&le, *p);
		lines_done += result == LINEEDIT_DONE;
	}
	return result;
}

static void feed_char(char c)
{
	char s[2] = { c, '\0' };

	feed(s);
}

static void assert_output_has(const char *expect)
{
	if (!strstr(out, expect))
		fail_msg("output lacks \"%s\"", expect);
}

static void assert_entered(const char *keys, const char *line)
{
	assert_int_equal(feed(keys), LINEEDIT_DONE);
	assert_string_equal(lineedit_line(&le), line);
}

static void test_typing_echoes_and_enter_finishes(void **state)
{
	(void)state;
	assert_string_equal(out, PROMPT);
	assert_int_equal(feed("help"), LINEEDIT_MORE);
	assert_string_equal(out, PROMPT "help");
	assert_int_equal(feed("\r"), LINEEDIT_DONE);
	assert_string_equal(lineedit_line(&le), "help");
	assert_string_equal(out, PROMPT "help\r\n");
}

static void test_cr_lf_and_crlf_are_one_enter_each(void **state)
{
	(void)state;
	assert_entered("a\r", "a");
	lineedit_begin(&le);
	clear_output();
	/* The LF completing the CR LF is swallowed, with no new prompt. */
	assert_int_equal(feed("\n"), LINEEDIT_MORE);
	assert_int_equal(out_len, 0);
	assert_entered("b\n", "b");
	lineedit_begin(&le);
	assert_entered("c\r", "c");
	lineedit_begin(&le);
	/* CR LF CR LF: the second pair is an empty line of its own. */
	lines_done = 0;
	feed("\n\r\n");
	assert_int_equal(lines_done, 1);
	assert_string_equal(lineedit_line(&le), "");
	/* LF LF: two lines. */
	lines_done = 0;
	feed("\n\n");
	assert_int_equal(lines_done, 2);
}

static void test_feed_after_done_begins_a_new_line(void **state)
{
	(void)state;
	assert_entered("a\r", "a");
	clear_output();
	assert_int_equal(feed("b"), LINEEDIT_MORE);
	assert_string_equal(out, PROMPT "b");
	assert_entered("\r", "b");
}

static void test_insert_in_the_middle_redraws_the_tail(void **state)
{
	(void)state;
	feed("hllo" LEFT LEFT LEFT);
	clear_output();
	feed("e");
	/* The tail from the cursor, erase the rest, back to the cursor. */
	assert_string_equal(out, "ello" ESC "[K" ESC "[3D");
	assert_entered("\r", "hello");
}

static void test_backspace_both_codes(void **state)
{
	(void)state;
	feed("abc\x7f");
	assert_output_has(ESC "[1D" ESC "[K");
	feed("\x08"
	     "d");
	assert_entered("\r", "ad");
	lineedit_begin(&le);
	clear_output();
	feed("\x7f\x08"); /* nothing to delete: nothing happens */
	assert_int_equal(out_len, 0);
	assert_entered("x" LEFT "\x7f\r", "x");
}

static void test_delete_and_ctrl_d(void **state)
{
	(void)state;
	assert_entered("abc" HOME DELETE "\r", "bc");
	lineedit_begin(&le);
	assert_entered("abc" LEFT LEFT "\x04\r", "ac");
	lineedit_begin(&le);
	assert_entered("abc" DELETE "\r", "abc");
}

static void test_home_and_end_variants(void **state)
{
	(void)state;
	assert_entered("bc" ESC "OH"
	               "a" ESC "OF"
	               "d\r",
	               "abcd");
	lineedit_begin(&le);
	assert_entered("bc" ESC "[1~"
	               "a" ESC "[4~"
	               "d\r",
	               "abcd");
	lineedit_begin(&le);
	assert_entered("bc" ESC "[7~"
	               "a" ESC "[8~"
	               "d\r",
	               "abcd");
	lineedit_begin(&le);
	assert_entered("bc" HOME "a" END "d\r", "abcd");
	lineedit_begin(&le);
	feed("bc");
	feed_char(CTRL('A'));
	feed("a");
	feed_char(CTRL('E'));
	assert_entered("d\r", "abcd");
}

static void test_ctrl_b_and_ctrl_f(void **state)
{
	(void)state;
	feed("ac");
	feed_char(CTRL('B'));
	feed("b");
	feed_char(CTRL('F'));
	feed_char(CTRL('F')); /* already at the end */
	assert_entered("d\r", "abcd");
	lineedit_begin(&le);
	feed("x" LEFT LEFT LEFT RIGHT RIGHT RIGHT);
	assert_entered("y\r", "xy");
}

static void test_kill_keys(void **state)
{
	(void)state;
	feed("hello world");
	feed_char(CTRL('A'));
	feed(RIGHT RIGHT RIGHT RIGHT RIGHT);
	feed_char(CTRL('K'));
	assert_entered("\r", "hello");

	lineedit_begin(&le);
	feed("hello world" LEFT LEFT LEFT LEFT LEFT);
	feed_char(CTRL('U'));
	assert_entered("\r", "world");

	lineedit_begin(&le);
	feed("zvm info vm1  ");
	feed_char(CTRL('W'));
	assert_string_equal(lineedit_line(&le), "zvm info ");
	feed_char(CTRL('W'));
	assert_string_equal(lineedit_line(&le), "zvm ");
	feed(LEFT LEFT);
	feed_char(CTRL('W')); /* "zv" before the cursor, "m " kept */
	assert_entered("\r", "m ");
}

static void test_ctrl_c_abandons_the_line(void **state)
{
	(void)state;
	feed("abc");
	clear_output();
	assert_int_equal(lineedit_feed(&le, CTRL('C')), LINEEDIT_MORE);
	assert_string_equal(out, "^C\r\n" PROMPT);
	assert_string_equal(lineedit_line(&le), "");
	assert_entered("x\r", "x");
	assert_int_equal(lineedit_history_count(&le), 1);
	assert_string_equal(lineedit_history_entry(&le, 0), "x");
}

static void test_ctrl_l_redraws(void **state)
{
	(void)state;
	feed("ab" LEFT);
	clear_output();
	feed_char(CTRL('L'));
	assert_string_equal(out, ESC "[H" ESC "[2J" PROMPT "ab" ESC "[K" ESC "[1D");
	assert_entered("X\r", "aXb");
}

static void test_full_line_refuses_with_bell(void **state)
{
	char full[LINEEDIT_MAX + 1];

	(void)state;
	memset(full, 'a', LINEEDIT_MAX);
	full[LINEEDIT_MAX] = '\0';
	feed(full);
	clear_output();
	feed("b");
	assert_string_equal(out, BEL);
	feed(HOME);
	clear_output();
	feed("c");
	assert_string_equal(out, BEL);
	/* Keys were lost: the line is not run, and the shell says why. */
	clear_output();
	assert_int_equal(lineedit_feed(&le, '\r'), LINEEDIT_MORE);
	assert_string_equal(out, "\r\nline longer than 256 characters: not run\r\n" PROMPT);
	assert_entered("ok\r", "ok");
}

static void test_unknown_escapes_are_swallowed(void **state)
{
	(void)state;
	feed("a");
	feed(ESC "[5~" ESC "[Z" ESC "[200~" ESC "[2J" ESC "x" ESC "OP");
	feed(ESC ESC "[D"); /* ESC ESC restarts: this is a plain Left */
	feed(ESC "[1;5C");  /* Ctrl-Right: a Right with a modifier */
	assert_entered("b\r", "ab");
	/* A control character cancels a sequence and still counts. */
	lineedit_begin(&le);
	assert_entered("q" ESC "\r", "q");
	lineedit_begin(&le);
	assert_entered("q" ESC "[1\r", "q");
}

static void enter_line(const char *text)
{
	lineedit_begin(&le);
	feed(text);
	assert_int_equal(feed("\r"), LINEEDIT_DONE);
}

static void test_history_skips_empty_and_repeated(void **state)
{
	(void)state;
	enter_line("one");
	enter_line("two");
	enter_line("two");
	enter_line("");
	enter_line("   ");
	enter_line("three");
	enter_line("two");
	assert_int_equal(lineedit_history_count(&le), 4);
	assert_string_equal(lineedit_history_entry(&le, 0), "two");
	assert_string_equal(lineedit_history_entry(&le, 1), "three");
	assert_string_equal(lineedit_history_entry(&le, 3), "one");
	assert_null(lineedit_history_entry(&le, 4));
}

static void test_history_up_and_down(void **state)
{
	(void)state;
	enter_line("one");
	enter_line("two");
	enter_line("three");
	lineedit_begin(&le);
	feed("par");
	feed(UP);
	assert_string_equal(lineedit_line(&le), "three");
	feed(UP UP);
	assert_string_equal(lineedit_line(&le), "one");
	clear_output();
	feed(UP); /* nothing older */
	assert_string_equal(out, BEL);
	assert_string_equal(lineedit_line(&le), "one");
	feed(DOWN);
	assert_string_equal(lineedit_line(&le), "two");
	feed_char(CTRL('N'));
	feed_char(CTRL('N'));
	/* Back below the newest: the line being typed is back. */
	assert_string_equal(lineedit_line(&le), "par");
	clear_output();
	feed(DOWN);
	assert_string_equal(out, BEL);
	feed_char(CTRL('P'));
	assert_string_equal(lineedit_line(&le), "three");
	/* The screen shows the recalled line, erased past its end. */
	assert_output_has("three" ESC "[K");
	assert_entered("\x7f\r", "thre");
	assert_string_equal(lineedit_history_entry(&le, 0), "thre");
	assert_string_equal(lineedit_history_entry(&le, 1), "three");
}

static void test_history_keeps_the_newest_sixteen(void **state)
{
	char text[16];

	(void)state;
	for (int i = 0; i < LINEEDIT_HISTORY + 4; i++) {
		snprintf(text, sizeof(text), "c%d", i);
		enter_line(text);
	}
	assert_int_equal(lineedit_history_count(&le), LINEEDIT_HISTORY);
	assert_string_equal(lineedit_history_entry(&le, 0), "c19");
	assert_string_equal(lineedit_history_entry(&le, 15), "c4");
	lineedit_begin(&le);
	for (int i = 0; i < LINEEDIT_HISTORY; i++)
		feed(UP);
	assert_string_equal(lineedit_line(&le), "c4");
	clear_output();
	feed(UP);
	assert_string_equal(out, BEL);
}

/* A completion source: these words, for the word before the cursor. */
static const char *const *words;
static size_t words_count;
static int completion_calls;

static size_t complete_words(const char *line, size_t len, lineedit_candidate_fn add, void *sink)
{
	size_t start = len, offered = 0;

	completion_calls++;
	while (start > 0 && line[start - 1] != ' ')
		start--;
	for (size_t i = 0; i < words_count; i++) {
		if (strncmp(words[i], line + start, len - start) == 0) {
			add(sink, words[i], strlen(words[i]));
			offered++;
		}
	}
	return offered;
}

static void use_words(const char *const *list, size_t n)
{
	words = list;
	words_count = n;
	completion_calls = 0;
	lineedit_set_completion(&le, complete_words);
}

static void test_tab_completes_a_single_match(void **state)
{
	static const char *const list[] = { "zvm", "zone", "help" };

	(void)state;
	use_words(list, 3);
	feed("he");
	clear_output();
	feed("\t");
	/* Only what was not typed yet is echoed. */
	assert_string_equal(out, "lp" ESC "[K"
	                         " " ESC "[K");
	assert_entered("\r", "help ");
	lineedit_begin(&le);
	assert_entered("zv\tlist\r", "zvm list");
	/* In the middle of a line, an existing space is reused. */
	lineedit_begin(&le);
	feed("he world" HOME RIGHT RIGHT "\t");
	assert_string_equal(lineedit_line(&le), "help world");
	assert_entered("X\r", "help Xworld");
}

/* A source that ignores what was typed, as a fuzzy matcher might. */
static size_t complete_always_reset(const char *line, size_t len, lineedit_candidate_fn add,
                                    void *sink)
{
	(void)line;
	(void)len;
	add(sink, "reset", strlen("reset"));
	return 1;
}

static void test_tab_replaces_a_word_it_does_not_continue(void **state)
{
	(void)state;
	lineedit_set_completion(&le, complete_always_reset);
	feed("do xy");
	clear_output();
	feed("\t");
	assert_string_equal(out, ESC "[2D"
	                             "reset" ESC "[K"
	                             " " ESC "[K");
	assert_entered("\r", "do reset ");
}

static void test_tab_lists_several_matches(void **state)
{
	static const char *const list[] = { "zone", "zvm", "help" };

	(void)state;
	use_words(list, 3);
	feed("z");
	clear_output();
	feed("\t");
	assert_string_equal(out, "\r\nzone  zvm  \r\n" PROMPT "z" ESC "[K");
	assert_string_equal(lineedit_line(&le), "z");
	assert_entered("v\t\r", "zvm ");
}

static void test_tab_extends_to_the_common_prefix(void **state)
{
	static const char *const list[] = { "vm-alpha", "vm-beta" };

	(void)state;
	use_words(list, 2);
	feed("run v");
	clear_output();
	feed("\t");
	assert_string_equal(lineedit_line(&le), "run vm-");
	assert_output_has("\r\nvm-alpha  vm-beta  \r\n" PROMPT "run vm-");
	assert_entered("b\t\r", "run vm-beta ");
}

static void test_tab_without_matches_rings(void **state)
{
	static const char *const list[] = { "zvm" };

	(void)state;
	feed("x");
	clear_output();
	feed("\t"); /* no completion source at all */
	assert_string_equal(out, BEL);
	use_words(list, 1);
	clear_output();
	feed("\t");
	assert_string_equal(out, BEL);
	assert_int_equal(completion_calls, 1);
	assert_entered("\r", "x");
}

static void test_completion_that_does_not_fit_rings(void **state)
{
	static const char *const list[] = { "longword" };
	char almost[LINEEDIT_MAX + 1];

	(void)state;
	use_words(list, 1);
	memset(almost, 'a', LINEEDIT_MAX - 4);
	almost[LINEEDIT_MAX - 4] = ' ';
	almost[LINEEDIT_MAX - 3] = 'l';
	almost[LINEEDIT_MAX - 2] = '\0';
	feed(almost);
	clear_output();
	feed("\t");
	assert_string_equal(out, BEL);
	assert_string_equal(lineedit_line(&le), almost);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_typing_echoes_and_enter_finishes, setup),
		cmocka_unit_test_setup(test_cr_lf_and_crlf_are_one_enter_each, setup),
		cmocka_unit_test_setup(test_feed_after_done_begins_a_new_line, setup),
		cmocka_unit_test_setup(test_insert_in_the_middle_redraws_the_tail, setup),
		cmocka_unit_test_setup(test_backspace_both_codes, setup),
		cmocka_unit_test_setup(test_delete_and_ctrl_d, setup),
		cmocka_unit_test_setup(test_home_and_end_variants, setup),
		cmocka_unit_test_setup(test_ctrl_b_and_ctrl_f, setup),
		cmocka_unit_test_setup(test_kill_keys, setup),
		cmocka_unit_test_setup(test_ctrl_c_abandons_the_line, setup),
		cmocka_unit_test_setup(test_ctrl_l_redraws, setup),
		cmocka_unit_test_setup(test_full_line_refuses_with_bell, setup),
		cmocka_unit_test_setup(test_unknown_escapes_are_swallowed, setup),
		cmocka_unit_test_setup(test_history_skips_empty_and_repeated, setup),
		cmocka_unit_test_setup(test_history_up_and_down, setup),
		cmocka_unit_test_setup(test_history_keeps_the_newest_sixteen, setup),
		cmocka_unit_test_setup(test_tab_completes_a_single_match, setup),
		cmocka_unit_test_setup(test_tab_replaces_a_word_it_does_not_continue, setup),
		cmocka_unit_test_setup(test_tab_lists_several_matches, setup),
		cmocka_unit_test_setup(test_tab_extends_to_the_common_prefix, setup),
		cmocka_unit_test_setup(test_tab_without_matches_rings, setup),
		cmocka_unit_test_setup(test_completion_that_does_not_fit_rings, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
