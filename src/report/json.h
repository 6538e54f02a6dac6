/* JSON text for the reports that speak it (the event stream, TAP's YAML). */
#ifndef PT_REPORT_JSON_H
#define PT_REPORT_JSON_H

#include <stddef.h>

#include "../buf.h"

/*
 * Appends data[0..len) to out as a JSON string, quotes included: " and \
 * escaped, control characters as \n, \t, \r or \u00XX (DEL and the C1
 * controls too, so that a terminal showing the text sees none), and every
 * invalid UTF-8 sequence as U+FFFD, one per maximal invalid subpart. The
 * result is also a valid YAML double-quoted scalar.
 */
void pt__json_add_string(struct pt__buf *out, const char *data, size_t len);

/* Appends str as a JSON string, or null when str is NULL. */
void pt__json_add_str_or_null(struct pt__buf *out, const char *str);

#endif
