/*
 * partest.h: write C tests that partest runs in parallel.
 *
 *     #include <partest.h>
 *
 *     PT_TEST(account, deposit_adds_to_balance)
 *     {
 *             struct account a = { 0 };
 *             account_deposit(&a, 5);
 *             PT_ASSERT_INT(a.balance, ==, 5);
 *     }
 *
 *     PT_TEST(account, slow_one, .timeout = 30, .description = "talks to the db")
 *     { ... }
 *
 * A test's options: .timeout (seconds), .skip (a reason), .description,
 * .tags ("db slow"), .locks ("port-8080": tests sharing a lock name never run
 * at once), .exclusive (nothing else runs beside it), .weight (how many of
 * the -j slots it takes while it runs), .retries (how many times it runs
 * again after a failure, on a fresh worker; -1 never, whatever --retries).
 *
 * Build with `cc t.c $(pkg-config --cflags --libs partest)`; the library
 * supplies main(). `./t` runs the tests (serially unless -j is given),
 * `./t --list` lists them, and `partest ./t other...` runs several programs
 * as one suite. See partest(1).
 *
 * Tests register themselves; there is no list to maintain. The tests of one
 * suite always run on one worker, in the order they are defined, so that the
 * suite's fixtures run once there:
 *
 *     PT_GLOBAL_SETUP()      the expensive, shared set-up: once per program
 *                            under the fork start method (workers are forked
 *                            after it), once per worker process under spawn
 *     PT_GLOBAL_TEARDOWN()   its counterpart, in the same process
 *     PT_WORKER_SETUP()      once in each worker, after the global set-up and
 *                            before any test: connect to this worker's
 *                            database (DATABASE_URL), open per-worker files
 *     PT_WORKER_TEARDOWN()   once in each worker, at its end
 *     PT_SUITE_SETUP(s)      before the first test of suite s on a worker
 *     PT_SUITE_TEARDOWN(s)   after the last test of suite s on a worker
 *     PT_SETUP(s)            before each test of suite s
 *     PT_TEARDOWN(s)         after each test of suite s (also after a failure)
 *
 * Assertions come in two tiers: PT_ASSERT_* stops the test at the first
 * failure, PT_EXPECT_* records the failure and lets the test go on. Every
 * argument is evaluated exactly once; a failure reports the expression, both
 * values and file:line. Comparisons take the operator as an argument:
 *
 *     PT_ASSERT_INT(got, ==, 42)          long long
 *     PT_ASSERT_UINT(flags, !=, 0)        unsigned long long
 *     PT_ASSERT_SIZE(len, <=, cap)        size_t
 *     PT_ASSERT_DBL_NEAR(x, 0.3, 1e-9)    |x - 0.3| <= 1e-9
 *     PT_ASSERT_STR(name, ==, "bob")      strcmp(name, "bob") == 0; NULL-safe
 *     PT_ASSERT_MEM(buf, "ab\0c", 4)      memcmp(...) == 0
 *     PT_ASSERT_PTR(p, ==, q)
 *     PT_ASSERT_NULL(p)  PT_ASSERT_NOT_NULL(p)
 *     PT_ASSERT_TRUE(x)  PT_ASSERT_FALSE(x)
 *     PT_FAIL("fmt", ...)  PT_SKIP("why")
 */
#ifndef PARTEST_H
#define PARTEST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PT_VERSION "0.1.0"

/* Per-test options, given as designated initialisers after the name. */
struct pt_test_options {
	int pt__unused;		 /* keeps the initialiser valid when empty */
	double timeout;		 /* seconds; 0 means the run's --timeout */
	const char *skip;	 /* when set, the test is skipped with this reason */
	const char *description; /* shown in --list -v and in reports */
	const char *tags;	 /* space-separated names that --tag and --exclude-tag select on */
	const char *locks; /* space-separated lock names: no two tests holding one run at once */
	int exclusive;	   /* non-zero: no other test runs while this one does */
	int weight;	   /* how many of the -j slots it takes while it runs; 0 means 1 */
	int retries;	   /* runs again after a failure, up to N more times, on a fresh
			      worker; 0 means the run's --retries, -1 never */
};

