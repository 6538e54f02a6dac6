# Sourced by the Oracle end-to-end scripts (after lib.sh): builds the
# stand-in client library (tests/oci_standin) into the script's private
# directory and points partest at it. Each script then writes a script of
# server answers (see oci_standin.c) and reads the log of statements.
STANDIN="$work/libclntsh.so"
# shellcheck disable=SC2086 # PARTEST_TEST_CFLAGS is a list of flags
${CC:-cc} -std=c17 -Wall -Wextra -Wpedantic -Werror -D_POSIX_C_SOURCE=200809L -fPIC -shared \
	${PARTEST_TEST_CFLAGS:-} -o "$STANDIN" "$PARTEST_SOURCE/tests/oci_standin/oci_standin.c" ||
	{ echo "Bail out! cannot build the stand-in OCI library"; exit 1; }
export PARTEST_OCI_LIBRARY="$STANDIN"
export OCI_STANDIN_SCRIPT="$work/answers" OCI_STANDIN_LOG="$work/statements"
unset ORACLE_HOME
URL='oracle://admin:s3cret-pw@db.example:1521/ORCLPDB1/app'
HOST=$(hostname)
[ -n "$HOST" ] || HOST=unknown

# answers LINE...: the server's answers for the next run; the log is emptied.
answers() {
	printf '%s\n' "$@" >"$OCI_STANDIN_SCRIPT"
	: >"$OCI_STANDIN_LOG"
}
# The template schema APP exists; everything else succeeds.
TEMPLATE_EXISTS="SELECT USERNAME FROM ALL_USERS WHERE USERNAME = 'APP' => rows APP"

# Statements in the log: TEXT is plain text, a PATTERN a grep -E pattern.
count_logged() { grep -cF -- "$1" "$OCI_STANDIN_LOG"; }
logged() { grep -qF -- "$1" "$OCI_STANDIN_LOG"; }
logged_like() { grep -qE -- "$1" "$OCI_STANDIN_LOG"; }
logged_once() { [ "$(count_logged "$1")" = 1 ]; }
logged_times() { [ "$(count_logged "$2")" = "$1" ]; }
never_logged() { ! grep -qF -- "$1" "$OCI_STANDIN_LOG"; }
# before A B: a statement holding A was sent before one holding B.
line_of() { grep -nF -- "$1" "$OCI_STANDIN_LOG" | head -n 1 | cut -d: -f1; }
before() { a=$(line_of "$1") b=$(line_of "$2"); [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; }
no_password_shown() { ! grep -q s3cret-pw out err; }

# A test that records "WORKER URL" in $work/urls; tests_for N makes N of them.
cat >"$work/record_url.sh" <<'SCRIPT'
#!/bin/sh
echo "$PARTEST_WORKER $DATABASE_URL" >>"$work/urls"
SCRIPT
chmod +x "$work/record_url.sh"
tests_for() {
	rm -f "$work/urls"
	for i in $(seq "$1"); do cp "$work/record_url.sh" "$work/t$i.sh"; echo "$work/t$i.sh"; done
}
# Each worker saw one URL, and no two workers the same one.
one_url_per_worker() {
	[ "$(sort -u "$work/urls" | cut -d' ' -f1 | uniq -d)" = "" ] &&
		[ "$(sort -u "$work/urls" | cut -d' ' -f2 | uniq -d)" = "" ]
}
