/*
 * The throwaway MariaDB server of mysql+tmp://: mariadb-install-db in a
 * private directory under /tmp, then mariadbd on a unix socket in that
 * directory and no TCP port, tuned for tests (no binary log, no flush at
 * each commit, no doublewrite). A root partest runs it with --user=mysql,
 * which then owns the directory; root may log in over the socket with no
 * password (--auth-root-authentication-method=normal).
 *
 * mariadbd is started in a session of its own (so that a Ctrl-C on the
 * terminal reaches partest, which still needs the server to drop its
 * clones) and not as partest's child (the runner kills the children it has
 * left when its workers are done). It carries the run's PARTEST_RUN_ID, so
 * that the next run kills the server of a run killed with SIGKILL; the next
 * start of a throwaway server then removes the directory.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* setgroups */
#endif
#include "mysql.h"

#ifdef PT_HAVE_MARIADB

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mysql.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../clock.h"
#include "../spawn.h"
#include "../signals.h"
#include "../xalloc.h"
#include "../owned_dir.h"
#include "../process_identity.h"

#define DIR_PREFIX	 "partest-my-"
#define READY_TIMEOUT_MS 60000
#define STOP_MS		 10000
#define LOG_TAIL	 1500

extern char **environ;

/* Looks for name on the PATH, then in /usr/sbin and /usr/bin. */
static int find_program(const char *const *names, struct pt__buf *out)
{
	const char *path = getenv("PATH");
	struct pt__buf dirs = PT__BUF_INIT;

	pt__buf_addf(&dirs, "%s:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin",
		     path ? path : "");
	for (; *names; names++) {
		for (const char *dir = dirs.data; *dir;) {
			size_t len = strcspn(dir, ":");
			pt__buf_reset(out);
			pt__buf_add(out, dir, len);
			pt__buf_addf(out, "/%s", *names);
			if (len && !access(out->data, X_OK)) {
				pt__buf_release(&dirs);
				return 0;
			}
			dir += len + (dir[len] == ':');
		}
	}
	pt__buf_release(&dirs);
	return -1;
}

static void stop_pid(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	if (!pt__process_wait_gone(pid, STOP_MS)) {
		kill(pid, SIGKILL);
		pt__process_wait_gone(pid, 3000);
	}
}

/* Appends the last LOG_TAIL bytes of path, on one line. */
static void add_log_tail(const char *path, struct pt__buf *out)
{
	struct pt__buf log = PT__BUF_INIT;

	if (!pt__db_read_file(path, &log) && log.len) {
		const char *start = log.len > LOG_TAIL ? log.data + log.len - LOG_TAIL : log.data;
		pt__buf_adds(out, ": ");
		for (const char *c = start; *c; c++)
			if (*c != '\n' || c[1])
				pt__buf_adds(out, *c == '\n' ? " | " : (char[]){*c, 0});
	}
	pt__buf_release(&log);
}

/* Before a dead run's server directory goes: stop the server if it still runs. */
static void stop_left_server(const char *dir, const char *name, void *arg)
{
	struct pt__buf path = PT__BUF_INIT;

	(void)name;
	(void)arg;
	pt__buf_addf(&path, "%s/mariadbd.pid", dir);
	stop_pid((pid_t)pt__db_read_pid(path.data));
	pt__buf_release(&path);
}

/* Runs mariadb-install-db and waits for it; Ctrl-C kills it. */
static int install_db(struct pt__my_server *server, const char *program, bool as_mysql,
		      struct pt__buf *err)
{
	struct pt__buf data = PT__BUF_INIT, log = PT__BUF_INIT, tmpdir = PT__BUF_INIT;
	char *argv[] = {(char *)program,
			"--no-defaults",
			NULL, /* --datadir */
			NULL, /* --tmpdir: partest's TMPDIR may be closed to the mysql user */
			"--auth-root-authentication-method=normal",
			"--skip-test-db",
			"--skip-name-resolve",
			as_mysql ? "--user=mysql" : NULL,
			NULL};
	int log_fd, rc, status = 0;
	pid_t pid;

