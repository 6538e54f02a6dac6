#!/bin/sh
# --wrapper 'CMD ...': every worker, fork server and executable test is
# started under CMD (split into words as a shell would, no shell run); what
# the wrapper writes goes where the program's output goes.
. "$(dirname "$0")/lib.sh"

export WRAP_LOG="$work/wrapped"
cat >wrap.sh <<'SCRIPT'
#!/bin/sh
# Records its arguments, one a line in brackets, then runs the rest.
# One write, so that lines of wrappers running at once never interleave.
printf 'wrapped:%s\n' "$(printf ' [%s]' "$@")" >>"$WRAP_LOG"
echo "the wrapper speaks" >&2
shift 2
exec "$@"
SCRIPT
cat >plain.sh <<'SCRIPT'
#!/bin/sh
echo "plain ran"
SCRIPT
chmod +x wrap.sh plain.sh
counted="$PROGRAMS/counted"

run -j2 --start fork --wrapper "$work/wrap.sh --flag 'two words'" "$counted" ./plain.sh
check "the wrapped run passes" status_is 0
check "the wrapper got its words, split as a shell splits them" \
	grep -qF "wrapped: [--flag] [two words] [$counted]" "$WRAP_LOG"
check "the executable test ran under it, with its path" \
	grep -qF "wrapped: [--flag] [two words] [./plain.sh]" "$WRAP_LOG"
check "the fork server was started under it, once" \
	sh -c '[ "$(grep -c "counted\]$" "$WRAP_LOG")" = 1 ]'

rm -f "$WRAP_LOG"
run -j2 --start spawn --wrapper "$work/wrap.sh a b" "$PROGRAMS/polluter"
check "under spawn every worker is wrapped" status_is 0
check "one wrapper per worker" sh -c '[ "$(grep -c "^wrapped: \[a\] \[b\] " "$WRAP_LOG")" = 2 ]'

rm -f "$WRAP_LOG"
printf '#!/bin/sh\necho "broken"; exit 1\n' >broken.sh
chmod +x broken.sh
run --wrapper "$work/wrap.sh a b" ./broken.sh
check "the wrapper's output is the test's" out_has 'the wrapper speaks'

run --wrapper 'no-such-wrapper -q' "$counted"
check "a wrapper not on the PATH is a usage error" status_is 2
check "named in one line" err_has '"no-such-wrapper" is not on the PATH'
run --wrapper 'valgrind | tee log' "$counted"
check "shell syntax in the wrapper is refused" status_is 2
check "in one line" err_is_one_line
run --wrapper "'unclosed" "$counted"
check "an unclosed quote is refused" err_has 'a single quote is not closed'
check "no run directory is left" no_run_dirs_left
done_testing
