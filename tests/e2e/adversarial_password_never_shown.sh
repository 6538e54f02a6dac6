#!/bin/sh
# No password in any message, whatever the URL looks like: '/', '@', ':' and
# '%' inside it (encoded or not), a password= parameter, the errors libpq and
# MariaDB quote back from a URL they took apart, and a --db-setup that
# prints its DATABASE_URL. Against a real PostgreSQL server.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
PG_HBA='local all partest trust
local all all scram-sha-256'
pg_start
sql postgres "CREATE ROLE app LOGIN CREATEDB PASSWORD 'p/a@s:s%w0rd'"
sql postgres 'CREATE DATABASE tpl OWNER app'
DATABASE_URL="$(url 'app:p%2Fa%40s%3As%25w0rd' tpl)" "$PROGRAMS/pg_items_setup" >/dev/null

# no_secret WORD...: none of the words in out, err or any file left in the state dir.
no_secret() {
	for word in "$@"; do
		grep -rqF -- "$word" out err .partest 2>/dev/null && return 1
	done
	return 0
}

encoded='p%2Fa%40s%3As%25w0rd'
run -j2 --db "postgresql://app:$encoded@/tpl?host=$PGHOST_ENCODED" "$PROGRAMS/pg_writers"
check "an encoded password with / @ : % works" status_is 0
check "and is never shown" no_secret "$encoded" 'p/a@s:s%w0rd'

wrong='wr%2Fo%40ng%3A%25pw'
run --db "postgresql://app:$wrong@/tpl?host=$PGHOST_ENCODED" "$PROGRAMS/pg_writers"
check "a wrong password: exit 3" status_is 3
check "neither form of it is shown" no_secret "$wrong" 'wr/o@ng:%pw'

run --db "postgresql://app:se%ZZkr1t@/tpl?host=$PGHOST_ENCODED" "$PROGRAMS/pg_writers"
check "a bad escape in the password: exit 2" status_is 2
check "libpq's error quoting the password is masked" no_secret 'se%ZZkr1t' 'ZZkr1t'

run --db "postgresql://app:un/encoded@pw@/tpl?host=$PGHOST_ENCODED" "$PROGRAMS/pg_writers"
refused_or_failed() { status_is 2 || status_is 3; }
check "an unencoded password with / and @ is refused or fails" refused_or_failed
check "no piece of it is shown" no_secret 'un/encoded' 'encoded@pw' 'un/encoded@pw'

run --db "postgresql://app@/tpl?host=$PGHOST_ENCODED&password=qu%40ery-pw" "$PROGRAMS/pg_writers"
check "a password= parameter is not shown" no_secret 'qu%40ery-pw' 'qu@ery-pw'

run --db "postgresql://app:$encoded@/fresh?host=$PGHOST_ENCODED" \
	--db-setup 'echo "setting up $DATABASE_URL"; exit 1' "$PROGRAMS/pg_writers"
check "a failing --db-setup that prints its URL: exit 2" status_is 2
check "its output is quoted with the password masked" sh -c \
	'grep -q "setting up postgresql://app:\*\*\*@/fresh" err'
check "and the password is nowhere" no_secret "$encoded" 'p/a@s:s%w0rd'

run -j2 --keepdb --db "postgresql://app:$encoded@/kept?host=$PGHOST_ENCODED" \
	--db-setup "$PROGRAMS/pg_items_setup" "$PROGRAMS/pg_writers"
check "a --keepdb run works" status_is 0
check "and its state files hold no password" no_secret "$encoded" 'p/a@s:s%w0rd'

# MariaDB quotes a host it cannot resolve: a password split by its '@'.
run --db 'mysql://root:my/sec@ret@nohost.invalid/tpl' "$PROGRAMS/pg_writers"
check "MariaDB's error on an unencoded password: exit 3" status_is 3
check "quotes no piece of the password" no_secret 'my/sec@ret' 'sec@ret' 'my/sec'
done_testing
