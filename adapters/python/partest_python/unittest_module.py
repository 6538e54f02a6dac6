"""A plain unittest suite: a Python file that runs unittest.main(), or dotted names."""
import importlib
import os
import sys
import unittest

from .tests import TestIndex


class UnittestModule:
    """
    The tests unittest.main() would run for the file: those of the file
    itself, or those named after it (dotted names, as `python3 -m unittest`
    takes them, imported with the file's directory first on sys.path). The
    file must be importable under its own name (test_units.py as test_units).
    """

    def __init__(self, script, names):
        self.script = os.path.abspath(script)
        self.names = names
        self.index = None

    def load(self):
        """Imports the script as a module of its own name, as `python3 -m unittest NAME` would."""
        folder, name = os.path.split(self.script)
        sys.path.insert(0, folder)
        loader = unittest.defaultTestLoader
        if self.names:
            suite = loader.loadTestsFromNames(self.names)
        else:
            suite = loader.loadTestsFromModule(importlib.import_module(os.path.splitext(name)[0]))
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
