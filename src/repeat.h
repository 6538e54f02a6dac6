/*
 * --repeat and --until-fail: the selected tests as rounds, each round a copy
 * of every selected test, so that one test's runs can be on several
 * workers at once and each run has its own result.
 */
#ifndef PT_REPEAT_H
#define PT_REPEAT_H

#include <stddef.h>

#include "testlist.h"

/*
 * Marks list's tests [0, base), the selection, as round 1, and appends
 * rounds 2..rounds: copies of them (attributes and all) with their round in
 * .repeat.
 */
void pt__repeat_rounds(struct pt__test_list *list, size_t base, size_t rounds);

/* Appends round `round` of tests [0, base); returns the index of its first test. */
size_t pt__repeat_add_round(struct pt__test_list *list, size_t base, size_t round);

#endif
