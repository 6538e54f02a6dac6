/*
 * The throwaway servers' common life cycle (src/db/server.c), with a
 * shell script for an engine: the private directory and what killed runs
 * left, the one line a failed program or server leaves, cancellation, and
 * the stop.
 */
#include <partest.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "db/server.h"
#include "owned_dir.h"
#include "process_identity.h"

static const struct pt__db_server_kind test_kind = {
	.name = "Test",
	.dir_prefix = "srv-",
	.pid_file = "server.pid",
	.stop_signal = SIGTERM,
	.log_tail = 100,
};

static struct {
	char *base; /* where the servers' directories are made; removed after */
	struct pt__db_server server;
	struct pt__buf err, path;
} fx;

PT_SETUP(db_server)
{
	const char *tmp = getenv("TMPDIR");
	struct pt__buf base = PT__BUF_INIT;

	memset(&fx, 0, sizeof(fx));
	pt__buf_addf(&base, "%s/db-server-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	PT_ASSERT_NOT_NULL(mkdtemp(base.data));
	fx.base = pt__buf_detach(&base);
	fx.server.kind = &test_kind;
	fx.server.run_id = "run-under-test";
}

PT_TEARDOWN(db_server)
{
	pt__db_server_release(&fx.server);
	pt__remove_tree(fx.base);
	free(fx.base);
	pt__buf_release(&fx.err);
	pt__buf_release(&fx.path);
}

static const char *in_server_dir(const char *name)
{
	pt__buf_reset(&fx.path);
	pt__buf_addf(&fx.path, "%s/%s", fx.server.dir, name);
	return fx.path.data;
}

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

PT_TEST(db_server, private_directory_is_claimed_and_removed_on_release)
{
	struct pt__buf prefix = PT__BUF_INIT;
	char *dir;

	PT_ASSERT_INT(pt__db_server_make_dir(&fx.server, fx.base, &fx.err), ==, 0);
	pt__buf_addf(&prefix, "%s/srv-%ld-", fx.base, (long)getpid());
	PT_EXPECT_INT(strncmp(fx.server.dir, prefix.data, prefix.len), ==, 0);
	PT_EXPECT_TRUE(exists(in_server_dir("owner")));
	dir = strdup(fx.server.dir);
	pt__db_server_release(&fx.server);
	PT_EXPECT_NULL(fx.server.dir);
	PT_EXPECT_FALSE(exists(dir));
	free(dir);
	pt__buf_release(&prefix);
}

PT_TEST(db_server, what_a_killed_run_left_is_stopped_and_removed)
{
	char *argv[] = {"sleep", "60", NULL};
	struct pt__buf left = PT__BUF_INIT, file = PT__BUF_INIT;
	pid_t dead = fork(), server;
	FILE *out;

	if (dead == 0)
		_exit(0);
	PT_ASSERT_INT(waitpid(dead, NULL, 0), ==, dead);
	pt__buf_addf(&left, "%s/srv-%ld-left", fx.base, (long)dead);
	PT_ASSERT_INT(mkdir(left.data, 0700), ==, 0);
	pt__buf_addf(&file, "%s/owner", left.data);
	PT_ASSERT_NOT_NULL(out = fopen(file.data, "w"));
	fprintf(out, "%ld 0\n", (long)dead);
	fclose(out);
	server = fork();
	if (server == 0) {
		execv("/bin/sleep", argv);
		_exit(127);
	}
	pt__buf_reset(&file);
	pt__buf_addf(&file, "%s/server.pid", left.data);
	PT_ASSERT_NOT_NULL(out = fopen(file.data, "w"));
	fprintf(out, "%ld\n", (long)server);
	fclose(out);

	PT_ASSERT_INT(pt__db_server_make_dir(&fx.server, fx.base, &fx.err), ==, 0);
	PT_EXPECT_INT(waitpid(server, NULL, WNOHANG), ==, server);
	PT_EXPECT_FALSE(exists(left.data));
	pt__buf_release(&left);
	pt__buf_release(&file);
}

PT_TEST(db_server, failed_program_is_one_line_with_its_log)
{
	char *argv[] = {"/bin/sh", "-c", "echo first; echo broken >&2; exit 3", NULL};
	struct pt__buf want = PT__BUF_INIT;

	PT_ASSERT_INT(pt__db_server_make_dir(&fx.server, fx.base, &fx.err), ==, 0);
	PT_EXPECT_INT(pt__db_server_run(&fx.server, argv, "setup", "setup.log", &PT__CANCEL_NEVER,
					&fx.err),
		      ==, PT__ERUN);
	pt__buf_addf(&want,
		     "cannot start a throwaway Test server: setup in \"%s\" failed: first | broken",
		     fx.server.dir);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==, want.data);
	pt__buf_release(&want);
}

