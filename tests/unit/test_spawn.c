/*
 * Starting a child the one way: what the child finds (directory,
 * environment, descriptors, process group, session, user), what the parent
 * is told when it cannot start, and finding a program on the PATH.
 */
#define _XOPEN_SOURCE 700 /* realpath, getpgid, getsid */
#include <partest.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "owned_dir.h"
#include "process_identity.h"
#include "find_program.h"
#include "spawn.h"

static char *dir; /* a private directory, removed after each test */

PT_SETUP(spawn)
{
	const char *tmp = getenv("TMPDIR");
	struct pt__buf path = PT__BUF_INIT;
	char real[PATH_MAX];

	pt__buf_addf(&path, "%s/spawn-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	PT_ASSERT_NOT_NULL(mkdtemp(path.data));
	PT_ASSERT_NOT_NULL(realpath(path.data, real));
	pt__buf_release(&path);
	dir = strdup(real);
}

PT_TEARDOWN(spawn)
{
	if (dir)
		pt__remove_tree(dir);
	free(dir);
	dir = NULL;
}

/*
 * Runs /bin/sh -c script as spawn says (its path, argv and stdout are set
 * here), waits for it, and returns what it wrote on stdout.
 */
static char *run_script(struct pt__spawn *spawn, const char *script)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	struct pt__buf out = PT__BUF_INIT, err = PT__BUF_INIT;
	char chunk[512];
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	PT_ASSERT_INT(pt__pipe(fds, &err), ==, 0);
	spawn->path = "/bin/sh";
	spawn->argv = argv;
	spawn->fds[1] = fds[1];
	PT_ASSERT_INT(pt__spawn(spawn, &pid, &err), ==, 0);
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		pt__buf_add(&out, chunk, (size_t)n);
	close(fds[0]);
	PT_ASSERT_INT(waitpid(pid, &status, 0), ==, pid);
	PT_EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pt__buf_release(&err);
	return pt__buf_detach(&out);
}

static struct pt__spawn inherit_all(void)
{
	return (struct pt__spawn){
		.fds = {PT__SPAWN_INHERIT, PT__SPAWN_INHERIT, PT__SPAWN_INHERIT, PT__SPAWN_NONE,
			PT__SPAWN_NONE},
	};
}

PT_TEST(spawn, child_runs_in_the_given_directory)
{
	struct pt__spawn spawn = inherit_all();
	struct pt__buf want = PT__BUF_INIT;

	spawn.cwd = dir;
	char *out = run_script(&spawn, "pwd -P");
	pt__buf_addf(&want, "%s\n", dir);
	PT_EXPECT_STR(out, ==, want.data);
	free(out);
	pt__buf_release(&want);
}

PT_TEST(spawn, child_sees_exactly_the_given_environment)
{
	char *envp[] = {"PT_GIVEN=given", NULL};
	struct pt__spawn spawn = inherit_all();

	setenv("PT_PARENT_ONLY", "parent", 1);
	spawn.envp = envp;
	char *out = run_script(&spawn, "echo \"$PT_GIVEN/${PT_PARENT_ONLY-unset}\"");
	PT_EXPECT_STR(out, ==, "given/unset\n");
	free(out);
	spawn.envp = NULL;
	out = run_script(&spawn, "echo \"${PT_GIVEN-unset}/$PT_PARENT_ONLY\"");
	PT_EXPECT_STR(out, ==, "unset/parent\n");
	free(out);
	unsetenv("PT_PARENT_ONLY");
}

/* The same descriptor plumbing through posix_spawn and through fork. */
static void check_descriptors(bool through_fork)
{
	struct pt__spawn spawn = inherit_all();
	struct pt__buf extra = PT__BUF_INIT, err = PT__BUF_INIT;
	char chunk[64];
	int fds[2];
	ssize_t n;

	PT_ASSERT_INT(pt__pipe(fds, &err), ==, 0);
	spawn.fds[0] = PT__SPAWN_DEVNULL;
	spawn.fds[3] = fds[1];
	spawn.cwd = through_fork ? "/" : NULL;
	char *out = run_script(&spawn, "cat; echo three >&3; "
				       "if (echo >&4) 2>/dev/null; then echo 4open; else echo "
				       "4closed; fi");
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		pt__buf_add(&extra, chunk, (size_t)n);
	close(fds[0]);
	PT_EXPECT_STR(out, ==, "4closed\n");
	PT_EXPECT_STR(pt__buf_str(&extra), ==, "three\n");
	free(out);
	pt__buf_release(&extra);
	pt__buf_release(&err);
}

PT_TEST(spawn, descriptors_are_mapped_onto_0_to_4)
{
	check_descriptors(false);
}

