#!/bin/sh
# make install puts partest, partest.h, libpartest.a, partest.pc and the man
# page under PREFIX. A test binary links the test library alone (no SQLite,
# libpq or libmariadb), runs its own tests, and hands -j over to the
# installed partest, which it finds by $PARTEST, the install's bindir, PATH.
. "$(dirname "$0")/lib.sh"

root="$work/prefix"
make -s -C "$PARTEST_SOURCE" BUILD="$PARTEST_BUILD" install PREFIX="$root" >make.log 2>&1
status=$?
check "make install succeeds" status_is 0
for file in bin/partest include/partest.h lib/libpartest.a lib/pkgconfig/partest.pc \
	share/man/man1/partest.1; do
	check "installs $file" [ -f "$root/$file" ]
done
cat >t.c <<'C'
#include <partest.h>
PT_TEST(smoke, adds) { PT_ASSERT_INT(1 + 1, ==, 2); }
PT_TEST(smoke, compares) { PT_EXPECT_STR("a", !=, "b"); }
C
libs=$(PKG_CONFIG_PATH="$root/lib/pkgconfig" pkg-config --libs partest | sed "s/ *$//")
check "pkg-config --libs partest is the test library and -lpthread" \
	[ "$libs" = "-L$root/lib -lpartest -lpthread" ]
# shellcheck disable=SC2086
${CC:-cc} ${PARTEST_TEST_CFLAGS:-} t.c -I "$root/include" "$root/lib/libpartest.a" -lpthread \
	-o t >cc.log 2>&1
status=$?
check "cc t.c -I PREFIX/include PREFIX/lib/libpartest.a -lpthread links" status_is 0
check "the test binary needs no database client" sh -c \
	'! nm t | grep -qiE " U (sqlite3_|PQ|mysql_)" && ! ldd t | grep -qiE "sqlite|libpq|mariadb|mysql"'
# shellcheck disable=SC2086
${CC:-cc} ${PARTEST_TEST_CFLAGS:-} t.c $(PKG_CONFIG_PATH="$root/lib/pkgconfig" \
	pkg-config --cflags --libs partest) -o t2 >cc.log 2>&1
status=$?
check "cc t.c \$(pkg-config --cflags --libs partest) links" status_is 0

env -u PARTEST PATH=/nonexistent ./t >out 2>err </dev/null
status=$?
check "./t runs its tests by itself" status_is 0
check "a line per test" out_has 'PASS    t::smoke::compares  ['
check "and partest's summary" last_line_is '2 passed, 0 failed, 0 skipped'

env -u PARTEST PATH=/nonexistent ./t -j 2 -v >out 2>err </dev/null
status=$?
check "./t -j 2 hands over to the installed partest" status_is 0
check "which runs it on workers" out_has 'PASS    t::smoke::adds  [worker '

mkdir fake
printf '#!/bin/sh\necho "fake partest: $*"\n' >fake/partest
chmod +x fake/partest
PARTEST="$work/fake/partest" ./t -j 2 >out 2>err </dev/null
check "\$PARTEST comes first, and gets the options, then the program" \
	sh -c '[ "$(cat out)" = "fake partest: -j 2 ./t" ]'

mkdir elsewhere
mv "$root/bin/partest" elsewhere/partest
env -u PARTEST PATH="$work/fake:/nonexistent" ./t -j 2 >out 2>err </dev/null
check "then PATH, when the installed one is gone" sh -c '[ "$(cat out)" = "fake partest: -j 2 ./t" ]'
env -u PARTEST PATH=/nonexistent ./t -j 2 >out 2>err </dev/null
status=$?
check "no partest anywhere: exit 2" status_is 2
check "with one line" err_is_one_line
check "that says what to do" grep -qxF \
	"t: partest was not found in $root/bin or on PATH (set PARTEST to its path): cannot run with -j 2" err
check "man partest renders" sh -c "MANWIDTH=80 man -l '$root/share/man/man1/partest.1' 2>/dev/null | grep -q -- '--db-setup'"
done_testing
