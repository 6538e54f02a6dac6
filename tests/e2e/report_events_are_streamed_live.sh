#!/bin/sh
# --events writes JSON Lines as the run goes, each line flushed: a consumer
# reading a FIFO sees a test end while the run is still going (the second
# test waits for the consumer to have seen the first one end), and every
# line validates against docs/events.schema.json.
. "$(dirname "$0")/lib.sh"

if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	echo "1..0 # SKIP Debian's python3-jsonschema is not installed"
	exit 0
fi

cat >first.sh <<'SH'
#!/bin/sh
echo "first says hello"
SH
cat >waits.sh <<'SH'
#!/bin/sh
# Passes once the consumer has seen first.sh end; gives up after a minute.
i=0
while [ ! -e "$work/seen" ]; do
	i=$((i + 1))
	[ "$i" -gt 600 ] && { echo "the consumer never saw first.sh end"; exit 1; }
	sleep 0.1
done
SH
chmod +x first.sh waits.sh

cat >consume.py <<'PY'
import json, os, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
events = []
with open(sys.argv[2]) as stream:
    for line in stream:
        event = json.loads(line)
        validator.validate(event)
        events.append(event)
        if event["type"] == "test_end" and event["id"] == "first.sh":
            open(os.path.join(os.environ["work"], "seen"), "w").close()
json.dump(events, open("events.json", "w"))
PY

mkfifo events.fifo
/usr/bin/python3 consume.py "$PARTEST_SOURCE/docs/events.schema.json" events.fifo \
	>consumer.out 2>&1 &
consumer=$!
run -j2 --events events.fifo ./first.sh ./waits.sh
# A partest that never opened the FIFO leaves the consumer waiting for a writer.
kill -0 "$consumer" 2>/dev/null && timeout 5 sh -c ': >events.fifo'
wait "$consumer"
consumer_status=$?

check "the run passes: the second test saw the first one's end reported" status_is 0
check "every line parses and validates against the schema" [ "$consumer_status" -eq 0 ]
[ "$consumer_status" -eq 0 ] || sed 's/^/# /' consumer.out

# field EVENT-INDEX EXPRESSION: a value out of what the consumer read.
field() { /usr/bin/python3 -c "import json; e = json.load(open('events.json')); print($1)" 2>/dev/null; }
check "the stream opens with run_start, schema 1, two workers" \
	[ "$(field 'e[0]["type"], e[0]["schema"], e[0]["workers"]')" = "run_start 1 2" ]
check "it ends with run_end, the counts and the exit status" \
	[ "$(field 'e[-1]["type"], e[-1]["counts"]["pass"], e[-1]["exit"]')" = "run_end 2 0" ]
check "each test starts before it ends" \
	[ "$(field '[x["type"] for x in e if x.get("id") == "first.sh"]')" = "['test_start', 'test_end']" ]
check "a passing test's end carries the size of its output, which is not kept" \
	[ "$(field '[(x["stdout"], x["output_bytes"]) for x in e if x["type"] == "test_end" and x["id"] == "first.sh"][0]')" = "('[partest: 17 bytes written to stdout, not kept]\\n', 17)" ]
check "the FIFO is still there" [ -p events.fifo ]
done_testing
