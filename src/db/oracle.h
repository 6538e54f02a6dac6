/*
 * The Oracle backend. Always built: it needs no Oracle files at build time
 * and loads the client library (OCI's libclntsh) with dlopen() when an
 * oracle:// URL is used. A clone is a schema (a user) or, with the pdb
 * strategy, a pluggable database; a registry table in the connecting
 * user's schema proves which of them partest created. See
 * docs/databases.md, "Oracle".
 *
 * Besides the backend, this header declares the pieces that need no server
 * (URL handling, names, the SQL text of every statement partest sends), so
 * that unit tests can reach them.
 */
#ifndef PT_DB_ORACLE_H
#define PT_DB_ORACLE_H

#include <stdbool.h>

#include "db.h"

extern const struct pt__db_backend pt__db_oracle;

/* Identifier limits: 128 bytes from 12.2 on, 30 before. */
#define PT__ORA_NAME_MAX     128
#define PT__ORA_NAME_MAX_OLD 30

enum pt__ora_strategy {
	PT__ORA_STRATEGY_DATAPUMP, /* DBMS_DATAPUMP import over a loopback link (default) */
	PT__ORA_STRATEGY_SETUP,	   /* an empty schema per clone, --db-setup run on each */
	PT__ORA_STRATEGY_PDB,	   /* CREATE PLUGGABLE DATABASE ... FROM the template PDB */
};

/* A --db URL taken apart. Names are in capitals, as Oracle takes unquoted names. */
struct pt__ora_url {
	char *user;	  /* who partest connects as (the URL's user) */
	char *password;	  /* "" when the URL gives none */
	char *host;	  /* as given; a literal IPv6 address keeps its brackets */
	int port;	  /* 1521 unless given */
	char *service;	  /* the service name after the first '/' */
	char *schema;	  /* the template schema: /SERVICE/SCHEMA, else the user */
	char *pdb;	  /* pdb strategy: the template PDB (?partest_pdb=, else SERVICE) */
	char *tablespace; /* the clones' default tablespace (?partest_tablespace=, USERS) */
	char *remap_from; /* datapump: ?partest_remap_tablespace=FROM:TO, else NULL */
	char *remap_to;
	enum pt__ora_strategy strategy;
	bool snapshot;	  /* pdb: ?partest_snapshot=1 adds SNAPSHOT COPY */
	int wait_seconds; /* ?partest_wait=: how long a clone's sessions may take to end */
};

/*
 * Parses oracle://USER[:PASSWORD]@HOST[:PORT]/SERVICE[/SCHEMA][?partest_...]
 * into out. Names must be Oracle's plain identifiers (letters, digits, _,
 * $, #; starting with a letter) and are put in capitals. Returns 0, or
 * PT__EUSAGE with one line in err (the URL redacted).
 */
int pt__ora_url_parse(const char *url, struct pt__ora_url *out, struct pt__buf *err);
void pt__ora_url_release(struct pt__ora_url *url);

/* "host:port/service": the Easy Connect string OCI is given. */
void pt__ora_connect_string(const struct pt__ora_url *url, const char *service,
			    struct pt__buf *out);

/* oracle://USER:PASSWORD@HOST:PORT/SERVICE: what the workers and --db-setup get. */
void pt__ora_url_format(const struct pt__ora_url *url, const char *user, const char *password,
			const char *service, struct pt__buf *out);

/* The identifier limit of a server, from its version banner ("... Release 19.0.0.0.0"). */
int pt__ora_name_limit(const char *banner);

/*
 * The name of worker k's clone: "<TEMPLATE>_PT<run>_<k>" in capitals, the
 * template part cut so that the whole fits limit bytes; when the run part
 * alone would not fit, it is cut from the left (the random end stays).
 */
void pt__ora_clone_name(const char *template_name, const char *run_id, int k, int limit,
			struct pt__buf *out);

/* A per-run job or link name: "PT_<what>_<run>[_<k>]" within limit bytes. */
void pt__ora_object_name(const char *what, const char *run_id, int k, int limit,
			 struct pt__buf *out);

/* A fresh random password: 24 letters and digits, starting with a letter. */
void pt__ora_random_password(struct pt__buf *out);

/* '...' with quotes doubled. Names are quoted "..." where they are used;
 * the URL parser lets through only names that hold no '"'. */
void pt__ora_literal(const char *value, struct pt__buf *out);

/* What a statement is for; picks the privilege a failure most likely lacks. */
enum pt__ora_op {
	PT__ORA_OP_CONNECT,
	PT__ORA_OP_REGISTRY,
	PT__ORA_OP_LOOKUP,
	PT__ORA_OP_CREATE_USER,
	PT__ORA_OP_GRANT,
	PT__ORA_OP_LINK,
	PT__ORA_OP_DATAPUMP,
	PT__ORA_OP_DROP_USER,
	PT__ORA_OP_CREATE_PDB,
	PT__ORA_OP_DROP_PDB,
};

/* "grant partest's user X" for an ORA code met doing op, or NULL. */
const char *pt__ora_privilege_hint(enum pt__ora_op op, int ora_code);

/*
 * The statements. Each appends one SQL statement or PL/SQL block (no
 * trailing ';' for SQL, a complete BEGIN ... END; for PL/SQL) to out.
 * kind is the registry's: "template", "user", "pdb" or "link".
 */
void pt__ora_sql_create_registry(struct pt__buf *out);
void pt__ora_sql_user_exists(const char *name, struct pt__buf *out);
void pt__ora_sql_pdb_exists(const char *name, struct pt__buf *out);
void pt__ora_sql_registry_marker(const char *name, const char *kind, struct pt__buf *out);
void pt__ora_sql_create_user(const char *name, const char *password, const char *tablespace,
			     const char *kind, const char *marker, struct pt__buf *out);
void pt__ora_sql_default_grants(const char *name, struct pt__buf *out);
void pt__ora_sql_copy_grants(const char *template_name, const char *clone, struct pt__buf *out);
void pt__ora_sql_create_link(const char *link, const struct pt__ora_url *url, const char *marker,
			     struct pt__buf *out);
void pt__ora_sql_drop_link(const char *link, struct pt__buf *out);
void pt__ora_sql_datapump(const char *template_name, const char *clone, const char *link,
			  const char *job, const char *remap_from, const char *remap_to,
			  struct pt__buf *out);
void pt__ora_sql_drop_user(const char *name, const char *kind, const char *marker,
			   struct pt__buf *out);
void pt__ora_sql_create_pdb(const char *clone, const char *template_pdb, bool snapshot,
			    const char *marker, struct pt__buf *out);
void pt__ora_sql_drop_pdb(const char *name, const char *marker, struct pt__buf *out);
void pt__ora_sql_leftovers(struct pt__buf *out);

/*
 * Where to look for libclntsh, in order: $PARTEST_OCI_LIBRARY,
 * $ORACLE_HOME/lib/libclntsh.so, then "libclntsh.so" for the dynamic
 * linker (LD_LIBRARY_PATH, ld.so.cache). Fills out with up to 3
 * allocated strings (the caller frees them) and returns how many; a set
 * PARTEST_OCI_LIBRARY is the only candidate.
 */
int pt__ora_library_candidates(const char *explicit_path, const char *oracle_home, char *out[3]);

#endif
