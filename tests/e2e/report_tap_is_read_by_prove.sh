#!/bin/sh
# --tap writes TAP version 14: a checker written for TAP 14's grammar
# accepts it (numbering, plan, escaped descriptions, YAML blocks that parse),
# and prove, which reads up to version 13 here, gives the verdict partest
# gave, with no parse error once told the version it knows.
. "$(dirname "$0")/lib.sh"

if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	echo "1..0 # SKIP Debian's python3-yaml is not installed"
	exit 0
fi

printf '#!/bin/sh\necho "a message with \\"quotes\\" and a \\033[31mcolour\\033[0m"\nexit 3\n' \
	>'odd#name\with.sh'
chmod +x 'odd#name\with.sh'
run -j2 --tap report.tap --filter '*ok*' --filter '*asserts*' --filter '*crash::segfaults' --filter 'odd*' \
	"$PROGRAMS/behaviours" './odd#name\with.sh'
check "the run fails (some tests do)" status_is 1

cat >tap14.py <<'PY'
# TAP version 14's grammar, as much of it as a producer must respect.
import re, sys
import yaml

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "the stream ends with a newline"
lines = lines[:-1]
assert lines[0] == "TAP version 14", "the first line is the version"
point = re.compile(r"^(not )?ok (\d+)(?: - ((?:[^#\\]|\\[#\\])*))?(?: # (SKIP|TODO)(?: (.*))?)?$")
expected, plan, i, failed = 1, None, 1, []
while i < len(lines):
    line = lines[i]
    match = point.match(line)
    if match:
        assert plan is None, "no test point after the plan"
        assert int(match.group(2)) == expected, f"point {expected} is numbered {match.group(2)}"
        if match.group(1):
            failed.append(expected)
        expected += 1
        if i + 1 < len(lines) and lines[i + 1] == "  ---":
            end = lines.index("  ...", i + 2)
            block = yaml.safe_load("\n".join(l[2:] for l in lines[i + 2:end]))
            assert isinstance(block, dict) and "status" in block and "message" in block, block
            i = end
    elif re.match(r"^1\.\.\d+$", line):
        plan = int(line[3:])
    else:
        raise AssertionError(f"line {i + 1} is not TAP: {line!r}")
    i += 1
assert plan == expected - 1, f"the plan says {plan} of {expected - 1} points"
print(" ".join(map(str, failed)))
PY
check "a TAP 14 checker accepts the stream" sh -c '/usr/bin/python3 tap14.py report.tap >failed_points 2>tap14.err'
[ -s tap14.err ] && sed 's/^/# /' tap14.err
check "a description escapes # and backslash" grep -q '^not ok [0-9]* - odd\\#name\\\\with\.sh$' report.tap
check "a skip carries its reason" grep -q '^ok [0-9]* - .*asserts::skipped # SKIP feature flag off$' report.tap
check "a failure's YAML carries its message and where it is" \
	grep -q '^  file: "tests/programs/behaviours.c"$' report.tap
check "no raw control character reaches the stream" sh -c '! grep -q "$(printf "\\033")" report.tap'

sed '1s/^TAP version 14$/TAP version 13/' report.tap >report13.tap
prove -e cat report13.tap >prove.out 2>&1
check "prove reads it without a parse error" sh -c '! grep -q "Parse errors" prove.out'
check "prove's count of tests is partest's" grep -q 'Tests: 9 Failed: 5)' prove.out
# prove's "Failed tests:  2-4, 8" as "2 3 4 8".
prove_failed=$(/usr/bin/python3 -c '
import re, sys
listed = re.search(r"Failed tests:\s+(.*)", open("prove.out").read()).group(1)
points = []
for part in listed.split(", "):
    first, _, last = part.partition("-")
    points += range(int(first), int(last or first) + 1)
print(" ".join(map(str, points)))')
check "prove fails the points partest failed" [ "$prove_failed" = "$(cat failed_points)" ]
done_testing
