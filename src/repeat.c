#include "repeat.h"

size_t pt__repeat_add_round(struct pt__test_list *list, size_t base, size_t round)
{
	size_t first = list->nr_tests;

	for (size_t i = 0; i < base; i++) {
		/* Copied field by field: adding a test may move the array. */
		size_t program = list->tests[i].program;
		int timeout_ms = list->tests[i].timeout_ms;
		size_t copy = pt__test_list_add_test(list, program, list->tests[i].suite,
						     list->tests[i].name, timeout_ms);
		struct pt__test_attributes attributes = list->tests[i].attributes;
		pt__test_list_set_attributes(list, copy, &attributes);
		list->tests[copy].repeat = round;
	}
	return first;
}

void pt__repeat_rounds(struct pt__test_list *list, size_t base, size_t rounds)
{
	for (size_t i = 0; i < base; i++)
		list->tests[i].repeat = 1;
	for (size_t round = 2; round <= rounds; round++)
		pt__repeat_add_round(list, base, round);
}
