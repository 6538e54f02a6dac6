#!/bin/sh
# make install puts partest, partest.h, libpartest.a, partest.pc and the man
# page under PREFIX; cc t.c $(pkg-config --cflags --libs partest) builds a test
# binary that runs.
. "$(dirname "$0")/lib.sh"

make -s -C "$PARTEST_SOURCE" BUILD="$PARTEST_BUILD" install DESTDIR="$work/dest" \
	PREFIX=/opt/pt >make.log 2>&1
status=$?
check "make install succeeds" status_is 0
root="$work/dest/opt/pt"
for file in bin/partest include/partest.h lib/libpartest.a lib/pkgconfig/partest.pc \
	share/man/man1/partest.1; do
	check "installs $file" [ -f "$root/$file" ]
done
cat >t.c <<'C'
#include <partest.h>
PT_TEST(smoke, adds) { PT_ASSERT_INT(1 + 1, ==, 2); }
PT_TEST(smoke, compares) { PT_EXPECT_STR("a", !=, "b"); }
C
flags=$(PKG_CONFIG_SYSROOT_DIR="$work/dest" PKG_CONFIG_PATH="$root/lib/pkgconfig" \
	pkg-config --cflags --libs partest)
check "pkg-config knows partest" [ -n "$flags" ]
# shellcheck disable=SC2086
${CC:-cc} ${PARTEST_TEST_CFLAGS:-} t.c $flags -o t >cc.log 2>&1
status=$?
check "cc t.c \$(pkg-config --cflags --libs partest) builds" status_is 0
./t >out 2>err </dev/null
status=$?
check "the built test binary runs its tests" last_line_is '2 passed, 0 failed, 0 skipped'
check "man partest renders" sh -c "MANWIDTH=80 man -l '$root/share/man/man1/partest.1' 2>/dev/null | grep -q -- '--db-setup'"
done_testing
