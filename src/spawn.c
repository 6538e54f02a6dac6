#define _GNU_SOURCE /* sigabbrev_np, setgroups */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "find_program.h"
#include "xalloc.h"

/* --wrapper: the words every wrapped child is started under. */
static struct {
	char *const *words; /* NULL: none */
	size_t nr_words;
	struct pt__buf path; /* words[0] found on the PATH */
} wrapper = {NULL, 0, PT__BUF_INIT};

static int move_high(int fd)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	int saved = errno;

	close(fd);
	errno = saved;
	return high;
}

int pt__pipe(int fds[2], struct pt__buf *err)
{
	int raw[2];

	fds[0] = fds[1] = -1;
	if (pipe(raw)) {
		pt__buf_addf(err, "pipe: %s", strerror(errno));
		return PT__ERUN;
	}
	fds[0] = move_high(raw[0]);
	fds[1] = move_high(raw[1]);
	if (fds[0] < 0 || fds[1] < 0) {
		pt__buf_addf(err, "pipe: %s", strerror(errno));
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		fds[0] = fds[1] = -1;
		return PT__ERUN;
	}
	return 0;
}

int pt__unlinked_file(const char *dir, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
	int fd;

	pt__buf_addf(&path, "%s/output-XXXXXX", dir);
	fd = mkstemp(path.data);
	if (fd >= 0) {
		unlink(path.data);
		fd = move_high(fd);
	}
	if (fd < 0) {
		pt__buf_addf(err, "cannot make a file in \"%s\": %s", dir, strerror(errno));
		fd = PT__ERUN;
	}
	pt__buf_release(&path);
	return fd;
}

void pt__close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void pt__set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags >= 0)
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

extern char **environ;

/* Says in err why path could not be started; returns PT__ERUN. */
static int spawn_error(const struct pt__spawn *spawn, const char *step, int err_no,
		       struct pt__buf *err)
{
	pt__buf_addf(err, "cannot run \"%s\"", spawn->path);
	if (spawn->user)
		pt__buf_addf(err, " as \"%s\"", spawn->user);
	if (spawn->cwd)
		pt__buf_addf(err, " in \"%s\"", spawn->cwd);
	pt__buf_addf(err, ": %s%s", step, strerror(err_no));
	return PT__ERUN;
}

/* The defaults posix_spawn cannot give: a directory, a user, a session. */
static bool needs_fork(const struct pt__spawn *spawn)
{
	return spawn->cwd || spawn->user || spawn->new_session || spawn->detach;
}

static int spawn_posix(const struct pt__spawn *spawn, pid_t *pid, struct pt__buf *err)
{
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	int rc;

	if ((rc = posix_spawn_file_actions_init(&actions)))
		return spawn_error(spawn, "", rc, err);
	if ((rc = posix_spawnattr_init(&attr))) {
		posix_spawn_file_actions_destroy(&actions);
		return spawn_error(spawn, "", rc, err);
	}
	for (int fd = 0; fd < PT__SPAWN_FDS && !rc; fd++) {
		int from = spawn->fds[fd];
		if (from == PT__SPAWN_DEVNULL)
			rc = posix_spawn_file_actions_addopen(&actions, fd, "/dev/null",
							      fd ? O_WRONLY : O_RDONLY, 0);
		else if (from == PT__SPAWN_NONE)
			rc = posix_spawn_file_actions_addclose(&actions, fd);
		else if (from >= 0)
			rc = posix_spawn_file_actions_adddup2(&actions, from, fd);
	}
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGCHLD);
	sigaddset(&defaults, SIGPIPE);
	if (spawn->new_group)
		flags |= POSIX_SPAWN_SETPGROUP;
	if (!rc)
		rc = posix_spawnattr_setflags(&attr, flags);
	if (!rc)
		rc = posix_spawnattr_setsigmask(&attr, &none);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(&attr, &defaults);
	if (!rc && spawn->new_group)
		rc = posix_spawnattr_setpgroup(&attr, 0);
	if (!rc)
		rc = posix_spawn(pid, spawn->path, &actions, &attr, spawn->argv,
				 spawn->envp ? spawn->envp : environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	return rc ? spawn_error(spawn, "", rc, err) : 0;
}

