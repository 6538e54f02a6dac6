#include "report_file.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../error.h"
#include "../process_identity.h"
#include "../xalloc.h"

/* Between the target's name and the writer in a temporary file's name. */
#define WRITER_MARK ".partest-"
/* The host's name in it is cut to this many characters. */
#define HOST_MAX    32
/* mkstemp()'s six characters. */
#define UNIQUE_LEN  6

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

/* This host's name as temporary files carry it: letters, digits and dots, the rest '_'. */
static void add_host(struct pt__buf *out)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	for (int i = 0; host[i] && i < HOST_MAX; i++)
		pt__buf_addc(out,
			     isalnum((unsigned char)host[i]) || host[i] == '.' ? host[i] : '_');
}

/* ".partest-HOST-PID-START": the run writing a temporary file, in its name. */
static void add_writer(struct pt__buf *out)
{
	pt__buf_adds(out, WRITER_MARK);
	add_host(out);
	pt__buf_addf(out, "-%ld-%llu", (long)getpid(), pt__process_start_time((long)getpid()));
}

/* The directory of target "DIR/BASE" ("." when it has none) and its BASE. */
static void split_target(const char *target, struct pt__buf *dir, const char **base)
{
	const char *slash = strrchr(target, '/');

	if (slash)
		pt__buf_add(dir, target, (size_t)(slash - target) + 1);
	else
		pt__buf_adds(dir, "./");
	*base = slash ? slash + 1 : target;
}

/* "DIR/.BASE.partest-HOST-PID-START.XXXXXX" for target "DIR/BASE", or
 * "$TMPDIR/.partest-report.XXXXXX" when target is NULL. */
static char *temp_template(const char *target)
{
	struct pt__buf name = PT__BUF_INIT;
	const char *base;

	if (!target) {
		const char *tmpdir = getenv("TMPDIR");
		pt__buf_addf(&name, "%s/.partest-report.XXXXXX",
			     tmpdir && *tmpdir ? tmpdir : "/tmp");
		return pt__buf_detach(&name);
	}
	split_target(target, &name, &base);
	pt__buf_addf(&name, ".%s", base);
	add_writer(&name);
	pt__buf_adds(&name, ".XXXXXX");
	return pt__buf_detach(&name);
}

/*
 * True when name is a temporary file of target's base written by a run on
 * this host that is dead: ".BASE.partest-HOST-PID-START.XXXXXX", HOST this
 * host, and PID no longer the process that started at START.
 */
static bool left_by_dead_run(const char *name, const char *prefix, const char *host)
{
	size_t prefix_len = strlen(prefix), host_len = strlen(host);
	const char *rest = name + prefix_len;
	char *end;
	long pid;
	unsigned long long start;

	if (strncmp(name, prefix, prefix_len) || strncmp(rest, host, host_len) ||
	    rest[host_len] != '-' || !isdigit((unsigned char)rest[host_len + 1]))
		return false;
	errno = 0;
	pid = strtol(rest + host_len + 1, &end, 10);
	if (errno || pid <= 0 || *end != '-' || !isdigit((unsigned char)end[1]))
		return false;
	start = strtoull(end + 1, &end, 10);
	if (errno || *end != '.' || strlen(end + 1) != UNIQUE_LEN)
		return false;
	return !pt__process_is(pid, start);
}

/*
 * Removes the temporary files that dead runs on this host left beside
 * target: regular files only, and only this user's. What cannot be read
 * or removed stays, silently: it is not this run's report.
 */
static void remove_dead_temps(const char *target)
{
	struct pt__buf dir = PT__BUF_INIT, prefix = PT__BUF_INIT, host = PT__BUF_INIT;
	const char *base;
	struct dirent *entry;
	DIR *listing;

	split_target(target, &dir, &base);
	pt__buf_addf(&prefix, ".%s" WRITER_MARK, base);
	add_host(&host);
	if ((listing = opendir(dir.data))) {
		while ((entry = readdir(listing))) {
			struct stat st;
			if (left_by_dead_run(entry->d_name, prefix.data, host.data) &&
			    !fstatat(dirfd(listing), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
			    S_ISREG(st.st_mode) && st.st_uid == geteuid())
				unlinkat(dirfd(listing), entry->d_name, 0);
		}
		closedir(listing);
	}
	pt__buf_release(&dir);
	pt__buf_release(&prefix);
	pt__buf_release(&host);
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
		remove_dead_temps(target);
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
