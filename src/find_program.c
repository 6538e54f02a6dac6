#include "find_program.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

/* True if path is a regular file this process may execute; else errno says why. */
static bool is_executable_file(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return false;
	if (!S_ISREG(st.st_mode)) {
		errno = EACCES;
		return false;
	}
	return !access(path, X_OK);
}

int pt__find_program(const char *name, const char *more_dirs, struct pt__buf *path,
		     struct pt__buf *err)
{
	const char *env = getenv("PATH");
	struct pt__buf dirs = PT__BUF_INIT, candidate = PT__BUF_INIT;
	int rc = PT__ERUN;

	if (strchr(name, '/')) {
		if (!is_executable_file(name)) {
			pt__buf_addf(err, "cannot run \"%s\": %s", name, strerror(errno));
			return PT__ERUN;
		}
		pt__buf_reset(path);
		pt__buf_adds(path, name);
		return 0;
	}
	pt__buf_adds(&dirs, env ? env : "/usr/bin:/bin");
	if (more_dirs)
		pt__buf_addf(&dirs, ":%s", more_dirs);
	for (const char *dir = dirs.data; rc;) {
		size_t len = strcspn(dir, ":");
		pt__buf_reset(&candidate);
		if (len)
			pt__buf_add(&candidate, dir, len);
		else
			pt__buf_addc(&candidate, '.');
		pt__buf_addf(&candidate, "/%s", name);
		if (is_executable_file(candidate.data)) {
			pt__buf_reset(path);
			pt__buf_add(path, candidate.data, candidate.len);
			rc = 0;
		}
		if (!dir[len])
			break;
		dir += len + 1;
	}
	if (rc) {
		pt__buf_addf(err, "\"%s\" is not on the PATH", name);
		if (more_dirs)
			pt__buf_addf(err, " nor in %s", more_dirs);
	}
	pt__buf_release(&dirs);
	pt__buf_release(&candidate);
	return rc;
}