/* What the child sends up the error pipe: a pid, or the step that failed. */
struct child_report {
	int step; /* enum child_step */
	int err_no;
	pid_t pid;
};

enum child_step { STEP_STARTED, STEP_FORK, STEP_FDS, STEP_CWD, STEP_USER, STEP_EXEC };

static const char *const step_words[] = {
	[STEP_STARTED] = "",	[STEP_FORK] = "fork: ",		  [STEP_FDS] = "descriptors: ",
	[STEP_CWD] = "chdir: ", [STEP_USER] = "switching user: ", [STEP_EXEC] = "",
};

/* In the child: tells the parent, then ends. Async-signal-safe. */
_Noreturn static void child_fail(int report, enum child_step step)
{
	struct child_report message = {(int)step, errno, getpid()};

	(void)!write(report, &message, sizeof(message));
	_exit(127);
}

/* In the child: descriptors 0..4 as spawn->fds says; false with errno set
 * if one cannot be. Async-signal-safe. */
static bool child_set_fds(const struct pt__spawn *spawn)
{
	for (int fd = 0; fd < PT__SPAWN_FDS; fd++) {
		int from = spawn->fds[fd];
		if (from == PT__SPAWN_DEVNULL) {
			int null_fd = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
			if (null_fd < 0)
				return false;
			if (null_fd != fd && (dup2(null_fd, fd) < 0 || close(null_fd)))
				return false;
		} else if (from == PT__SPAWN_NONE) {
			close(fd);
		} else if (from == fd) {
			if (fcntl(fd, F_SETFD, 0) < 0)
				return false;
		} else if (from >= 0 && dup2(from, fd) < 0) {
			return false;
		}
	}
	return true;
}

/*
 * In the child, from fork to exec: only async-signal-safe calls. Every
 * signal was blocked by the parent around fork; dispositions go back to
 * their defaults before the mask is cleared.
 */
