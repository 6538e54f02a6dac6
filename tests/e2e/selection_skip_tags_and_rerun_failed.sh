#!/bin/sh
# --skip and --exclude-tag leave tests out, --tag keeps only tagged ones;
# the tests that failed are recorded in the state dir (never through a
# planted symbolic link), run first next time, and alone with --rerun-failed.
. "$(dirname "$0")/lib.sh"

cp "$PROGRAMS/attributes" .
run --list --skip '*::plain' --skip '*holds*' ./attributes
check "--skip leaves out every test it matches" [ "$(cat out)" = attributes::tagged::database_and_slow ]
run --list --tag slow ./attributes
check "--tag keeps only the tests with that tag" [ "$(cat out)" = attributes::tagged::database_and_slow ]
run --list --exclude-tag db ./attributes
check "--exclude-tag leaves them out" sh -c '[ "$(wc -l <out)" -eq 2 ] && ! grep -q database out'
run --skip '*' ./attributes
check "a selection that leaves nothing is a usage error" status_is 2
check "said in one line" err_is_one_line

# Scripts that log their start; "flaky" fails until the file "fixed" exists.
for name in alpha flaky omega; do
	printf '#!/bin/sh\necho %s >>"%s/log"\n' "$name" "$work" >"$name.sh"
	chmod +x "$name.sh"
done
echo '[ -e fixed ] || exit 1' >>flaky.sh
# The others take longer, so that longest first alone would start them first.
echo 'sleep 0.3' | tee -a alpha.sh >>omega.sh

run --rerun-failed ./alpha.sh
check "--rerun-failed with no record of a run is a usage error" status_is 2
check "that says where it looked" err_has 'no record of a previous run in ".partest"'

run -j1 ./alpha.sh ./flaky.sh ./omega.sh
check "the first run fails" status_is 1
check "the failed test is recorded in the state dir" grep -qx flaky.sh .partest/failed
rm log
run -j1 ./alpha.sh ./flaky.sh ./omega.sh
check "next time the failed test runs first" [ "$(head -n 1 log)" = flaky ]
rm log
run -j1 --rerun-failed ./alpha.sh ./flaky.sh ./omega.sh
check "--rerun-failed runs only the failed test" [ "$(cat log)" = flaky ]
touch fixed
run --rerun-failed --filter alpha.sh ./alpha.sh ./flaky.sh ./omega.sh
check "a test not run keeps its record" grep -qx flaky.sh .partest/failed
run --rerun-failed ./alpha.sh ./flaky.sh ./omega.sh
check "once it passes, the rerun passes" status_is 0
check "and its record is gone" [ ! -s .partest/failed ]
run --rerun-failed ./alpha.sh ./flaky.sh ./omega.sh
check "with nothing failed last time, --rerun-failed runs nothing and passes" status_is 0
check "and says so" err_has 'no test failed last time'

# A symbolic link planted where the record goes is replaced, never followed.
echo precious >victim
rm fixed
ln -sf "$work/victim" .partest/failed
run ./flaky.sh
check "a planted symbolic link is not written through" [ "$(cat victim)" = precious ]
check "the record replaced it" sh -c '[ ! -L .partest/failed ] && grep -qx flaky.sh .partest/failed'
check "no temporary file is left in the state dir" [ "$(ls .partest | grep -c failed)" -eq 1 ]
done_testing
