#include "rundir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "owned_dir.h"
#include "xalloc.h"

#define PREFIX "partest-"

static const char *temp_root(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp == '/' ? tmp : "/tmp";
}

int pt__rundir_create(struct pt__rundir *rundir, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
	long pid = (long)getpid();

	pt__buf_addf(&path, "%s/" PREFIX "%ld-XXXXXX", temp_root(), pid);
	if (!mkdtemp(path.data)) {
		pt__buf_addf(err, "cannot create a run directory in %s: %s", temp_root(),
			     strerror(errno));
		pt__buf_release(&path);
		return PT__ERUN;
	}
	if (pt__owned_dir_claim(path.data, err)) {
		pt__owned_dir_remove(path.data);
		pt__buf_release(&path);
		return PT__ERUN;
	}
	rundir->path = pt__buf_detach(&path);
	rundir->id = pt__xstrdup(strrchr(rundir->path, '/') + 1);
	return 0;
}

void pt__rundir_remove(struct pt__rundir *rundir)
{
	if (rundir->path)
		pt__owned_dir_remove(rundir->path);
	free(rundir->path);
	free(rundir->id);
	rundir->path = rundir->id = NULL;
}

/* True if process pid's environment holds the exact entry. */
static bool environment_has(const char *pid, const char *entry)
{
	struct pt__buf path = PT__BUF_INIT, environment = PT__BUF_INIT;
	char chunk[4096];
	size_t len = strlen(entry);
	bool found = false;

	pt__buf_addf(&path, "/proc/%s/environ", pid);
	int fd = open(path.data, O_RDONLY | O_CLOEXEC);
	pt__buf_release(&path);
	if (fd < 0)
		return false;
	for (ssize_t n; (n = read(fd, chunk, sizeof(chunk))) > 0;)
		pt__buf_add(&environment, chunk, (size_t)n);
	close(fd);
	for (size_t at = 0; at < environment.len && !found;) {
		const char *var = environment.data + at;
		size_t var_len = strnlen(var, environment.len - at);
		found = var_len == len && !memcmp(var, entry, len);
		at += var_len + 1;
	}
	pt__buf_release(&environment);
	return found;
}

/*
 * Kills what a dead run left running: every process of ours whose
 * environment carries that run's PARTEST_RUN_ID (its workers, and what their
 * tests started). Linux only; elsewhere such processes stay.
 */
static void kill_processes_of_run(const char *id)
{
#ifdef __linux__
	struct pt__buf entry = PT__BUF_INIT;
	DIR *proc = opendir("/proc");
	struct dirent *process;

	if (!proc)
		return;
	pt__buf_addf(&entry, "PARTEST_RUN_ID=%s", id);
	while ((process = readdir(proc))) {
		char *end;
		long pid = strtol(process->d_name, &end, 10);
		if (*end || pid <= 1 || pid == (long)getpid())
			continue;
		if (environment_has(process->d_name, entry.data))
			kill((pid_t)pid, SIGKILL);
	}
	closedir(proc);
	pt__buf_release(&entry);
#else
	(void)id;
#endif
}

static void kill_what_it_left(const char *path, const char *name, void *arg)
{
	(void)path;
	(void)arg;
	kill_processes_of_run(name);
}

void pt__rundir_reap_dead(void)
{
	pt__owned_dirs_reap(temp_root(), PREFIX, kill_what_it_left, NULL);
}
