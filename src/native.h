/*
 * Telling, without running it, whether a program speaks the worker protocol:
 * programs built with partest.h carry PT__NATIVE_MARKER in their image;
 * scripts that implement the protocol say so in a comment line near their
 * top (PT__SCRIPT_WORKER_MARKER), e.g. "# partest-worker-protocol: 1".
 * GoogleTest and Criterion binaries are told by what their images carry of
 * their framework; partest's adapter (src/adapter.c) speaks for them.
 */
#ifndef PT_NATIVE_H
#define PT_NATIVE_H

#define PT__NATIVE_MARKER "\177partest-native-program:protocol=1"
#define PT__SCRIPT_WORKER_MARKER "partest-worker-protocol: 1"

enum pt__program_speech {
	PT__SPEAKS_NOTHING,  /* an executable: one test, judged by exit status or TAP */
	PT__SPEAKS_PROTOCOL, /* a script worker: spawned, lists and runs its tests */
	PT__SPEAKS_NATIVE,   /* built with partest.h: also serves as a fork server */
	PT__SPEAKS_GTEST,    /* a GoogleTest binary: driven by the gtest adapter */
	PT__SPEAKS_CRITERION, /* a Criterion binary: driven by the criterion adapter */
};

/* What the file at path speaks. */
enum pt__program_speech pt__program_speech(const char *path);

#endif
