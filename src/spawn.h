/*
 * Starting child processes, the one way: a struct pt__spawn says what to
 * run and how (descriptors 0..4, process group or session, working
 * directory, user), pt__spawn starts it with default signal dispositions
 * and an empty signal mask. Errors follow src/error.h.
 */
#ifndef PT_SPAWN_H
#define PT_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#define PT__SPAWN_FDS	  5
#define PT__SPAWN_INHERIT (-1) /* the child keeps the parent's descriptor */
#define PT__SPAWN_DEVNULL (-2) /* the child gets /dev/null */
#define PT__SPAWN_NONE	  (-3) /* the child has no such descriptor */

struct pt__buf;

/* How to start a child. A zero field past new_group means "as the runner". */
struct pt__spawn {
	const char *path;	/* the program's path; see find_program.h */
	char *const *argv;	/* NULL-terminated, argv[0] included */
	char *const *envp;	/* the whole environment; NULL: the runner's */
	int fds[PT__SPAWN_FDS]; /* a parent descriptor, or one of the above */
	bool new_group;		/* the child leads a new process group */
	const char *cwd;	/* the child's working directory */
	const char *user;	/* run as this user (by name), without
				 * supplementary groups; only root may */
	bool new_session;	/* the child leads a new session (so a new group
				 * too), with no controlling terminal */
	bool detach;		/* started from a child that makes a new session
				 * and exits at once, so that the program is in
				 * a session of its own and nobody's child here:
				 * the caller must not wait for it */
	bool wrapped;		/* a worker, fork server or test process: started
				 * under the run's wrapper, if it has one */
};

/*
 * Sets the run's wrapper (--wrapper): words[0] found on the PATH, then its
 * arguments, NULL-terminated; a wrapped spawn runs "words... path argv[1]..."
 * instead of path. words stays the caller's and must outlive every spawn.
 * Returns 0, or PT__EUSAGE with one line in err when words[0] cannot be
 * found. pt__spawn_wrap(NULL, ...) takes the wrapper away.
 */
int pt__spawn_wrap(char *const *words, struct pt__buf *err);

/* The run's wrapper words as pt__spawn_wrap took them, or NULL. */
char *const *pt__spawn_wrapper(void);

/*
 * Starts the child and sets *pid. On failure, exec failures included,
 * returns PT__ERUN and says in err what could not be done, naming the
 * program: "cannot run \"initdb\" as \"nobody\": Operation not permitted".
 */
int pt__spawn(const struct pt__spawn *spawn, pid_t *pid, struct pt__buf *err);

/*
 * pipe(), both ends close-on-exec and numbered above the descriptors a
 * child is given, so that mapping them onto 0..4 is never a no-op.
 * Returns 0, or PT__ERUN with the reason in err and fds[] set to -1.
 */
int pt__pipe(int fds[2], struct pt__buf *err);

/*
 * A new, already unlinked file in dir, open for reading and writing, close-
 * on-exec and numbered like pt__pipe's. Returns the descriptor, or PT__ERUN
 * with the reason in err.
 */
int pt__unlinked_file(const char *dir, struct pt__buf *err);

/* Sets O_NONBLOCK on fd. */
void pt__set_nonblocking(int fd);

/* Closes *fd if it is open and leaves it -1. */
void pt__close_fd(int *fd);

/* Formats a wait() status for people: "exited with status 3", "was killed by SIGSEGV (Segmentation fault)". */
void pt__describe_wait_status(int status, struct pt__buf *out);

#endif
