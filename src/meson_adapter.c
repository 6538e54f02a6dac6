#include "meson_adapter.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "clock.h"
#include "error.h"
#include "meson.h"
#include "spawn.h"
#include "tap.h"
#include "test_command.h"
#include "xalloc.h"

static int meson_init(struct pt__adapter *adapter, struct pt__buf *why)
{
	struct pt__meson *meson = pt__xcalloc(1, sizeof(*meson));

	adapter->state = meson;
	int rc = pt__meson_read(meson, adapter->args[0], why);
	/* The tests that should fail, as the runner read them: "WORD WORD". */
	for (size_t i = 0; !rc && adapter->nr_args > 1 && i < meson->nr; i++) {
		const char *words = adapter->args[1], *word = meson->entries[i].word;
		size_t len = strlen(word);
		for (const char *at = words; (at = strstr(at, word)); at += len)
			if ((at == words || at[-1] == ' ') && (at[len] == ' ' || !at[len]))
				meson->entries[i].should_fail = true;
	}
	return rc;
}

static void meson_release(struct pt__adapter *adapter)
{
	pt__meson_release(adapter->state);
	free(adapter->state);
}

static int meson_list(struct pt__adapter *adapter, struct pt__buf *why)
{
	pt__buf_adds(why, "the meson adapter does not list: partest --meson reads the build");
	return PT__ERUN;
}

/*
 * meson test's verdict on an entry that ran, before should_fail, with why in
 * message; *error is set when meson calls it an error (a TAP bail out, exit
 * status 99), which should_fail does not turn into a pass.
 */
static enum pt__wire_status judge_protocol(const struct pt__meson_entry *entry, int status,
					   const struct pt__buf *output, struct pt__buf *message,
					   bool *error)
{
	if (!WIFEXITED(status)) {
		pt__describe_wait_status(status, message);
		return PT__WIRE_FAIL;
	}
	int code = WEXITSTATUS(status);
	if (entry->protocol == PT__MESON_TAP) {
		enum pt__tap_verdict tap =
			pt__tap_judge(output->data ? output->data : "", output->len, NULL, message);
		*error = tap == PT__TAP_BAIL_OUT;
		if (tap == PT__TAP_FAIL || tap == PT__TAP_BAIL_OUT)
			return PT__WIRE_FAIL;
		if (code) {
			pt__describe_wait_status(status, message);
			return PT__WIRE_FAIL;
		}
		if (tap == PT__TAP_NONE)
			pt__buf_adds(message, "no TAP output");
		return tap == PT__TAP_SKIP   ? PT__WIRE_SKIP
		       : tap == PT__TAP_PASS ? PT__WIRE_PASS
					     : PT__WIRE_FAIL;
	}
	if (code == 77) {
		pt__buf_adds(message, "exited with status 77 (skip)");
		return PT__WIRE_SKIP;
	}
	*error = code == 99;
	if (code == 99)
		pt__buf_adds(message, "exited with status 99 (a hard error)");
	else if (code)
		pt__describe_wait_status(status, message);
	return code ? PT__WIRE_FAIL : PT__WIRE_PASS;
}

/*
 * meson test's verdict on an entry that ran: by its protocol, then, if it
 * should_fail, a failure passes and a pass fails; a skip, an error or a
 * time limit (the runner's) stays what it is.
 */
static enum pt__wire_status judge(const struct pt__meson_entry *entry, int status,
				  const struct pt__buf *output, struct pt__buf *message)
{
	bool error = false;
	enum pt__wire_status verdict = judge_protocol(entry, status, output, message, &error);

	if (!entry->should_fail || verdict == PT__WIRE_SKIP || error)
		return verdict;
	pt__buf_reset(message);
	if (verdict == PT__WIRE_PASS) {
		pt__buf_adds(message, "it passed, and should_fail says it should fail");
		return PT__WIRE_FAIL;
	}
	return PT__WIRE_PASS;
}

static void meson_run(struct pt__adapter *adapter, const struct pt__adapter_test *tests, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pt__meson_entry *entry = pt__meson_find(adapter->state, tests[i].name);
		struct pt__buf message = PT__BUF_INIT, output = PT__BUF_INIT;
		enum pt__wire_status verdict = PT__WIRE_FAIL;
		int64_t started = pt__now_us();

		if (!entry) {
			pt__buf_addf(&message, "the build has no test \"%s\" any more",
				     tests[i].name);
		} else {
			const struct pt__meson *meson = adapter->state;
			int status = pt__test_command_run(
				&(struct pt__test_command){
					.argv = entry->command,
					.environment = entry->environment,
					.cwd = entry->workdir ? entry->workdir : meson->build_dir,
				},
				&output, &message);
			if (status != -1)
				verdict = judge(entry, status, &output, &message);
			if (pt__adapter_leaked(&message) && verdict != PT__WIRE_FAIL)
				verdict = PT__WIRE_LEAK;
		}
		pt__adapter_result(adapter, verdict, pt__now_us() - started, message.data,
				   message.len);
		pt__buf_release(&message);
		pt__buf_release(&output);
	}
}

const struct pt__adapter_kind pt__meson_adapter = {
	.name = "meson",
	.min_args = 1,
	.max_args = 2,
	.list = meson_list,
	.init = meson_init,
	.run = meson_run,
	.release = meson_release,
};
