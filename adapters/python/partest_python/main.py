"""
The adapter's command line: which project or suite, and what partest asks
of it (docs/django.md).

    ADAPTER django MANAGE_PY [ARGS...]            a worker (PARTEST_PROTOCOL set)
    ADAPTER django-databases MANAGE_PY [ARGS...]  the test databases, for partest
    ADAPTER django-migrate MANAGE_PY [ARGS...]    --db-setup: builds the templates
    ADAPTER unittest SCRIPT [NAMES...]            a worker for a unittest suite
"""
import os
import sys
import traceback

from . import forkserver, protocol
from .django_project import DjangoProject, ProjectError
from .session import Session

USAGE = __doc__.split("\n\n", 1)[1]
EXIT_PROTOCOL = 70


def describe(error):
    """Why a set-up failed: the project's one line, or the whole traceback."""
    if isinstance(error, ProjectError):
        return str(error)
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def run_worker(source, forked):
    """
    A listing process, a spawned worker, or (forked) a worker forked from
    this adapter's fork server: the protocol from hello to end of input.
    Returns the exit status.
    """
    protocol.prepare_process()
    protocol.hello()
    session = None
    for words in protocol.commands():
        verb = words[0]
        if verb == "list" and len(words) == 1:
            source.load()
            source.report_timings()
            for suite, name in source.index.listing():
                protocol.send("test %s %s 0" % (suite, name))
            protocol.send("listed")
        elif verb == "init" and len(words) == 1:
            try:
                if not forked:
                    source.load()
                    source.global_setup()
                source.worker_setup(os.environ)
            except Exception as e:
                protocol.flush_output()
                protocol.send("init-failed", describe(e))
                continue
            source.report_timings()
            session = Session(source.index, source.after_group)
            protocol.flush_output()
            protocol.send("ready")
        elif verb == "run" and protocol.run_words(words) and session is not None:
            session.run(*words[1:])
        elif verb == "end" and len(words) == 1 and session is not None:
            session.end()
        elif verb == "serve" and len(words) == 1 and not forked:
            return forkserver.serve(source, lambda child: run_worker(source, child), describe)
        else:
            print("partest adapter: unexpected command %r" % " ".join(words), file=sys.stderr,
                  flush=True)
            return EXIT_PROTOCOL
    status = session.finish() if session is not None else 0
    if session is not None:
        source.worker_teardown()
    return status


def main(argv):
    if len(argv) < 3 or argv[1] not in ("django", "django-databases", "django-migrate",
                                         "unittest"):
        sys.stderr.write("usage: %s" % USAGE.replace("ADAPTER", os.path.basename(argv[0])))
        return 2
    mode, target, args = argv[1], argv[2], argv[3:]
    try:
        if mode == "unittest":
            from .unittest_module import UnittestModule
            return run_worker(UnittestModule(target, args), False)
        project = DjangoProject(target, args)
        if mode == "django":
            return run_worker(project, False)
        if mode == "django-databases":
            project.describe_databases(sys.stdout)
        else:
            project.migrate()
            project.report_timings()
        return 0
    except ProjectError as e:
        if mode == "django-databases":
            # partest says it, in its own one line.
            print("error %s" % e, flush=True)
        else:
            print("partest: %s" % e, file=sys.stderr, flush=True)
        return 2
