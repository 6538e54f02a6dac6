#!/usr/bin/python3
"""
Compares the verdict of every test in two runs of this project:
`manage.py test -v 2` (its output) and partest (its JUnit report).

    verdicts.py DJANGO_OUTPUT PARTEST_JUNIT

Verdicts are pass, fail and skip: an error is a failure, an expected failure
a pass, an unexpected success a failure, a test with a failed subTest a
failure. Prints each test whose verdicts differ, and exits 1 when one does
or when either run has no test at all.
"""
import re
import sys
import xml.etree.ElementTree as ElementTree

LINE = re.compile(r"^\s*(\w+) \(([\w.]+)\)(?: .*)? \.\.\. ?(.*)$")
# A test with a docstring: its description line, then the docstring's first line and the verdict.
DESCRIPTION = re.compile(r"^(\w+) \(([\w.]+)\)$")
VERDICT = re.compile(r"^.* \.\.\. ?(.*)$")
SUMMARY = re.compile(r"^(FAIL|ERROR): (\w+) \(([\w.]+)\)")
WORDS = {"ok": "pass", "FAIL": "fail", "ERROR": "fail", "expected failure": "pass",
         "unexpected success": "fail", "": "pass"}
WORST = {"fail": 2, "skip": 1, "pass": 0}


def test_id(method, where):
    """module.Class.method, whether Python prints (module.Class) or (module.Class.method)."""
    return where if where.endswith("." + method) else where + "." + method


def word_verdict(word):
    word = word.strip()
    return "skip" if word.startswith("skipped") else WORDS.get(word)


def django_verdicts(path):
    """Each test's worst verdict: a subTest's failure (its own line in Django 4) fails it."""
    verdicts = {}

    def note(test, verdict):
        if verdict is not None and WORST[verdict] >= WORST[verdicts.get(test, "pass")]:
            verdicts[test] = verdict

    pending = None
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        match = LINE.match(line)
        if match:
            method, where, word = match.groups()
            note(test_id(method, where), word_verdict(word))
            pending = None
            continue
        match = DESCRIPTION.match(line)
        if match:
            pending = test_id(match.group(1), match.group(2))
            continue
        match = VERDICT.match(line)
        if pending and match:
            note(pending, word_verdict(match.group(1)))
        pending = None
        match = SUMMARY.match(line)
        if match:
            note(test_id(match.group(2), match.group(3)), "fail")
    return verdicts


def partest_verdicts(path):
    verdicts = {}
    for case in ElementTree.parse(path).iter("testcase"):
        suite = case.get("classname").split(".", 2)[2] if case.get("classname").count(".") >= 2 \
            else case.get("classname")
        verdict = "pass"
        if case.find("failure") is not None or case.find("error") is not None:
            verdict = "fail"
        elif case.find("skipped") is not None:
            verdict = "skip"
        verdicts[suite + "." + case.get("name")] = verdict
    return verdicts


def main(django_output, junit):
    django = django_verdicts(django_output)
    partest = partest_verdicts(junit)
    differ = 0
    for test in sorted(set(django) | set(partest)):
        if django.get(test) != partest.get(test):
            print("%s: manage.py test says %s, partest says %s" % (
                test, django.get(test, "nothing"), partest.get(test, "nothing")))
            differ += 1
    if not django or not partest:
        print("no tests: manage.py test ran %d, partest %d" % (len(django), len(partest)))
        return 1
    print("%d tests, %d verdicts differ" % (len(django), differ))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
