/*
 * The MySQL and MariaDB backend (built when libmariadb is found:
 * PT_HAVE_MARIADB). The template is the database the URL names; partest
 * copies it inside the server into one clone per worker (tables from their
 * own CREATE statements, data with INSERT ... SELECT over several
 * connections at once, then views, triggers, routines and events), or with
 * ?partest_strategy=dump through mysqldump | mysql. MySQL has no comments
 * on databases, so what partest creates is recorded in a registry database
 * of its own, partest_registry. The mysql+tmp:// form starts a throwaway
 * MariaDB server for the run. See docs/databases.md.
 *
 * Besides the backend, this header declares the pieces that need no server
 * (URL handling, names, quoting), so that unit tests can reach them.
 */
#ifndef PT_DB_MYSQL_H
#define PT_DB_MYSQL_H

#include <stdbool.h>
#include <sys/types.h>

#include "db.h"
#include "server.h"

#ifdef PT_HAVE_MARIADB
extern const struct pt__db_backend pt__db_mysql;
#endif

/* Database names are at most 64 characters; partest keeps to 64 bytes. */
#define PT__MY_NAME_MAX 64
/* partest's own database: one row per database partest created. */
#define PT__MY_REGISTRY "partest_registry"

enum pt__my_strategy {
	PT__MY_STRATEGY_COPY, /* copy inside the server (the default) */
	PT__MY_STRATEGY_DUMP, /* mysqldump | mysql, as Django does */
};

/* A --db URL taken apart. */
struct pt__my_url {
	bool throwaway;	 /* mysql+tmp:// or mariadb+tmp://: partest starts the server */
	char *scheme;	 /* "mysql://" or "mariadb://" */
	char *authority; /* [user[:password]@][host][:port], as given */
	char *user;	 /* percent-decoded; NULL when not given */
	char *password;	 /* percent-decoded; NULL when not given */
	char *host;	 /* NULL when not given (the local socket) */
	unsigned port;	 /* 0 when not given */
	char *socket;	 /* ?socket=, decoded; NULL when not given */
	char *dbname;	 /* the template's name, percent-decoded */
	char *query;	 /* the parameters after '?' without partest's; "" if none */
	enum pt__my_strategy strategy; /* ?partest_strategy= */
	int threads; /* ?partest_threads=: connections copying at once (0: partest's choice) */
};

/*
 * Parses url (mysql://, mariadb://, mysql+tmp:// or mariadb+tmp://) into
 * out. The database name is required except for the throwaway forms
 * (default "partest"). Query parameters: socket=PATH, partest_strategy=
 * copy|dump, partest_threads=N; any other is refused. Returns 0, or
 * PT__EUSAGE with a line in err (the URL redacted).
 */
int pt__my_url_parse(const char *url, struct pt__my_url *out, struct pt__buf *err);
void pt__my_url_release(struct pt__my_url *url);

/* Appends the URL with the database name replaced by dbname (percent-encoded)
 * and without partest's parameters: what the workers are given. */
void pt__my_url_format(const struct pt__my_url *url, const char *dbname, struct pt__buf *out);

/* Appends name as a backtick-quoted identifier (a '`' doubled). */
void pt__my_add_identifier(const char *name, struct pt__buf *out);

/*
 * Appends sql with every schema qualifier naming the template, "`from`." or
 * an unquoted "from.", replaced by "`to`.": what makes a view, trigger or
 * routine of the template refer to the clone. A name after a '.' is no
 * schema ("`t`.`from`.x" is left alone), and neither is text inside
 * '...' and "..." literals or comments.
 */
void pt__my_rewrite_schema(const char *sql, const char *from, const char *to, struct pt__buf *out);

/*
 * Appends create (SHOW CREATE TABLE's text) without the "COLLATE c" of the
 * columns that name table_collation, c, and no character set. MySQL shows
 * the table's collation on such a column whether or not it was given;
 * replayed, it becomes an explicit collation that SHOW CREATE TABLE then
 * shows with "CHARACTER SET". Without the clause the column inherits the
 * same collation, as in the template.
 */
void pt__my_drop_implied_collations(const char *create, const char *table_collation,
				    struct pt__buf *out);

/*
 * The throwaway server of mysql+tmp:// (mysql_server.c): mariadb-install-db
 * in a private directory under /tmp, then mariadbd on a unix socket in it
 * and no TCP port. When partest runs as root the server runs as "mysql".
 * It carries PARTEST_RUN_ID so that a run killed with SIGKILL has its
 * server killed by the next run; the next start removes the directory.
 */
struct pt__my_server {
	struct pt__db_server common; /* the directory (data/, the socket, server.log), the pid */
	char *socket;		     /* dir/mysql.sock */
};

/*
 * Starts a server whose PARTEST_RUN_ID is run_id (or none if NULL); cancel
 * interrupts the wait for it (PT__EINTR).
 */
int pt__my_server_start(struct pt__my_server *server, const char *run_id,
			const struct pt__cancel *cancel, struct pt__buf *err);

/* Stops the server and removes its directory. */
void pt__my_server_stop(struct pt__my_server *server);

#endif
