#include "verdict.h"

#include <sys/wait.h>

#include "spawn.h"

enum pt__status pt__verdict_of_executable(int wait_status, const char *out, size_t len, bool leaked,
					  struct pt__tap_stream *tap, struct pt__buf *message)
{
	struct pt__buf details = PT__BUF_INIT;
	enum pt__tap_verdict judged = pt__tap_judge(out ? out : "", len, tap, &details);
	bool tap_failed = judged == PT__TAP_FAIL || judged == PT__TAP_BAIL_OUT;
	enum pt__status verdict;

	if (WIFSIGNALED(wait_status)) {
		verdict = PT__CRASH;
		pt__describe_wait_status(wait_status, message);
	} else if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 99) {
		/* automake's hard error: the test could not test (a missing
		 * tool, a broken fixture), whatever its TAP said. */
		verdict = PT__ERROR;
		pt__buf_add(message, details.data, details.len);
		pt__buf_adds(message, "exited with status 99: a hard error");
	} else if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 77 && !tap_failed) {
		verdict = PT__SKIP;
		pt__buf_adds(message, details.len ? details.data : "exited with status 77 (skip)");
	} else if (tap_failed) {
		verdict = PT__FAIL;
		pt__buf_add(message, details.data, details.len);
		if (judged == PT__TAP_BAIL_OUT)
			pt__buf_adds(message, "bailed out: no further test starts\n");
		if (WEXITSTATUS(wait_status)) {
			pt__buf_addc(message, '\n');
			pt__describe_wait_status(wait_status, message);
		}
	} else if (WEXITSTATUS(wait_status)) {
		verdict = PT__FAIL;
		pt__describe_wait_status(wait_status, message);
	} else if (judged == PT__TAP_SKIP) {
		verdict = PT__SKIP;
		pt__buf_add(message, details.data, details.len);
	} else {
		verdict = PT__PASS;
	}
	if (leaked) {
		if (message->len)
			pt__buf_addc(message, '\n');
		pt__buf_adds(message, "left processes running after it exited; they were killed");
		if (verdict == PT__PASS || verdict == PT__SKIP)
			verdict = PT__LEAK;
	}
	pt__buf_release(&details);
	return verdict;
}
