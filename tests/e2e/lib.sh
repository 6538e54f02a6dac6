# Sourced by every end-to-end script: each script drives the partest command
# as a user would, in a private directory, and prints TAP (which partest,
# running the project's own tests, judges).
set -u

: "${PARTEST_BUILD:?run the end-to-end tests through make check}"
: "${PARTEST_SOURCE:?run the end-to-end tests through make check}"
PARTEST="$PARTEST_BUILD/partest"
PROGRAMS="$PARTEST_BUILD/tests/programs"

work=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX")
export work PROGRAMS
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
# partest's own run directories go here, so leftovers can be seen.
mkdir -p tmp
export TMPDIR="$work/tmp"
unset PARTEST_JOBS NO_COLOR
# A --keepdb run leaves a detached `partest db fill` behind; only the
# ready_pool_* scripts, which wait for it, want one (they unset this).
export PARTEST_POOL=0
# Under AddressSanitizer a SIGSEGV would become "exit 1": let the real signal
# through, since these scripts check how partest reports it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"

checks=0
failures=0

ok() { checks=$((checks + 1)); echo "ok $checks - $1"; }

not_ok() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "not ok $checks - $1"
	for file in out err; do
		[ -s "$file" ] && { echo "# --- $file ---"; sed 's/^/# /' "$file" | head -40; }
	done
	echo "# exit status: ${status:-none}"
}

# check DESCRIPTION COMMAND...: one TAP line for whether COMMAND succeeds.
check() {
	description=$1
	shift
	if "$@"; then ok "$description"; else not_ok "$description"; fi
}

# run ARGS...: runs partest, keeping stdout in ./out, stderr in ./err, status in $status.
run() {
	"$PARTEST" "$@" >out 2>err </dev/null
	status=$?
}

status_is() { [ "$status" = "$1" ]; }
out_has() { grep -qF -- "$1" out; }
err_has() { grep -qF -- "$1" err; }
out_lacks() { ! grep -qF -- "$1" out; }
err_is_one_line() { [ "$(wc -l <err)" -eq 1 ]; }
no_run_dirs_left() { [ -z "$(ls -A "$TMPDIR")" ]; }
# The summary's last line.
last_line_is() { [ "$(tail -n 1 out)" = "$1" ]; }

# private_copy NAME: a copy of a test program that no other script runs, so
# that "is any of its processes left?" has an answer.
private_copy() {
	cp "$PROGRAMS/$1" "$work/$1"
	echo "$work/$1"
}

# until_true TENTHS CMD...: runs CMD every tenth of a second until it
# succeeds, at most TENTHS times: waiting for a sign, never a fixed time.
until_true() {
	tries=$1
	shift
	while [ "$tries" -gt 0 ] && ! "$@"; do
		sleep 0.1
		tries=$((tries - 1))
	done
}

# none_running PATH: no process runs the program at PATH.
none_running() { ! pgrep -f "^$1" >/dev/null; }

# gone PID: the process has ended (a zombie waiting for its reaper counts).
gone() { ! ps -o stat= -p "$1" | grep -qv Z; }

done_testing() {
	echo "1..$checks"
	[ "$failures" -eq 0 ]
	exit $?
}
