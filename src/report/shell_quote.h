/* Words for a command line a user copies into a POSIX shell. */
#ifndef PT_REPORT_SHELL_QUOTE_H
#define PT_REPORT_SHELL_QUOTE_H

#include "../buf.h"

/*
 * Appends word quoted for a shell: as it is when it holds only characters
 * no shell treats specially, else in single quotes ('\'' for a quote), or
 * as $'...' with \xHH escapes when it holds control characters, which would
 * otherwise reach the terminal raw.
 */
void pt__shell_quote(struct pt__buf *out, const char *word);

/* Appends text with the glob characters * ? [ ] \ escaped by a backslash,
 * so that fnmatch() matches it literally. */
void pt__glob_escape(struct pt__buf *out, const char *text);

#endif
