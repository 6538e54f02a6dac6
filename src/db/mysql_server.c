/*
 * The throwaway MariaDB server of mysql+tmp://: mariadb-install-db in a
 * private directory under /tmp, then mariadbd on a unix socket in that
 * directory and no TCP port, tuned for tests (no binary log, no flush at
 * each commit, no doublewrite). A root partest runs it with --user=mysql,
 * which then owns the directory; root may log in over the socket with no
 * password (--auth-root-authentication-method=normal). The life cycle
 * around that is server.c's.
 */
#include "mysql.h"

#ifdef PT_HAVE_MARIADB

#include <mysql.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../find_program.h"
#include "../spawn.h"

#define PROGRAM_DIRS "/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin"

static const struct pt__db_server_kind mariadb_kind = {
	.name = "MariaDB",
	.dir_prefix = "partest-my-",
	.pid_file = "mariadbd.pid",
	.stop_signal = SIGTERM,
	.log_tail = 1500,
};

/* The first of two names on the PATH or in PROGRAM_DIRS, in path. */
static bool find_either(const char *name, const char *other, struct pt__buf *path)
{
	struct pt__buf not_found = PT__BUF_INIT;
	bool found = !pt__find_program(name, PROGRAM_DIRS, path, &not_found) ||
		     !pt__find_program(other, PROGRAM_DIRS, path, &not_found);

	pt__buf_release(&not_found);
	return found;
}

static int install_db(struct pt__my_server *server, const char *program, bool as_mysql,
		      const struct pt__cancel *cancel, struct pt__buf *err)
{
	struct pt__buf data = PT__BUF_INIT, tmpdir = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&data, "--datadir=%s/data", server->common.dir);
	/* partest's TMPDIR may be closed to the mysql user. */
	pt__buf_addf(&tmpdir, "--tmpdir=%s", server->common.dir);
	char *argv[] = {(char *)program,
			"--no-defaults",
			data.data,
			tmpdir.data,
			"--auth-root-authentication-method=normal",
			"--skip-test-db",
			"--skip-name-resolve",
			as_mysql ? "--user=mysql" : NULL,
			NULL};
	rc = pt__db_server_run(&server->common, argv, program, "install.log", cancel, err);
	pt__buf_release(&data);
	pt__buf_release(&tmpdir);
	return rc;
}

/* mariadbd accepts root on its socket. */
static bool server_ready(void *socket)
{
	MYSQL *conn = mysql_init(NULL);
	unsigned int timeout = 2;
	bool ready;

	if (!conn)
		return false;
	mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	ready = mysql_real_connect(conn, "localhost", "root", NULL, NULL, 0, socket, 0);
	mysql_close(conn);
	return ready;
}

static int run_server(struct pt__my_server *server, const char *program, bool as_mysql,
		      const struct pt__cancel *cancel, struct pt__buf *err)
{
	struct pt__buf data = PT__BUF_INIT, socket_opt = PT__BUF_INIT, pid_opt = PT__BUF_INIT,
		       tmpdir = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&data, "--datadir=%s/data", server->common.dir);
	pt__buf_addf(&socket_opt, "--socket=%s", server->socket);
	pt__buf_addf(&pid_opt, "--pid-file=%s/%s", server->common.dir, mariadb_kind.pid_file);
	pt__buf_addf(&tmpdir, "--tmpdir=%s", server->common.dir);
	char *argv[] = {(char *)program,
			"--no-defaults",
			data.data,
			socket_opt.data,
			pid_opt.data,
			tmpdir.data,
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
	rc = pt__db_server_start(&server->common, argv, "mariadbd", server_ready, server->socket,
				 cancel, err);
	pt__buf_release(&data);
	pt__buf_release(&socket_opt);
	pt__buf_release(&pid_opt);
	pt__buf_release(&tmpdir);
	return rc;
}

int pt__my_server_start(struct pt__my_server *server, const char *run_id,
			const struct pt__cancel *cancel, struct pt__buf *err)
{
	struct pt__buf installer = PT__BUF_INIT, daemon = PT__BUF_INIT, socket = PT__BUF_INIT;
	bool as_mysql = geteuid() == 0;
	int rc;

	memset(server, 0, sizeof(*server));
	server->common.kind = &mariadb_kind;
	server->common.run_id = run_id;
	if (!find_either("mariadb-install-db", "mysql_install_db", &installer) ||
	    !find_either("mariadbd", "mysqld", &daemon)) {
		pt__buf_adds(err, "cannot start a throwaway MariaDB server: mariadb-install-db or "
				  "mariadbd is not installed; install the mariadb-server package");
		rc = PT__ERUN;
		goto out;
	}
	if (as_mysql && !getpwnam("mysql")) {
		pt__buf_adds(err, "cannot start a throwaway MariaDB server: partest runs as root "
				  "and there is no \"mysql\" user to run it as");
		rc = PT__ERUN;
		goto out;
	}
	server->common.user = as_mysql ? "mysql" : NULL;
	if ((rc = pt__db_server_make_dir(&server->common, "/tmp", err)))
		goto fail;
	pt__buf_addf(&socket, "%s/mysql.sock", server->common.dir);
	server->socket = pt__buf_detach(&socket);
	if ((rc = install_db(server, installer.data, as_mysql, cancel, err)) ||
	    (rc = run_server(server, daemon.data, as_mysql, cancel, err)))
		goto fail;
	goto out;
fail:
	pt__my_server_stop(server);
out:
	pt__buf_release(&installer);
	pt__buf_release(&daemon);
	return rc;
}

void pt__my_server_stop(struct pt__my_server *server)
{
	pt__db_server_release(&server->common);
	free(server->socket);
	server->socket = NULL;
}

#else
typedef int pt__my_server_not_built; /* ISO C wants something in a file */
#endif
