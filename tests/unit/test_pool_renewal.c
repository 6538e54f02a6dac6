/*
 * When the pool renews or keeps a slot (pool_config's renew_slot and
 * keep_slot), and how it retries: executables on one worker, each call
 * written to a log in order with the test's attempt, so that "renewed
 * before the next process started" is a property of the log.
 */
#include <partest.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cancel.h"
#include "environ.h"
#include "error.h"
#include "plan.h"
#include "pool.h"
#include "protocol.h"
#include "signals.h"
#include "xalloc.h"

extern char **environ;

static struct pt__test_list list;
static struct pt__plan plan;
static struct pt__buf events;
static char **envs[1], **native_envs[1];
static struct pt__environ native_env; /* the runner's, and the protocol's marker */
static pid_t last_pid;		      /* the last script's, as it wrote it */
static bool renew_fails;
static char dir[4096];

/* A script NAME in a private directory, one test of a program of its own, its group after the others. */
static size_t add(const char *name, const char *body)
{
	char path[8192];
	FILE *script;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	script = fopen(path, "w");
	fprintf(script, "#!/bin/sh\necho $$ >\"$0.pid\"\n%s\n", body);
	fclose(script);
	chmod(path, 0755);
	size_t program = pt__test_list_add_program(&list, path, name, PT__PROGRAM_EXEC);
	size_t index = pt__test_list_add_test(&list, program, NULL, NULL, 0);
	PT__GROW(plan.groups, plan.nr_groups + 1, plan.alloc_groups);
	plan.groups[plan.nr_groups] = (struct pt__group){program, malloc(sizeof(size_t)), 1, 0};
	plan.groups[plan.nr_groups++].tests[0] = index;
	return index;
}

static void read_pid(const struct pt__test_list *l, size_t test)
{
	char path[8192];
	FILE *file;

	snprintf(path, sizeof(path), "%s.pid", l->programs[l->tests[test].program].path);
	file = fopen(path, "r");
	if (file) {
		long pid = 0;
		if (fscanf(file, "%ld", &pid) == 1)
			last_pid = (pid_t)pid;
		fclose(file);
	}
}

static void on_start(void *ctx, const struct pt__test_list *l, size_t test, int worker)
{
	pt__buf_addf(&events, "start %s %zu; ", l->tests[test].id,
		     l->tests[test].result.nr_retried + 1);
}

static void on_done(void *ctx, const struct pt__test_list *l, size_t test)
{
	read_pid(l, test);
	pt__buf_addf(&events, "done %s %s; ", l->tests[test].id,
		     pt__status_word(l->tests[test].result.status));
}

static void on_attempt_failed(void *ctx, const struct pt__test_list *l, size_t test)
{
	read_pid(l, test);
	pt__buf_addf(&events, "failed %s %zu; ", l->tests[test].id,
		     l->tests[test].result.nr_retried + 1);
}

/* The last script's process is gone (reaped) when the slot is renewed or
 * kept; "-" for a native test, whose pid the log does not know. */
static const char *gone(void)
{
	if (!last_pid)
		return "-";
	return kill(last_pid, 0) && errno == ESRCH ? "gone" : "ALIVE";
}

static int renew(void *ctx, int worker, struct pt__buf *err)
{
	pt__buf_addf(&events, "renew %d %s; ", worker, gone());
	if (renew_fails) {
		pt__buf_adds(err, "cannot renew worker 1's clone: the server went away");
		return PT__ERUN;
	}
	return 0;
}

static int keep(void *ctx, int worker, int clone, const struct pt__test_list *l, size_t test,
		struct pt__buf *err)
{
	pt__buf_addf(&events, "keep %d %s %s; ", worker, l->tests[test].id, gone());
	return 0;
}

static const struct pt__cancel never = {NULL, 0};

static struct pt__pool_config config(int retries, bool keeping)
{
	envs[0] = environ;
	pt__environ_release(&native_env);
	pt__environ_init(&native_env);
	pt__environ_set(&native_env, PT__PROTOCOL_ENV, "1");
	native_envs[0] = native_env.vars;
	return (struct pt__pool_config){
		.workers = 1,
		.cancel = &never,
		.kill_grace = 2,
		.retries = retries,
		.exec_envs = envs,
		.native_envs = native_envs,
		.capture_dir = dir,
		.test_start = on_start,
		.test_done = on_done,
		.attempt_failed = on_attempt_failed,
		.renew_slot = renew,
		.keep_slot = keeping ? keep : NULL,
	};
}

static int run(int retries, bool keeping, struct pt__buf *err)
{
	struct pt__pool_config c = config(retries, keeping);

	return pt__pool_run(&list, &plan, &c, err);
}

