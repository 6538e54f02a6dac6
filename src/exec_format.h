/*
 * Whether a file is something the kernel can execute, checked before the
 * run starts, so that a program that cannot run stops the run with one line
 * (exit status 2) instead of failing as a test later: an empty file, a #!
 * script whose interpreter cannot run, an ELF image for another machine or
 * cut short, or (on ELF systems) anything else.
 */
#ifndef PT_EXEC_FORMAT_H
#define PT_EXEC_FORMAT_H

struct pt__buf;

/*
 * Checks the executable file at path. Returns 0, or PT__EUSAGE with the
 * reason in err ("it is empty", "it is an ELF image cut short"), without
 * the program's name: the caller says what it was doing.
 */
int pt__exec_format_check(const char *path, struct pt__buf *err);

#endif
