#include "leaks.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "../src/xalloc.h"

void pt__leaks_adopt_orphans(void)
{
#ifdef __linux__
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
}

/* Reaps what has exited. Returns 1 while live children remain, else 0. */
static int reap_exited(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0)
			continue;
		if (pid < 0 && errno == EINTR)
			continue;
		return pid == 0;
	}
}

bool pt__leaks_any_child(void)
{
	return reap_exited() == 1;
}

static void read_children(struct pt__children *children)
{
	children->nr = 0;
#ifdef __linux__
	char path[64], data[4096];
	snprintf(path, sizeof(path), "/proc/self/task/%ld/children", (long)getpid());
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t len = read(fd, data, sizeof(data) - 1);
	close(fd);
	if (len <= 0)
		return;
	data[len] = '\0';
	for (char *p = data, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		PT__GROW(children->pids, children->nr + 1, children->alloc);
		children->pids[children->nr++] = (pid_t)pid;
	}
#endif
}

void pt__leaks_snapshot(struct pt__children *children)
{
	children->nr = 0;
	if (reap_exited())
		read_children(children);
}

static int contains(const struct pt__children *children, pid_t pid)
{
	for (size_t i = 0; i < children->nr; i++)
		if (children->pids[i] == pid)
			return 1;
	return 0;
}

static void describe(pid_t pid, struct pt__buf *report)
{
	char path[64], name[64] = "";

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	FILE *comm = fopen(path, "re");
	if (comm) {
		if (fgets(name, sizeof(name), comm))
			name[strcspn(name, "\n")] = '\0';
		fclose(comm);
	}
	if (report->len)
		pt__buf_adds(report, ", ");
	pt__buf_addf(report, "pid %ld", (long)pid);
	if (*name)
		pt__buf_addf(report, " (%s)", name);
}

size_t pt__leaks_kill_new(const struct pt__children *before, struct pt__buf *report)
{
	struct pt__children now = {NULL, 0, 0};
	size_t killed = 0;

	/* Killing a child hands its own children to us: go round until none. */
	for (int round = 0; round < 100; round++) {
		size_t found = 0;
		pt__leaks_snapshot(&now);
		for (size_t i = 0; i < now.nr; i++) {
			if (contains(before, now.pids[i]))
				continue;
			describe(now.pids[i], report);
			kill(now.pids[i], SIGKILL);
			waitpid(now.pids[i], NULL, 0);
			found++;
		}
		if (!found)
			break;
		killed += found;
	}
	pt__children_release(&now);
	return killed;
}

void pt__children_release(struct pt__children *children)
{
	free(children->pids);
	memset(children, 0, sizeof(*children));
}
