/*
 * The PostgreSQL backend (built when libpq is found: PT_HAVE_LIBPQ). The
 * template is the database the URL names; each clone is made with CREATE
 * DATABASE ... TEMPLATE, all of them at once over separate connections; a
 * comment on every database partest creates proves it is partest's. The
 * postgresql+tmp:// form starts a throwaway server for the run. See
 * docs/databases.md.
 *
 * Besides the backend, this header declares the pieces that need no server
 * (URL handling, names, markers), so that unit tests can reach them.
 */
#ifndef PT_DB_POSTGRES_H
#define PT_DB_POSTGRES_H

#include <stdbool.h>
#include <sys/types.h>

#include "db.h"
#include "server.h"

#ifdef PT_HAVE_LIBPQ
extern const struct pt__db_backend pt__db_postgres;
#endif

/* Identifiers are at most 63 bytes (NAMEDATALEN - 1). */
#define PT__PG_NAME_MAX 63

/* How CREATE DATABASE copies the template (its STRATEGY clause, PG 15+). */
enum pt__pg_strategy {
	PT__PG_STRATEGY_AUTO,	   /* partest's choice: see pick_strategy() in postgres.c */
	PT__PG_STRATEGY_FILE_COPY, /* copy the files, with a checkpoint before and after */
	PT__PG_STRATEGY_WAL_LOG,   /* copy block by block through the WAL */
	PT__PG_STRATEGY_DEFAULT,   /* no STRATEGY clause: the server's default */
};

/* A --db URL taken apart. */
struct pt__pg_url {
	bool throwaway;	 /* postgresql+tmp://: partest starts the server */
	char *scheme;	 /* "postgresql://" or "postgres://" */
	char *authority; /* [user[:password]@][host][:port][,...], as given */
	char *dbname;	 /* the template's name, percent-decoded */
	char *query;	 /* the libpq parameters after '?', partest's removed; "" if none */
	enum pt__pg_strategy strategy; /* ?partest_strategy= */
	int wait_seconds;	       /* ?partest_wait=: how long a busy template is waited for */
};

/*
 * Parses url (postgresql://, postgres:// or postgresql+tmp://) into out.
 * The database name is required except for postgresql+tmp:// (default
 * "partest"); partest's own parameters (partest_strategy, partest_wait)
 * are taken out of the query, any other is left for libpq to judge.
 * Returns 0, or PT__EUSAGE with a line in err (the URL redacted).
 */
int pt__pg_url_parse(const char *url, struct pt__pg_url *out, struct pt__buf *err);
void pt__pg_url_release(struct pt__pg_url *url);

/* Appends the URL with the database name replaced by dbname (percent-encoded)
 * and without partest's parameters: what libpq and the workers are given. */
void pt__pg_url_format(const struct pt__pg_url *url, const char *dbname, struct pt__buf *out);

/*
 * The throwaway server of postgresql+tmp:// (postgres_server.c): initdb in a
 * private directory, a postgres listening on a unix socket only, tuned for
 * tests (fsync, synchronous_commit and full_page_writes off). When partest
 * runs as root the server runs as the "postgres" user (else "nobody"),
 * which owns the directory. The server gets SIGQUIT if partest dies
 * without stopping it; the next start removes directories left that way.
 */
struct pt__pg_server {
	struct pt__db_server common; /* the directory (data/, the socket, server.log), the pid */
	int port;		     /* names the socket: dir/.s.PGSQL.<port> */
	char *user;		     /* the superuser role initdb made: "partest" */
};

/*
 * Starts a server whose PARTEST_RUN_ID is run_id (or none if NULL); cancel
 * interrupts the wait for it (PT__EINTR).
 */
int pt__pg_server_start(struct pt__pg_server *server, const char *run_id,
			const struct pt__cancel *cancel, struct pt__buf *err);

/* Stops the server (fast shutdown, then harder) and removes its directory. */
void pt__pg_server_stop(struct pt__pg_server *server);

#endif
