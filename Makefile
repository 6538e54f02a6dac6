# partest: GNU make. `make` builds, `make demo` runs the example suite,
# `make check` runs partest's own tests (SANITIZE=1 under ASan and UBSan,
# WERROR=1 to treat warnings as errors).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
MANDIR ?= $(PREFIX)/share/man
# The Python adapter: partest looks for it in ../share/partest/python from its bindir.
ADAPTERDIR ?= $(PREFIX)/share/partest/python
PKG_CONFIG ?= pkg-config

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS = -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
BUILD ?= build
ifeq ($(SANITIZE),1)
BUILD = build-san
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

SQLITE_CFLAGS := $(shell $(PKG_CONFIG) --cflags sqlite3)
SQLITE_LIBS := $(shell $(PKG_CONFIG) --libs sqlite3)
ifeq ($(SQLITE_LIBS),)
SQLITE_LIBS = -lsqlite3
endif
# The PostgreSQL backend, when libpq is found (WITHOUT_LIBPQ=1 leaves it out).
ifneq ($(WITHOUT_LIBPQ),1)
PQ_LIBS := $(shell $(PKG_CONFIG) --libs libpq 2>/dev/null)
endif
ifneq ($(PQ_LIBS),)
PQ_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpq) -DPT_HAVE_LIBPQ
endif
# The MySQL/MariaDB backend, when libmariadb is found (WITHOUT_MARIADB=1 leaves it out).
ifneq ($(WITHOUT_MARIADB),1)
MARIADB_LIBS := $(shell $(PKG_CONFIG) --libs libmariadb 2>/dev/null)
endif
ifneq ($(MARIADB_LIBS),)
MARIADB_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmariadb) -DPT_HAVE_MARIADB
endif
# JSON (event files, ctest's and meson's test lists): jansson, required.
JANSSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson)
JANSSON_LIBS := $(shell $(PKG_CONFIG) --libs jansson)
# JUnit reports read back (--durations-from, partest merge): libxml2's
# headers only; the library is loaded with dlopen() when a JUnit file is read.
LIBXML2_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxml-2.0)
# What a test binary links besides libpartest.a (partest.pc says the same).
TEST_LIBS = -lpthread
# The database clients: the runner's backends, and the test programs and
# examples that open databases themselves.
DB_LIBS = $(SQLITE_LIBS) $(PQ_LIBS) $(MARIADB_LIBS)
# What the runner links besides its objects and libpartest.a.
LIBS = $(DB_LIBS) $(JANSSON_LIBS) $(TEST_LIBS) -lm

