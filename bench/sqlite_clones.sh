#!/usr/bin/env bash
# sqlite_clones.sh: what it costs partest to clone a 50 MB SQLite template for 4 workers.
#
# Builds a ~50 MiB SQLite template (51200 rows of randomblob(900), 4 KiB pages)
# with the sqlite3 CLI, then times with hyperfine:
#   build/partest -j4 --db sqlite:TEMPLATE DIR/*.sh   (4 workers -> 4 clones)
#   build/partest -j4 DIR/*.sh                        (the same run, no database)
#   cp TEMPLATE 4 times                               (the peer: plain file copies)
# The programs are 8 one-test TAP scripts; each fails unless $DATABASE_URL, when
# set, names an existing file. The difference of the two partest means is the
# cost of making, checking and dropping 4 clones. Target: under 1 s in total.
# The template is in the page cache (it was just written), as it would be for a
# template built or reused by the run.
#
# Env: RUNS (10), WARMUP (2), RESULTS_DIR (keep the hyperfine exports).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}

for tool in hyperfine jq sqlite3; do
	command -v "$tool" >/dev/null || { echo "$0: needs $tool (apt-get install -y $tool)" >&2; exit 2; }
done


cd "$tmp"

sqlite3 template.db "pragma page_size=4096;
	create table t(id integer primary key, b blob);
	with recursive c(x) as (select 1 union all select x + 1 from c where x < 51200)
	insert into t(b) select randomblob(900) from c;"
size=$(stat -c %s template.db)
echo "== template: $size bytes ($((size / 1048576)) MiB), journal mode $(sqlite3 template.db 'pragma journal_mode'), filesystem $(stat -f -c %T .)"

mkdir s
for i in 1 2 3 4 5 6 7 8; do
	cat > "s/t$i.sh" <<'SCRIPT'
#!/bin/sh
echo 1..1
if [ -n "${DATABASE_URL:-}" ]; then
	path=${DATABASE_URL#sqlite:}
	[ -f "$path" ] || { echo "not ok 1 - no clone at $path"; exit 1; }
	[ -z "${CLONE_LOG:-}" ] || echo "$PARTEST_WORKER $path" >> "$CLONE_LOG"
fi
echo ok 1
SCRIPT
done
chmod +x s/*.sh

echo "== checking: 4 workers, 4 distinct clones"
CLONE_LOG="$tmp/clones.log" "$partest" -j4 --color never --state-dir "$tmp/state" \
	--db "sqlite:$tmp/template.db" s/*.sh | tail -1
clones=$(awk '{ print $2 }' clones.log | sort -u | wc -l)
workers=$(awk '{ print $1 }' clones.log | sort -u | wc -l)
echo "workers used: $workers, distinct clones seen: $clones"
[ "$clones" -eq 4 ] || { echo "expected 4 clones:"; cat clones.log; exit 1; }
[ "$(sqlite3 template.db 'select count(*) from t')" -eq 51200 ] || { echo "template changed"; exit 1; }

echo "== hyperfine ($WARMUP warm-up, $RUNS runs)"
hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json clones.json --export-markdown clones.md \
	-n "partest -j4 --db sqlite:TEMPLATE" "$partest -j4 --state-dir $tmp/state --db sqlite:$tmp/template.db s/*.sh" \
	-n "partest -j4 (no --db)" "$partest -j4 --state-dir $tmp/state s/*.sh" \
	--prepare "rm -f $tmp/cp1 $tmp/cp2 $tmp/cp3 $tmp/cp4" \
	-n "cp TEMPLATE x4" "cp template.db cp1 && cp template.db cp2 && cp template.db cp3 && cp template.db cp4"

if [ -n "${RESULTS_DIR:-}" ]; then
	mkdir -p "$RESULTS_DIR"
	cp clones.json clones.md "$RESULTS_DIR/"
fi

echo
echo "== summary: sqlite_clones, 4 clones of a $((size / 1048576)) MiB template, $(nproc) CPUs"
jq -r '
	.results as $r
	| "| command | mean wall (ms) | stddev (ms) | min (ms) |",
	  "| --- | ---: | ---: | ---: |",
	  ($r[] | "| `\(.command)` | \(.mean * 1e4 | round / 10) | \(.stddev * 1e4 | round / 10) | \(.min * 1e4 | round / 10) |")
' clones.json
jq -r '
	.results as $r
	| ($r[] | select(.command == "partest -j4 --db sqlite:TEMPLATE") | .mean) as $db
	| ($r[] | select(.command == "partest -j4 (no --db)") | .mean) as $plain
	| ($r[] | select(.command == "cp TEMPLATE x4") | .mean) as $cp
	| ($db - $plain) as $cost
	| "cloning cost (with --db minus without): \($cost * 1e4 | round / 10) ms for 4 clones; cp x4: \($cp * 1e4 | round / 10) ms",
	  "target (4 clones under 1 s): " + (if $cost < 1 then "MET" else "NOT MET" end)
' clones.json
