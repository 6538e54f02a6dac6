#!/usr/bin/env bash
# drop_create_drift.sh: how long CREATE DATABASE ... TEMPLATE takes while a
# stream of clones is dropped and made anew, as --fresh-db test does, on the
# file system that holds the server's data (SERVER_DIR, default /tmp).
# ROUNDS (default 300) rounds of DROP DATABASE + CREATE DATABASE (FILE_COPY,
# fsync off) on one psql session, of a template holding one empty table;
# prints the mean CREATE of each block of 50 rounds in ms, from the server's
# own log (log_min_duration_statement=0), so that a drift shows.
#
# On an ext4 file system without a journal, the kernel skips inodes freed in
# the last 5 s (300 s while their inode table block is dirty) when it picks
# one for a new file (fs/ext4/ialloc.c, find_inode_bit and recently_deleted,
# checked only when the file system has no journal): every file a DROP
# removed makes later file creations look further, so each CREATE of a
# 300-file database costs more the longer the stream lasts.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS=${ROUNDS:-300}
needs psql
pg_server_start "-c fsync=off -c log_min_duration_statement=0" ||
	{ echo "$0: needs PostgreSQL's server (apt-get install postgresql)" >&2; exit 2; }
q() { psql -X -q -v ON_ERROR_STOP=1 "host=$server user=partest dbname=${2:-postgres}" -c "$1"; }
q "CREATE DATABASE t"
q "CREATE TABLE rows (suite text, name text)" t
q "CREATE DATABASE c TEMPLATE t STRATEGY FILE_COPY"
for _ in $(seq "$ROUNDS"); do
	echo "DROP DATABASE c;"
	echo "CREATE DATABASE c TEMPLATE t STRATEGY FILE_COPY;"
done | psql -X -q -v ON_ERROR_STOP=1 "host=$server user=partest dbname=postgres"
echo "== CREATE DATABASE ... TEMPLATE (8 MB) in a stream of $ROUNDS drops and creates, mean ms per 50 rounds"
echo "(data in $server: $(stat -f -c %T "$server"), $(findmnt -n -o SOURCE,OPTIONS --target "$server"); load $(cut -d' ' -f1 /proc/loadavg))"
grep -E 'duration: [0-9.]+ ms  statement: CREATE DATABASE c TEMPLATE' "$server/log" |
	sed -E 's/.*duration: ([0-9.]+) ms.*/\1/' | tail -n "$ROUNDS" |
	awk '{ s += $1 } NR % 50 == 0 { printf "%s%.1f", (NR > 50 ? " " : ""), s / 50; s = 0 } END { print "" }'
