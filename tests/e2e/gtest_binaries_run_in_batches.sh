#!/bin/sh
# A GoogleTest binary, as it is: recognised without being run, listed with
# its typed and parameterised tests, run a test suite per process with
# --gtest_filter, judged from its own console; a crash is charged to the
# test that ran and the rest of its suite goes on in a new process.
. "$(dirname "$0")/lib.sh"

sample="$PARTEST_SOURCE/tests/suites/cmake/gtest_sample.cc"
c++ -std=c++17 -o gtest_sample "$sample" -lgtest -lgtest_main -pthread || exit 1
export GTEST_SAMPLE_LOG="$work/processes"

run --explain ./gtest_sample
check "--explain names the adapter" out_has 'gtest_sample: gtest (through partest'
check "listing it ran it once, with --gtest_list_tests" [ "$(wc -l <"$GTEST_SAMPLE_LOG")" -eq 1 ]

run --list ./gtest_sample
check "typed tests are listed" out_has 'gtest_sample::Typed/1::ZeroIsFalse'
check "parameterised tests are listed" out_has 'gtest_sample::Numbers/Param::IsEven/2'
check "disabled tests are listed" out_has 'gtest_sample::Arithmetic::DISABLED_NeverRuns'

rm -f "$GTEST_SAMPLE_LOG"
run -j1 -v --junit junit.xml ./gtest_sample
check "a failure fails the run" status_is 1
check "passes, failures and skips as GoogleTest says" last_line_is '10 passed, 3 failed, 2 skipped'
check "the failure keeps its file:line" out_has 'gtest_sample.cc:31: Failure'
check "and its message" out_has 'arithmetic is broken'
check "GTEST_SKIP is a skip, with its reason" out_has 'not today'
check "a DISABLED_ test is skipped" grep -q 'SKIP .*DISABLED_NeverRuns' out
check "the crash is charged to the test that ran" grep -q 'CRASH .*Crashing::Aborts' out
check "with the signal" out_has 'killed by SIGABRT'
check "and what it wrote before" out_has 'aborting now'
check "the rest of its suite ran in a new process" grep -q 'PASS .*Crashing::After' out
check "parameterised tests are judged each" grep -q 'FAIL .*Numbers/Param::IsEven/1' out
check "the JUnit report has them" grep -q 'name="IsEven/1" classname="gtest_sample.Numbers/Param"' junit.xml
processes=$(wc -l <"$GTEST_SAMPLE_LOG")
check "fewer processes than tests ($processes for 15)" [ "$processes" -lt 15 ]

rm -f "$GTEST_SAMPLE_LOG"
run -j2 --start isolate ./gtest_sample
check "under isolate, the same verdicts" last_line_is '10 passed, 3 failed, 2 skipped'
check "under isolate, a process for every test run" [ "$(wc -l <"$GTEST_SAMPLE_LOG")" -ge 14 ]

GTEST_SAMPLE_HANG=1 run -j1 -v --timeout 1 --filter '*::Slow::*' ./gtest_sample
check "a test past its time limit is timed out" grep -q 'TIMEOUT .*Slow::SleepsWhenAsked' out
check "and the rest of its suite goes on in a new process" grep -q 'PASS .*Slow::After' out

GTEST_SAMPLE_LEAK=1 run -j1 -v --filter '*::Slow::*' ./gtest_sample
check "a process a batch left running is charged to its last test" grep -q 'LEAK .*Slow::After' out
check "saying any test of the batch may have started it" out_has 'any of them may have started them'
check "and killed" sh -c '! pgrep -f "^sleep 60$" >/dev/null'
GTEST_SAMPLE_LEAK=1 run -j1 -v --start isolate --filter '*::Slow::*' ./gtest_sample
check "under isolate it is charged to the test that left it, alone" grep -q 'LEAK .*Slow::After' out
check "and the test before it passes" grep -q 'PASS .*Slow::SleepsWhenAsked' out

export WRAP_LOG="$work/wrapped"
cat >wrap.sh <<'SCRIPT'
#!/bin/sh
# Records its arguments, one a line in brackets, then runs the rest.
# One write, so that lines of wrappers running at once never interleave.
printf 'wrapped:%s\n' "$(printf ' [%s]' "$@")" >>"$WRAP_LOG"
shift
exec "$@"
SCRIPT
chmod +x wrap.sh
run -j2 --wrapper "$work/wrap.sh 'a word'" ./gtest_sample
check "under --wrapper, the same verdicts" last_line_is '10 passed, 3 failed, 2 skipped'
check "the binary's processes that run tests are wrapped" \
	grep -q '^wrapped: \[a word\] \[[^]]*gtest_sample\] \[--gtest_filter=' "$WRAP_LOG"
check "its listing is not" sh -c '! grep -q gtest_list_tests "$WRAP_LOG"'
check "nothing is left behind" no_run_dirs_left
done_testing
