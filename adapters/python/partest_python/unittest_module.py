"""A plain unittest suite: a Python file that runs unittest.main(), or dotted names."""
import os
import runpy
import sys
import unittest

from .tests import TestIndex


class UnittestModule:
    """
    The tests unittest.main() would run for the file: those of the file
    itself, or those named after it (dotted names, as `python3 -m unittest`
    takes them, imported with the file's directory first on sys.path).
    """

    def __init__(self, script, names):
        self.script = os.path.abspath(script)
        self.names = names
        self.index = None

    def load(self):
        sys.path.insert(0, os.path.dirname(self.script))
        loader = unittest.defaultTestLoader
        if self.names:
            suite = loader.loadTestsFromNames(self.names)
        else:
            namespace = runpy.run_path(self.script, run_name="partest_unittest_main")
            module = type(sys)("partest_unittest_main")
            module.__dict__.update(namespace)
            suite = loader.loadTestsFromModule(module)
            sys.modules.setdefault(module.__name__, module)
        self.index = TestIndex(suite)

    def global_setup(self):
        pass

    def worker_setup(self, environ):
        pass

    def after_group(self, cls):
        pass

    def worker_teardown(self):
        pass

    def report_timings(self):
        pass
