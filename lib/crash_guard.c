#include "crash_guard.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

static const struct {
	int signo;
	const char *name;
} fatal[] = {
	{SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"}, {SIGFPE, "SIGFPE"},	{SIGILL, "SIGILL"},
	{SIGABRT, "SIGABRT"}, {SIGSYS, "SIGSYS"}, {SIGTRAP, "SIGTRAP"},
};

#define NR_FATAL (sizeof(fatal) / sizeof(fatal[0]))

static void (*guarded_fn)(void);
static sigjmp_buf landing;
static volatile sig_atomic_t caught;

static void on_crash(int signo)
{
	caught = signo;
	siglongjmp(landing, 1);
}

/* Called by pt__call_protected, so that a crash lands here and the
 * assertions' bookkeeping is put back as after any return. */
static void guarded(void)
{
	if (!sigsetjmp(landing, 1))
		guarded_fn();
}

enum pt__outcome_status pt__crash_guard_call(void (*fn)(void), const char *what,
					     struct pt__outcome *outcome)
{
	struct sigaction action, old[NR_FATAL];

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_crash;
	sigemptyset(&action.sa_mask);
	caught = 0;
	guarded_fn = fn;
	for (size_t i = 0; i < NR_FATAL; i++)
		sigaction(fatal[i].signo, &action, &old[i]);
	pt__call_protected(guarded, outcome);
	for (size_t i = 0; i < NR_FATAL; i++)
		sigaction(fatal[i].signo, &old[i], NULL);
	for (size_t i = 0; caught && i < NR_FATAL; i++) {
		if (fatal[i].signo != caught)
			continue;
		if (outcome->message.len)
			pt__buf_addc(&outcome->message, '\n');
		pt__buf_addf(&outcome->message, "%s crashed with %s (%s)", what, fatal[i].name,
			     strsignal(caught));
		outcome->status = PT__OUTCOME_FAIL;
	}
	return outcome->status;
}
