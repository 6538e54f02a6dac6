"""
A worker's runs: each group's tests one after another, with their class's
and module's fixtures around the group, as unittest's own suite and
Django's parallel runner (which runs one TestCase class per sub-suite) do:
setUpModule and setUpClass before the group's first test, tearDownClass and
tearDownModule on the group's end.
"""
import sys
import traceback
import unittest

from . import protocol
from .outcome import Outcome


def _call(function, what, problems):
    """Calls function; a failure is appended to problems. Returns the SkipTest raised, if any."""
    try:
        function()
    except unittest.SkipTest as skipped:
        return skipped
    except Exception:
        problems.append("%s failed:\n%s" % (what, traceback.format_exc()))
    return None


class Session:
    def __init__(self, index, after_group):
        self.index = index
        self.after_group = after_group  # called with each group's class once it ended
        self.cls = None          # the class whose fixtures ran in this process
        self.module_up = False   # its module's setUpModule ran without failing
        self.class_up = False    # its setUpClass ran without failing
        self.failure = None      # why the group's tests cannot run
        self.skip = None         # why they are all skipped (SkipTest in a set-up)

    def _module(self, cls):
        return sys.modules.get(cls.__module__)

    def _set_up(self, cls):
        self.cls, self.failure, self.skip = cls, None, None
        problems = []
        module = self._module(cls)
        where = "%s.%s" % (cls.__module__, cls.__qualname__)
        set_up_module = getattr(module, "setUpModule", None)
        skipped = None
        if set_up_module is not None:
            skipped = _call(set_up_module, "setUpModule (%s)" % cls.__module__, problems)
            if problems or skipped:
                _call(unittest.case.doModuleCleanups, "module clean-ups (%s)" % cls.__module__,
                      problems)
        self.module_up = not problems and not skipped
        if self.module_up and not getattr(cls, "__unittest_skip__", False):
            cls._classSetupFailed = False
            skipped = _call(cls.setUpClass, "setUpClass (%s)" % where, problems)
            if problems or skipped:
                cls._classSetupFailed = True
                self._class_cleanups(cls, where, problems)
            self.class_up = not problems and not skipped
        if skipped is not None:
            self.skip = str(skipped)
        if problems:
            self.failure = "\n".join(problems)

    def _class_cleanups(self, cls, where, problems):
        cls.doClassCleanups()
        for _, error, _ in getattr(cls, "tearDown_exceptions", []):
            problems.append("class clean-up (%s) failed:\n%s" % (
                where, "".join(traceback.format_exception(type(error), error, error.__traceback__))))
        cls.tearDown_exceptions = []

    def _tear_down(self):
        """Runs the current class's and module's tear-downs. Returns what failed, as text."""
        problems = []
        cls = self.cls
        if cls is None:
            return ""
        where = "%s.%s" % (cls.__module__, cls.__qualname__)
        if self.class_up:
            _call(cls.tearDownClass, "tearDownClass (%s)" % where, problems)
            self._class_cleanups(cls, where, problems)
        if self.module_up:
            tear_down_module = getattr(self._module(cls), "tearDownModule", None)
            if tear_down_module is not None:
                _call(tear_down_module, "tearDownModule (%s)" % cls.__module__, problems)
            _call(unittest.case.doModuleCleanups, "module clean-ups (%s)" % cls.__module__,
                  problems)
        self.cls, self.module_up, self.class_up = None, False, False
        return "\n".join(problems)

    def run(self, seq, suite, name, attempt="1"):
        protocol.set_attempt(attempt)
        test = self.index.find(suite, name)
        outcome = Outcome()
        if test is None:
            outcome.status = "fail"
            outcome.parts.append("no test %s::%s here: the worker's suite differs from the "
                                 "listing's" % (suite, name))
        else:
            if type(test) is not self.cls:
                left = self._tear_down()
                if left:
                    print(left, file=sys.stderr)
                self._set_up(type(test))
            if self.failure is not None:
                outcome.status = "fail"
                outcome.parts.append("suite set-up failed: " + self.failure)
            elif self.skip is not None:
                outcome.status = "skip"
                outcome.parts.append(self.skip)
            else:
                test(outcome)
        protocol.result(seq, outcome.status, outcome.usec(), outcome.message())

    def end(self):
        cls = self.cls
        problems = self._tear_down()
        if cls is not None:
            try:
                self.after_group(cls)
            except Exception:
                problems = "\n".join(filter(None, [problems, "restoring the databases after %s "
                                                    "failed:\n%s" % (cls.__qualname__,
                                                                      traceback.format_exc())]))
        protocol.flush_output()
        protocol.send("ended %s" % ("fail" if problems else "pass"), problems)

    def finish(self):
        """End of input: the last tear-downs. Returns the exit status."""
        problems = self._tear_down()
        protocol.flush_output()
        if problems:
            print("partest adapter: tear-down failed: %s" % problems, file=sys.stderr, flush=True)
            return 1
        return 0
