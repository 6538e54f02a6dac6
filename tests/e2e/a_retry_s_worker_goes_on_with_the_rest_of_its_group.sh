#!/bin/sh
# A retried test's attempt travels in its run frame, not in its worker's
# environment: the fresh worker that runs the retry goes on with the rest of
# the group in the same process, and the tests after the retry see
# PARTEST_ATTEMPT 1 again. This holds for C workers and for the Python
# adapter's unittest suites. The tests log "NAME ATTEMPT WORKER PID".
. "$(dirname "$0")/lib.sh"

flaky="$PROGRAMS/flaky"
export FLAKY_DIR="$work/fd"
mkdir "$FLAKY_DIR"
# field NAME N: the Nth word of NAME's last log line.
field() { grep "^$1 " "$FLAKY_DIR/log" | tail -n 1 | cut -d' ' -f"$2"; }

run -j1 --retries 1 --filter '*before' --filter '*fails_once' --filter '*after' "$flaky"
check "the run passes, its retried test flaky" last_line_is '2 passed, 1 flaky, 0 failed, 0 skipped'
check "the retry ran as attempt 2" [ "$(field fails_once 2)" = 2 ]
check "the test after the retried one runs in the retry's process" \
	[ "$(field after 4)" = "$(field fails_once 4)" ]
check "and sees PARTEST_ATTEMPT 1" [ "$(field after 2)" = 1 ]

cat >test_group.py <<'PY'
#!/usr/bin/python3
import os, unittest
def log(name):
    with open(os.path.join(os.environ["FLAKY_DIR"], "log"), "a") as f:
        f.write("%s %s - %d\n" % (name, os.environ.get("PARTEST_ATTEMPT", "unset"), os.getpid()))
class Group(unittest.TestCase):
    def test_a_once(self):
        log("py_once")
        marker = os.path.join(os.environ["FLAKY_DIR"], "py_once.ran")
        if not os.path.exists(marker):
            open(marker, "w").close()
            self.fail("first attempt fails on purpose")
    def test_b_after(self):
        log("py_after")
if __name__ == "__main__":
    unittest.main()
PY
chmod +x test_group.py
run -j1 --retries 1 ./test_group.py
check "a unittest test that fails once is FLAKY" last_line_is '1 passed, 1 flaky, 0 failed, 0 skipped'
check "its retry ran as attempt 2" [ "$(field py_once 2)" = 2 ]
check "the unittest test after it runs in the retry's process" \
	[ "$(field py_after 4)" = "$(field py_once 4)" ]
check "and sees PARTEST_ATTEMPT 1" [ "$(field py_after 2)" = 1 ]
done_testing
