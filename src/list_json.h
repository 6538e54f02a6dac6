/*
 * --list --format json: every selected test as one JSON object a line
 * (JSON Lines), for tools that pick tests or link them to their source.
 */
#ifndef PT_LIST_JSON_H
#define PT_LIST_JSON_H

#include <stdio.h>

#include "buf.h"
#include "testlist.h"

/*
 * Writes a line per test of list to out:
 * {"id","program","suite","name","file","line","tags":[...],
 *  "options":{"timeout","locks":[...],"exclusive","weight"}}
 * with null for what is unknown (an executable has no suite, name, file or
 * line). Returns 0, or PT__ERUN with one line in err when out fails.
 */
int pt__list_json_write(FILE *out, const struct pt__test_list *list, struct pt__buf *err);

#endif
