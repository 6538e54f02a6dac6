#include "results.h"

#include <stdarg.h>
#include <stdlib.h>

#include "xalloc.h"

void pt__results_init(struct pt__results *results, struct pt__test_list *list,
		      const struct pt__pool_config *config, const struct pt__plan *plan)
{
	*results = (struct pt__results){.list = list, .config = config};
	/* The plan's tests: a later round of --until-fail runs its own, not the list's. */
	for (size_t g = 0; g < plan->nr_groups; g++)
		results->total += plan->groups[g].nr_tests;
}

void pt__results_set_message(struct pt__results *results, size_t index, const char *fmt, ...)
{
	struct pt__buf *message = &results->list->tests[index].result.message;
	va_list ap;

	pt__buf_reset(message);
	va_start(ap, fmt);
	pt__buf_vaddf(message, fmt, ap);
	va_end(ap);
}

/* A message over the output limit keeps its beginning and says how much went. */
static void cap_message(struct pt__buf *message)
{
	struct pt__buf kept = PT__BUF_INIT;

	if (message->len <= PT__OUTPUT_LIMIT)
		return;
	pt__buf_add(&kept, message->data, PT__OUTPUT_LIMIT);
	pt__buf_addf(&kept, "\n[partest: %zu more bytes of the message were dropped]",
		     message->len - PT__OUTPUT_LIMIT);
	pt__buf_release(message);
	*message = kept;
}

void pt__results_finish(struct pt__results *results, size_t index, enum pt__status status,
			int worker, int64_t duration_us)
{
	struct pt__result *result = &results->list->tests[index].result;

	cap_message(&result->message);
	result->status = status == PT__PASS && result->nr_retried ? PT__FLAKY : status;
	result->worker = worker;
	result->duration_us = duration_us;
	results->done++;
	if (pt__status_failed(status)) {
		results->failed++;
		if (results->config->failfast && !results->failfast_tripped) {
			results->failfast_tripped = true;
			results->stop_reason = "not run: --failfast after a failure";
		}
	}
	/* "Bail out!" ends the run as under prove: no further test starts. */
	if (result->tap.bailed_out && !results->failfast_tripped) {
		results->failfast_tripped = true;
		results->stop_reason = "not run: a TAP program bailed out";
	}
	if (results->config->test_done)
		results->config->test_done(results->config->ctx, results->list, index);
}

void pt__results_attempt_failed(struct pt__results *results, size_t index, enum pt__status status,
				int worker, int64_t duration_us)
{
	struct pt__result *result = &results->list->tests[index].result;

	cap_message(&result->message);
	result->status = status;
	result->worker = worker;
	result->duration_us = duration_us;
	if (results->config->attempt_failed)
		results->config->attempt_failed(results->config->ctx, results->list, index);
	pt__test_list_retry(results->list, index);
}

void pt__results_fail_work(struct pt__results *results, const struct pt__work *work,
			   const char *message)
{
	for (size_t t = 0; t < work->nr_tests; t++) {
		pt__results_set_message(results, work->tests[t], "%s", message);
		pt__results_finish(results, work->tests[t], PT__FAIL, 0, 0);
	}
}

void pt__results_not_run(struct pt__results *results, const struct pt__work *work, size_t from,
			 const char *reason)
{
	for (size_t t = from; t < work->nr_tests; t++) {
		struct pt__result *result = &results->list->tests[work->tests[t]].result;
		result->status = PT__NOT_RUN;
		if (!result->message.len)
			pt__buf_adds(&result->message, reason);
	}
}

size_t pt__results_add(struct pt__results *results, size_t program, const char *suite,
		       const char *name, const char *message, size_t message_len)
{
	/* Adding may move the list's strings, suite among them. */
	char *suite_copy = pt__xstrdup(suite);
	size_t index = pt__test_list_add_test(results->list, program, suite_copy, name, 0);

	free(suite_copy);
	pt__buf_add(&results->list->tests[index].result.message, message, message_len);
	results->total++;
	return index;
}
