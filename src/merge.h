/*
 * partest merge: the reports of a run's shards (JUnit or event files, from
 * several CI machines) combined into the report of the whole run.
 */
#ifndef PT_MERGE_H
#define PT_MERGE_H

/*
 * partest merge [--junit OUT] [--events OUT] FILE...: argv[0] is "merge".
 * Reads every FILE, says on stderr each test found in two reports and each
 * shard missing by the partition the reports record, writes the outputs
 * (each to a temporary file renamed into place) and a summary on stdout.
 * Returns the exit status: 0 all merged tests passed and no shard is
 * missing or repeated, 1 otherwise, 2 for a usage error or a report that
 * cannot be read, 3 when an output cannot be written.
 */
int pt__merge_main(int argc, char **argv);

#endif
