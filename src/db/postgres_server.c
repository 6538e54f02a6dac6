/*
 * The throwaway PostgreSQL server of postgresql+tmp://: initdb in a private
 * directory, then a postmaster on a unix socket in that directory and on no
 * TCP address, tuned for tests (fsync, synchronous_commit and
 * full_page_writes off). initdb and postgres refuse to run as root, so a
 * root partest runs them as the "postgres" user (else "nobody"), which then
 * owns the directory; it is made under /tmp, since a root's $TMPDIR is often
 * closed to other users.
 *
 * The postmaster is started in a session of its own (so that a Ctrl-C on
 * the terminal reaches partest, which still needs the server to drop its
 * clones, and not the server) and not as partest's child: the runner kills
 * every child it has left when its workers are done. It carries the run's
 * PARTEST_RUN_ID, so that a run killed with SIGKILL has its server killed by
 * the next run like any other process it left; the next start of a
 * throwaway server then removes the directory.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* setgroups */
#endif
#include "../owned_dir.h"
#include "../process_identity.h"
#include "postgres.h"

#ifdef PT_HAVE_LIBPQ

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../clock.h"
#include "../signals.h"
#include "../xalloc.h"

#define DIR_PREFIX	  "partest-pg-"
#define SERVER_PORT	  5432 /* the socket is in a private directory: no clash */
#define SUPERUSER	  "partest"
#define READY_TIMEOUT_MS  60000
#define STOP_FAST_MS	  10000
#define STOP_IMMEDIATE_MS 3000
#define LOG_TAIL	  2000 /* how much of a log a failure message quotes */

extern char **environ;

/* Who runs the server: ourselves, or when root an unprivileged user. */
struct identity {
	bool switch_user;
	uid_t uid;
	gid_t gid;
	const char *name;
};

static int choose_identity(struct identity *who, struct pt__buf *err)
{
	static const char *const candidates[] = {"postgres", "nobody"};

	memset(who, 0, sizeof(*who));
	if (geteuid() != 0)
		return 0;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		struct passwd *pw = getpwnam(candidates[i]);
		if (pw && pw->pw_uid != 0) {
			who->switch_user = true;
			who->uid = pw->pw_uid;
			who->gid = pw->pw_gid;
			who->name = candidates[i];
			return 0;
		}
	}
	pt__buf_adds(err, "cannot start a throwaway PostgreSQL server: partest runs as root, which "
			  "PostgreSQL refuses, and there is no \"postgres\" or \"nobody\" user to "
			  "run it as");
	return PT__ERUN;
}

/*
 * Finds the directory holding initdb and postgres: $PARTEST_PG_BINDIR, the
 * PATH, then the newest /usr/lib/postgresql/<version>/bin (Debian keeps
 * them there) and /usr/local/pgsql/bin.
 */
static int find_bindir(struct pt__buf *out, struct pt__buf *err)
{
	const char *env = getenv("PARTEST_PG_BINDIR"), *path = getenv("PATH");
	struct pt__buf candidate = PT__BUF_INIT;
	glob_t found;

	if (env && *env) {
		pt__buf_adds(out, env);
		return 0;
	}
	for (const char *dir = path ? path : ""; *dir;) {
		size_t len = strcspn(dir, ":");
		pt__buf_reset(&candidate);
		pt__buf_add(&candidate, dir, len);
		pt__buf_adds(&candidate, "/initdb");
		if (len && !access(candidate.data, X_OK)) {
			pt__buf_add(out, dir, len);
			pt__buf_release(&candidate);
			return 0;
		}
		dir += len + (dir[len] == ':');
	}
	pt__buf_release(&candidate);
	/* Sorted by name; a version 10 sorts before 9, so take the longest last. */
	if (!glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &found)) {
		const char *best = NULL;
		for (size_t i = 0; i < found.gl_pathc; i++)
			if (!best || strlen(found.gl_pathv[i]) >= strlen(best))
				best = found.gl_pathv[i];
		pt__buf_add(out, best, strlen(best) - strlen("/initdb"));
		globfree(&found);
		return 0;
	}
	if (!access("/usr/local/pgsql/bin/initdb", X_OK)) {
		pt__buf_adds(out, "/usr/local/pgsql/bin");
		return 0;
	}
	pt__buf_adds(err, "cannot start a throwaway PostgreSQL server: initdb is not on the PATH "
			  "nor in /usr/lib/postgresql/*/bin; install the postgresql package or set "
			  "PARTEST_PG_BINDIR");
	return PT__ERUN;
}

