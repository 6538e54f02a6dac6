#include "failures.h"

#include <string.h>

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

void pt__failures_list(struct pt__buf *out, const struct pt__test_list *list)
{
	size_t nr_failed = 0;

	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];

		if (!pt__status_failed(test->result.status))
			continue;
		if (!nr_failed++)
			pt__buf_adds(out, "Failed tests (each line re-runs one):\n");
		pt__buf_addf(out, "  %-8s ", pt__status_word(test->result.status));
		pt__failures_rerun_command(out, list, test);
		pt__buf_addc(out, '\n');
	}
}
