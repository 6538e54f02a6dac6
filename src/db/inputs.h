/*
 * What --db-inputs names: the files (migrations, fixtures) whose bytes
 * decide a template's contents, folded into its fingerprint. A directory
 * stands for every file below it, in name order; anything that is neither
 * a regular file nor a directory (a FIFO, a device, a socket), which could
 * block or never end, is refused.
 */
#ifndef PT_DB_INPUTS_H
#define PT_DB_INPUTS_H

#include "../buf.h"

/*
 * Folds each input of inputs (NULL-terminated) into *hash with
 * pt__db_hash: its path, and for a file its bytes and size; a directory
 * recursively. Returns 0, or PT__EUSAGE with '--db-inputs "PATH": why' in
 * err (missing, unreadable, or not a file or directory).
 */
int pt__db_hash_inputs(const char *const *inputs, unsigned long long *hash, struct pt__buf *err);

#endif