/*
 * Runs argv (argv[0] a path) with stdin from /dev/null and stdout and
 * stderr to log_fd, as who, in a session of its own, with extra_env added
 * to the environment. With detach the program is started from a child
 * that exits at once, so it is nobody's child here (*pid is still its
 * pid). Only async-signal-safe calls between fork and exec. Returns 0 or
 * -errno (exec failures included).
 */
static int start_program(char *const argv[], const struct identity *who, int log_fd,
			 char *const extra_env[], bool detach, pid_t *pid)
{
	char **envp;
	size_t nr_env = 0, nr_extra = 0;
	int report[2], rc = 0;
	pid_t child;
	ssize_t n;

	/* The environment is built before fork: malloc is not safe after it. */
	while (environ[nr_env])
		nr_env++;
	while (extra_env && extra_env[nr_extra])
		nr_extra++;
	envp = pt__xcalloc(nr_env + nr_extra + 1, sizeof(*envp));
	memcpy(envp, environ, nr_env * sizeof(*envp));
	if (nr_extra)
		memcpy(envp + nr_env, extra_env, nr_extra * sizeof(*envp));

	if (pipe(report)) {
		free(envp);
		return -errno;
	}
	fcntl(report[0], F_SETFD, FD_CLOEXEC);
	fcntl(report[1], F_SETFD, FD_CLOEXEC);
	child = fork();
	if (child < 0) {
		rc = -errno;
		close(report[0]);
		close(report[1]);
		free(envp);
		return rc;
	}
	if (!child) {
		sigset_t none;
		int err_no, null_fd;
		pid_t self;

		close(report[0]);
		setsid();
		if (detach) {
			pid_t grandchild = fork();
			if (grandchild != 0) {
				/* Tell the parent who the program is, then leave it to init. */
				int message[2] = {(int)grandchild, grandchild < 0 ? errno : 0};
				(void)!write(report[1], message, sizeof(message));
				_exit(0);
			}
		}
		for (int signo = 1; signo < NSIG; signo++)
			signal(signo, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		null_fd = open("/dev/null", O_RDONLY);
		if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 ||
		    dup2(log_fd, 2) < 0)
			goto fail;
		if (who->switch_user &&
		    (setgroups(0, NULL) || setgid(who->gid) || setuid(who->uid)))
			goto fail;
		execve(argv[0], argv, envp);
	fail:
		err_no = errno;
		self = getpid();
		{
			int message[2] = {(int)self, err_no};
			(void)!write(report[1], message, sizeof(message));
		}
		_exit(127);
	}
	free(envp);
	close(report[1]);
	/* Exec closes the pipe; a failure sends its errno first. */
	int message[2], second[2];
	size_t got = 0;
	while ((n = read(report[0], (char *)message + got, sizeof(message) - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
		if (got == sizeof(message))
			break;
	}
	*pid = child;
	if (detach) {
		/* The first message names the program; a second, its exec failure. */
		waitpid(child, NULL, 0);
		if (got != sizeof(message) || message[1]) {
			rc = got == sizeof(message) ? -message[1] : -ECHILD;
		} else {
			*pid = (pid_t)message[0];
			got = 0;
			while ((n = read(report[0], (char *)second + got, sizeof(second) - got)) !=
			       0) {
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0)
					break;
				got += (size_t)n;
				if (got == sizeof(second))
					break;
			}
			if (got == sizeof(second))
				rc = -second[1];
		}
	} else if (got == sizeof(message)) {
		rc = -message[1];
		waitpid(child, NULL, 0);
	}
	close(report[0]);
	return rc;
}

/* Appends the last LOG_TAIL bytes of path, on one line. */
static void add_log_tail(const char *path, struct pt__buf *out)
{
	struct pt__buf log = PT__BUF_INIT;
	const char *start;

	if (pt__db_read_file(path, &log) || !log.len) {
		pt__buf_release(&log);
		return;
	}
	start = log.len > LOG_TAIL ? log.data + log.len - LOG_TAIL : log.data;
	pt__buf_adds(out, ": ");
	for (const char *c = start; *c; c++) {
		if (*c == '\n' && c[1])
			pt__buf_adds(out, " | ");
		else if (*c != '\n')
			pt__buf_addc(out, *c);
	}
	pt__buf_release(&log);
}

/* Stops a postmaster: fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. */
static void stop_postmaster(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGINT);
	if (pt__process_wait_gone(pid, STOP_FAST_MS))
		return;
	kill(pid, SIGQUIT);
	if (pt__process_wait_gone(pid, STOP_IMMEDIATE_MS))
		return;
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	pt__process_wait_gone(pid, STOP_IMMEDIATE_MS);
}