PT_SETUP(renewal)
{
	struct pt__buf err = PT__BUF_INIT;

	snprintf(dir, sizeof(dir), "%s/renewal.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	PT_ASSERT_NOT_NULL(mkdtemp(dir));
	PT_ASSERT_INT(pt__signals_install(&err), ==, 0);
	pt__buf_release(&err);
	renew_fails = false;
	last_pid = 0;
}

PT_TEARDOWN(renewal)
{
	pt__test_list_release(&list);
	pt__plan_release(&plan);
	pt__environ_release(&native_env);
	pt__buf_release(&events);
}

PT_TEST(renewal, a_crash_renews_the_slot_before_the_next_process_starts)
{
	struct pt__buf err = PT__BUF_INIT;

	add("crash.sh", "kill -SEGV $$");
	add("next.sh", "exit 0");
	PT_ASSERT_INT(run(0, false, &err), ==, 0);
	PT_EXPECT_STR(events.data, ==,
		      "start crash.sh 1; done crash.sh CRASH; renew 1 gone; "
		      "start next.sh 1; done next.sh PASS; ");
	pt__buf_release(&err);
}

PT_TEST(renewal, under_isolate_the_test_after_a_crashed_one_starts_on_a_renewed_slot)
{
	const char *build = getenv("PARTEST_BUILD");
	struct pt__buf err = PT__BUF_INIT, path = PT__BUF_INIT;

	if (!build)
		PT_SKIP("needs PARTEST_BUILD (make unit sets it) for tests/programs/flaky");
	pt__buf_addf(&path, "%s/tests/programs/flaky", build);
	size_t program = pt__test_list_add_program(&list, path.data, "flaky", PT__PROGRAM_NATIVE);
	list.programs[program].start = PT__START_ISOLATE;
	list.programs[program].forkable = false;
	PT__GROW(plan.groups, 1, plan.alloc_groups);
	plan.groups[0] = (struct pt__group){program, calloc(2, sizeof(size_t)), 2, 0};
	plan.groups[0].tests[0] =
		pt__test_list_add_test(&list, program, "flaky", "crashes_once", 0);
	plan.groups[0].tests[1] = pt__test_list_add_test(&list, program, "flaky", "after", 0);
	plan.nr_groups = 1;
	setenv("FLAKY_DIR", dir, 1);
	PT_ASSERT_INT(run(0, false, &err), ==, 0);
	unsetenv("FLAKY_DIR");
	PT_EXPECT_STR(events.data, ==,
		      "start flaky::flaky::crashes_once 1; done flaky::flaky::crashes_once CRASH; "
		      "renew 1 -; start flaky::flaky::after 1; done flaky::flaky::after PASS; ");
	pt__buf_release(&path);
	pt__buf_release(&err);
}

PT_TEST(renewal, a_plain_failure_without_retries_renews_nothing)
{
	struct pt__buf err = PT__BUF_INIT;

	add("fails.sh", "exit 1");
	add("next.sh", "exit 0");
	PT_ASSERT_INT(run(0, false, &err), ==, 0);
	PT_EXPECT_STR(events.data, ==,
		      "start fails.sh 1; done fails.sh FAIL; start next.sh 1; done next.sh PASS; ");
	pt__buf_release(&err);
}

PT_TEST(renewal, a_retry_runs_on_a_renewed_slot_and_passing_is_flaky)
{
	struct pt__buf err = PT__BUF_INIT;

	add("once.sh", "[ -e \"$0.ran\" ] && exit 0; touch \"$0.ran\"; exit 1");
	PT_ASSERT_INT(run(2, false, &err), ==, 0);
	PT_EXPECT_STR(events.data, ==,
		      "start once.sh 1; failed once.sh 1; renew 1 gone; "
		      "start once.sh 2; done once.sh FLAKY; ");
	PT_EXPECT_UINT(list.tests[0].result.nr_retried, ==, 1);
	PT_EXPECT_INT(list.tests[0].result.retried[0].status, ==, PT__FAIL);
	pt__buf_release(&err);
}

PT_TEST(renewal, a_test_failing_every_attempt_runs_retries_plus_one_times)
{
	struct pt__buf err = PT__BUF_INIT;

	add("fails.sh", "exit 1");
	PT_ASSERT_INT(run(2, false, &err), ==, 0);
	PT_EXPECT_STR(events.data, ==,
		      "start fails.sh 1; failed fails.sh 1; renew 1 gone; "
		      "start fails.sh 2; failed fails.sh 2; renew 1 gone; "
		      "start fails.sh 3; done fails.sh FAIL; ");
	pt__buf_release(&err);
}

PT_TEST(renewal, a_test_failed_for_good_has_its_slot_kept_not_renewed)
{
	struct pt__buf err = PT__BUF_INIT;

	add("fails.sh", "exit 1");
	add("next.sh", "exit 0");
	PT_ASSERT_INT(run(1, true, &err), ==, 0);
	PT_EXPECT_STR(events.data, ==,
		      "start fails.sh 1; failed fails.sh 1; renew 1 gone; "
		      "start fails.sh 2; done fails.sh FAIL; keep 1 fails.sh gone; "
		      "start next.sh 1; done next.sh PASS; ");
	pt__buf_release(&err);
}

PT_TEST(renewal, a_hard_error_is_not_retried)
{
	struct pt__buf err = PT__BUF_INIT;

	add("error.sh", "exit 99");
	PT_ASSERT_INT(run(2, false, &err), ==, 0);
	PT_EXPECT_STR(events.data, ==, "start error.sh 1; done error.sh ERROR; ");
	pt__buf_release(&err);
}

PT_TEST(renewal, a_renewal_that_fails_stops_the_run_with_its_line)
{
	struct pt__buf err = PT__BUF_INIT;

	renew_fails = true;
	add("crash.sh", "kill -SEGV $$");
	add("next.sh", "exit 0");
	PT_ASSERT_INT(run(0, false, &err), ==, PT__ERUN);
	PT_EXPECT_STR(err.data, ==, "cannot renew worker 1's clone: the server went away");
	PT_EXPECT_STR(events.data, ==, "start crash.sh 1; done crash.sh CRASH; renew 1 gone; ");
	PT_EXPECT_INT(list.tests[1].result.status, ==, PT__NOT_RUN);
	pt__buf_release(&err);
}
