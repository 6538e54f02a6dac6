/*
 * The life cycle the throwaway servers of postgresql+tmp:// and
 * mysql+tmp:// share, each engine giving only its programs and how to tell
 * that its server is ready: a private directory that names this run as its
 * owner (and belongs to the server's user when partest runs as root), the
 * directories of killed runs stopped and removed first, set-up programs run
 * with their output in a log, the server started in a session of its own
 * as nobody's child here and waited for, the log's tail quoted when
 * something fails, and a stop that asks, then insists, then kills.
 *
 * Every function follows the error rule of src/error.h.
 */
#ifndef PT_DB_SERVER_H
#define PT_DB_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../buf.h"
#include "../cancel.h"
#include "../error.h"

/* What differs between engines in the common life cycle. */
struct pt__db_server_kind {
	const char *name;	/* "PostgreSQL", as users see it in messages */
	const char *dir_prefix; /* the private directory's name starts with it */
	const char *pid_file;	/* the server's pid file, relative to the directory */
	int stop_signal;	/* asks the server to stop */
	int harder_signal;	/* asked next if it has not (0: none); then SIGKILL */
	size_t log_tail;	/* how much of a log a failure message quotes */
};

struct pt__db_server {
	const struct pt__db_server_kind *kind;
	const char *run_id; /* the caller's: the server's PARTEST_RUN_ID, or NULL */
	const char *user;   /* owns the directory (partest runs as root), or NULL */
	bool run_as_user;   /* the programs run as user, not just in its directory */
	char *dir;	    /* the private directory, once made */
	pid_t pid;	    /* the server, 0 while it is not running */
};

/*
 * Stops and removes what killed runs left in base, then makes server->dir
 * there, claimed by this process and given to server->user.
 */
int pt__db_server_make_dir(struct pt__db_server *server, const char *base, struct pt__buf *err);

/*
 * Runs argv (argv[0] a path) to its end in a process group of its own,
 * stdout and stderr to log_name in the directory. what names the program
 * in the failure message, which quotes the log. cancel kills it
 * (PT__EINTR).
 */
int pt__db_server_run(struct pt__db_server *server, char *const argv[], const char *what,
		      const char *log_name, const struct pt__cancel *cancel, struct pt__buf *err);

/*
 * Starts the server argv (argv[0] a path, named what in messages) detached,
 * with its output in server.log in the directory, and waits up to 60
 * seconds, or until cancel, for ready(arg) to say it accepts connections.
 */
int pt__db_server_start(struct pt__db_server *server, char *const argv[], const char *what,
			bool (*ready)(void *arg), void *arg, const struct pt__cancel *cancel,
			struct pt__buf *err);

/* Stops the server if it runs, removes the directory and frees it. */
void pt__db_server_release(struct pt__db_server *server);

#endif
