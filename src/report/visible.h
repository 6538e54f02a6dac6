/*
 * Text from tests (their output, names and messages) made safe to show on a
 * terminal: nothing in it may move the cursor, change colours, retitle the
 * window or hide what follows. Printable text and UTF-8 stay as they are;
 * every control character is written out visibly.
 */
#ifndef PT_VISIBLE_H
#define PT_VISIBLE_H

#include <stdbool.h>
#include <stddef.h>

#include "../buf.h"

/*
 * Appends text[0..len) to out, any bytes, with:
 * - tab kept, and newline kept when multiline (else written "\n");
 * - a CR before a newline dropped when multiline (CRLF line ends), any other
 *   CR written "\r";
 * - other C0 controls, DEL, bytes that are not valid UTF-8 and the UTF-8 of
 *   C1 controls (U+0080..U+009F) written "\xNN" byte by byte (ESC: "\x1b");
 * - bidirectional formatting characters (U+200E, U+200F, U+202A..U+202E,
 *   U+2066..U+2069), which reorder what is shown, written "\u202e".
 */
void pt__visible_add(struct pt__buf *out, const char *text, size_t len, bool multiline);

#endif
