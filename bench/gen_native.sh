#!/usr/bin/env bash
# gen_native.sh KIND N > FILE
#   KIND=partest:   N tests "PT_TEST(s<i/100>, t<i>) { PT_ASSERT_INT(i, ==, i); }"
#   KIND=criterion: the same N tests for Criterion: "Test(s<i/100>, t<i>) { cr_assert_eq(i, i); }"
# 100 tests per suite. The output is a C file on stdout.
set -euo pipefail

usage() { echo "usage: $0 partest|criterion N" >&2; exit 2; }
[ $# -eq 2 ] || usage
kind=$1 n=$2
case $n in ''|*[!0-9]*) usage ;; esac

case $kind in
partest)
	echo '#include <partest.h>'
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
		printf "PT_TEST(s%d, t%d) { PT_ASSERT_INT(%d, ==, %d); }\n", int(i / 100), i, i, i }'
	;;
criterion)
	echo '#include <criterion/criterion.h>'
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
		printf "Test(s%d, t%d) { cr_assert_eq(%d, %d); }\n", int(i / 100), i, i, i }'
	;;
*) usage ;;
esac
