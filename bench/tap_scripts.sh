#!/usr/bin/env bash
# tap_scripts.sh: running many tiny TAP scripts, partest vs xargs -P2 vs prove -j2.
#
# Generates COUNT (default 300) scripts "#!/bin/sh / echo 1..1 / echo ok 1" and
# times with hyperfine:
#   build/partest -j2 DIR/*.sh
#   printf '%s\0' DIR/*.sh | xargs -0 -P2 -n1 sh           (sh runs each script, as its #! line would)
#   printf '%s\n' DIR/*.sh | xargs -P2 -n1 sh -c '"$0" >/dev/null'   (one extra sh per script)
#   prove -j2 DIR/*.sh
# xargs only runs the scripts; partest and prove also parse their TAP output.
# Target: partest no slower than xargs -P2 (the direct form) and faster than prove -j2.
#
# The machine should be otherwise idle: under load the spread is large (see README).
#
# Env: COUNT (300), RUNS (20), WARMUP (2), RESULTS_DIR (keep the hyperfine exports).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
COUNT=${COUNT:-300}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-2}

needs hyperfine jq prove xargs


mkdir "$tmp/s"
for i in $(seq -w 1 "$COUNT"); do
	printf '#!/bin/sh\necho 1..1\necho ok 1\n' > "$tmp/s/t$i.sh"
done
chmod +x "$tmp"/s/*.sh

echo "== checking that each runner runs all $COUNT scripts"
"$partest" -j2 --color never --state-dir "$tmp/state" "$tmp"/s/*.sh > "$tmp/out.partest"
grep -q "^$COUNT passed, 0 failed" "$tmp/out.partest" || { cat "$tmp/out.partest"; exit 1; }
tail -1 "$tmp/out.partest"
n=$(printf '%s\0' "$tmp"/s/*.sh | xargs -0 -P2 -n1 sh | grep -c '^ok 1$')
[ "$n" -eq "$COUNT" ] || { echo "xargs ran $n scripts"; exit 1; }
echo "xargs: $n ok lines"
prove -j2 "$tmp"/s/*.sh > "$tmp/out.prove"
grep -q "Files=$COUNT, Tests=$COUNT" "$tmp/out.prove" || { cat "$tmp/out.prove"; exit 1; }
grep "^Files=" "$tmp/out.prove"

cd "$tmp"
echo "== hyperfine ($WARMUP warm-up, $RUNS runs)"
hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json tap.json --export-markdown tap.md \
	-n "partest -j2 DIR/*.sh" "$partest -j2 --state-dir $tmp/state s/*.sh" \
	-n "xargs -0 -P2 -n1 sh" "printf '%s\0' s/*.sh | xargs -0 -P2 -n1 sh" \
	-n "xargs -P2 -n1 sh -c" "printf '%s\n' s/*.sh | xargs -P2 -n1 sh -c '\"\$0\" >/dev/null'" \
	-n "prove -j2 DIR/*.sh" "prove -j2 s/*.sh"

if [ -n "${RESULTS_DIR:-}" ]; then
	mkdir -p "$RESULTS_DIR"
	cp tap.json tap.md "$RESULTS_DIR/"
fi

echo
echo "== summary: tap_scripts, $COUNT scripts, $(nproc) CPUs"
jq -r --argjson n "$COUNT" '
	.results as $r
	| ($r[] | select(.command == "partest -j2 DIR/*.sh") | .mean) as $pt
	| "| command | mean wall (ms) | stddev (ms) | min (ms) | per script (ms) | this / partest |",
	  "| --- | ---: | ---: | ---: | ---: | ---: |",
	  ($r[] | "| `\(.command)` | \(.mean * 1e4 | round / 10) | \(.stddev * 1e4 | round / 10) | \(.min * 1e4 | round / 10) | \(.mean / $n * 1e5 | round / 100) | \(.mean / $pt * 100 | round / 100) |")
' tap.json
jq -r '
	.results as $r
	| ($r[] | select(.command == "partest -j2 DIR/*.sh")) as $pt
	| ($r[] | select(.command == "xargs -0 -P2 -n1 sh")) as $x
	| ($r[] | select(.command == "prove -j2 DIR/*.sh")) as $p
	| "target, no slower than xargs -P2: " + (if $pt.mean <= $x.mean then "MET" else "NOT MET" end)
	  + " (means: partest \($pt.mean * 1e4 | round / 10) ms vs xargs \($x.mean * 1e4 | round / 10) ms; mins: \($pt.min * 1e4 | round / 10) vs \($x.min * 1e4 | round / 10) ms)",
	  "target, faster than prove -j2: " + (if $pt.mean < $p.mean then "MET" else "NOT MET" end)
	  + " (partest \($pt.mean * 1e4 | round / 10) ms vs prove \($p.mean * 1e4 | round / 10) ms)"
' tap.json
