/*
 * The throwaway PostgreSQL server of postgresql+tmp://: initdb in a private
 * directory, then a postmaster on a unix socket in that directory and on no
 * TCP address, tuned for tests (fsync, synchronous_commit and
 * full_page_writes off). initdb and postgres refuse to run as root, so a
 * root partest runs them as the "postgres" user (else "nobody"), which then
 * owns the directory; it is made under /tmp, since a root's $TMPDIR is often
 * closed to other users. The life cycle around that is server.c's.
 */
#include "postgres.h"

#ifdef PT_HAVE_LIBPQ

#include <glob.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../find_program.h"
#include "../spawn.h"
#include "../xalloc.h"

#define SERVER_PORT 5432 /* the socket is in a private directory: no clash */
#define SUPERUSER   "partest"

/* Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. */
static const struct pt__db_server_kind postgres_kind = {
	.name = "PostgreSQL",
	.dir_prefix = "partest-pg-",
	.pid_file = "data/postmaster.pid",
	.stop_signal = SIGINT,
	.harder_signal = SIGQUIT,
	.log_tail = 2000,
};

/* Who runs the server: ourselves, or when root an unprivileged user. */
static int choose_user(const char **user, struct pt__buf *err)
{
	static const char *const candidates[] = {"postgres", "nobody"};

	*user = NULL;
	if (geteuid() != 0)
		return 0;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		struct passwd *pw = getpwnam(candidates[i]);
		if (pw && pw->pw_uid != 0) {
			*user = candidates[i];
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
	const char *env = getenv("PARTEST_PG_BINDIR");
	struct pt__buf initdb = PT__BUF_INIT, not_found = PT__BUF_INIT;
	glob_t found;
	int rc = 0;

	if (env && *env) {
		pt__buf_adds(out, env);
	} else if (!pt__find_program("initdb", NULL, &initdb, &not_found)) {
		pt__buf_add(out, initdb.data, initdb.len - strlen("/initdb"));
	} else if (!glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &found)) {
		/* Sorted by name; a version 10 sorts before 9, so take the longest last. */
		const char *best = NULL;
		for (size_t i = 0; i < found.gl_pathc; i++)
			if (!best || strlen(found.gl_pathv[i]) >= strlen(best))
				best = found.gl_pathv[i];
		pt__buf_add(out, best, strlen(best) - strlen("/initdb"));
		globfree(&found);
	} else if (!access("/usr/local/pgsql/bin/initdb", X_OK)) {
		pt__buf_adds(out, "/usr/local/pgsql/bin");
	} else {
		pt__buf_adds(
			err,
			"cannot start a throwaway PostgreSQL server: initdb is not on the PATH "
			"nor in /usr/lib/postgresql/*/bin; install the postgresql package or "
			"set PARTEST_PG_BINDIR");
		rc = PT__ERUN;
	}
	pt__buf_release(&initdb);
	pt__buf_release(&not_found);
	return rc;
}

static int run_initdb(struct pt__pg_server *server, const char *bindir,
		      const struct pt__cancel *cancel, struct pt__buf *err)
{
	struct pt__buf program = PT__BUF_INIT, data = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&program, "%s/initdb", bindir);
	pt__buf_addf(&data, "%s/data", server->common.dir);
	char *argv[] = {
		program.data, "-D",   data.data,    "-U",	 SUPERUSER,	      "-A", "trust",
		"-E",	      "UTF8", "--locale=C", "--no-sync", "--no-instructions", NULL};
	rc = pt__db_server_run(&server->common, argv, "initdb", "initdb.log", cancel, err);
	pt__buf_release(&program);
	pt__buf_release(&data);
	return rc;
}

/* The postmaster answers on its socket. */
static bool postmaster_ready(void *conninfo)
{
	return PQping(conninfo) == PQPING_OK;
}

static int run_postmaster(struct pt__pg_server *server, const char *bindir,
			  const struct pt__cancel *cancel, struct pt__buf *err)
{
	struct pt__buf program = PT__BUF_INIT, data = PT__BUF_INIT, port = PT__BUF_INIT,
		       conninfo = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&program, "%s/postgres", bindir);
	pt__buf_addf(&data, "%s/data", server->common.dir);
	pt__buf_addf(&port, "%d", server->port);
	char *argv[] = {program.data,
			"-D",
			data.data,
			"-k",
			server->common.dir,
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
	pt__buf_addf(&conninfo, "host='%s' port=%d user=%s dbname=postgres connect_timeout=5",
		     server->common.dir, server->port, SUPERUSER);
	rc = pt__db_server_start(&server->common, argv, "postgres", postmaster_ready, conninfo.data,
				 cancel, err);
	pt__buf_release(&program);
	pt__buf_release(&data);
	pt__buf_release(&port);
	pt__buf_release(&conninfo);
	return rc;
}

int pt__pg_server_start(struct pt__pg_server *server, const char *run_id,
			const struct pt__cancel *cancel, struct pt__buf *err)
{
	struct pt__buf bindir = PT__BUF_INIT;
	const char *tmp = getenv("TMPDIR"), *user;
	int rc;

	memset(server, 0, sizeof(*server));
	server->common.kind = &postgres_kind;
	server->common.run_id = run_id;
	if ((rc = choose_user(&user, err)) || (rc = find_bindir(&bindir, err)))
		goto out;
	server->common.user = user;
	server->common.run_as_user = true;
	server->port = SERVER_PORT;
	server->user = pt__xstrdup(SUPERUSER);
	if ((rc = pt__db_server_make_dir(&server->common,
					 user || !tmp || *tmp != '/' ? "/tmp" : tmp, err)) ||
	    (rc = run_initdb(server, bindir.data, cancel, err)) ||
	    (rc = run_postmaster(server, bindir.data, cancel, err)))
		pt__pg_server_stop(server);
out:
	pt__buf_release(&bindir);
	return rc;
}

void pt__pg_server_stop(struct pt__pg_server *server)
{
	pt__db_server_release(&server->common);
	free(server->user);
	server->user = NULL;
}

#else
typedef int pt__pg_server_not_built; /* ISO C wants something in a file */
#endif