/* Before a dead run's server directory goes: stop the server if it still runs. */
static void stop_left_server(const char *dir, const char *name, void *arg)
{
	struct pt__buf path = PT__BUF_INIT;

	(void)name;
	(void)arg;
	pt__buf_addf(&path, "%s/data/postmaster.pid", dir);
	stop_postmaster((pid_t)pt__db_read_pid(path.data));
	pt__buf_release(&path);
}

/* Runs initdb and waits for it; Ctrl-C kills it. */
static int run_initdb(struct pt__pg_server *server, const char *bindir, const struct identity *who,
		      struct pt__buf *err)
{
	struct pt__buf program = PT__BUF_INIT, data = PT__BUF_INIT, log = PT__BUF_INIT;
	int log_fd, rc, status = 0;
	pid_t pid;

	pt__buf_addf(&program, "%s/initdb", bindir);
	pt__buf_addf(&data, "%s/data", server->dir);
	pt__buf_addf(&log, "%s/initdb.log", server->dir);
	char *argv[] = {
		program.data, "-D",   data.data,    "-U",	 SUPERUSER,	      "-A", "trust",
		"-E",	      "UTF8", "--locale=C", "--no-sync", "--no-instructions", NULL};
	log_fd = open(log.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		pt__buf_addf(err, "cannot start a throwaway PostgreSQL server: \"%s\": %s",
			     log.data, strerror(errno));
		rc = PT__ERUN;
		goto out;
	}
	if (who->switch_user && fchown(log_fd, who->uid, who->gid)) {
		/* Only root gets here, and root may. */
	}
	rc = start_program(argv, who, log_fd, NULL, false, &pid);
	close(log_fd);
	if (rc) {
		pt__buf_addf(err, "cannot start a throwaway PostgreSQL server: %s: %s",
			     program.data, strerror(-rc));
		rc = PT__ERUN;
		goto out;
	}
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid || (done < 0 && errno != EINTR))
			break;
		if (pt__interrupts) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			pt__buf_adds(err,
				     "interrupted while starting a throwaway PostgreSQL server");
			rc = PT__EINTR;
			goto out;
		}
		pt__sleep_ms(10);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		pt__buf_addf(err,
			     "cannot start a throwaway PostgreSQL server: initdb in \"%s\" failed",
			     server->dir);
		add_log_tail(log.data, err);
		rc = PT__ERUN;
	}
out:
	pt__buf_release(&program);
	pt__buf_release(&data);
	pt__buf_release(&log);
	return rc;
}