enum pt__kind {
	PT__KIND_TEST,
	PT__KIND_GLOBAL_SETUP,
	PT__KIND_GLOBAL_TEARDOWN,
	PT__KIND_WORKER_SETUP,
	PT__KIND_WORKER_TEARDOWN,
	PT__KIND_SUITE_SETUP,
	PT__KIND_SUITE_TEARDOWN,
	PT__KIND_SETUP,
	PT__KIND_TEARDOWN,
};

/* One test or fixture, as the macros below register it. */
struct pt__registration {
	enum pt__kind kind;
	const char *suite; /* NULL for global fixtures */
	const char *name;
	const char *file;
	int line;
	void (*fn)(void);
	struct pt_test_options options;
};

/*
 * On ELF every registration leaves a pointer in the "pt_registry" section,
 * whose bounds the linker provides; elsewhere a constructor adds it to a list.
 */
#if defined(__ELF__)
#define PT__REGISTER(var)                                                                          \
	static const struct pt__registration *const pt__ptr_##var                                  \
		__attribute__((used, section("pt_registry"))) = &var;
#else
void pt__register(const struct pt__registration *registration);
#define PT__REGISTER(var)                                                                          \
	__attribute__((constructor)) static void pt__ctor_##var(void)                              \
	{                                                                                          \
		pt__register(&var);                                                                \
	}
#endif