	pt__buf_addf(&data, "--datadir=%s/data", server->dir);
	pt__buf_addf(&tmpdir, "--tmpdir=%s", server->dir);
	argv[2] = data.data;
	argv[3] = tmpdir.data;
	pt__buf_addf(&log, "%s/install.log", server->dir);
	log_fd = open(log.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		pt__buf_addf(err, "cannot start a throwaway MariaDB server: \"%s\": %s", log.data,
			     strerror(errno));
		rc = PT__ERUN;
		goto out;
	}
	struct pt__spawn spawn = {
		.path = program,
		.argv = argv,
		.fds = {PT__SPAWN_DEVNULL, log_fd, log_fd, PT__SPAWN_NONE, PT__SPAWN_NONE},
		.new_group = true,
	};
	struct pt__buf why = PT__BUF_INIT;
	rc = pt__spawn(&spawn, &pid, &why);
	close(log_fd);
	if (rc) {
		pt__buf_addf(err, "cannot start a throwaway MariaDB server: %s", why.data);
		pt__buf_release(&why);
		goto out;
	}
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid || (done < 0 && errno != EINTR))
			break;
		if (pt__interrupts) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			pt__buf_adds(err, "interrupted while starting a throwaway MariaDB server");
			rc = PT__EINTR;
			goto out;
		}
		pt__sleep_ms(10);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		pt__buf_addf(err, "cannot start a throwaway MariaDB server: %s in \"%s\" failed",
			     program, server->dir);
		add_log_tail(log.data, err);
		rc = PT__ERUN;
	}
out:
	pt__buf_release(&data);
	pt__buf_release(&tmpdir);
	pt__buf_release(&log);
	return rc;
}

/*
 * Starts argv in a session of its own from a child that exits at once, so
 * that it is nobody's child here; its pid in *pid. Only async-signal-safe
 * calls between fork and exec. Returns 0 or -errno.
 */
