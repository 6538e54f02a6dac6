/*
 * Telling a program built with partest.h from any other executable, without
 * running it: such programs carry PT__NATIVE_MARKER in their image.
 */
#ifndef PT_NATIVE_H
#define PT_NATIVE_H

#include <stdbool.h>

#define PT__NATIVE_MARKER "\177partest-native-program:protocol=1"

/* True if the file at path carries the marker. */
bool pt__is_native_program(const char *path);

#endif
