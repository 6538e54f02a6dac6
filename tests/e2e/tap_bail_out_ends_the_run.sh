#!/bin/sh
# "Bail out!" ends the run as under prove: the program that says it fails,
# no further program starts (each is "not run"), and the run exits 1. An
# indented "Bail out!" inside a subtest counts too. (A state dir per run keeps
# the order of the command line.)
. "$(dirname "$0")/lib.sh"

script() { printf '#!/bin/sh\n%s\n' "$2" >"$1"; chmod +x "$1"; }
script bails.sh 'echo 1..3; echo ok 1; echo "Bail out! the database is gone"; echo ok 2; echo ok 3'
script bails_in_subtest.sh 'printf "1..2\nok 1\n# Subtest: inner\n    1..2\n    ok 1\n    Bail out! inner trouble\nok 2\n"'
script later.sh 'echo ran >"$work/later.ran"; echo 1..1; echo ok 1'

run -j1 --state-dir first bails.sh later.sh
check "a bail-out fails the run" status_is 1
check "the program that bailed out fails with its reason" sh -c 'grep -q "FAIL    bails.sh" out && grep -q "Bail out! the database is gone" out'
check "no further program starts" test ! -e later.ran
check "the rest is counted as not run" out_has '1 not run'

run -j1 --state-dir second bails_in_subtest.sh later.sh
check "an indented bail-out in a subtest also fails the run" status_is 1
check "and names itself" out_has 'Bail out! inner trouble'
check "and no further program starts" test ! -e later.ran

run -j1 --state-dir third later.sh
check "without a bail-out the same program runs" test -e later.ran
done_testing
