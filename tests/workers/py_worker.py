#!/usr/bin/env python3
# partest-worker-protocol: 1
#
# A worker in Python 3 (standard library only), written from docs/protocol.md
# alone, as a third-party author would: partest lists and runs these tests as
# it does a C program's. A test is a function; it passes by returning, fails
# by raising Failed (or any exception), skips by raising Skipped. A suite may
# have a set-up and a tear-down. The "broken" suite's set-up fails on purpose.
import os
import sys


class Failed(Exception):
    pass


class Skipped(Exception):
    pass


# ---- the tests ----

def note_database():
    # DATABASE_URL appended to $ENV_LOG, when set (--fresh-db's tests).
    if os.environ.get("ENV_LOG"):
        with open(os.environ["ENV_LOG"], "a") as log:
            print(os.environ.get("DATABASE_URL", ""), file=log)


def basics_passes():
    note_database()
    assert 2 + 2 == 4


def basics_prints():
    note_database()
    print("hello from prints")
    print("warning from prints", file=sys.stderr)
    sys.stdout.flush()
    # A child writes to the same descriptor: the offsets count its bytes too.
    os.spawnlp(os.P_WAIT, "sh", "sh", "-c", "echo child of prints")


def basics_fails():
    print("about to fail")
    raise Failed("expected 5, got %d" % (2 + 2))


def basics_skips():
    raise Skipped("no network here")


def broken_setup():
    raise Failed("cannot reach the fixture server")


def broken_first():
    print("broken_first must never run")


def broken_second():
    print("broken_second must never run")


# suite -> (set-up, tear-down, [(name, function, timeout_ms)]), in definition order
SUITES = {
    "basics": (None, None, [
        ("passes", basics_passes, 0),
        ("prints", basics_prints, 0),
        ("fails", basics_fails, 0),
        ("skips", basics_skips, 0),
    ]),
    "broken": (broken_setup, None, [
        ("first", broken_first, 0),
        ("second", broken_second, 5000),
    ]),
}

# ---- the protocol ----

COMMANDS, EVENTS = 3, 4


def send(header, payload=None):
    data = header.encode()
    if payload is not None:
        body = payload.encode("utf-8", "replace")
        data += b" %d\n" % len(body) + body
    else:
        data += b"\n"
    while data:
        data = data[os.write(EVENTS, data):]


def offset(fd):
    try:
        return str(os.lseek(fd, 0, os.SEEK_CUR))
    except OSError:
        return "-"


def call(function):
    """Runs function; returns (status, message)."""
    try:
        function()
    except Skipped as e:
        return "skip", str(e)
    except Failed as e:
        return "fail", str(e)
    except AssertionError as e:
        return "fail", "assertion failed: %s" % e
    except Exception as e:
        return "fail", "%s: %s" % (type(e).__name__, e)
    return "pass", ""


class Worker:
    def __init__(self):
        self.suite = None          # the suite whose set-up ran in this process
        self.setup_failure = None  # its set-up's message when it failed

    def list(self):
        for suite, (_, _, tests) in SUITES.items():
            for name, _, timeout_ms in tests:
                send("test %s %s %d" % (suite, name, timeout_ms))
        send("listed")

    def end_suite(self):
        """Runs the current suite's tear-down; returns (status, message)."""
        status, message = "pass", ""
        if self.suite is not None and self.setup_failure is None:
            teardown = SUITES[self.suite][1]
            if teardown:
                status, message = call(teardown)
        self.suite, self.setup_failure = None, None
        return status, message

    def run(self, seq, suite, name):
        start = os.times().elapsed
        tests = dict((n, f) for n, f, _ in SUITES.get(suite, (None, None, []))[2])
        if name not in tests:
            status, message = "fail", "no test %s::%s here" % (suite, name)
        else:
            if self.suite != suite:
                # A new suite, or the rest of one after a worker was replaced.
                self.end_suite()
                self.suite = suite
                setup = SUITES[suite][0]
                if setup:
                    setup_status, setup_message = call(setup)
                    if setup_status != "pass":
                        self.setup_failure = setup_message
            if self.setup_failure is not None:
                status, message = "fail", "suite set-up failed: " + self.setup_failure
            else:
                status, message = call(tests[name])
        usec = int((os.times().elapsed - start) * 1e6)
        sys.stdout.flush()
        sys.stderr.flush()
        send("result %s %s %d %s %s" % (seq, status, max(usec, 0), offset(1), offset(2)),
             message)

    def end(self):
        status, message = self.end_suite()
        sys.stdout.flush()
        sys.stderr.flush()
        send("ended %s" % status, message)

    def finish(self):
        status, message = self.end_suite()
        sys.stdout.flush()
        if status != "pass":
            print("py_worker: tear-down failed: %s" % message, file=sys.stderr, flush=True)
            return 1
        return 0


def main():
    os.environ.pop("PARTEST_PROTOCOL", None)
    os.set_inheritable(COMMANDS, False)
    os.set_inheritable(EVENTS, False)
    send("hello 1 %d" % os.getpid())
    worker = Worker()
    pending = b""
    while True:
        chunk = os.read(COMMANDS, 65536)
        if not chunk:
            break
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            words = line.decode("utf-8", "replace").split(" ")
            verb = words[0]
            if verb == "list" and len(words) == 1:
                worker.list()
            elif verb == "init" and len(words) == 1:
                send("ready")
            elif verb == "run" and len(words) == 4:
                worker.run(*words[1:])
            elif verb == "end" and len(words) == 1:
                worker.end()
            elif verb == "env" and len(words) == 2 and words[1].isdigit():
                # --fresh-db: the clones of the tests that follow.
                length = int(words[1])
                while len(pending) < length:
                    chunk = os.read(COMMANDS, 65536)
                    if not chunk:
                        return 70
                    pending += chunk
                payload, pending = pending[:length], pending[length:]
                for entry in payload.split(b"\0"):
                    name, equals, value = entry.partition(b"=")
                    if equals:
                        os.environb[name] = value
            else:
                print("py_worker: unexpected command %r" % line, file=sys.stderr, flush=True)
                return 70
    return worker.finish()


if __name__ == "__main__":
    sys.exit(main())
