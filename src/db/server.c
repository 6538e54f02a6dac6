/*
 * The throwaway servers' common life cycle; see server.h. The server is
 * started in a session of its own, so that a Ctrl-C on the terminal
 * reaches partest (which still needs the server to drop its clones) and
 * not the server, and as nobody's child here, since the runner kills every
 * child it has left when its workers are done. It carries the run's
 * PARTEST_RUN_ID, so that the next run kills the server of a run killed
 * with SIGKILL like any other process it left; the next start of a
 * throwaway server then stops what still runs and removes the directory.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../clock.h"
#include "../environ.h"
#include "../owned_dir.h"
#include "../process_identity.h"
#include "../spawn.h"
#include "db.h"

#define READY_TIMEOUT_MS 60000
#define STOP_MS		 10000
#define STOP_HARDER_MS	 3000

/* Asks pid to stop with the kind's signals, then kills its group. */
static void stop_pid(const struct pt__db_server_kind *kind, pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, kind->stop_signal);
	if (pt__process_wait_gone(pid, STOP_MS))
		return;
	if (kind->harder_signal) {
		kill(pid, kind->harder_signal);
		if (pt__process_wait_gone(pid, STOP_HARDER_MS))
			return;
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	pt__process_wait_gone(pid, STOP_HARDER_MS);
}

/* Before a dead run's server directory goes: stop the server if it still runs. */
static void stop_left_server(const char *dir, const char *name, void *arg)
{
	const struct pt__db_server_kind *kind = arg;
	struct pt__buf path = PT__BUF_INIT;

	(void)name;
	pt__buf_addf(&path, "%s/%s", dir, kind->pid_file);
	stop_pid(kind, (pid_t)pt__db_read_pid(path.data));
	pt__buf_release(&path);
}

/* Appends ": " and the last kind->log_tail bytes of the log at path, on one line. */
static void add_log_tail(const struct pt__db_server *server, const char *path, struct pt__buf *out)
{
	struct pt__buf log = PT__BUF_INIT, ignored = PT__BUF_INIT;
	size_t keep = server->kind->log_tail;

	if (pt__db_read_file(path, &log, &ignored) == 1 && log.len) {
		pt__buf_adds(out, ": ");
		for (const char *c = log.len > keep ? log.data + log.len - keep : log.data; *c;
		     c++) {
			if (*c == '\n' && c[1])
				pt__buf_adds(out, " | ");
			else if (*c != '\n')
				pt__buf_addc(out, *c);
		}
	}
	pt__buf_release(&log);
	pt__buf_release(&ignored);
}

/* uid and gid of server->user. */
static int look_up_user(const struct pt__db_server *server, uid_t *uid, gid_t *gid,
			struct pt__buf *err)
{
	struct passwd *pw = getpwnam(server->user);

