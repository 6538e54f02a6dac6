#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../error.h"
#include "../xalloc.h"
#include "db.h"

static void hash_tagged(unsigned long long *hash, const char *tag, const char *text)
{
	unsigned long long len = strlen(text);

	*hash = pt__db_hash(*hash, tag, strlen(tag) + 1);
	*hash = pt__db_hash(*hash, &len, sizeof(len));
	*hash = pt__db_hash(*hash, text, len);
}

static int refuse(const char *input, const char *path, const char *why, struct pt__buf *err)
{
	if (strcmp(input, path))
		pt__buf_addf(err, "--db-inputs \"%s\": \"%s\" %s", input, path, why);
	else
		pt__buf_addf(err, "--db-inputs \"%s\": %s", input, why);
	return PT__EUSAGE;
}

static int hash_bytes(int fd, const char *input, const char *path, unsigned long long *hash,
		      struct pt__buf *err)
{
	char chunk[65536];
	unsigned long long size = 0;

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			struct pt__buf why = PT__BUF_INIT;
			pt__buf_addf(&why, "cannot be read: %s", strerror(errno));
			refuse(input, path, why.data, err);
			pt__buf_release(&why);
			return PT__EUSAGE;
		}
		if (!n)
			break;
		*hash = pt__db_hash(*hash, chunk, (size_t)n);
		size += (unsigned long long)n;
	}
	*hash = pt__db_hash(*hash, &size, sizeof(size));
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int hash_path(const char *input, const char *path, unsigned long long *hash,
		     struct pt__buf *err);

/* Every entry of the directory fd (which it closes), in name order. */
static int hash_directory(int fd, const char *input, const char *path, unsigned long long *hash,
			  struct pt__buf *err)
{
	DIR *dir = fdopendir(fd);
	struct dirent *entry;
	char **names = NULL;
	size_t nr = 0, alloc = 0;
	int rc = 0;

	if (!dir) {
		close(fd);
		return refuse(input, path, "cannot be listed", err);
	}
	while ((entry = readdir(dir))) {
		if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
			continue;
		PT__GROW(names, nr + 1, alloc);
		names[nr++] = pt__xstrdup(entry->d_name);
	}
	closedir(dir);
	qsort(names, nr, sizeof(*names), compare_names);
	for (size_t i = 0; i < nr; i++) {
		struct pt__buf child = PT__BUF_INIT;
		pt__buf_addf(&child, "%s/%s", path, names[i]);
		if (!rc)
			rc = hash_path(input, child.data, hash, err);
		pt__buf_release(&child);
		free(names[i]);
	}
	free(names);
	return rc;
}

/*
 * O_NONBLOCK: opening a FIFO does not wait for a writer, so that it can be
 * seen for what it is and refused.
 */
static int hash_path(const char *input, const char *path, unsigned long long *hash,
		     struct pt__buf *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0 || fstat(fd, &st)) {
		struct pt__buf why = PT__BUF_INIT;
		pt__buf_addf(&why, "cannot read it: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		refuse(input, path, why.data, err);
		pt__buf_release(&why);
		return PT__EUSAGE;
	}
	if (S_ISDIR(st.st_mode)) {
		hash_tagged(hash, "dir", path);
		return hash_directory(fd, input, path, hash, err);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return refuse(input, path,
			      S_ISFIFO(st.st_mode)
				      ? "is a FIFO; name files or directories"
				      : "is not a regular file or a directory (a device or a "
					"socket); name files or directories",
			      err);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	hash_tagged(hash, "input", path);
	rc = hash_bytes(fd, input, path, hash, err);
	close(fd);
	return rc;
}

int pt__db_hash_inputs(const char *const *inputs, unsigned long long *hash, struct pt__buf *err)
{
	for (size_t i = 0; inputs && inputs[i]; i++) {
		int rc = hash_path(inputs[i], inputs[i], hash, err);
		if (rc)
			return rc;
	}
	return 0;
}
