#!/bin/sh
# A --db that cannot be right is a configuration error, exit 2 in one line,
# found before any server is asked: a PostgreSQL port or option value libpq
# would refuse only when connecting (the class of "notaport"). What MySQL
# allows is allowed: a 64-character MariaDB name (128 bytes in UTF-8) is
# cloned; one MariaDB template named twice is refused, not waited on.
. "$(dirname "$0")/lib.sh"

printf '#!/bin/sh\necho 1..1\necho ok 1\n' >"$work/t.sh"
chmod +x "$work/t.sh"
config_error() { status_is 2 && err_is_one_line && no_run_dirs_left; }

for spec in 'postgresql://u:pw@localhost:notaport/tpl' \
	'postgresql://u@localhost/tpl?port=notaport' \
	'postgresql://u@db1:5432,db2:port2/tpl' \
	'postgresql://u@localhost:70000/tpl' \
	'postgresql://u@localhost/tpl?connect_timeout=soon' \
	'postgresql://u@localhost/tpl?keepalives_idle=-1' \
	'postgresql://u@localhost/tpl?sslmode=sometimes'; do
	run --db "$spec" "$work/t.sh"
	check "$spec: exit 2, one line" config_error
done
run --db 'postgresql://u@localhost:notaport/tpl' "$work/t.sh"
check "the line names what is wrong" err_has 'the port "notaport" is not a number from 1 to 65535'

. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
my_start
name=$(printf 'é%.0s' $(seq 64))
sql "CREATE DATABASE \`$name\`; CREATE TABLE \`$name\`.items (id INT PRIMARY KEY)"
run -j2 --db "$(url "$name")" "$work/t.sh" "$work/t.sh"
check "a 64-character MariaDB name is accepted and cloned" status_is 0
check "its clones are gone after the run" [ "$(databases '%\_pt%')" = "" ]

run -j2 --db "a=$(url "$name")" --db "b=$(url "$name" partest_threads=2)" "$work/t.sh"
check "one MariaDB template named twice: exit 2, one line" config_error
check "saying so" err_has 'name the same database'
done_testing
