/*
 * partest's Python adapter (adapters/python/partest_adapter.py): where it
 * is, which Python runs it, and the command line that starts it for a
 * Django manage.py or a unittest script (see docs/django.md).
 */
#ifndef PT_PYTHON_ADAPTER_H
#define PT_PYTHON_ADAPTER_H

#include <stddef.h>

#include "buf.h"
#include "native.h"

/*
 * The argv that runs the adapter in mode ("django", "django-databases",
 * "django-migrate" or "unittest") for script, followed by args: Python
 * ($PARTEST_PYTHON, else python3 on the PATH), the adapter ($PARTEST_PYTHON_ADAPTER,
 * else beside partest's binary: ../share/partest/python when installed,
 * ../adapters/python in the build tree), mode, script, args. Sets *argv to
 * a NULL-terminated array of strings the caller frees with
 * pt__python_adapter_argv_free. Returns 0, or PT__EUSAGE with one line in
 * err naming script and what is missing.
 */
int pt__python_adapter_argv(const char *mode, const char *script, const char *const *args,
			    size_t nr_args, char ***argv, struct pt__buf *err);

/* The adapter mode that runs a program of this speech: "django" or "unittest". */
const char *pt__python_adapter_mode(enum pt__program_speech speech);

void pt__python_adapter_argv_free(char **argv);

#endif
