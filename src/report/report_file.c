#include "report_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../error.h"
#include "../xalloc.h"

/* Says in err that file's report could not be written, and why. */
static void say_why(const struct pt__report_file *file, int error, struct pt__buf *err)
{
	pt__buf_addf(err, "cannot write the %s \"%s\": %s", file->what, file->target,
		     strerror(error ? error : EIO));
}

/* True when target is to be written in place: standard output, a device, a
 * FIFO or a socket, or a name the system owns. */
static bool is_direct(const char *target)
{
	struct stat st;

	if (!strcmp(target, "-") || !strncmp(target, "/dev/", 5) || !strncmp(target, "/proc/", 6))
		return true;
	return !stat(target, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

/* "DIR/.BASE.XXXXXX" for target "DIR/BASE" (DIR "." when target has none),
 * or "$TMPDIR/.partest-report.XXXXXX" when target is NULL. */
static char *temp_template(const char *target)
{
	struct pt__buf name = PT__BUF_INIT;
	const char *slash = target ? strrchr(target, '/') : NULL;

	if (!target) {
		const char *tmpdir = getenv("TMPDIR");
		pt__buf_addf(&name, "%s/.partest-report.XXXXXX",
			     tmpdir && *tmpdir ? tmpdir : "/tmp");
	} else if (slash) {
		pt__buf_add(&name, target, (size_t)(slash - target) + 1);
		pt__buf_addf(&name, ".%s.XXXXXX", slash + 1);
	} else {
		pt__buf_addf(&name, ".%s.XXXXXX", target);
	}
	return pt__buf_detach(&name);
}

/* A new file of name's pattern, made with O_EXCL (mkstemp), close-on-exec,
 * readable as the umask allows. Returns its descriptor, or -1 with errno. */
static int make_temp(char *name)
{
	mode_t mask = umask(022);
	int fd;

	umask(mask);
	fd = mkstemp(name);
	if (fd < 0)
		return -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) || fchmod(fd, 0666 & ~mask)) {
		int error = errno;
		close(fd);
		unlink(name);
		errno = error;
		return -1;
	}
	return fd;
}

static int open_direct(const char *target)
{
	if (!strcmp(target, "-"))
		return fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	return open(target, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
}

int pt__report_file_open(struct pt__report_file *file, const char *target, const char *what,
			 struct pt__buf *err)
{
	struct stat st;
	int fd;

	*file = (struct pt__report_file){.target = target, .what = what};
	if (!*target) {
		pt__buf_addf(err, "the %s needs a file name", what);
		return PT__EUSAGE;
	}
	file->direct = is_direct(target);
	if (file->direct) {
		fd = open_direct(target);
	} else if (!lstat(target, &st) && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		fd = -1;
	} else {
		file->temp = temp_template(target);
		fd = make_temp(file->temp);
	}
	if (fd >= 0 && !(file->stream = fdopen(fd, "w")))
		close(fd);
	if (!file->stream) {
		say_why(file, errno, err);
		if (fd >= 0 && file->temp)
			unlink(file->temp);
		free(file->temp);
		file->temp = NULL;
		return PT__EUSAGE;
	}
	return 0;
}

FILE *pt__report_file_scratch(const struct pt__report_file *file, struct pt__buf *err)
{
	char *name = temp_template(file->direct ? NULL : file->target);
	int fd = make_temp(name);
	FILE *stream = NULL;

	if (fd >= 0) {
		unlink(name);
		stream = fdopen(fd, "w+");
		if (!stream)
			close(fd);
	}
	if (!stream)
		pt__buf_addf(err, "cannot make a scratch file for the %s \"%s\" (%s): %s",
			     file->what, file->target, name, strerror(errno));
	free(name);
	return stream;
}

int pt__report_file_commit(struct pt__report_file *file, struct pt__buf *err)
{
	int error = 0;

	if (!file->stream)
		return 0;
	errno = 0;
	if (fflush(file->stream) || ferror(file->stream))
		error = errno ? errno : EIO;
	if (fclose(file->stream) && !error)
		error = errno;
	file->stream = NULL;
	if (!error && file->temp && rename(file->temp, file->target))
		error = errno;
	if (error && file->temp)
		unlink(file->temp);
	free(file->temp);
	file->temp = NULL;
	if (error) {
		say_why(file, error, err);
		return PT__ERUN;
	}
	return 0;
}

void pt__report_file_abandon(struct pt__report_file *file)
{
	if (file->stream)
		fclose(file->stream);
	file->stream = NULL;
	if (file->temp)
		unlink(file->temp);
	free(file->temp);
	file->temp = NULL;
}
