/*
 * Directories that name the process owning them (an "owner" file holding
 * its pid and start time), so that whoever comes next can tell a live run's
 * directory from one a killed run left and remove only the latter: run
 * directories, throwaway database servers. Each is also entered in a
 * registry of this user's (/tmp/.partest-owned-UID), so that it is found
 * wherever $TMPDIR pointed when it was made.
 */
#ifndef PT_OWNED_DIR_H
#define PT_OWNED_DIR_H

struct pt__buf;

/* Writes DIR/owner naming this process (never through a planted link) and
 * registers DIR, an absolute path. On failure err says 'cannot claim
 * "DIR": why'. */
int pt__owned_dir_claim(const char *dir, struct pt__buf *err);

/*
 * For every directory in parent, or in the registry, whose name starts with
 * prefix, whose owner file this user wrote (the directory itself may have
 * been given to a server's user) and whose owner is no longer running:
 * calls before_remove (when given) with its path and name, then removes it
 * and its registry entry. A directory without an owner file (one being
 * made) is left alone.
 */
void pt__owned_dirs_reap(const char *parent, const char *prefix,
			 void (*before_remove)(const char *path, const char *name, void *arg),
			 void *arg);

/* Removes path and everything below it, not following symlinks. Best effort. */
void pt__remove_tree(const char *path);

/* Removes the claimed directory dir (pt__remove_tree) and its registry entry. */
void pt__owned_dir_remove(const char *dir);

#endif
