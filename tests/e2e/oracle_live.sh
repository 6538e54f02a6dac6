#!/bin/sh
# Oracle, live: runs only when PARTEST_ORACLE_URL names a server (and the
# Oracle client library can be found: PARTEST_OCI_LIBRARY, ORACLE_HOME or
# LD_LIBRARY_PATH); skips otherwise. The URL is used as given, strategy
# included, e.g.
#   PARTEST_ORACLE_URL='oracle://pt_admin:pw@localhost:1521/FREEPDB1/app?partest_strategy=setup'
# Each worker checks that its URL names its own schema; with sqlplus on the
# PATH it also logs in with it.
if [ -z "${PARTEST_ORACLE_URL:-}" ]; then
	echo "1..0 # SKIP PARTEST_ORACLE_URL is not set"
	exit 77
fi
. "$(dirname "$0")/lib.sh"

cat >"$work/worker_check.sh" <<'SCRIPT'
#!/bin/sh
case "$DATABASE_URL" in oracle://*_PT*) ;; *) echo "not a clone: $DATABASE_URL" | sed 's/:[^:@]*@/:***@/'; exit 1 ;; esac
command -v sqlplus >/dev/null || exit 0
rest=${DATABASE_URL#oracle://}
user=${rest%%:*}; pass=${rest#*:}; pass=${pass%@*}; where=${rest##*@}
echo 'SELECT USER FROM DUAL;' | sqlplus -S -L "$user/\"$pass\"@//$where" | grep -q "$user"
SCRIPT
chmod +x "$work/worker_check.sh"
for i in 1 2 3; do cp "$work/worker_check.sh" "$work/w$i.sh"; done
setup=
case "$PARTEST_ORACLE_URL" in *partest_strategy=setup*) setup='--db-setup true' ;; esac

# shellcheck disable=SC2086 # $setup is two words or none
run -j3 --db "$PARTEST_ORACLE_URL" $setup "$work/w1.sh" "$work/w2.sh" "$work/w3.sh"
check "a live run with three clones passes" status_is 0
password=$(printf '%s' "$PARTEST_ORACLE_URL" | sed -n 's|^oracle://[^:@]*:\(.*\)@[^@]*$|\1|p')
check "no password shown" eval '[ -z "$password" ] || ! grep -qF -- "$password" out err'
run db clean --db "$PARTEST_ORACLE_URL"
check "partest db clean passes" status_is 0
check "and finds nothing left by the run" out_has 'nothing to clean'
done_testing
