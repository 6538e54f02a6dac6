#include "verdict.h"

#include <sys/wait.h>

#include "spawn.h"
#include "tap.h"

enum pt__status pt__verdict_of_executable(int wait_status, const char *out, size_t len, bool leaked,
					  struct pt__buf *message)
{
	struct pt__buf details = PT__BUF_INIT;
	enum pt__tap_verdict tap = pt__tap_judge(out ? out : "", len, &details);
	enum pt__status verdict;

	if (WIFSIGNALED(wait_status)) {
		verdict = PT__CRASH;
		pt__describe_wait_status(wait_status, message);
	} else if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 77 &&
		   tap != PT__TAP_FAIL) {
		verdict = PT__SKIP;
		pt__buf_adds(message, details.len ? details.data : "exited with status 77 (skip)");
	} else if (tap == PT__TAP_FAIL) {
		verdict = PT__FAIL;
		pt__buf_add(message, details.data, details.len);
		if (WEXITSTATUS(wait_status)) {
			pt__buf_addc(message, '\n');
			pt__describe_wait_status(wait_status, message);
		}
	} else if (WEXITSTATUS(wait_status)) {
		verdict = PT__FAIL;
		pt__describe_wait_status(wait_status, message);
	} else if (tap == PT__TAP_SKIP) {
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
