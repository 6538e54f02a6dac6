/*
 * partest's state directory (.partest, or --state-dir), kept between runs:
 * test durations, template records, SQLite ownership records. Whatever is
 * made there never follows a symbolic link planted in its place, even as
 * root: files are written to a fresh temporary file (O_EXCL) beside them
 * and renamed over, directories must be directories, reads use
 * O_NOFOLLOW. The directory carries a .gitignore holding "*", so that it
 * never ends up in a commit.
 */
#ifndef PT_STATE_DIR_H
#define PT_STATE_DIR_H

#include <stddef.h>

#include "buf.h"

/*
 * Makes dir and its missing parents, unless dir is a directory already
 * (or a symbolic link to one, which only its user can have made), and gives it its .gitignore unless it
 * has one. Returns 0, or PT__ERUN with 'cannot use the state directory
 * "DIR": why' in err.
 */
int pt__state_dir_prepare(const char *dir, struct pt__buf *err);

/*
 * mkdir -p path, each directory it makes or finds a directory, not a
 * symbolic link. On failure says 'cannot create directory "DIR": why'.
 */
int pt__make_dirs_nofollow(const char *path, struct pt__buf *err);

/*
 * Replaces path's contents with len bytes of data: a new temporary file
 * beside it (O_EXCL, so never a planted link), written, synced and renamed
 * over path, so readers see the old or the new file, never a part, and a
 * symbolic link at path is replaced, not followed. On failure path is
 * unchanged, nothing is left and err says 'cannot write "PATH": why'.
 */
int pt__write_file_atomic(const char *path, const char *data, size_t len, struct pt__buf *err);

/* Opens path for reading without following a symbolic link at its end. */
int pt__open_nofollow(const char *path);

#endif
