#!/bin/sh
# What a user sees when Oracle is not as expected: no client library, a
# refused logon, a missing privilege, a failing Data Pump job, a missing
# template. Each is one line naming the ORA code (and the privilege to
# grant where known), exit 3, no password shown, nothing of the run left.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/oracle_lib.sh"

one_clean_line() { status_is 3 && err_is_one_line && no_password_shown && no_run_dirs_left; }
tests_for 2 >/dev/null

# No client library at all.
PARTEST_OCI_LIBRARY= LD_LIBRARY_PATH="$work/nowhere" run -j2 --db "$URL" "$work/t1.sh"
check "no libclntsh: exit 3, one line" one_clean_line
check "it says what to install" err_has 'install Oracle Instant Client Basic or Basic Light'
check "and how to point partest at it" err_has 'PARTEST_OCI_LIBRARY=/path/to/libclntsh.so'
check "and where it looked" err_has 'no libclntsh.so in $ORACLE_HOME/lib or the dynamic linker'"'"'s path'
PARTEST_OCI_LIBRARY="$work/missing/libclntsh.so" run -j2 --db "$URL" "$work/t1.sh"
check "a PARTEST_OCI_LIBRARY that is not there: exit 3, one line" one_clean_line
check "it names the file" err_has "$work/missing/libclntsh.so"
# ORACLE_HOME is looked in when PARTEST_OCI_LIBRARY is not set.
mkdir -p "$work/home/lib" && cp "$STANDIN" "$work/home/lib/libclntsh.so"
answers "$TEMPLATE_EXISTS"
PARTEST_OCI_LIBRARY= ORACLE_HOME="$work/home" run -j2 --db "$URL" "$work/t1.sh" "$work/t2.sh"
check "ORACLE_HOME/lib/libclntsh.so is found" status_is 0

# A refused logon.
answers 'LOGON => ORA-01017: invalid username/password; logon denied'
run -j2 --db "$URL" "$work/t1.sh"
check "wrong password: exit 3, one line" one_clean_line
check "it names the ORA code" err_has 'cannot connect to Oracle for --db default ("oracle://admin:***@db.example:1521/ORCLPDB1/app"): ORA-01017: invalid username/password; logon denied'

# A missing privilege: named, with what to grant.
answers "$TEMPLATE_EXISTS" 'CREATE USER => ORA-01031: insufficient privileges'
run -j2 --db "$URL" "$work/t1.sh" "$work/t2.sh"
check "no CREATE USER: exit 3, one line" one_clean_line
check "it names the ORA code and the privilege" \
	err_has ': create the user: ORA-01031: insufficient privileges (grant partest'"'"'s user CREATE USER)'
check "the loopback link is dropped again" logged 'DROP DATABASE LINK'
check "no user is dropped (none was made)" never_logged 'DROP USER'

answers "$TEMPLATE_EXISTS" 'FROM DBA_SYS_PRIVS => ORA-00942: table or view does not exist'
run -j2 --db "$URL" "$work/t1.sh" "$work/t2.sh"
check "no catalog access: exit 3, one line" one_clean_line
check "it says to grant SELECT_CATALOG_ROLE" err_has 'ORA-00942: table or view does not exist (grant partest'"'"'s user SELECT_CATALOG_ROLE'
check "the clones made are dropped" logged_times 2 'DROP USER "APP_PT'

# A Data Pump job that fails: its error lines are reported.
answers "$TEMPLATE_EXISTS" \
	"DBMS_DATAPUMP => ORA-20100: Data Pump job PT_JOB_1: ORA-39083: Object type TABLE failed to create with error: ORA-01950: no privileges on tablespace 'USERS'"
run -j2 --db "$URL" "$work/t1.sh" "$work/t2.sh"
check "a failing import: exit 3, one line" one_clean_line
check "the job's errors are in it" err_has 'import the template with Data Pump: ORA-20100: Data Pump job PT_JOB_1: ORA-39083'
check "both clones are dropped" logged_times 2 'DROP USER "APP_PT'

# No datapump privileges.
answers "$TEMPLATE_EXISTS" 'DBMS_DATAPUMP => ORA-31626: job does not exist'
run -j1 --db "$URL" "$work/t1.sh"
check "no Data Pump role: it says which to grant" err_has 'DATAPUMP_EXP_FULL_DATABASE and DATAPUMP_IMP_FULL_DATABASE'

# The template is missing.
answers
run -j2 --db "$URL" "$work/t1.sh"
check "no template: exit 3, one line" one_clean_line
check "it names the template" err_has 'the template "oracle://APP:***@db.example:1521/ORCLPDB1" (--db default) does not exist'

# The pdb strategy without CREATE PLUGGABLE DATABASE.
answers "NAME = 'TPL' => rows TPL" 'CREATE PLUGGABLE => ORA-01031: insufficient privileges'
run -j1 --db 'oracle://c##admin:s3cret-pw@db:1521/CDB1/app?partest_strategy=pdb&partest_pdb=tpl' "$work/t1.sh"
check "pdb without the privilege: exit 3, one line" one_clean_line
check "it says to connect to the root as a common user" err_has 'CDB$ROOT as a common user granted CREATE PLUGGABLE DATABASE'

# Usage errors: exit 2.
run -j1 --db "$URL?partest_strategy=setup" "$work/t1.sh"
check "setup strategy without --db-setup: exit 2" status_is 2
check "it says to give --db-setup" err_has 'give --db-setup'
run -j1 --db "$URL?partest_strategy=clone" "$work/t1.sh"
check "an unknown strategy: exit 2, one line" eval 'status_is 2 && err_is_one_line && no_password_shown'
done_testing
