/*
 * Starting child processes: posix_spawn in a process group of their own,
 * with chosen descriptors 0..4, default signal dispositions and an empty
 * signal mask.
 */
#ifndef PT_SPAWN_H
#define PT_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#define PT__SPAWN_FDS	  5
#define PT__SPAWN_INHERIT (-1) /* the child keeps the parent's descriptor */
#define PT__SPAWN_DEVNULL (-2) /* the child gets /dev/null */
#define PT__SPAWN_NONE	  (-3) /* the child has no such descriptor */

struct pt__spawn {
	const char *path;
	char *const *argv;
	char *const *envp;
	int fds[PT__SPAWN_FDS]; /* a parent descriptor, or one of the above */
	bool new_group;		/* the child leads a new process group */
};

/* Starts the child. Returns 0 and sets *pid, or -errno (exec failures included). */
int pt__spawn(const struct pt__spawn *spawn, pid_t *pid);

/*
 * pipe(), both ends close-on-exec and numbered above the descriptors a
 * child is given, so that mapping them onto 0..4 is never a no-op.
 */
int pt__pipe(int fds[2]);

/*
 * A new, already unlinked file in dir, open for reading and writing, close-
 * on-exec and numbered like pt__pipe's. Returns the descriptor or -errno.
 */
int pt__unlinked_file(const char *dir);

/* Sets O_NONBLOCK on fd. */
void pt__set_nonblocking(int fd);

/* Formats a wait() status for people: "exited with status 3", "was killed by SIGSEGV (Segmentation fault)". */
struct pt__buf;
void pt__describe_wait_status(int status, struct pt__buf *out);

#endif
