#define _XOPEN_SOURCE 700 /* nftw */
#include "owned_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "process_identity.h"

/*
 * The registry of owned directories, one symbolic link per directory
 * (named as the directory, pointing at it; only ever read with readlink),
 * in a place that does not depend on $TMPDIR, so that the next run finds
 * what a killed run left wherever its TMPDIR pointed.
 */
#define REGISTRY_PARENT "/tmp"

static void registry_path(struct pt__buf *out)
{
	pt__buf_addf(out, REGISTRY_PARENT "/.partest-owned-%ld", (long)geteuid());
}

/* The registry, made if need be; false when it is not ours to use. */
static bool registry_ready(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) && errno != EEXIST)
		return false;
	return !lstat(path, &st) && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       !(st.st_mode & 077);
}

static void registry_entry(const char *dir, struct pt__buf *out)
{
	const char *slash = strrchr(dir, '/');

	registry_path(out);
	pt__buf_addf(out, "/%s", slash ? slash + 1 : dir);
}

int pt__owned_dir_claim(const char *dir, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT, registry = PT__BUF_INIT;
	long pid = (long)getpid();
	int err_no = 0;

	pt__buf_addf(&path, "%s/owner", dir);
	int fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *file = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!file) {
		if (fd >= 0)
			close(fd);
		err_no = errno;
	} else {
		fprintf(file, "%ld %llu\n", pid, pt__process_start_time(pid));
		if (fclose(file))
			err_no = errno;
	}
	registry_path(&registry);
	/* Best effort: without an entry only a run with the same $TMPDIR finds it. */
	if (!err_no && *dir == '/' && registry_ready(registry.data)) {
		pt__buf_reset(&path);
		registry_entry(dir, &path);
		(void)!symlink(dir, path.data);
	}
	pt__buf_release(&path);
	pt__buf_release(&registry);
	if (err_no)
		pt__buf_addf(err, "cannot claim \"%s\": %s", dir, strerror(err_no));
	return err_no ? PT__ERUN : 0;
}

/*
 * True when dir is a directory (not a link) whose owner file this user
 * wrote (so this user claimed it, even when the directory itself was given
 * to a server's user since) and names a process that is no longer running.
 * A directory without an owner file is being made: not dead.
 */
static bool claimed_by_dead_owner(const char *dir)
{
	struct pt__buf path = PT__BUF_INIT;
	struct stat st;
	long pid = 0;
	unsigned long long started = 0;
	bool dead = false;
	int fd;

	if (lstat(dir, &st) || !S_ISDIR(st.st_mode))
		return false;
	pt__buf_addf(&path, "%s/owner", dir);
	fd = open(path.data, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	pt__buf_release(&path);
	if (fd < 0)
		return false;
	FILE *file = fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid()
			     ? NULL
			     : fdopen(fd, "r");
	if (!file) {
		close(fd);
		return false;
	}
	if (fscanf(file, "%ld %llu", &pid, &started) == 2 && pid > 0)
		dead = !pt__process_is(pid, started);
	fclose(file);
	return dead;
}

static void reap_one(const char *path, const char *name,
		     void (*before_remove)(const char *path, const char *name, void *arg),
		     void *arg)
{
	if (before_remove)
		before_remove(path, name, arg);
	pt__owned_dir_remove(path);
}

/* The registry's entries starting with prefix whose owners are dead go;
 * so does every entry whose directory is gone. */
static void reap_registered(const char *prefix,
			    void (*before_remove)(const char *path, const char *name, void *arg),
			    void *arg)
{
	struct pt__buf registry = PT__BUF_INIT, entry = PT__BUF_INIT;
	struct dirent *item;
	DIR *dir;

	registry_path(&registry);
	dir = registry_ready(registry.data) ? opendir(registry.data) : NULL;
	while (dir && (item = readdir(dir))) {
		char target[PATH_MAX];
		struct stat st;
		ssize_t len;
		if (item->d_name[0] == '.')
			continue;
		pt__buf_reset(&entry);
		pt__buf_addf(&entry, "%s/%s", registry.data, item->d_name);
		len = readlink(entry.data, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (lstat(target, &st) && errno == ENOENT)
			unlink(entry.data);
		else if (!strncmp(item->d_name, prefix, strlen(prefix)) &&
			 claimed_by_dead_owner(target))
			reap_one(target, item->d_name, before_remove, arg);
	}
	if (dir)
		closedir(dir);
	pt__buf_release(&registry);
	pt__buf_release(&entry);
}

void pt__owned_dirs_reap(const char *parent, const char *prefix,
			 void (*before_remove)(const char *path, const char *name, void *arg),
			 void *arg)
{
	DIR *dir = opendir(parent);
	struct dirent *entry;

	while (dir && (entry = readdir(dir))) {
		struct pt__buf path = PT__BUF_INIT;
		if (strncmp(entry->d_name, prefix, strlen(prefix)))
			continue;
		pt__buf_addf(&path, "%s/%s", parent, entry->d_name);
		if (claimed_by_dead_owner(path.data))
			reap_one(path.data, entry->d_name, before_remove, arg);
		pt__buf_release(&path);
	}
	if (dir)
		closedir(dir);
	reap_registered(prefix, before_remove, arg);
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

void pt__remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void pt__owned_dir_remove(const char *dir)
{
	struct pt__buf entry = PT__BUF_INIT;
	char target[PATH_MAX];
	ssize_t len;

	pt__remove_tree(dir);
	registry_entry(dir, &entry);
	len = readlink(entry.data, target, sizeof(target) - 1);
	if (len > 0 && (target[len] = '\0', !strcmp(target, dir)))
		unlink(entry.data);
	pt__buf_release(&entry);
}