	if (!pw) {
		pt__buf_addf(err, "cannot start a throwaway %s server: there is no \"%s\" user",
			     server->kind->name, server->user);
		return PT__ERUN;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int pt__db_server_make_dir(struct pt__db_server *server, const char *base, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT, why = PT__BUF_INIT;
	uid_t uid = 0;
	gid_t gid = 0;
	int rc;

	if (server->user && (rc = look_up_user(server, &uid, &gid, err)))
		return rc;
	pt__owned_dirs_reap(base, server->kind->dir_prefix, stop_left_server, (void *)server->kind);
	pt__buf_addf(&path, "%s/%s%ld-XXXXXX", base, server->kind->dir_prefix, (long)getpid());
	if (!mkdtemp(path.data)) {
		pt__buf_addf(err,
			     "cannot start a throwaway %s server: cannot create a directory in "
			     "%s: %s",
			     server->kind->name, base, strerror(errno));
		pt__buf_release(&path);
		return PT__ERUN;
	}
	server->dir = pt__buf_detach(&path);
	if ((rc = pt__owned_dir_claim(server->dir, &why))) {
		pt__buf_addf(err, "cannot start a throwaway %s server: %s", server->kind->name,
			     why.data);
	} else if (server->user && chown(server->dir, uid, gid)) {
		pt__buf_addf(err, "cannot start a throwaway %s server in \"%s\": %s",
			     server->kind->name, server->dir, strerror(errno));
		rc = PT__ERUN;
	}
	pt__buf_release(&why);
	return rc;
}

/* Opens log_name in the directory for a program's output, given to server->user. */
static int open_log(const struct pt__db_server *server, const char *log_name, struct pt__buf *path,
		    struct pt__buf *err)
{
	uid_t uid;
	gid_t gid;
	int fd;

	pt__buf_addf(path, "%s/%s", server->dir, log_name);
	fd = open(path->data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		pt__buf_addf(err, "cannot start a throwaway %s server: \"%s\": %s",
			     server->kind->name, path->data, strerror(errno));
		return PT__ERUN;
	}
	/* Only root gets here with a user, and root may: a failure changes nothing. */
	if (server->user && !look_up_user(server, &uid, &gid, err))
		(void)!fchown(fd, uid, gid);
	return fd;
}

/* Starts spawn with its output in log; says why not in err. */
static int spawn_logged(const struct pt__db_server *server, struct pt__spawn *spawn, int log,
			pid_t *pid, struct pt__buf *err)
{
	struct pt__buf why = PT__BUF_INIT;
	int rc;

	spawn->fds[0] = PT__SPAWN_DEVNULL;
	spawn->fds[1] = spawn->fds[2] = log;
	spawn->fds[3] = spawn->fds[4] = PT__SPAWN_NONE;
	spawn->user = server->run_as_user ? server->user : NULL;
	rc = pt__spawn(spawn, pid, &why);
	close(log);
	if (rc)
		pt__buf_addf(err, "cannot start a throwaway %s server: %s", server->kind->name,
			     why.data);
	pt__buf_release(&why);
	return rc;
}

int pt__db_server_run(struct pt__db_server *server, char *const argv[], const char *what,
		      const char *log_name, const struct pt__cancel *cancel, struct pt__buf *err)
{
	struct pt__buf log = PT__BUF_INIT;
	struct pt__spawn spawn = {.path = argv[0], .argv = argv, .new_group = true};
	int log_fd, rc, status = 0;
	pid_t pid;

	if ((log_fd = rc = open_log(server, log_name, &log, err)) < 0 ||
	    (rc = spawn_logged(server, &spawn, log_fd, &pid, err)))
		goto out;
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid || (done < 0 && errno != EINTR))
			break;
		if (pt__cancelled(cancel)) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			pt__buf_addf(err, "interrupted while starting a throwaway %s server",
				     server->kind->name);
			rc = PT__EINTR;
			goto out;
		}
		pt__sleep_ms(10);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		pt__buf_addf(err, "cannot start a throwaway %s server: %s in \"%s\" failed",
			     server->kind->name, what, server->dir);
		add_log_tail(server, log.data, err);
		rc = PT__ERUN;
	}
out:
	pt__buf_release(&log);
	return rc;
}

int pt__db_server_start(struct pt__db_server *server, char *const argv[], const char *what,
			bool (*ready)(void *arg), void *arg, const struct pt__cancel *cancel,
			struct pt__buf *err)
{
	struct pt__buf log = PT__BUF_INIT;
	struct pt__environ env;
	struct pt__spawn spawn = {.path = argv[0], .argv = argv, .detach = true};
	int64_t until;
	int log_fd, rc;
	pid_t pid;

	pt__environ_init(&env);
	/* The run's id, so that a later run can kill a server this one left. */
	if (server->run_id)
		pt__environ_set(&env, "PARTEST_RUN_ID", server->run_id);
	spawn.envp = env.vars;
	if ((log_fd = rc = open_log(server, "server.log", &log, err)) < 0 ||
	    (rc = spawn_logged(server, &spawn, log_fd, &pid, err)))
		goto out;
	server->pid = pid;
	until = pt__now_ms() + READY_TIMEOUT_MS;
	while (!ready(arg)) {
		if (pt__cancelled(cancel)) {
			pt__buf_addf(err, "interrupted while starting a throwaway %s server",
				     server->kind->name);
			rc = PT__EINTR;
			break;
		}
		if (!pt__process_running(pid) || pt__now_ms() >= until) {
			pt__buf_addf(err, "cannot start a throwaway %s server in \"%s\": ",
				     server->kind->name, server->dir);
			if (pt__process_running(pid))
				pt__buf_addf(err, "it did not accept connections within %d seconds",
					     READY_TIMEOUT_MS / 1000);
			else
				pt__buf_addf(err, "%s exited", what);
			add_log_tail(server, log.data, err);
			rc = PT__ERUN;
			break;
		}
		pt__sleep_ms(20);
	}
out:
	pt__environ_release(&env);
	pt__buf_release(&log);
	return rc;
}

void pt__db_server_release(struct pt__db_server *server)
{
	stop_pid(server->kind, server->pid);
	server->pid = 0;
	if (server->dir)
		pt__owned_dir_remove(server->dir);
	free(server->dir);
	server->dir = NULL;
}
