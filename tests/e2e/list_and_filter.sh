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
done_testing
