"""A unittest suite as partest sees it: groups (one per TestCase class) of named tests."""
import re
import unittest

_NOT_A_WORD = re.compile(r"\s")


def _word(text):
    """Names in the protocol are words: no space, no newline, at least one byte."""
    return _NOT_A_WORD.sub("_", text) or "_"


def flatten(suite):
    """The test cases of a (nested) unittest suite, in its order."""
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from flatten(item)
        else:
            yield item


def suite_name(test):
    """The group: the test's class, by its dotted path (unittest's own failed imports included)."""
    cls = type(test)
    return _word("%s.%s" % (cls.__module__, cls.__qualname__))


def test_name(test):
    return _word(getattr(test, "_testMethodName", None) or test.id().rsplit(".", 1)[-1])


class TestIndex:
    """Every test of a suite under its (suite, name), in the suite's order, each once."""

    def __init__(self, suite):
        self.tests = {}
        for test in flatten(suite):
            self.tests.setdefault((suite_name(test), test_name(test)), test)

    def listing(self):
        return list(self.tests)

    def find(self, suite, name):
        return self.tests.get((suite, name))

    def classes(self):
        return {type(test) for test in self.tests.values()}
