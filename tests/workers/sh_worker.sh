#!/bin/sh
# partest-worker-protocol: 1
#
# A worker written in POSIX sh, to show that the worker protocol
# (docs/protocol.md) is language-neutral: partest lists and runs these tests
# exactly as it does a C program's. Tests are functions named t_SUITE__NAME;
# a test calls `fail MESSAGE` or `skip REASON`, or simply returns to pass.
# The protocol suite misbehaves on purpose, for partest's own tests.

LC_ALL=C # ${#var} then counts bytes, as payload lengths must
export LC_ALL
unset PARTEST_PROTOCOL

tests="arith adds
arith compares
arith fails_on_purpose
strings skips
strings prints
protocol garbage
protocol truncated
protocol absurd_length
crash exits"

t_arith__adds() { note_database; [ $((2 + 2)) -eq 4 ] || fail "2 + 2 is not 4"; }
t_arith__compares() { [ 3 -gt 2 ] || fail "3 is not more than 2"; }
t_arith__fails_on_purpose() { fail "expected 5, got $((2 + 2))"; }
t_strings__skips() { skip "no locale data here"; }
t_strings__prints() { note_database; echo "hello from sh"; }
t_protocol__garbage() { printf 'garbage!!\n' >&4; sleep 30; }
t_protocol__truncated() { printf 'result %s pass 1 - - 50\nshort' "$seq" >&4; exit 0; }
t_protocol__absurd_length() { printf 'result %s pass 1 - - 99999999999\n' "$seq" >&4; sleep 30; }
t_crash__exits() { exit 3; }

# note_database: DATABASE_URL appended to $ENV_LOG, when set (--fresh-db's tests).
note_database() { [ -z "${ENV_LOG:-}" ] || echo "${DATABASE_URL:-}" >>"$ENV_LOG"; }
fail() { status=fail; message=$1; }
skip() { status=skip; message=$1; }

# frame HEADER PAYLOAD: a frame whose last word is the payload's length.
frame() { printf '%s %d\n%s' "$1" "${#2}" "$2" >&4; }

printf 'hello 1 %d\n' $$ >&4
while read -r verb a b c <&3; do
	case $verb in
	list)
		echo "$tests" | while read -r suite name; do
			printf 'test %s %s 0\n' "$suite" "$name" >&4
		done
		printf 'listed\n' >&4
		;;
	init) printf 'ready\n' >&4 ;;
	run)
		seq=$a status=pass message=
		if command -v "t_${b}__${c}" >/dev/null; then
			"t_${b}__${c}"
		else
			fail "no test $b::$c here"
		fi
		frame "result $seq $status 0 - -" "$message"
		;;
	end) frame "ended pass" "" ;;
	env)
		# --fresh-db: NAME=value entries, each ended by a NUL, for the
		# tests that follow (dd reads exactly the payload's bytes).
		dd bs=1 count="$a" <&3 2>/dev/null | tr '\0' '\n' >"$TMPDIR/sh_worker.env"
		while IFS= read -r var; do
			export "$var"
		done <"$TMPDIR/sh_worker.env"
		;;
	*)
		echo "sh_worker: unknown command '$verb'" >&2
		exit 70
		;;
	esac
done
exit 0
