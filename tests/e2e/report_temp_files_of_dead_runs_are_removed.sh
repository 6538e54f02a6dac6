#!/bin/sh
# A run killed with SIGKILL leaves its reports' temporary files beside their
# targets (".report.xml.partest-HOST-PID-START.XXXXXX"). The next run that
# writes the same report removes those of dead runs on this host, and only
# those: a live run's, another host's and other files stay.
. "$(dirname "$0")/lib.sh"

host=$(hostname | cut -c1-32 | sed 's/[^A-Za-z0-9.]/_/g')
cat >hang.sh <<'SCRIPT'
#!/bin/sh
touch "$work/started"
exec sleep 300
SCRIPT
printf '#!/bin/sh\necho 1..1\necho ok 1\n' >ok.sh
chmod +x hang.sh ok.sh
temps() { ls -A | grep "^\.report\.$1\." | sort; }

"$PARTEST" -j1 --junit report.xml --events report.jsonl ./hang.sh >out 2>err </dev/null &
pid=$!
until_true 300 [ -e "$work/started" ]
kill -KILL $pid
wait $pid 2>/dev/null
killed_xml=$(temps xml)
killed_jsonl=$(temps jsonl)
check "a killed run leaves its temporary JUnit report" [ -n "$killed_xml" ]
check "named for its host and pid" \
	sh -c "echo '$killed_xml' | grep -q '^\.report\.xml\.partest-$host-$pid-[0-9]*\.......\$'"

# A live run's (this shell's), another host's, and a look-alike that is not a report's.
start=$(cut -d')' -f2 /proc/$$/stat | cut -d' ' -f21)
live=".report.xml.partest-$host-$$-$start.AbCdEf"
other_host=".report.xml.partest-elsewhere-$pid-1.AbCdEf"
touch "$live" "$other_host" .report.xml.keep

run -j1 --junit report.xml ./ok.sh
check "the next run passes" status_is 0
check "and writes its report" grep -q '<testsuites' report.xml
check "it removes the killed run's temporary JUnit report" [ ! -e "$killed_xml" ]
check "not the temporary event stream, which it does not write" [ -e "$killed_jsonl" ]
check "it leaves a live run's temporary file" [ -e "$live" ]
check "and another host's" [ -e "$other_host" ]
check "and other files" [ -e .report.xml.keep ]
run -j1 --events report.jsonl ./ok.sh
check "a run writing the event stream removes the killed run's" [ ! -e "$killed_jsonl" ]
done_testing
