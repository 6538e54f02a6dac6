#define _XOPEN_SOURCE 700 /* nftw */
#include "rundir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process_identity.h"
#include "xalloc.h"

#define PREFIX "partest-"

static const char *temp_root(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp == '/' ? tmp : "/tmp";
}

int pt__rundir_create(struct pt__rundir *rundir, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT, owner = PT__BUF_INIT;
	long pid = (long)getpid();

	pt__buf_addf(&path, "%s/" PREFIX "%ld-XXXXXX", temp_root(), pid);
	if (!mkdtemp(path.data)) {
		int saved = errno;
		pt__buf_addf(err, "cannot create a run directory in %s: %s", temp_root(),
			     strerror(saved));
		pt__buf_release(&path);
		return -saved;
	}
	pt__buf_addf(&owner, "%s/owner", path.data);
	FILE *file = fopen(owner.data, "we");
	if (file) {
		fprintf(file, "%ld %llu\n", pid, pt__process_start_time(pid));
		fclose(file);
	}
	pt__buf_release(&owner);
	rundir->path = pt__buf_detach(&path);
	rundir->id = pt__xstrdup(strrchr(rundir->path, '/') + 1);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

int pt__remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void pt__rundir_remove(struct pt__rundir *rundir)
{
	if (rundir->path)
		pt__remove_tree(rundir->path);
	free(rundir->path);
	free(rundir->id);
	rundir->path = rundir->id = NULL;
}

static int owner_alive(const char *dir)
{
	struct pt__buf path = PT__BUF_INIT;
	long pid = 0;
	unsigned long long started = 0;
	int alive = 1;

	pt__buf_addf(&path, "%s/owner", dir);
	FILE *file = fopen(path.data, "re");
	pt__buf_release(&path);
	if (!file)
		return 1; /* still being created, or not ours: leave it */
	if (fscanf(file, "%ld %llu", &pid, &started) == 2 && pid > 0)
		alive = pt__process_is(pid, started);
	fclose(file);
	return alive;
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

void pt__rundir_reap_dead(void)
{
	const char *root = temp_root();
	DIR *dir = opendir(root);
	struct dirent *entry;

	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		struct pt__buf path = PT__BUF_INIT;
		struct stat st;
		if (strncmp(entry->d_name, PREFIX, strlen(PREFIX)))
			continue;
		pt__buf_addf(&path, "%s/%s", root, entry->d_name);
		if (!lstat(path.data, &st) && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
		    !owner_alive(path.data)) {
			kill_processes_of_run(entry->d_name);
			pt__remove_tree(path.data);
		}
		pt__buf_release(&path);
	}
	closedir(dir);
}
