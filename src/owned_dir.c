#define _XOPEN_SOURCE 700 /* nftw */
#include "owned_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "process_identity.h"

int pt__owned_dir_claim(const char *dir, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
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
	pt__buf_release(&path);
	if (err_no)
		pt__buf_addf(err, "cannot claim \"%s\": %s", dir, strerror(err_no));
	return err_no ? PT__ERUN : 0;
}

/* True unless dir's owner file names a process that is no longer running. */
static bool owner_alive(const char *dir)
{
	struct pt__buf path = PT__BUF_INIT;
	long pid = 0;
	unsigned long long started = 0;
	bool alive = true;

	pt__buf_addf(&path, "%s/owner", dir);
	FILE *file = fopen(path.data, "re");
	pt__buf_release(&path);
	if (!file)
		return true; /* still being made: leave it */
	if (fscanf(file, "%ld %llu", &pid, &started) == 2 && pid > 0)
		alive = pt__process_is(pid, started);
	fclose(file);
	return alive;
}

void pt__owned_dirs_reap(const char *parent, const char *prefix,
			 void (*before_remove)(const char *path, const char *name, void *arg),
			 void *arg)
{
	DIR *dir = opendir(parent);
	struct dirent *entry;

	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		struct pt__buf path = PT__BUF_INIT;
		struct stat st;
		if (strncmp(entry->d_name, prefix, strlen(prefix)))
			continue;
		pt__buf_addf(&path, "%s/%s", parent, entry->d_name);
		if (!lstat(path.data, &st) && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
		    !owner_alive(path.data)) {
			if (before_remove)
				before_remove(path.data, entry->d_name, arg);
			pt__remove_tree(path.data);
		}
		pt__buf_release(&path);
	}
	closedir(dir);
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