PT_TEST(spawn, descriptors_are_mapped_onto_0_to_4_through_fork)
{
	check_descriptors(true);
}

/* Starts "sleep 30" as spawn says; the caller kills and reaps it. */
static pid_t start_sleeper(struct pt__spawn *spawn)
{
	static char *argv[] = {"sleep", "30", NULL};
	struct pt__buf err = PT__BUF_INIT;
	pid_t pid;

	spawn->path = "/bin/sleep";
	spawn->argv = argv;
	PT_ASSERT_INT(pt__spawn(spawn, &pid, &err), ==, 0);
	pt__buf_release(&err);
	return pid;
}

PT_TEST(spawn, new_group_makes_the_child_a_group_leader)
{
	struct pt__spawn spawn = inherit_all();

	spawn.new_group = true;
	pid_t pid = start_sleeper(&spawn);
	PT_EXPECT_INT(getpgid(pid), ==, pid);
	PT_EXPECT_INT(getsid(pid), ==, getsid(0));
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);

	spawn.cwd = "/";
	pid = start_sleeper(&spawn);
	PT_EXPECT_INT(getpgid(pid), ==, pid);
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

PT_TEST(spawn, detached_child_is_in_a_session_of_its_own)
{
	struct pt__spawn spawn = inherit_all();

	spawn.detach = true;
	pid_t pid = start_sleeper(&spawn);
	PT_EXPECT_TRUE(pt__process_running(pid));
	PT_EXPECT_INT(getsid(pid), !=, getsid(0));
	PT_EXPECT_INT(getpgid(pid), !=, getpgid(0));
	kill(pid, SIGKILL);
	/* Test binaries are subreapers: the orphan came back to us. */
	waitpid(pid, NULL, WNOHANG);
	PT_EXPECT_TRUE(pt__process_wait_gone(pid, 5000));
}

PT_TEST(spawn, child_runs_as_the_given_user)
{
	struct pt__spawn spawn = inherit_all();
	struct passwd *nobody = getpwnam("nobody");
	char want[32];

	if (geteuid() != 0 || !nobody)
		PT_SKIP("needs root and a \"nobody\" user");
	spawn.user = "nobody";
	char *out = run_script(&spawn, "echo $(id -u):$(id -g):$(id -G)");
	snprintf(want, sizeof(want), "%u:%u:%u\n", (unsigned)nobody->pw_uid,
		 (unsigned)nobody->pw_gid, (unsigned)nobody->pw_gid);
	PT_EXPECT_STR(out, ==, want);
	free(out);
}

PT_TEST(spawn, unknown_user_is_reported)
{
	struct pt__spawn spawn = inherit_all();
	struct pt__buf err = PT__BUF_INIT;
	char *argv[] = {"true", NULL};
	pid_t pid;

	spawn.path = "/bin/true";
	spawn.argv = argv;
	spawn.user = "no-such-user-partest";
	PT_EXPECT_INT(pt__spawn(&spawn, &pid, &err), ==, PT__ERUN);
	PT_EXPECT_STR(pt__buf_str(&err), ==,
		      "cannot run \"/bin/true\" as \"no-such-user-partest\": no such user");
	pt__buf_release(&err);
}

PT_TEST(spawn, exec_failure_names_the_program)
{
	struct pt__spawn spawn = inherit_all();
	struct pt__buf err = PT__BUF_INIT;
	char *argv[] = {"missing", NULL};
	pid_t pid;

	spawn.path = "/nonexistent/missing";
	spawn.argv = argv;
	PT_EXPECT_INT(pt__spawn(&spawn, &pid, &err), ==, PT__ERUN);
	PT_EXPECT_STR(pt__buf_str(&err), ==,
		      "cannot run \"/nonexistent/missing\": No such file or directory");

	pt__buf_reset(&err);
	spawn.cwd = "/";
	PT_EXPECT_INT(pt__spawn(&spawn, &pid, &err), ==, PT__ERUN);
	PT_EXPECT_STR(pt__buf_str(&err), ==,
		      "cannot run \"/nonexistent/missing\" in \"/\": No such file or directory");

	pt__buf_reset(&err);
	spawn.path = "/bin/true";
	spawn.cwd = "/nonexistent";
	PT_EXPECT_INT(pt__spawn(&spawn, &pid, &err), ==, PT__ERUN);
	PT_EXPECT_STR(pt__buf_str(&err), ==,
		      "cannot run \"/bin/true\" in \"/nonexistent\": chdir: No such file or "
		      "directory");

	pt__buf_reset(&err);
	spawn.path = "/nonexistent/missing";
	spawn.cwd = NULL;
	spawn.detach = true;
	PT_EXPECT_INT(pt__spawn(&spawn, &pid, &err), ==, PT__ERUN);
	PT_EXPECT_STR(pt__buf_str(&err), ==,
		      "cannot run \"/nonexistent/missing\": No such file or directory");
	/* The failed grandchild came back to this subreaper and is reaped:
	 * nothing of the failed start is left, not even while it ends. */
	errno = 0;
	PT_EXPECT_INT(waitpid(-1, NULL, WNOHANG), ==, -1);
	PT_EXPECT_INT(errno, ==, ECHILD);
	pt__buf_release(&err);
}

