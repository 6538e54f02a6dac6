#include "failures.h"

#include <stdlib.h>
#include <string.h>

#include "../xalloc.h"
#include "shell_quote.h"

/* A test the run added for something that is not a test (a failed tear-down). */
static bool is_added(const char *name)
{
	return name && name[0] == '[';
}

void pt__failures_rerun_command(struct pt__buf *command, const struct pt__test_list *list,
				const struct pt__test *test)
{
	const char *program = list->programs[test->program].name;
	struct pt__buf glob = PT__BUF_INIT;

	pt__buf_adds(command, "partest ");
	if (test->suite && !is_added(test->suite)) {
		pt__glob_escape(&glob, program);
		pt__buf_adds(&glob, "::");
		pt__glob_escape(&glob, test->suite);
		pt__buf_adds(&glob, "::");
		if (is_added(test->name))
			pt__buf_addc(&glob, '*');
		else
			pt__glob_escape(&glob, test->name);
		pt__buf_adds(command, "--filter ");
		pt__shell_quote(command, glob.data);
		pt__buf_addc(command, ' ');
	}
	pt__shell_quote(command, program);
	pt__buf_release(&glob);
}

/* The list whose tests qsort's comparison reads. */
static const struct pt__test_list *sorted_list;

/* By id, then by index: a test's first failed run first among its runs. */
static int by_id(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int order = strcmp(sorted_list->tests[i].id, sorted_list->tests[j].id);

	return order ? order : (i > j) - (i < j);
}

void pt__failures_list(struct pt__buf *out, const struct pt__test_list *list)
{
	size_t nr_failed = 0, *failed = pt__xcalloc(list->nr_tests + 1, sizeof(*failed));
	bool *shown = pt__xcalloc(list->nr_tests + 1, sizeof(*shown));
	bool listed = false;

	for (size_t i = 0; i < list->nr_tests; i++)
		if (pt__status_failed(list->tests[i].result.status))
			failed[nr_failed++] = i;
	/* Under --repeat a test's runs are tests of their own: its line, the
	 * same for every run, is shown once, for its first failed run. */
	sorted_list = list;
	qsort(failed, nr_failed, sizeof(*failed), by_id);
	for (size_t f = 0; f < nr_failed; f++)
		shown[failed[f]] =
			!f || strcmp(list->tests[failed[f]].id, list->tests[failed[f - 1]].id);
	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];

		if (!shown[i])
			continue;
		if (!listed)
			pt__buf_adds(out, "Failed tests (each line re-runs one):\n");
		listed = true;
		pt__buf_addf(out, "  %-8s ", pt__status_word(test->result.status));
		pt__failures_rerun_command(out, list, test);
		pt__buf_addc(out, '\n');
	}
	free(shown);
	free(failed);
}
