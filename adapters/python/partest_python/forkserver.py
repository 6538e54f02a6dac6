"""
The fork server (docs/protocol.md, "The fork server"): the project's global
set-up runs once here, and each worker is forked from this process. Commands
come on a SOCK_SEQPACKET socket (descriptor 3), each "fork" with the
worker's four descriptors.
"""
import ctypes
import os
import select
import signal
import socket
import sys
import threading

from . import protocol

FORK_FDS = 4
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """A forked worker goes when its server does (Linux), as the C workers do."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:
        os._exit(70)


def _become_worker(fds, env, others):
    """In the forked child: its descriptors, its process group, its environment."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for fd in others:
        os.close(fd)
    os.setpgid(0, 0)
    for i, fd in enumerate(fds):
        os.dup2(fd, i + 1)
    for fd in fds:
        if fd > FORK_FDS:
            os.close(fd)
    os.environ.clear()
    for entry in env.split(b"\0"):
        if b"=" in entry:
            name, value = entry.split(b"=", 1)
            os.environb[name] = value
    _die_with_parent()


def serve(source, run_worker, describe):
    """
    Answers "serve": the global set-up, then "serving", then forks on
    request until end of input. run_worker(forked) runs a worker's protocol
    loop in a child and returns its exit status. Returns the server's.
    """
    try:
        source.load()
        source.global_setup()
    except Exception as e:
        protocol.flush_output()
        protocol.send("init-failed", describe(e))
        return 0
    source.report_timings()
    channel = socket.socket(fileno=protocol.COMMANDS)
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.signal(signal.SIGCHLD, lambda signo, frame: None)
    signal.set_wakeup_fd(wake_write)
    children = set()
    poller = select.poll()
    poller.register(channel.fileno(), select.POLLIN)
    poller.register(wake_read, select.POLLIN)
    protocol.flush_output()
    protocol.send("serving")
    status = 0
    while True:
        ready = dict(poller.poll())
        if wake_read in ready:
            _drain(wake_read)
            _report_exits(children)
        if channel.fileno() not in ready:
            continue
        data, fds, _, _ = socket.recv_fds(channel, 65536, FORK_FDS * 4)
        if not data:
            break
        words = data.split(b"\n", 1)[0].decode().split(" ")
        if words[0] != "fork" or len(words) != 3 or len(fds) != FORK_FDS:
            print("partest adapter: fork server: bad command from the runner: %r" % data[:80],
                  file=sys.stderr, flush=True)
            status = 70
            break
        worker = words[1]
        env = data.split(b"\n", 1)[1]
        threads = threading.active_count()
        if threads > 1:
            protocol.send("fork-refused %s" % worker,
                          "its global set-up left %d threads running" % threads)
        else:
            protocol.flush_output()
            pid = os.fork()
            if pid == 0:
                _become_worker(fds, env, [channel.detach(), wake_read, wake_write])
                code = run_worker(True)
                protocol.flush_output()
                os._exit(code)
            os.setpgid(pid, pid)
            children.add(pid)
            protocol.send("forked %s %d" % (worker, pid))
        for fd in fds:
            os.close(fd)
    for pid in children:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    while children:
        pid, wait_status = os.waitpid(-1, 0)
        children.discard(pid)
        protocol.send("exited %d %d" % (pid, wait_status))
    source.worker_teardown()
    return status


def _drain(fd):
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


def _report_exits(children):
    while children:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        protocol.send("exited %d %d" % (pid, wait_status))

