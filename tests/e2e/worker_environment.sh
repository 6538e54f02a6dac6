#!/bin/sh
# Each worker: PARTEST_WORKER=k (1..N), PARTEST_WORKERS=N, a private TMPDIR
# that is removed at the end.
. "$(dirname "$0")/lib.sh"

export ENV_LOG="$work/env.log"
cat >show_env.sh <<'SCRIPT'
#!/bin/sh
echo "$PARTEST_WORKER $PARTEST_WORKERS $TMPDIR" >>"$ENV_LOG"
SCRIPT
chmod +x show_env.sh
for i in 1 2 3 4 5 6; do cp show_env.sh "env$i.sh"; done
run -j3 env1.sh env2.sh env3.sh env4.sh env5.sh env6.sh "$PROGRAMS/environment"
check "the environment checks pass" status_is 0
check "workers are numbered 1..3" sh -c '[ "$(cut -d" " -f1 "$ENV_LOG" | sort -u | tr "\n" " ")" = "1 2 3 " ]'
check "each knows there are 3" sh -c '[ "$(grep -v " tmpdir " "$ENV_LOG" | cut -d" " -f2 | sort -u)" = 3 ]'
check "each worker has its own TMPDIR" sh -c '[ "$(grep -v tmpdir "$ENV_LOG" | cut -d" " -f1,3 | sort -u | cut -d" " -f2 | sort | uniq -d | wc -l)" -eq 0 ]'
check "the TMPDIRs are gone" sh -c 'for d in $(grep -v tmpdir "$ENV_LOG" | cut -d" " -f3); do [ ! -e "$d" ] || exit 1; done'

run -j 5 env1.sh env2.sh
check "never more workers than groups" sh -c '[ "$(tail -n 2 "$ENV_LOG" | cut -d" " -f2 | sort -u)" = 2 ]'
export PARTEST_JOBS=1
run env1.sh env2.sh
unset PARTEST_JOBS
check "PARTEST_JOBS sets the number of workers" sh -c '[ "$(tail -n 2 "$ENV_LOG" | cut -d" " -f2 | sort -u)" = 1 ]'
done_testing
