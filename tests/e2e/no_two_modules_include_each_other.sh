#!/bin/sh
# The runner and the test library are layered: no two modules (a .c file
# and its .h) of src/ or lib/ include each other, directly, so that each
# concept can be read, and changed, with only what is below it in mind.
. "$(dirname "$0")/lib.sh"

root=$(realpath "$PARTEST_SOURCE")
find "$root/src" "$root/lib" -name '*.[ch]' | while read -r file; do
	dir=$(dirname "$file")
	sed -n 's/^#include "\(.*\)".*/\1/p' "$file" | while read -r included; do
		target=$(realpath -m "$dir/$included")
		echo "${file%.*} ${target%.*}"
	done
done | sed "s#$root/##g" | sort -u >edges

awk '$1 != $2 { edge[$1 " " $2] = 1 }
	END { for (e in edge) { split(e, m, " ");
		if (m[1] < m[2] && ((m[2] " " m[1]) in edge)) print m[1] " <-> " m[2] } }' \
	edges >mutual
check "the include graph was read" sh -c '[ "$(wc -l <edges)" -gt 100 ]'
check "no two modules include each other" sh -c '[ ! -s mutual ] || { sed "s/^/# /" mutual; false; }'
done_testing
