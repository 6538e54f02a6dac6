#!/bin/sh
# partest does not link libxml2 (nor the ICU libraries it pulls in): it
# loads it when a JUnit file must be read, so every other run starts without
# it. When it cannot be loaded, reading a JUnit file is one line and exit 2;
# runs that read none, and event files, do not notice.
. "$(dirname "$0")/lib.sh"

# What the dynamic linker loads at start-up, indirect libraries included.
needed() { ldd "$PARTEST"; }
check "partest does not link libxml2" eval '! needed | grep -q libxml2'
check "nor ICU" eval '! needed | grep -q libicu'

printf '#!/bin/sh\nexit 0\n' >pass.sh
chmod +x pass.sh
run --junit shard.xml --events shard.jsonl pass.sh
check "a run writes its JUnit report" status_is 0

run merge shard.xml
check "with libxml2 found, a JUnit file merges" status_is 0
check "and its test is read" out_has "merged 1 reports: 1 tests, 1 passed"

export PARTEST_LIBXML2_LIBRARY="$work/no/libxml2.so.2"
run --version
check "--version does not need libxml2" status_is 0
run --junit again.xml pass.sh
check "nor does a run that writes JUnit" status_is 0
run merge shard.jsonl
check "nor a merge of event files" status_is 0

run merge shard.xml
check "a JUnit file to read without libxml2 is a usage error" status_is 2
check "said in one line" err_is_one_line
check "naming the file" err_has "cannot read the report \"shard.xml\": cannot load libxml2"
check "why" err_has "$work/no/libxml2.so.2"
check "and what to install" err_has "apt-get install libxml2"

run --list --partition time:1/2 --durations-from shard.xml pass.sh
check "--durations-from a JUnit file without libxml2 is a usage error" status_is 2
check "said in one line, too" err_is_one_line

PARTEST_LIBXML2_LIBRARY=libm.so.6 run merge shard.xml
check "a library that is not libxml2 is a usage error" status_is 2
check "naming what it lacks" err_has "cannot use libm.so.6 to read JUnit XML: it has no xmlReaderForFile"
check "no run directory is left" no_run_dirs_left

done_testing