#define PT__DEFINE(kind, suite, name, id, ...)                                                     \
	static void id(void);                                                                      \
	static const struct pt__registration pt__reg_##id = {                                      \
		kind, suite, name, __FILE__, __LINE__, id, {.pt__unused = 0, __VA_ARGS__}};        \
	PT__REGISTER(pt__reg_##id)                                                                 \
	static void id(void)

#define PT__TEST(suite, name, ...)                                                                 \
	PT__DEFINE(PT__KIND_TEST, #suite, #name, pt__test_##suite##__##name, __VA_ARGS__)
#define PT_TEST(...) PT__TEST(__VA_ARGS__, )

#define PT_GLOBAL_SETUP()                                                                          \
	PT__DEFINE(PT__KIND_GLOBAL_SETUP, NULL, "global setup", pt__global_setup, )
#define PT_GLOBAL_TEARDOWN()                                                                       \
	PT__DEFINE(PT__KIND_GLOBAL_TEARDOWN, NULL, "global teardown", pt__global_teardown, )
#define PT_WORKER_SETUP()                                                                          \
	PT__DEFINE(PT__KIND_WORKER_SETUP, NULL, "worker setup", pt__worker_setup, )
#define PT_WORKER_TEARDOWN()                                                                       \
	PT__DEFINE(PT__KIND_WORKER_TEARDOWN, NULL, "worker teardown", pt__worker_teardown, )
#define PT_SUITE_SETUP(suite)                                                                      \
	PT__DEFINE(PT__KIND_SUITE_SETUP, #suite, "suite setup", pt__suite_setup_##suite, )
#define PT_SUITE_TEARDOWN(suite)                                                                   \
	PT__DEFINE(PT__KIND_SUITE_TEARDOWN, #suite, "suite teardown", pt__suite_teardown_##suite, )
#define PT_SETUP(suite)	   PT__DEFINE(PT__KIND_SETUP, #suite, "setup", pt__setup_##suite, )
#define PT_TEARDOWN(suite) PT__DEFINE(PT__KIND_TEARDOWN, #suite, "teardown", pt__teardown_##suite, )

/* Where an assertion was written, and how. */
struct pt__site {
	const char *file;
	int line;
	const char *macro; /* "PT_ASSERT_INT" */
	const char *args;  /* the arguments as written */
	int fatal;	   /* ASSERT (1) or EXPECT (0) */
};

/* Each records a failure; a fatal one then leaves the test. */
void pt__fail_int(const struct pt__site *site, long long a, long long b);
void pt__fail_uint(const struct pt__site *site, unsigned long long a, unsigned long long b);
void pt__fail_dbl(const struct pt__site *site, double a, double b, double tol);
void pt__fail_str(const struct pt__site *site, const char *a, const char *b);
void pt__fail_mem(const struct pt__site *site, const void *a, const void *b, size_t len);
void pt__fail_ptr(const struct pt__site *site, const void *a, const void *b);
void pt__fail_null(const struct pt__site *site, const void *p);
void pt__fail_bool(const struct pt__site *site);
void pt__fail_msg(const struct pt__site *site, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pt__skip(const char *file, int line, const char *reason);
int pt__str_cmp(const char *a, const char *b);
int pt__mem_cmp(const void *a, const void *b, size_t len);

#define PT__SITE(fatal, macro, args)                                                               \
	static const struct pt__site pt__site = {__FILE__, __LINE__, macro, args, fatal}

#define PT__CMP(fatal, macro, type, fail, a, op, b, text)                                          \
	do {                                                                                       \
		type pt__a = (a);                                                                  \
		type pt__b = (b);                                                                  \
		if (!(pt__a op pt__b)) {                                                           \
			PT__SITE(fatal, macro, text);                                              \
			fail(&pt__site, pt__a, pt__b);                                             \
		}                                                                                  \
	} while (0)

#define PT__CMP_STR(fatal, macro, a, op, b, text)                                                  \
	do {                                                                                       \
		const char *pt__a = (a);                                                           \
		const char *pt__b = (b);                                                           \
		if (!(pt__str_cmp(pt__a, pt__b) op 0)) {                                           \
			PT__SITE(fatal, macro, text);                                              \
			pt__fail_str(&pt__site, pt__a, pt__b);                                     \
		}                                                                                  \
	} while (0)

#define PT__CMP_MEM(fatal, macro, a, b, len, text)                                                 \
	do {                                                                                       \
		const void *pt__a = (a);                                                           \
		const void *pt__b = (b);                                                           \
		size_t pt__len = (len);                                                            \
		if (pt__mem_cmp(pt__a, pt__b, pt__len) != 0) {                                     \
			PT__SITE(fatal, macro, text);                                              \
			pt__fail_mem(&pt__site, pt__a, pt__b, pt__len);                            \
		}                                                                                  \
	} while (0)

#define PT__NEAR(fatal, macro, a, b, tol, text)                                                    \
	do {                                                                                       \
		double pt__a = (a);                                                                \
		double pt__b = (b);                                                                \
		double pt__tol = (tol);                                                            \
		double pt__diff = pt__a > pt__b ? pt__a - pt__b : pt__b - pt__a;                   \
		if (!(pt__diff <= pt__tol)) {                                                      \
			PT__SITE(fatal, macro, text);                                              \
			pt__fail_dbl(&pt__site, pt__a, pt__b, pt__tol);                            \
		}                                                                                  \
	} while (0)

#define PT__BOOL(fatal, macro, cond, want, text)                                                   \
	do {                                                                                       \
		if (!(cond) != !(want)) {                                                          \
			PT__SITE(fatal, macro, text);                                              \
			pt__fail_bool(&pt__site);                                                  \
		}                                                                                  \
	} while (0)

#define PT__PTR_IS(fatal, macro, p, want_null, text)                                               \
	do {                                                                                       \
		const void *pt__p = (p);                                                           \
		if ((pt__p == NULL) != (want_null)) {                                              \
			PT__SITE(fatal, macro, text);                                              \
			pt__fail_null(&pt__site, pt__p);                                           \
		}                                                                                  \
	} while (0)

#define PT_ASSERT_INT(a, op, b)                                                                    \
	PT__CMP(1, "PT_ASSERT_INT", long long, pt__fail_int, a, op, b, #a ", " #op ", " #b)
#define PT_EXPECT_INT(a, op, b)                                                                    \
	PT__CMP(0, "PT_EXPECT_INT", long long, pt__fail_int, a, op, b, #a ", " #op ", " #b)
#define PT_ASSERT_UINT(a, op, b)                                                                   \
	PT__CMP(1, "PT_ASSERT_UINT", unsigned long long, pt__fail_uint, a, op, b,                  \
		#a ", " #op ", " #b)
#define PT_EXPECT_UINT(a, op, b)                                                                   \
	PT__CMP(0, "PT_EXPECT_UINT", unsigned long long, pt__fail_uint, a, op, b,                  \
		#a ", " #op ", " #b)
#define PT_ASSERT_SIZE(a, op, b)                                                                   \
	PT__CMP(1, "PT_ASSERT_SIZE", unsigned long long, pt__fail_uint, a, op, b,                  \
		#a ", " #op ", " #b)
#define PT_EXPECT_SIZE(a, op, b)                                                                   \
	PT__CMP(0, "PT_EXPECT_SIZE", unsigned long long, pt__fail_uint, a, op, b,                  \
		#a ", " #op ", " #b)
#define PT_ASSERT_PTR(a, op, b)                                                                    \
	PT__CMP(1, "PT_ASSERT_PTR", const void *, pt__fail_ptr, a, op, b, #a ", " #op ", " #b)
#define PT_EXPECT_PTR(a, op, b)                                                                    \
	PT__CMP(0, "PT_EXPECT_PTR", const void *, pt__fail_ptr, a, op, b, #a ", " #op ", " #b)
#define PT_ASSERT_DBL_NEAR(a, b, tol)                                                              \
	PT__NEAR(1, "PT_ASSERT_DBL_NEAR", a, b, tol, #a ", " #b ", " #tol)
#define PT_EXPECT_DBL_NEAR(a, b, tol)                                                              \
	PT__NEAR(0, "PT_EXPECT_DBL_NEAR", a, b, tol, #a ", " #b ", " #tol)
#define PT_ASSERT_STR(a, op, b)	 PT__CMP_STR(1, "PT_ASSERT_STR", a, op, b, #a ", " #op ", " #b)
#define PT_EXPECT_STR(a, op, b)	 PT__CMP_STR(0, "PT_EXPECT_STR", a, op, b, #a ", " #op ", " #b)
#define PT_ASSERT_MEM(a, b, len) PT__CMP_MEM(1, "PT_ASSERT_MEM", a, b, len, #a ", " #b ", " #len)
#define PT_EXPECT_MEM(a, b, len) PT__CMP_MEM(0, "PT_EXPECT_MEM", a, b, len, #a ", " #b ", " #len)
#define PT_ASSERT_NULL(p)	 PT__PTR_IS(1, "PT_ASSERT_NULL", p, 1, #p)
#define PT_EXPECT_NULL(p)	 PT__PTR_IS(0, "PT_EXPECT_NULL", p, 1, #p)
#define PT_ASSERT_NOT_NULL(p)	 PT__PTR_IS(1, "PT_ASSERT_NOT_NULL", p, 0, #p)
#define PT_EXPECT_NOT_NULL(p)	 PT__PTR_IS(0, "PT_EXPECT_NOT_NULL", p, 0, #p)
#define PT_ASSERT_TRUE(x)	 PT__BOOL(1, "PT_ASSERT_TRUE", x, 1, #x)
#define PT_EXPECT_TRUE(x)	 PT__BOOL(0, "PT_EXPECT_TRUE", x, 1, #x)
#define PT_ASSERT_FALSE(x)	 PT__BOOL(1, "PT_ASSERT_FALSE", x, 0, #x)
#define PT_EXPECT_FALSE(x)	 PT__BOOL(0, "PT_EXPECT_FALSE", x, 0, #x)

/* Fails the test with a printf-style message. */
#define PT_FAIL(...)                                                                               \
	do {                                                                                       \
		PT__SITE(1, "PT_FAIL", "");                                                        \
		pt__fail_msg(&pt__site, __VA_ARGS__);                                              \
	} while (0)

/* Ends the test as skipped. */
#define PT_SKIP(reason) pt__skip(__FILE__, __LINE__, reason)

/*
 * The entry point the library's main() calls. Call it yourself from your
 * own main() if you need one: it runs the tests, or serves as a worker when
 * the runner started the program, and returns the exit status.
 */
int pt_main(int argc, char **argv);

/* This process's worker number (1..N), or 0 outside a parallel run. */
int pt_worker(void);

/*
 * The URL of the running test's clone of the database --db gave alias
 * ("sqlite:/...", "postgresql://..."): with a NULL alias or "default", the
 * main one (DATABASE_URL); else PARTEST_DB_<ALIAS>_URL, the alias in capitals
 * with any other character than a letter or digit as '_'. NULL outside a
 * run with that database. Under --fresh-db test it names a clone no other
 * test touched, and changes from one test to the next: read it in the test
 * (or a per-test fixture), not once per suite or per process. The string
 * is the environment's: valid until the next test starts.
 */
const char *pt_database_url(const char *alias);

#ifdef __cplusplus
}
#endif

#endif
