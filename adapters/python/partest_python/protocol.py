"""The worker protocol's framing (docs/protocol.md), on descriptors 3 and 4."""
import os
import sys

COMMANDS = 3
EVENTS = 4
VERSION = 1


def send(header, payload=None):
    """Writes one frame to the runner; a payload's length is appended to the header."""
    data = header.encode("utf-8", "replace")
    if payload is not None:
        body = payload.encode("utf-8", "replace")
        data += b" %d\n" % len(body) + body
    else:
        data += b"\n"
    while data:
        data = data[os.write(EVENTS, data):]


def hello():
    send("hello %d %d" % (VERSION, os.getpid()))


def offset(fd):
    """Where a result's output ends in descriptor fd, or "-" when that cannot be told."""
    try:
        return str(os.lseek(fd, 0, os.SEEK_CUR))
    except OSError:
        return "-"


def flush_output():
    sys.stdout.flush()
    sys.stderr.flush()


def result(seq, status, usec, message):
    flush_output()
    send("result %s %s %d %s %s" % (seq, status, max(usec, 0), offset(1), offset(2)), message)


def run_words(words):
    """Whether words are a run frame's: SEQ SUITE NAME, then an attempt of 2 or more, or none."""
    return len(words) == 4 or (len(words) == 5 and words[4].isdigit() and int(words[4]) >= 1)


def set_attempt(attempt):
    """A run frame's attempt (1 when it says none) goes into the test's environment."""
    os.environ["PARTEST_ATTEMPT"] = attempt


def commands(fd=COMMANDS):
    """Yields each command as a list of words, until end of input."""
    pending = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            yield line.decode("utf-8", "replace").split(" ")


def prepare_process():
    """What a worker does first: its children must neither inherit the protocol nor speak it."""
    os.environ.pop("PARTEST_PROTOCOL", None)
    os.set_inheritable(COMMANDS, False)
    os.set_inheritable(EVENTS, False)
