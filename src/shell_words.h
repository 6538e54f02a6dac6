/*
 * A command given as one string (--wrapper 'valgrind -q'), split into words
 * as a POSIX shell splits them, without running a shell.
 */
#ifndef PT_SHELL_WORDS_H
#define PT_SHELL_WORDS_H

#include "buf.h"

/*
 * Splits text at unquoted blanks into *words (NULL-terminated, each word and
 * the array allocated; *nr_words set). Single quotes keep everything up to
 * the next one; double quotes keep everything but a backslash before $ ` "
 * \ or a newline; an unquoted backslash keeps the next character. Returns
 * 0, or PT__EUSAGE with one line in err and *words NULL when text has no
 * word, an unterminated quote, unquoted shell syntax (| & ; < > ( ) $ `) or
 * $ or ` in double quotes: what only a shell would do.
 */
int pt__shell_words_split(const char *text, char ***words, size_t *nr_words, struct pt__buf *err);

/* Frees what pt__shell_words_split made. */
void pt__shell_words_free(char **words);

#endif