PT_TEST(db_server, program_that_cannot_start_is_named)
{
	char *argv[] = {"/nonexistent/initdb", NULL};

	PT_ASSERT_INT(pt__db_server_make_dir(&fx.server, fx.base, &fx.err), ==, 0);
	PT_EXPECT_INT(pt__db_server_run(&fx.server, argv, "initdb", "initdb.log", &PT__CANCEL_NEVER,
					&fx.err),
		      ==, PT__ERUN);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==,
		      "cannot start a throwaway Test server: cannot run \"/nonexistent/initdb\": "
		      "No such file or directory");
}

PT_TEST(db_server, cancelled_program_is_killed)
{
	static volatile sig_atomic_t interrupts = 1;
	struct pt__cancel cancel = {&interrupts, 0};
	char *argv[] = {"/bin/sleep", "30", NULL};

	PT_ASSERT_INT(pt__db_server_make_dir(&fx.server, fx.base, &fx.err), ==, 0);
	PT_EXPECT_INT(pt__db_server_run(&fx.server, argv, "sleep", "sleep.log", &cancel, &fx.err),
		      ==, PT__EINTR);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==,
		      "interrupted while starting a throwaway Test server");
}

static bool never_ready(void *arg)
{
	(void)arg;
	return false;
}

/* Ready once the file at path holds a whole line: the shell's builtin echo
 * writes it in one write, and no child process is left to race the stop. */
static bool line_written(void *path)
{
	char line[64] = "";
	FILE *in = fopen(path, "r");
	bool whole = in && fgets(line, sizeof(line), in) && strchr(line, '\n');

	if (in)
		fclose(in);
	return whole;
}

PT_TEST(db_server, server_that_exits_is_reported_with_its_log)
{
	char *argv[] = {"/bin/sh", "-c", "echo bye; exit 1", NULL};
	struct pt__buf want = PT__BUF_INIT;

	PT_ASSERT_INT(pt__db_server_make_dir(&fx.server, fx.base, &fx.err), ==, 0);
	PT_EXPECT_INT(pt__db_server_start(&fx.server, argv, "testd", never_ready, NULL,
					  &PT__CANCEL_NEVER, &fx.err),
		      ==, PT__ERUN);
	pt__buf_addf(&want, "cannot start a throwaway Test server in \"%s\": testd exited: bye",
		     fx.server.dir);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==, want.data);
	pt__buf_release(&want);
}

PT_TEST(db_server, ready_server_carries_the_run_id_and_is_stopped_on_release)
{
	char *argv[] = {"/bin/sh", "-c", "echo \"$PARTEST_RUN_ID\" >\"$0/id\"; exec sleep 60", NULL,
			NULL};
	struct pt__buf id = PT__BUF_INIT;
	FILE *in;
	char line[64] = "";
	pid_t pid;

	PT_ASSERT_INT(pt__db_server_make_dir(&fx.server, fx.base, &fx.err), ==, 0);
	argv[3] = fx.server.dir;
	pt__buf_addf(&id, "%s/id", fx.server.dir);
	PT_ASSERT_INT(pt__db_server_start(&fx.server, argv, "testd", line_written, id.data,
					  &PT__CANCEL_NEVER, &fx.err),
		      ==, 0);
	PT_ASSERT_NOT_NULL(in = fopen(id.data, "r"));
	PT_EXPECT_NOT_NULL(fgets(line, sizeof(line), in));
	fclose(in);
	PT_EXPECT_STR(line, ==, "run-under-test\n");
	pid = fx.server.pid;
	PT_EXPECT_TRUE(pt__process_running(pid));
	pt__db_server_release(&fx.server);
	waitpid(pid, NULL, WNOHANG); /* test binaries are subreapers: it came back to us */
	PT_EXPECT_FALSE(pt__process_running(pid));
	pt__buf_release(&id);
}
