#include "suite_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/xalloc.h"
#include "crash_guard.h"

void pt__suite_runner_init(struct pt__suite_runner *runner, const struct pt__registry *registry,
			   const struct pt__suite_runner_hooks *hooks)
{
	memset(runner, 0, sizeof(*runner));
	runner->registry = registry;
	if (hooks)
		runner->hooks = *hooks;
}

static void hook_before(const struct pt__suite_runner *runner, const struct pt__registration *code)
{
	if (runner->hooks.before)
		runner->hooks.before(runner->hooks.context, code);
}

static void hook_after(const struct pt__suite_runner *runner, const struct pt__registration *code,
		       const struct pt__outcome *outcome)
{
	if (runner->hooks.after)
		runner->hooks.after(runner->hooks.context, code, outcome);
}

/* Calls the per-test fixture of this kind for suite, if there is one; no hooks. */
static void call_per_test_fixture(const struct pt__suite_runner *runner, enum pt__kind kind,
				  const char *suite, struct pt__outcome *outcome)
{
	const struct pt__registration *fixture =
		pt__registry_fixture(runner->registry, kind, suite);

	if (fixture)
		pt__call_protected(fixture->fn, outcome);
}

bool pt__suite_runner_call_fixture(struct pt__suite_runner *runner, enum pt__kind kind,
				   const char *suite, struct pt__outcome *outcome)
{
	const struct pt__registration *fixture =
		pt__registry_fixture(runner->registry, kind, suite);

	if (!fixture)
		return false;
	hook_before(runner, fixture);
	pt__call_protected(fixture->fn, outcome);
	fflush(NULL);
	hook_after(runner, fixture, outcome);
	return true;
}

void pt__suite_runner_end_suite(struct pt__suite_runner *runner, struct pt__outcome *outcome)
{
	if (!runner->suite)
		return;
	if (runner->suite_setup.status == PT__OUTCOME_PASS)
		pt__suite_runner_call_fixture(runner, PT__KIND_SUITE_TEARDOWN, runner->suite,
					      outcome);
	free(runner->suite);
	runner->suite = NULL;
	pt__buf_release(&runner->suite_setup.message);
}

/* Makes suite the current one, ending the previous one and running its set-up. */
static void begin_suite(struct pt__suite_runner *runner, const char *suite)
{
	struct pt__outcome teardown = {PT__OUTCOME_PASS, PT__BUF_INIT};

	if (runner->suite && !strcmp(runner->suite, suite))
		return;
	pt__suite_runner_end_suite(runner, &teardown);
	pt__buf_release(&teardown.message);
	runner->suite = pt__xstrdup(suite);
	runner->suite_setup.status = PT__OUTCOME_PASS;
	const struct pt__registration *setup =
		pt__registry_fixture(runner->registry, PT__KIND_SUITE_SETUP, suite);
	if (!setup)
		return;
	/* Its crash fails the suite's tests here, instead of killing each
	 * worker that tries one of them. */
	struct pt__buf what = PT__BUF_INIT;
	pt__buf_addf(&what, "PT_SUITE_SETUP(%s)", suite);
	hook_before(runner, setup);
	pt__crash_guard_call(setup->fn, what.data, &runner->suite_setup);
	fflush(NULL);
	hook_after(runner, setup, &runner->suite_setup);
	pt__buf_release(&what);
}

size_t pt__suite_runner_run_test(struct pt__suite_runner *runner,
				 const struct pt__registration *test, struct pt__outcome *outcome)
{
	struct pt__buf leaked = PT__BUF_INIT;
	size_t killed;

	if (test->options.skip) {
		outcome->status = PT__OUTCOME_SKIP;
		pt__buf_adds(&outcome->message, test->options.skip);
		return 0;
	}
	begin_suite(runner, test->suite);
	if (runner->suite_setup.status != PT__OUTCOME_PASS) {
		outcome->status = runner->suite_setup.status;
		if (outcome->status == PT__OUTCOME_FAIL)
			pt__buf_adds(&outcome->message, "suite set-up failed: ");
		pt__buf_adds(&outcome->message, pt__buf_str(&runner->suite_setup.message));
		return 0;
	}
	hook_before(runner, test);
	pt__leaks_snapshot(&runner->before);
	call_per_test_fixture(runner, PT__KIND_SETUP, test->suite, outcome);
	if (outcome->status == PT__OUTCOME_PASS)
		pt__call_protected(test->fn, outcome);
	call_per_test_fixture(runner, PT__KIND_TEARDOWN, test->suite, outcome);
	fflush(NULL);
	hook_after(runner, test, outcome);
	killed = pt__leaks_kill_new(&runner->before, &leaked);
	if (killed) {
		if (outcome->message.len)
			pt__buf_addc(&outcome->message, '\n');
		pt__buf_addf(&outcome->message, "left running after the test ended, killed: %s",
			     leaked.data);
	}
	pt__buf_release(&leaked);
	return killed;
}

void pt__suite_runner_release(struct pt__suite_runner *runner)
{
	free(runner->suite);
	runner->suite = NULL;
	pt__buf_release(&runner->suite_setup.message);
	pt__children_release(&runner->before);
}