static int start_detached(char *const argv[], char *const envp[], int log_fd, pid_t *pid)
{
	int report[2];
	pid_t child;
	long message = 0;

	if (pt__pipe(report))
		return -errno;
	child = fork();
	if (child < 0) {
		int rc = -errno;
		close(report[0]);
		close(report[1]);
		return rc;
	}
	if (!child) {
		sigset_t none;
		int null_fd;
		pid_t grandchild;

		setsid();
		grandchild = fork();
		if (grandchild != 0) {
			long value = grandchild > 0 ? (long)grandchild : -1;
			(void)!write(report[1], &value, sizeof(value));
			_exit(0);
		}
		for (int signo = 1; signo < NSIG; signo++)
			signal(signo, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		null_fd = open("/dev/null", O_RDONLY);
		if (null_fd >= 0 && dup2(null_fd, 0) >= 0 && dup2(log_fd, 1) >= 0 &&
		    dup2(log_fd, 2) >= 0)
			execve(argv[0], argv, envp);
		_exit(127);
	}
	close(report[1]);
	while (read(report[0], &message, sizeof(message)) < 0 && errno == EINTR)
		;
	close(report[0]);
	waitpid(child, NULL, 0);
	if (message <= 0)
		return -ECHILD;
	*pid = (pid_t)message;
	return 0;
}

/* Starts mariadbd and waits until it accepts connections. */
static int run_server(struct pt__my_server *server, const char *program, bool as_mysql,
		      struct pt__buf *err)
{
	struct pt__buf data = PT__BUF_INIT, socket_opt = PT__BUF_INIT, pid_opt = PT__BUF_INIT,
		       log = PT__BUF_INIT, run_env = PT__BUF_INIT, why = PT__BUF_INIT,
		       tmpdir = PT__BUF_INIT;
	char *argv[] = {(char *)program,
			"--no-defaults",
			NULL, /* --datadir */
			NULL, /* --socket */
			NULL, /* --pid-file */
			NULL, /* --tmpdir */
			"--skip-networking",
			"--skip-log-bin",
			"--skip-name-resolve",
			"--innodb-flush-log-at-trx-commit=0",
			"--innodb-doublewrite=0",
			"--innodb-buffer-pool-size=256M",
			"--max-connections=500",
			"--character-set-server=utf8mb4",
			"--collation-server=utf8mb4_general_ci",
			as_mysql ? "--user=mysql" : NULL,
			NULL};
	size_t nr_env = 0;
	char **envp;
	long long until;
	int log_fd, rc;
	pid_t pid = 0;

	pt__buf_addf(&data, "--datadir=%s/data", server->dir);
	pt__buf_addf(&socket_opt, "--socket=%s", server->socket);
	pt__buf_addf(&pid_opt, "--pid-file=%s/mariadbd.pid", server->dir);
	pt__buf_addf(&tmpdir, "--tmpdir=%s", server->dir);
	argv[2] = data.data;
	argv[3] = socket_opt.data;
	argv[4] = pid_opt.data;
	argv[5] = tmpdir.data;
	pt__buf_addf(&log, "%s/server.log", server->dir);
	pt__buf_addf(&run_env, "PARTEST_RUN_ID=%s", server->run_id ? server->run_id : "");
	while (environ[nr_env])
		nr_env++;
	envp = pt__xcalloc(nr_env + 2, sizeof(*envp));
	memcpy(envp, environ, nr_env * sizeof(*envp));
	envp[nr_env] = run_env.data;

	log_fd = open(log.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		pt__buf_addf(err, "cannot start a throwaway MariaDB server: \"%s\": %s", log.data,
			     strerror(errno));
		rc = PT__ERUN;
		goto out;
	}
	rc = start_detached(argv, envp, log_fd, &pid);
	close(log_fd);
	if (rc) {
		pt__buf_addf(err, "cannot start a throwaway MariaDB server: %s: %s", program,
			     strerror(-rc));
		rc = PT__ERUN;
		goto out;
	}
	server->pid = pid;
	until = pt__now_ms() + READY_TIMEOUT_MS;
	for (;;) {
		MYSQL *conn = mysql_init(NULL);
		unsigned int timeout = 2;
		if (conn) {
			mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
			if (mysql_real_connect(conn, "localhost", "root", NULL, NULL, 0,
					       server->socket, 0)) {
				mysql_close(conn);
				break;
			}
			mysql_close(conn);
		}
		if (pt__interrupts) {
			pt__buf_adds(err, "interrupted while starting a throwaway MariaDB server");
			rc = PT__EINTR;
			goto out;
		}
		if (!pt__process_running(pid) || pt__now_ms() >= until) {
			pt__buf_addf(err, "cannot start a throwaway MariaDB server in \"%s\": %s",
				     server->dir,
				     pt__process_running(pid)
					     ? "it did not accept connections within 60 "
					       "seconds"
					     : "mariadbd exited");
			add_log_tail(log.data, err);
			rc = PT__ERUN;
			goto out;
		}
		pt__sleep_ms(20);
	}
out:
	free(envp);
	pt__buf_release(&data);
	pt__buf_release(&socket_opt);
	pt__buf_release(&pid_opt);
	pt__buf_release(&log);
	pt__buf_release(&run_env);
	pt__buf_release(&why);
	pt__buf_release(&tmpdir);
	return rc;
}

int pt__my_server_start(struct pt__my_server *server, struct pt__buf *err)
{
	static const char *const installers[] = {"mariadb-install-db", "mysql_install_db", NULL};
	static const char *const servers[] = {"mariadbd", "mysqld", NULL};
	struct pt__buf installer = PT__BUF_INIT, daemon = PT__BUF_INIT, path = PT__BUF_INIT;
	struct passwd *mysql_user = NULL;
	bool as_mysql = geteuid() == 0;
	long pid = (long)getpid();
	int rc = 0;

	if (find_program(installers, &installer) || find_program(servers, &daemon)) {
		pt__buf_adds(err, "cannot start a throwaway MariaDB server: mariadb-install-db or "
				  "mariadbd is not installed; install the mariadb-server package");
		rc = PT__ERUN;
		goto out;
	}
	if (as_mysql && !(mysql_user = getpwnam("mysql"))) {
		pt__buf_adds(err, "cannot start a throwaway MariaDB server: partest runs as root "
				  "and there is no \"mysql\" user to run it as");
		rc = PT__ERUN;
		goto out;
	}
	pt__owned_dirs_reap("/tmp", DIR_PREFIX, stop_left_server, NULL);
	pt__buf_addf(&path, "/tmp/" DIR_PREFIX "%ld-XXXXXX", pid);
	if (!mkdtemp(path.data)) {
		pt__buf_addf(err,
			     "cannot start a throwaway MariaDB server: cannot create a directory "
			     "in /tmp: %s",
			     strerror(errno));
		rc = PT__ERUN;
		goto out;
	}
	server->dir = pt__buf_detach(&path);
	pt__buf_addf(&path, "%s/mysql.sock", server->dir);
	server->socket = pt__buf_detach(&path);
	if ((rc = pt__owned_dir_claim(server->dir)) ||
	    (as_mysql && chown(server->dir, mysql_user->pw_uid, mysql_user->pw_gid) &&
	     (rc = -errno))) {
		pt__buf_addf(err, "cannot start a throwaway MariaDB server in \"%s\": %s",
			     server->dir, strerror(-rc));
		rc = PT__ERUN;
		goto fail;
	}
	if ((rc = install_db(server, installer.data, as_mysql, err)) ||
	    (rc = run_server(server, daemon.data, as_mysql, err)))
		goto fail;
	goto out;
fail:
	pt__my_server_stop(server);
out:
	pt__buf_release(&installer);
	pt__buf_release(&daemon);
	pt__buf_release(&path);
	return rc;
}

void pt__my_server_stop(struct pt__my_server *server)
{
	stop_pid(server->pid);
	server->pid = 0;
	if (server->dir)
		pt__remove_tree(server->dir);
	free(server->dir);
	free(server->socket);
	server->dir = server->socket = NULL;
}

#else
typedef int pt__my_server_not_built; /* ISO C wants something in a file */
#endif