_Noreturn static void child_run(const struct pt__spawn *spawn, char *const *envp, uid_t uid,
				gid_t gid, int report)
{
	sigset_t none;

	if (spawn->new_session || spawn->detach)
		setsid();
	else if (spawn->new_group)
		setpgid(0, 0);
	if (spawn->detach) {
		pid_t grandchild = fork();
		if (grandchild < 0)
			child_fail(report, STEP_FORK);
		if (grandchild > 0) {
			struct child_report message = {STEP_STARTED, 0, grandchild};
			(void)!write(report, &message, sizeof(message));
			_exit(0);
		}
	}
	for (int signo = 1; signo < NSIG; signo++)
		signal(signo, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (!child_set_fds(spawn))
		child_fail(report, STEP_FDS);
	if (spawn->cwd && chdir(spawn->cwd))
		child_fail(report, STEP_CWD);
	if (spawn->user && (setgroups(0, NULL) || setgid(gid) || setuid(uid)))
		child_fail(report, STEP_USER);
	execve(spawn->path, spawn->argv, envp);
	child_fail(report, STEP_EXEC);
}

/* Reads one report; false at end of file (the program was exec'd). */
static bool read_report(int fd, struct child_report *message)
{
	size_t got = 0;

	while (got < sizeof(*message)) {
		ssize_t n = read(fd, (char *)message + got, sizeof(*message) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* fork and exec, git run-command style: the child reports failures up a pipe. */
static int spawn_fork(const struct pt__spawn *spawn, pid_t *pid, struct pt__buf *err)
{
	char *const *envp = spawn->envp ? spawn->envp : environ;
	struct child_report message, failure = {0, 0, 0};
	int failed = 0;
	sigset_t all, old;
	uid_t uid = 0;
	gid_t gid = 0;
	int report[2];
	pid_t child;

	if (spawn->user) {
		struct passwd *pw = getpwnam(spawn->user);
		if (!pw) {
			pt__buf_addf(err, "cannot run \"%s\" as \"%s\": no such user", spawn->path,
				     spawn->user);
			return PT__ERUN;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	struct pt__buf why = PT__BUF_INIT;
	if (pt__pipe(report, &why)) {
		pt__buf_addf(err, "cannot run \"%s\": %s", spawn->path, why.data);
		pt__buf_release(&why);
		return PT__ERUN;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	child = fork();
	if (!child)
		child_run(spawn, envp, uid, gid, report[1]);
	int fork_errno = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(report[1]);
	if (child < 0) {
		close(report[0]);
		return spawn_error(spawn, "fork: ", fork_errno, err);
	}
	/*
	 * Until end of file, which comes when the program is exec'd (the pipe
	 * is close-on-exec) or its starter has failed and ended. A detached
	 * start also hears from the intermediate child, in either order.
	 */
	*pid = spawn->detach ? 0 : child;
	while (read_report(report[0], &message)) {
		if (message.step == STEP_STARTED)
			*pid = message.pid;
		else if (!failed++)
			failure = message;
	}
	close(report[0]);
	if (spawn->detach || failed)
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
	/*
	 * A detached program that failed to start did so in the grandchild,
	 * which a child subreaper (a partest worker) has just adopted: reap it,
	 * or it is still ending when the caller looks for what it left running.
	 */
	if (failed && failure.pid != child)
		while (waitpid(failure.pid, NULL, 0) < 0 && errno == EINTR)
			;
	if (failed)
		return spawn_error(spawn, step_words[failure.step], failure.err_no, err);
	if (!*pid)
		return spawn_error(spawn, step_words[STEP_FORK], ECHILD, err);
	return 0;
}

int pt__spawn_wrap(char *const *words, struct pt__buf *err)
{
	struct pt__buf why = PT__BUF_INIT;

	wrapper.words = NULL;
	wrapper.nr_words = 0;
	pt__buf_release(&wrapper.path);
	if (!words)
		return 0;
	if (pt__find_program(words[0], NULL, &wrapper.path, &why)) {
		pt__buf_addf(err, "--wrapper: %s", why.data);
		pt__buf_release(&why);
		return PT__EUSAGE;
	}
	wrapper.words = words;
	while (words[wrapper.nr_words])
		wrapper.nr_words++;
	return 0;
}

char *const *pt__spawn_wrapper(void)
{
	return wrapper.words;
}

static int start(const struct pt__spawn *spawn, pid_t *pid, struct pt__buf *err)
{
	return needs_fork(spawn) ? spawn_fork(spawn, pid, err) : spawn_posix(spawn, pid, err);
}

/*
 * A wrapped child: the wrapper's words, then the program's path where its
 * argv[0] was (a wrapper runs a path, not a name), then its arguments.
 */
int pt__spawn(const struct pt__spawn *spawn, pid_t *pid, struct pt__buf *err)
{
	if (!spawn->wrapped || !wrapper.words)
		return start(spawn, pid, err);
	size_t nr_args = 0;
	while (spawn->argv[nr_args])
		nr_args++;
	char **argv = pt__xcalloc(wrapper.nr_words + nr_args + 1, sizeof(*argv));
	memcpy(argv, wrapper.words, wrapper.nr_words * sizeof(*argv));
	argv[wrapper.nr_words] = (char *)spawn->path;
	if (nr_args > 1)
		memcpy(argv + wrapper.nr_words + 1, spawn->argv + 1, (nr_args - 1) * sizeof(*argv));
	struct pt__spawn wrapped = *spawn;
	wrapped.path = pt__buf_str(&wrapper.path);
	wrapped.argv = argv;
	int rc = start(&wrapped, pid, err);
	free(argv);
	return rc;
}

void pt__describe_wait_status(int status, struct pt__buf *out)
{
	if (WIFEXITED(status)) {
		pt__buf_addf(out, "exited with status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		int signo = WTERMSIG(status);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
		const char *abbrev = sigabbrev_np(signo);
		if (abbrev)
			pt__buf_addf(out, "was killed by SIG%s (%s)", abbrev, strsignal(signo));
		else
#endif
			pt__buf_addf(out, "was killed by signal %d (%s)", signo, strsignal(signo));
		if (WCOREDUMP(status))
			pt__buf_adds(out, ", core dumped");
	} else {
		pt__buf_addf(out, "ended with wait status 0x%x", status);
	}
}