ALL_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -Iinclude $(SQLITE_CFLAGS) $(PQ_CFLAGS) \
	$(MARIADB_CFLAGS) $(JANSSON_CFLAGS) $(LIBXML2_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS = $(WARNINGS) $(CFLAGS)

# libpartest.a, the test library: lib/ and the few pieces of src/ a worker
# needs. A test binary links it alone, without any database client.
LIB_SRC_SOURCES = src/buf.c src/xalloc.c src/clock.c src/protocol.c src/find_program.c
LIB_SOURCES = $(wildcard lib/*.c) $(LIB_SRC_SOURCES)
LIB_OBJECTS = $(LIB_SOURCES:%.c=$(BUILD)/%.o)
# The runner: the rest of src/, linked into partest and the unit tests
# (which test its internals) through an archive that is not installed.
RUNNER_SOURCES = $(filter-out src/main.c $(LIB_SRC_SOURCES), \
	$(wildcard src/*.c src/db/*.c src/report/*.c))
RUNNER_OBJECTS = $(RUNNER_SOURCES:%.c=$(BUILD)/%.o)
HEADERS = $(wildcard include/*.h lib/*.h src/*.h src/db/*.h src/report/*.h)
UNIT_SOURCES = $(wildcard tests/unit/*.c)
UNIT_TESTS = $(UNIT_SOURCES:%.c=$(BUILD)/%)
HELPER_SOURCES = $(wildcard tests/programs/*.c)
HELPERS = $(HELPER_SOURCES:%.c=$(BUILD)/%)
EXAMPLE_SOURCES = $(wildcard examples/*.c)
EXAMPLES = $(EXAMPLE_SOURCES:%.c=$(BUILD)/%)

PARTEST = $(BUILD)/partest
LIBRARY = $(BUILD)/libpartest.a
RUNNER = $(BUILD)/librunner.a

.PHONY: all demo check unit e2e install clean format

all: $(PARTEST) $(LIBRARY)

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBRARY): $(LIB_OBJECTS)
	@rm -f $@
	$(AR) rcs $@ $^

$(RUNNER): $(RUNNER_OBJECTS)
	@rm -f $@
	$(AR) rcs $@ $^

$(PARTEST): $(BUILD)/src/main.o $(RUNNER) $(LIBRARY)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(RUNNER) $(LIBRARY) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Isrc $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(RUNNER) $(LIBRARY) $(LIBS)

# Test programs and examples are test binaries: the test library, plus the
# database clients for the ones that open a database themselves.
$(BUILD)/tests/programs/%: tests/programs/%.c $(LIBRARY) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBRARY) $(DB_LIBS) $(TEST_LIBS)

$(BUILD)/examples/%: examples/%.c $(LIBRARY) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBRARY) $(DB_LIBS) $(TEST_LIBS)

# The demo: an example suite on SQLite, its template built by a migration
# program, run in parallel with one clone per worker.
demo: $(PARTEST) $(EXAMPLES)
	@rm -rf $(BUILD)/demo && mkdir -p $(BUILD)/demo
	cd $(BUILD)/demo && ../partest -v --db sqlite:bank.db \
	    --db-setup ../examples/bank_migrate \
	    ../examples/bank_test ../../examples/tap_check.sh

# partest runs its own tests: unit tests written with partest.h, and
# end-to-end scripts that drive the partest command as a user would.
E2E_TESTS = $(filter-out %lib.sh,$(wildcard tests/e2e/*.sh))

# How make runs partest's own tests: through the partest just built.
RUN_OWN_TESTS = PARTEST_BUILD=$(abspath $(BUILD)) PARTEST_SOURCE=$(CURDIR) \
	PARTEST_TEST_CFLAGS="$(filter -fsanitize%,$(CFLAGS))" \
	$(PARTEST) --state-dir $(BUILD)/.partest --timeout 300

# Both kinds in one run, so that they share the workers.
check: all $(UNIT_TESTS) $(HELPERS) $(EXAMPLES)
	$(RUN_OWN_TESTS) --junit $(BUILD)/check.xml $(UNIT_TESTS) $(E2E_TESTS)

unit: all $(UNIT_TESTS) $(HELPERS)
	$(RUN_OWN_TESTS) --junit $(BUILD)/unit.xml $(UNIT_TESTS)

e2e: all $(HELPERS) $(EXAMPLES)
	$(RUN_OWN_TESTS) --junit $(BUILD)/e2e.xml $(E2E_TESTS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(PARTEST) $(DESTDIR)$(BINDIR)/partest
	install -m 644 include/partest.h $(DESTDIR)$(INCLUDEDIR)/partest.h
	install -m 644 $(LIBRARY) $(DESTDIR)$(LIBDIR)/libpartest.a
	@mkdir -p $(BUILD)/install
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -DPT__BINDIR='"$(BINDIR)"' -c -o $(BUILD)/install/bindir.o \
	    lib/bindir.c
	$(AR) rs $(DESTDIR)$(LIBDIR)/libpartest.a $(BUILD)/install/bindir.o
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@TEST_LIBS@|$(TEST_LIBS)|' partest.pc.in \
	    > $(DESTDIR)$(LIBDIR)/pkgconfig/partest.pc
	install -m 644 docs/partest.1 $(DESTDIR)$(MANDIR)/man1/partest.1
	install -d $(DESTDIR)$(ADAPTERDIR)/partest_python
	install -m 755 adapters/python/partest_adapter.py $(DESTDIR)$(ADAPTERDIR)/partest_adapter.py
	install -m 644 adapters/python/partest_python/*.py $(DESTDIR)$(ADAPTERDIR)/partest_python

format:
	clang-format -i include/*.h lib/*.[ch] src/*.[ch] src/db/*.[ch] src/report/*.[ch] \
	    tests/unit/*.c tests/programs/*.c examples/*.[ch]

clean:
	rm -rf build build-san
