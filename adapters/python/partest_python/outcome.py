"""One test's outcome, as unittest reports it, turned into a protocol result."""
import time
import unittest


class Outcome(unittest.TestResult):
    """
    Collects what one test reports: partest's statuses are pass, fail and
    skip, so an error and a failure are both "fail" (the message says which),
    an expected failure passes and an unexpected success fails. Each failed
    subTest is one part of the message.
    """

    def __init__(self):
        super().__init__()
        self.status = "pass"
        self.parts = []
        self.started = time.monotonic()

    def _problem(self, kind, test, err):
        self.status = "fail"
        self.parts.append("%s: %s\n%s" % (kind, test, self._exc_info_to_string(err, test)))

    def addError(self, test, err):
        super().addError(test, err)
        self._problem("ERROR", test, err)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._problem("FAIL", test, err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._problem("FAIL" if failed else "ERROR", subtest, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if self.status == "pass":
            self.status = "skip"
            self.parts.append(reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.parts.append("expected failure: %s\n%s" % (test, self._exc_info_to_string(err, test)))

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.status = "fail"
        self.parts.append("unexpected success: %s (it is marked @expectedFailure)" % test)

    def usec(self):
        return int((time.monotonic() - self.started) * 1e6)

    def message(self):
        return "\n".join(part.rstrip("\n") for part in self.parts)
