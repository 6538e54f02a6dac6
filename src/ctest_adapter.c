#include "ctest_adapter.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "clock.h"
#include "ctest.h"
#include "error.h"
#include "spawn.h"
#include "test_command.h"
#include "xalloc.h"

/* The build's tests, and the fixtures whose set-up failed in this worker. */
struct ctest_state {
	struct pt__ctest ctest;
	struct pt__buf failed_fixtures; /* "\nNAME\n" for each */
};

static int ctest_init(struct pt__adapter *adapter, struct pt__buf *why)
{
	struct ctest_state *state = pt__xcalloc(1, sizeof(*state));

	adapter->state = state;
	return pt__ctest_read(&state->ctest, adapter->args[0], why);
}

static void ctest_release(struct pt__adapter *adapter)
{
	struct ctest_state *state = adapter->state;

	pt__ctest_release(&state->ctest);
	pt__buf_release(&state->failed_fixtures);
	free(state);
}

static int ctest_list(struct pt__adapter *adapter, struct pt__buf *why)
{
	pt__buf_adds(why, "the ctest adapter does not list: partest --ctest reads the build");
	return PT__ERUN;
}

/* Whether any of patterns (POSIX extended regular expressions) matches text. */
static bool any_matches(char **patterns, const char *text, const char **which)
{
	for (; *patterns; patterns++) {
		regex_t regex;
		if (regcomp(&regex, *patterns, REG_EXTENDED | REG_NOSUB))
			continue;
		bool found = !regexec(&regex, text, 0, NULL, 0);
		regfree(&regex);
		if (found) {
			*which = *patterns;
			return true;
		}
	}
	return false;
}

/* ctest's verdict on an entry that ran, with why in message. */
static enum pt__wire_status judge(const struct pt__ctest_entry *entry, int status,
				  const char *output, struct pt__buf *message)
{
	const char *pattern = NULL;
	bool passed;

	if (!WIFEXITED(status)) {
		pt__describe_wait_status(status, message);
		return PT__WIRE_FAIL;
	}
	int code = WEXITSTATUS(status);
	if ((entry->has_skip_code && code == entry->skip_code) ||
	    any_matches(entry->skip_regex, output, &pattern)) {
		if (pattern)
			pt__buf_addf(message, "skipped: its output matches \"%s\"", pattern);
		else
			pt__buf_addf(message, "skipped: it exited with status %d", code);
		return PT__WIRE_SKIP;
	}
	if (*entry->pass_regex) {
		passed = any_matches(entry->pass_regex, output, &pattern);
		if (!passed)
			pt__buf_adds(message, "its output matches no PASS_REGULAR_EXPRESSION");
	} else {
		passed = code == 0;
		if (!passed)
			pt__buf_addf(message, "exited with status %d", code);
	}
	if (passed && any_matches(entry->fail_regex, output, &pattern)) {
		passed = false;
		pt__buf_addf(message, "its output matches FAIL_REGULAR_EXPRESSION \"%s\"", pattern);
	}
	if (entry->will_fail) {
		pt__buf_reset(message);
		if (passed)
			pt__buf_adds(message, "it passed, and WILL_FAIL says it should fail");
		passed = !passed;
	}
	return passed ? PT__WIRE_PASS : PT__WIRE_FAIL;
}

/* The first fixture entry requires whose set-up failed here, or NULL. */
static const char *failed_fixture(const struct ctest_state *state,
				  const struct pt__ctest_entry *entry)
{
	struct pt__buf key = PT__BUF_INIT;
	const char *found = NULL;

	for (char **f = entry->fixtures_required; *f && !found; f++) {
		pt__buf_reset(&key);
		pt__buf_addf(&key, "\n%s\n", *f);
		if (state->failed_fixtures.len && strstr(state->failed_fixtures.data, key.data))
			found = *f;
	}
	pt__buf_release(&key);
	return found;
}

static void run_one(struct pt__adapter *adapter, const struct pt__adapter_test *test)
{
	struct ctest_state *state = adapter->state;
	const struct pt__ctest_entry *entry = pt__ctest_find(&state->ctest, test->name);
	struct pt__buf message = PT__BUF_INIT, output = PT__BUF_INIT;
	enum pt__wire_status verdict = PT__WIRE_FAIL;
	int64_t started = pt__now_us();
	const char *fixture;

	if (!entry) {
		pt__buf_addf(&message, "the build has no test \"%s\" any more", test->name);
	} else if (entry->disabled) {
		pt__buf_adds(&message, "disabled (DISABLED)");
		verdict = PT__WIRE_SKIP;
	} else if ((fixture = failed_fixture(state, entry))) {
		pt__buf_addf(&message, "not run: the set-up of fixture \"%s\" failed", fixture);
	} else {
		int status = pt__test_command_run(
			&(struct pt__test_command){
				.argv = entry->command,
				.environment = entry->environment,
				.cwd = entry->workdir ? entry->workdir : state->ctest.build_dir,
				.merge_stderr = true,
			},
			&output, &message);
		if (status != -1)
			verdict = judge(entry, status, pt__buf_str(&output), &message);
		if (pt__adapter_leaked(&message) && verdict != PT__WIRE_FAIL)
			verdict = PT__WIRE_LEAK;
	}
	if (entry && verdict == PT__WIRE_FAIL)
		for (char **f = entry->fixtures_setup; *f; f++)
			pt__buf_addf(&state->failed_fixtures, "\n%s\n", *f);
	pt__adapter_result(adapter, verdict, pt__now_us() - started, message.data, message.len);
	pt__buf_release(&message);
	pt__buf_release(&output);
}

static void ctest_run(struct pt__adapter *adapter, const struct pt__adapter_test *tests, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_one(adapter, &tests[i]);
}

const struct pt__adapter_kind pt__ctest_adapter = {
	.name = "ctest",
	.min_args = 1,
	.max_args = 1,
	.list = ctest_list,
	.init = ctest_init,
	.run = ctest_run,
	.release = ctest_release,
};