/* Makes an executable script called name in path. */
static void make_program(const char *path, const char *name)
{
	struct pt__buf file = PT__BUF_INIT;
	int fd;

	pt__buf_addf(&file, "%s/%s", path, name);
	fd = open(file.data, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	PT_ASSERT_INT(fd, >=, 0);
	PT_ASSERT_INT(write(fd, "#!/bin/sh\n", 10), ==, 10);
	close(fd);
	pt__buf_release(&file);
}

PT_TEST(spawn, programs_are_found_on_the_path_then_in_more_dirs)
{
	struct pt__buf first = PT__BUF_INIT, second = PT__BUF_INIT, found = PT__BUF_INIT,
		       want = PT__BUF_INIT, err = PT__BUF_INIT;
	char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

	pt__buf_addf(&first, "%s/first", dir);
	pt__buf_addf(&second, "%s/second", dir);
	PT_ASSERT_INT(mkdir(first.data, 0755), ==, 0);
	PT_ASSERT_INT(mkdir(second.data, 0755), ==, 0);
	make_program(first.data, "both");
	make_program(second.data, "both");
	make_program(second.data, "later");
	setenv("PATH", first.data, 1);

	PT_EXPECT_INT(pt__find_program("both", second.data, &found, &err), ==, 0);
	pt__buf_addf(&want, "%s/both", first.data);
	PT_EXPECT_STR(pt__buf_str(&found), ==, want.data);
	PT_EXPECT_INT(pt__find_program("later", second.data, &found, &err), ==, 0);
	pt__buf_reset(&want);
	pt__buf_addf(&want, "%s/later", second.data);
	PT_EXPECT_STR(pt__buf_str(&found), ==, want.data);

	PT_EXPECT_INT(pt__find_program("later", NULL, &found, &err), ==, PT__ERUN);
	PT_EXPECT_STR(pt__buf_str(&err), ==, "\"later\" is not on the PATH");
	pt__buf_reset(&err);
	PT_EXPECT_INT(pt__find_program("absent", "/nonexistent", &found, &err), ==, PT__ERUN);
	PT_EXPECT_STR(pt__buf_str(&err), ==, "\"absent\" is not on the PATH nor in /nonexistent");

	if (saved)
		setenv("PATH", saved, 1);
	else
		unsetenv("PATH");
	free(saved);
	pt__buf_release(&first);
	pt__buf_release(&second);
	pt__buf_release(&found);
	pt__buf_release(&want);
	pt__buf_release(&err);
}

PT_TEST(spawn, the_path_is_searched_as_the_shell_does)
{
	struct pt__buf sub = PT__BUF_INIT, found = PT__BUF_INIT, err = PT__BUF_INIT,
		       cwd = PT__BUF_INIT;
	char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	char here[4096];

	PT_ASSERT_TRUE(getcwd(here, sizeof(here)) != NULL);
	pt__buf_addf(&sub, "%s/sub", dir);
	PT_ASSERT_INT(mkdir(sub.data, 0755), ==, 0);
	/* A directory called like the program is no program. */
	pt__buf_addf(&cwd, "%s/tool", sub.data);
	PT_ASSERT_INT(mkdir(cwd.data, 0755), ==, 0);
	make_program(dir, "tool");
	setenv("PATH", sub.data, 1);
	PT_EXPECT_INT(pt__find_program("tool", NULL, &found, &err), ==, PT__ERUN);

	/* An empty entry is the current directory. */
	PT_ASSERT_INT(chdir(dir), ==, 0);
	pt__buf_reset(&cwd);
	pt__buf_addf(&cwd, "%s:", sub.data);
	setenv("PATH", cwd.data, 1);
	PT_EXPECT_INT(pt__find_program("tool", NULL, &found, &err), ==, 0);
	PT_EXPECT_STR(pt__buf_str(&found), ==, "./tool");
	PT_ASSERT_INT(chdir(here), ==, 0);

	if (saved)
		setenv("PATH", saved, 1);
	else
		unsetenv("PATH");
	free(saved);
	pt__buf_release(&sub);
	pt__buf_release(&found);
	pt__buf_release(&err);
	pt__buf_release(&cwd);
}
