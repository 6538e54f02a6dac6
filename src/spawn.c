#define _GNU_SOURCE /* sigabbrev_np */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"

static int move_high(int fd)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	int saved = errno;

	close(fd);
	errno = saved;
	return high;
}

int pt__pipe(int fds[2])
{
	int raw[2];

	if (pipe(raw))
		return -errno;
	fds[0] = move_high(raw[0]);
	fds[1] = move_high(raw[1]);
	if (fds[0] < 0 || fds[1] < 0) {
		int saved = errno;
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
		return -saved;
	}
	return 0;
}

int pt__unlinked_file(const char *dir)
{
	struct pt__buf path = PT__BUF_INIT;
	int fd, rc = 0;

	pt__buf_addf(&path, "%s/output-XXXXXX", dir);
	fd = mkstemp(path.data);
	if (fd < 0) {
		rc = -errno;
	} else {
		unlink(path.data);
		fd = move_high(fd);
		if (fd < 0)
			rc = -errno;
	}
	pt__buf_release(&path);
	return fd >= 0 ? fd : rc;
}

void pt__set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags >= 0)
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int pt__spawn(const struct pt__spawn *spawn, pid_t *pid)
{
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	int rc;

	if ((rc = posix_spawn_file_actions_init(&actions)))
		return -rc;
	if ((rc = posix_spawnattr_init(&attr))) {
		posix_spawn_file_actions_destroy(&actions);
		return -rc;
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
		rc = posix_spawn(pid, spawn->path, &actions, &attr, spawn->argv, spawn->envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	return -rc;
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
