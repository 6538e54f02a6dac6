"""
A Django project seen through its manage.py: its settings, its tests as
`manage.py test` would find them, and its DATABASES pointed at partest's
databases.
"""
import argparse
import os
import runpy
import sys
import time

from . import db_urls
from .tests import TestIndex


class ProjectError(Exception):
    """A problem with the project, said in one line."""


# Options of `manage.py test` that are partest's own: given before the manage.py.
PARTEST_OPTIONS = {
    "--parallel": "-j N (or --parallel N)", "--failfast": "--failfast",
    "--reverse": "--reverse", "-r": "--reverse", "--shuffle": "--shuffle[=SEED]",
    "--keepdb": "--keepdb", "--buffer": "partest's capture (always on)",
    "-b": "partest's capture (always on)",
}


class _Parser(argparse.ArgumentParser):
    """argparse, whose mistakes are ProjectErrors: one line, said by partest."""

    def error(self, message):
        raise ProjectError("%s: %s" % (self.prog, message))


def parse_arguments(manage_py, args):
    """The labels and `manage.py test` options given after the manage.py."""
    for arg in args:
        name = arg.split("=", 1)[0]
        if name in PARTEST_OPTIONS:
            raise ProjectError("%s: %s is partest's option here: give %s before %s" % (
                manage_py, name, PARTEST_OPTIONS[name], manage_py))
    parser = _Parser(prog=manage_py, add_help=False)
    parser.add_argument("labels", nargs="*")
    parser.add_argument("--settings")
    parser.add_argument("--pythonpath")
    parser.add_argument("-t", "--top-level-directory", dest="top_level")
    parser.add_argument("-p", "--pattern")
    parser.add_argument("--tag", action="append", dest="tags")
    parser.add_argument("--exclude-tag", action="append", dest="exclude_tags")
    parser.add_argument("-k", action="append", dest="test_name_patterns")
    parser.add_argument("--debug-mode", action="store_true")
    parser.add_argument("--debug-sql", action="store_true")
    parser.add_argument("--timing", action="store_true")
    parser.add_argument("-v", "--verbosity", type=int, default=0)
    options, unknown = parser.parse_known_args(args)
    if unknown:
        raise ProjectError("%s: %s: not an option of `manage.py test` partest knows" % (
            manage_py, unknown[0]))
    return options


# What says where a database is, in an alias's DATABASES entry.
CONNECTION_FIELDS = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")


def env_name(alias):
    """PARTEST_DB_<ALIAS>_URL, as partest spells it (src/db/provision.c)."""
    return "PARTEST_DB_%s_URL" % "".join(c.upper() if c.isalnum() else "_" for c in alias)


def partest_alias(alias):
    return "".join(c if c.isalnum() or c == "_" else "_" for c in alias)


def _unsynchronised_sqlite(sender, connection, **kwargs):
    """
    A template is written once and copied after its set-up has exited:
    SQLite need not wait for the disk after each of the migrations' commits.
    """
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA synchronous = OFF")


