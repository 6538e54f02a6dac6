#!/bin/sh
# --list prints one test id per line; --filter selects by glob on ids.
. "$(dirname "$0")/lib.sh"

cp "$PROGRAMS/fixtures" ./fixtures
run --list ./fixtures
check "--list exits 0" status_is 0
check "ids are program::suite::name" out_has 'fixtures::alpha::first'
check "one per line, every test" sh -c '[ "$(wc -l <out)" -eq 8 ]'
check "nothing runs for --list" [ ! -e "$work/fixture.log" ]
run --list --filter '*fixtures::beta::*' --filter '*::third' ./fixtures
check "filters combine as alternatives" sh -c '[ "$(wc -l <out)" -eq 3 ]'
check "the matching ones" sh -c 'grep -qx "fixtures::alpha::third" out && grep -qx "fixtures::beta::second" out'
printf '#!/bin/sh\nexit 0\n' >script.sh
chmod +x script.sh
run --list ./fixtures script.sh
check "an executable is listed by its path" sh -c 'tail -n 1 out | grep -qx script.sh'
run --list -v "$PROGRAMS/attributes"
check "-v adds where each test is defined" \
	grep -q 'attributes::tagged::plain  .*tests/programs/attributes.c:14$' out
check "-v adds a test's tags" \
	grep -q 'attributes::tagged::database_and_slow  .*attributes.c:4  \[db slow\]$' out
run --list --format json "$PROGRAMS/attributes" ./script.sh
check "--list --format json exits 0" status_is 0
check "one JSON object a line, a line per test" sh -c '[ "$(wc -l <out)" -eq 4 ]'
check "with id, suite, file, line, tags and options" /usr/bin/python3 -c '
import json, sys
tests = [json.loads(line) for line in open("out")]
first, port, script = tests[0], tests[1], tests[3]
assert first["id"].endswith("attributes::tagged::database_and_slow"), first
assert first["suite"] == "tagged" and first["name"] == "database_and_slow"
assert first["file"].endswith("tests/programs/attributes.c") and first["line"] == 4
assert first["tags"] == ["db", "slow"]
assert port["options"] == {"timeout": None, "locks": ["port-8080"], "exclusive": True, "weight": 2}
assert script["id"] == "script.sh" and script["suite"] is None and script["line"] is None
'
run --format json ./script.sh
check "--format json without --list is a usage error" status_is 2
done_testing