/* Starts the postmaster and waits until it accepts connections. */
static int run_postmaster(struct pt__pg_server *server, const char *bindir,
			  const struct identity *who, struct pt__buf *err)
{
	struct pt__buf program = PT__BUF_INIT, data = PT__BUF_INIT, log = PT__BUF_INIT,
		       port = PT__BUF_INIT, run_env = PT__BUF_INIT, conninfo = PT__BUF_INIT;
	long long until;
	int log_fd, rc;
	pid_t pid;

	pt__buf_addf(&program, "%s/postgres", bindir);
	pt__buf_addf(&data, "%s/data", server->dir);
	pt__buf_addf(&log, "%s/server.log", server->dir);
	pt__buf_addf(&port, "%d", server->port);
	char *argv[] = {program.data,
			"-D",
			data.data,
			"-k",
			server->dir,
			"-p",
			port.data,
			"-c",
			"listen_addresses=",
			"-c",
			"fsync=off",
			"-c",
			"synchronous_commit=off",
			"-c",
			"full_page_writes=off",
			"-c",
			"max_connections=200",
			"-c",
			"logging_collector=off",
			NULL};
	/* The run's id, so that a later run can kill a server this one left. */
	pt__buf_addf(&run_env, "PARTEST_RUN_ID=%s", server->run_id ? server->run_id : "");
	char *extra_env[] = {run_env.data, NULL};

	log_fd = open(log.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		pt__buf_addf(err, "cannot start a throwaway PostgreSQL server: \"%s\": %s",
			     log.data, strerror(errno));
		rc = PT__ERUN;
		goto out;
	}
	rc = start_program(argv, who, log_fd, server->run_id ? extra_env : NULL, true, &pid);
	close(log_fd);
	if (rc) {
		pt__buf_addf(err, "cannot start a throwaway PostgreSQL server: %s: %s",
			     program.data, strerror(-rc));
		rc = PT__ERUN;
		goto out;
	}
	server->pid = pid;

	pt__buf_addf(&conninfo, "host='%s' port=%d user=%s dbname=postgres connect_timeout=5",
		     server->dir, server->port, SUPERUSER);
	until = pt__now_ms() + READY_TIMEOUT_MS;
	for (;;) {
		if (PQping(conninfo.data) == PQPING_OK)
			break;
		if (pt__interrupts) {
			pt__buf_adds(err,
				     "interrupted while starting a throwaway PostgreSQL server");
			rc = PT__EINTR;
			goto out;
		}
		if (!pt__process_running(pid) || pt__now_ms() >= until) {
			pt__buf_addf(
				err, "cannot start a throwaway PostgreSQL server in \"%s\": %s",
				server->dir,
				pt__process_running(pid) ? "it did not accept connections within "
							   "60 seconds"
							 : "postgres exited");
			add_log_tail(log.data, err);
			rc = PT__ERUN;
			goto out;
		}
		pt__sleep_ms(20);
	}
out:
	pt__buf_release(&program);
	pt__buf_release(&data);
	pt__buf_release(&log);
	pt__buf_release(&port);
	pt__buf_release(&run_env);
	pt__buf_release(&conninfo);
	return rc;
}

int pt__pg_server_start(struct pt__pg_server *server, struct pt__buf *err)
{
	struct pt__buf bindir = PT__BUF_INIT, path = PT__BUF_INIT;
	struct identity who;
	const char *tmp = getenv("TMPDIR"), *base;
	long pid = (long)getpid();
	int rc;

	if ((rc = choose_identity(&who, err)) || (rc = find_bindir(&bindir, err)))
		goto out;
	base = who.switch_user || !tmp || *tmp != '/' ? "/tmp" : tmp;
	pt__owned_dirs_reap(base, DIR_PREFIX, stop_left_server, NULL);

	pt__buf_addf(&path, "%s/" DIR_PREFIX "%ld-XXXXXX", base, pid);
	if (!mkdtemp(path.data)) {
		pt__buf_addf(err,
			     "cannot start a throwaway PostgreSQL server: cannot create a "
			     "directory in %s: %s",
			     base, strerror(errno));
		rc = PT__ERUN;
		goto out;
	}
	server->dir = pt__buf_detach(&path);
	server->port = SERVER_PORT;
	server->user = pt__xstrdup(SUPERUSER);
	if ((rc = pt__owned_dir_claim(server->dir)) ||
	    (who.switch_user && chown(server->dir, who.uid, who.gid) && (rc = -errno))) {
		pt__buf_addf(err, "cannot start a throwaway PostgreSQL server in \"%s\": %s",
			     server->dir, strerror(-rc));
		rc = PT__ERUN;
		goto fail;
	}
	if ((rc = run_initdb(server, bindir.data, &who, err)) ||
	    (rc = run_postmaster(server, bindir.data, &who, err)))
		goto fail;
	goto out;
fail:
	pt__pg_server_stop(server);
out:
	pt__buf_release(&bindir);
	pt__buf_release(&path);
	return rc;
}

void pt__pg_server_stop(struct pt__pg_server *server)
{
	stop_postmaster(server->pid);
	server->pid = 0;
	if (server->dir)
		pt__remove_tree(server->dir);
	free(server->dir);
	free(server->user);
	server->dir = server->user = NULL;
}

#else
typedef int pt__pg_server_not_built; /* ISO C wants something in a file */
#endif