class DjangoProject:
    def __init__(self, manage_py, args):
        self.manage_py = os.path.abspath(manage_py)
        self.options = parse_arguments(manage_py, args)
        self.index = None
        self.timings = []
        self.snapshots = {}  # alias -> its data at the start, when a class will flush it

    def _timed(self, what, started):
        self.timings.append("%s: %.3f s" % (what, time.monotonic() - started))

    def setup(self):
        """Runs manage.py up to execute_from_command_line, then django.setup()."""
        started = time.monotonic()
        if self.options.settings:
            os.environ["DJANGO_SETTINGS_MODULE"] = self.options.settings
        if self.options.pythonpath:
            sys.path.insert(0, self.options.pythonpath)
        sys.path.insert(0, os.path.dirname(self.manage_py))
        try:
            import django
            from django.core import management
        except ImportError as e:
            raise ProjectError("%s: cannot import Django with %s: %s" % (
                self.manage_py, sys.executable, e))

        class Reached(BaseException):
            pass

        def reached(argv=None):
            raise Reached()

        original = management.execute_from_command_line
        management.execute_from_command_line = reached
        saved_argv = sys.argv
        sys.argv = [self.manage_py, "test"]
        try:
            runpy.run_path(self.manage_py, run_name="__main__")
        except Reached:
            pass
        except SystemExit as e:
            raise ProjectError("%s exited (%s) before it called execute_from_command_line" % (
                self.manage_py, e.code))
        except Exception as e:
            raise ProjectError("%s failed: %s: %s" % (self.manage_py, type(e).__name__, e))
        else:
            raise ProjectError("%s did not call execute_from_command_line" % self.manage_py)
        finally:
            management.execute_from_command_line = original
            sys.argv = saved_argv
        if not os.environ.get("DJANGO_SETTINGS_MODULE"):
            raise ProjectError("%s did not set DJANGO_SETTINGS_MODULE" % self.manage_py)
        try:
            django.setup()
        except Exception as e:
            raise ProjectError("%s: django.setup() with DJANGO_SETTINGS_MODULE=%s failed: %s: %s"
                               % (self.manage_py, os.environ["DJANGO_SETTINGS_MODULE"],
                                  type(e).__name__, e))
        self._timed("django.setup()", started)

    def runner(self):
        from django.conf import settings
        from django.test.utils import get_runner

        options = self.options
        return get_runner(settings)(
            pattern=options.pattern, top_level=options.top_level, verbosity=options.verbosity,
            interactive=False, tags=options.tags, exclude_tags=options.exclude_tags,
            test_name_patterns=options.test_name_patterns, debug_mode=options.debug_mode,
            debug_sql=options.debug_sql)

    def load(self):
        """The global set-up of listing and running: the project, then its tests."""
        self.setup()
        started = time.monotonic()
        self.index = TestIndex(self.runner().build_suite(self.options.labels))
        self._timed("finding the tests", started)

    # ---- databases ----

    def _unique_databases(self):
        """[(first alias, [its other aliases])] in dependency order, and {mirror: mirrored}."""
        from django.test.utils import get_unique_databases_and_mirrors

        test_databases, mirrors = get_unique_databases_and_mirrors()
        return [(aliases[0], aliases[1:]) for _, aliases in test_databases.values()], mirrors

    def test_database_name(self, alias):
        """The database Django's test runner would use for alias (for Oracle: its test user)."""
        from django.db import connections

        connection = connections[alias]
        settings = connection.settings_dict
        family = db_urls.engine_family(settings["ENGINE"])
        if family == "oracle":
            return connection.creation._test_database_user()
        if family == "sqlite":
            name = settings["TEST"].get("NAME")
            if name and name != ":memory:" and not name.startswith("file:"):
                return str(name)
            base = str(settings["NAME"] or "db.sqlite3")
            if base == ":memory:":
                base = "db.sqlite3"
            return os.path.join(os.path.dirname(base), "test_" + os.path.basename(base))
        return settings["TEST"].get("NAME") or "test_" + str(settings["NAME"])

    def describe_databases(self, out):
        """Tells partest each test database (`db ALIAS URL`) and what builds it (`input PATH`)."""
        self.setup()
        from django.apps import apps
        from django.db import connections

        base = os.path.dirname(self.manage_py)
        for alias, _ in self._unique_databases()[0]:
            settings = connections[alias].settings_dict
            url = db_urls.url_for_settings(settings, self.test_database_name(alias), base)
            if url is None:
                raise ProjectError("DATABASES[%r]: partest has no backend for %s" % (
                    alias, settings["ENGINE"]))
            out.write("db %s %s\n" % (partest_alias(alias), url))
        for app in apps.get_app_configs():
            folder = os.path.join(app.path, "migrations")
            if os.path.isdir(folder):
                for name in sorted(os.listdir(folder)):
                    if name.endswith(".py"):
                        out.write("input %s\n" % os.path.join(folder, name))

    def point_at(self, environ):
        """
        Points every alias at the database partest gave it (PARTEST_DB_<ALIAS>_URL);
        mirrors and aliases of one database follow the alias they copy. An
        alias partest gave nothing gets its test database's name, never its
        own database.
        """
        from django.db import connections

        unique, mirrors = self._unique_databases()
        for alias, same in unique:
            connection = connections[alias]
            connection.close()
            settings = connection.settings_dict
            url = environ.get(env_name(alias))
            if url:
                try:
                    settings.update(db_urls.settings_for_url(url, settings["ENGINE"]))
                except db_urls.UrlError as e:
                    raise ProjectError("%s=%s: %s" % (env_name(alias), url, e))
            elif db_urls.engine_family(settings["ENGINE"]) != "oracle":
                settings["NAME"] = self.test_database_name(alias)
            for other in same:
                self._follow(other, alias)
        for alias, mirrored in mirrors.items():
            self._follow(alias, mirrored)
        return [alias for alias, _ in unique]

    @staticmethod
    def _follow(alias, primary):
        """
        alias uses primary's database. Django's set_as_test_mirror copies
        the NAME alone: partest's database may be on another server.
        """
        from django.db import connections

        connections[alias].close()
        source = connections[primary].settings_dict
        connections[alias].settings_dict.update(
            {field: source[field] for field in CONNECTION_FIELDS if field in source})

    def migrate(self):
        """--db-setup: builds every template partest created, as Django's create_test_db would."""
        self.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.db.backends.signals import connection_created

        connection_created.connect(_unsynchronised_sqlite)
        for alias in self.point_at(os.environ):
            started = time.monotonic()
            test_settings = connections[alias].settings_dict["TEST"]
            saved = settings.MIGRATION_MODULES
            if test_settings.get("MIGRATE") is False:
                from django.apps import apps
                settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
            try:
                call_command("migrate", verbosity=0, interactive=False, database=alias,
                             run_syncdb=True)
            finally:
                settings.MIGRATION_MODULES = saved
            call_command("createcachetable", database=alias)
            connections[alias].close()
            self._timed("migrating %r" % alias, started)

    # ---- the init phase ----

    def global_setup(self):
        """Once per fork server, or in each spawned worker: the test environment and checks."""
        from django.core.management import call_command
        from django.db import connections
        from django.test.utils import setup_test_environment

        started = time.monotonic()
        setup_test_environment(debug=self.options.debug_mode)
        call_command("check", verbosity=0, databases=[])
        connections.close_all()
        self._timed("system checks", started)

    def worker_setup(self, environ):
        """In each worker, before any test: its clones, and the checks that need a database."""
        from django.core.management import call_command
        from django.db import connections

        started = time.monotonic()
        aliases = self.point_at(environ)
        call_command("check", verbosity=0, tags=["database"], databases=aliases)
        if self.options.debug_sql:
            for alias in connections:
                connections[alias].force_debug_cursor = True
        self.snapshots = {}
        if any(self._flushes(cls) or getattr(cls, "serialized_rollback", False)
               for cls in self.index.classes()):
            for alias in aliases:
                connection = connections[alias]
                if connection.settings_dict["TEST"].get("SERIALIZE", True):
                    self.snapshots[alias] = connection.creation.serialize_db_to_string()
                    connection._test_serialized_contents = self.snapshots[alias]
        self._timed("worker %s: its databases" % environ.get("PARTEST_WORKER", "?"), started)

    @staticmethod
    def _flushes(cls):
        """A TransactionTestCase that is not a TestCase empties its databases when it ends."""
        from django.test import TestCase, TransactionTestCase

        return issubclass(cls, TransactionTestCase) and not issubclass(cls, TestCase)

    def after_group(self, cls):
        """
        After a class that flushed the databases: back to the template's
        data (what migrations put there), so that the groups this worker
        runs next find what Django's order (every TestCase before any
        TransactionTestCase) would have left them.
        """
        from django.core.management import call_command
        from django.db import connections

        if not self._flushes(cls):
            return
        for alias, data in self.snapshots.items():
            call_command("flush", verbosity=0, interactive=False, database=alias,
                         inhibit_post_migrate=True)
            connections[alias].creation.deserialize_db_from_string(data)

    def worker_teardown(self):
        from django.db import connections

        connections.close_all()

    def report_timings(self):
        if self.options.timing:
            for line in self.timings:
                print("partest adapter: %s" % line, file=sys.stderr, flush=True)
