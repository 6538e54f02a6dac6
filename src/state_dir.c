#include "state_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "xalloc.h"

#define GITIGNORE "*\n"

int pt__open_nofollow(const char *path)
{
	return open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
}

/* 0 when path is a directory (not a symbolic link to one), else an errno value. */
static int is_directory(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno;
	if (S_ISLNK(st.st_mode))
		return ELOOP;
	return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

int pt__make_dirs_nofollow(const char *path, struct pt__buf *err)
{
	char *copy = pt__xstrdup(path);
	int err_no = 0;

	for (char *slash = copy + 1;; slash++) {
		bool last = !*slash;
		if (*slash != '/' && !last)
			continue;
		*slash = '\0';
		if (mkdir(copy, 0777) && errno != EEXIST)
			err_no = errno;
		/* A link the user made above partest's own directories is theirs. */
		else if (last)
			err_no = is_directory(copy);
		if (err_no || last)
			break;
		*slash = '/';
	}
	if (err_no)
		pt__buf_addf(err, "cannot create directory \"%s\": %s", copy,
			     err_no == ELOOP ? "it is a symbolic link" : strerror(err_no));
	free(copy);
	return err_no ? PT__ERUN : 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int pt__write_file_atomic(const char *path, const char *data, size_t len, struct pt__buf *err)
{
	struct pt__buf temp = PT__BUF_INIT;
	int fd, err_no = 0;

	pt__buf_addf(&temp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(temp.data);
	if (fd < 0) {
		err_no = errno;
		goto out;
	}
	err_no = write_all(fd, data, len);
	if (!err_no && fsync(fd))
		err_no = errno;
	if (close(fd) && !err_no)
		err_no = errno;
	if (!err_no && rename(temp.data, path))
		err_no = errno;
	if (err_no)
		unlink(temp.data);
out:
	if (err_no)
		pt__buf_addf(err, "cannot write \"%s\": %s", path, strerror(err_no));
	pt__buf_release(&temp);
	return err_no ? PT__ERUN : 0;
}

int pt__state_dir_prepare(const char *dir, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT, why = PT__BUF_INIT;
	int fd, rc = 0;

	struct stat st;

	/* The directory itself may be a link the user made; what is in it may not. */
	if ((stat(dir, &st) || !S_ISDIR(st.st_mode)) && (rc = pt__make_dirs_nofollow(dir, &why)))
		goto out;
	pt__buf_addf(&path, "%s/.gitignore", dir);
	fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd >= 0) {
		int err_no = write_all(fd, GITIGNORE, strlen(GITIGNORE));
		if (close(fd) && !err_no)
			err_no = errno;
		if (err_no) {
			unlink(path.data);
			pt__buf_addf(&why, "cannot write \"%s\": %s", path.data, strerror(err_no));
			rc = PT__ERUN;
		}
	} else if (errno != EEXIST) {
		pt__buf_addf(&why, "cannot write \"%s\": %s", path.data, strerror(errno));
		rc = PT__ERUN;
	}
out:
	if (rc)
		pt__buf_addf(err, "cannot use the state directory \"%s\": %s", dir, why.data);
	pt__buf_release(&path);
	pt__buf_release(&why);
	return rc;
}
