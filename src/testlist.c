#include "testlist.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

size_t pt__test_list_add_program(struct pt__test_list *list, const char *path, const char *name,
				 enum pt__program_kind kind)
{
	PT__GROW(list->programs, list->nr_programs + 1, list->alloc_programs);
	struct pt__program *program = &list->programs[list->nr_programs];
	program->path = pt__xstrdup(path);
	program->name = pt__xstrdup(name);
	program->kind = kind;
	program->argv = NULL;
	program->adapter = NULL;
	program->args = NULL;
	program->owned_args = NULL;
	program->speech = PT__SPEAKS_NOTHING;
	return list->nr_programs++;
}

size_t pt__test_list_add_test(struct pt__test_list *list, size_t program, const char *suite,
			      const char *name, int timeout_ms)
{
	PT__GROW(list->tests, list->nr_tests + 1, list->alloc_tests);
	struct pt__test *test = &list->tests[list->nr_tests];
	struct pt__buf id = PT__BUF_INIT;

	memset(test, 0, sizeof(*test));
	test->program = program;
	if (suite) {
		test->suite = pt__xstrdup(suite);
		test->name = pt__xstrdup(name);
		pt__buf_addf(&id, "%s::%s::%s", list->programs[program].name, suite, name);
	} else {
		pt__buf_adds(&id, list->programs[program].name);
	}
	test->id = pt__buf_detach(&id);
	test->timeout_ms = timeout_ms;
	test->attributes.weight = 1;
	return list->nr_tests++;
}

static char *copy_or_null(const char *text)
{
	return text && *text ? pt__xstrdup(text) : NULL;
}

static void release_attributes(struct pt__test_attributes *attributes)
{
	free(attributes->file);
	free(attributes->tags);
	free(attributes->locks);
}

void pt__test_list_set_attributes(struct pt__test_list *list, size_t index,
				  const struct pt__test_attributes *what)
{
	struct pt__test_attributes *attributes = &list->tests[index].attributes;

	release_attributes(attributes);
	*attributes = *what;
	attributes->file = copy_or_null(what->file);
	attributes->tags = copy_or_null(what->tags);
	attributes->locks = copy_or_null(what->locks);
	if (attributes->weight < 1)
		attributes->weight = 1;
}

static void release_attempt(struct pt__attempt *attempt)
{
	pt__buf_release(&attempt->message);
	pt__buf_release(&attempt->out);
	pt__buf_release(&attempt->err);
}

void pt__test_list_retry(struct pt__test_list *list, size_t index)
{
	struct pt__result *result = &list->tests[index].result;
	struct pt__attempt *attempt;

	result->retried =
		pt__xrealloc(result->retried, (result->nr_retried + 1) * sizeof(*result->retried));
	attempt = &result->retried[result->nr_retried++];
	*attempt = (struct pt__attempt){result->status,	 result->worker, result->duration_us,
					result->message, result->out,	 result->err};
	result->message = result->out = result->err = (struct pt__buf)PT__BUF_INIT;
	result->status = PT__NOT_RUN;
	result->written = 0;
	pt__tap_stream_release(&result->tap);
	memset(&result->tap, 0, sizeof(result->tap));
}

static void release_test(struct pt__test *test)
{
	for (size_t i = 0; i < test->result.nr_retried; i++)
		release_attempt(&test->result.retried[i]);
	free(test->result.retried);
	free(test->suite);
	free(test->name);
	free(test->id);
	release_attributes(&test->attributes);
	pt__buf_release(&test->result.message);
	pt__buf_release(&test->result.out);
	pt__buf_release(&test->result.err);
	pt__tap_stream_release(&test->result.tap);
}

void pt__test_list_keep(struct pt__test_list *list, const bool *keep)
{
	size_t kept = 0;

	for (size_t i = 0; i < list->nr_tests; i++) {
		if (keep[i])
			list->tests[kept++] = list->tests[i];
		else
			release_test(&list->tests[i]);
	}
	list->nr_tests = kept;
}

char **pt__program_argv(const char *path, char *const *args)
{
	size_t nr = 0;
	char **argv;

	while (args && args[nr])
		nr++;
	argv = pt__xcalloc(nr + 2, sizeof(*argv));
	argv[0] = (char *)path;
	for (size_t i = 0; i < nr; i++)
		argv[i + 1] = args[i];
	return argv;
}

void pt__test_list_release(struct pt__test_list *list)
{
	for (size_t i = 0; i < list->nr_programs; i++) {
		free(list->programs[i].path);
		free(list->programs[i].name);
		for (char **arg = list->programs[i].argv; arg && *arg; arg++)
			free(*arg);
		free(list->programs[i].argv);
		char **owned = list->programs[i].owned_args;
		for (size_t k = 0; owned && owned[k]; k++)
			free(owned[k]);
		free(list->programs[i].owned_args);
	}
	for (size_t i = 0; i < list->nr_tests; i++)
		release_test(&list->tests[i]);
	free(list->programs);
	free(list->tests);
	memset(list, 0, sizeof(*list));
}

const char *pt__status_word(enum pt__status status)
{
	switch (status) {
	case PT__NOT_RUN: return "NOT RUN";
	case PT__PASS: return "PASS";
	case PT__FAIL: return "FAIL";
	case PT__SKIP: return "SKIP";
	case PT__CRASH: return "CRASH";
	case PT__TIMEOUT: return "TIMEOUT";
	case PT__LEAK: return "LEAK";
	case PT__FLAKY: return "FLAKY";
	case PT__ERROR: return "ERROR";
	}
	return "?";
}

bool pt__status_failed(enum pt__status status)
{
	return status == PT__FAIL || status == PT__CRASH || status == PT__TIMEOUT ||
	       status == PT__LEAK || status == PT__ERROR;
}

void pt__tally(const struct pt__test_list *list, struct pt__tally *tally)
{
	memset(tally, 0, sizeof(*tally));
	for (size_t i = 0; i < list->nr_tests; i++) {
		enum pt__status status = list->tests[i].result.status;
		tally->by_status[status]++;
		if (pt__status_failed(status))
			tally->failed++;
	}
}
