#!/bin/sh
# Oracle, against the stand-in client library: each strategy makes one
# clone per worker, at once, hands each worker its own schema's (or PDB's)
# URL, and drops what it made at the end, proving it is partest's first.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/oracle_lib.sh"
never_in() { ! grep -qF -- "$2" "$1"; }

# datapump (the default): a user per clone, the template's grants, a Data
# Pump import over a loopback link made and dropped for the run.
answers "$TEMPLATE_EXISTS"
run -j3 --db "$URL" $(tests_for 3)
check "datapump: the run passes" status_is 0
check "it connects as the URL's user to the URL's service" logged 'LOGON ADMIN@db.example:1521/ORCLPDB1'
check "it makes partest's registry when missing" logged_once 'CREATE TABLE PARTEST_REGISTRY'
check "three clone users, registered with a clone marker" \
	logged_times 3 "INSERT INTO PARTEST_REGISTRY (NAME, KIND, OBJ_ID, MARKER) SELECT USERNAME, 'user', USER_ID, 'partest clone v1 run=partest-"
check "with the template's grants" logged_times 3 "FROM DBA_SYS_PRIVS WHERE GRANTEE = 'APP'"
check "one loopback link for the run" logged_once 'CREATE DATABASE LINK "PT_LINK_'
check "three imports over it with REMAP_SCHEMA" logged_times 3 "remote_link => 'PT_LINK_"
check "with three different job names" \
	[ "$(grep -o "job_name => '[A-Z0-9_]*'" "$OCI_STANDIN_LOG" | sort -u | wc -l)" = 3 ]
check "the link is dropped after the imports" before "DBMS_DATAPUMP.START_JOB" 'DROP DATABASE LINK "PT_LINK_'
check "each clone connects on its own connection" logged_times 4 'LOGON ADMIN@'
check "each worker got its own schema's URL" one_url_per_worker
check "of the form oracle://CLONE:PASSWORD@HOST:PORT/SERVICE" \
	grep -qE '^[0-9]+ oracle://APP_PT[0-9]+_[A-Z0-9]+_[0-9]+:[A-Za-z0-9]{24}@db.example:1521/ORCLPDB1$' "$work/urls"
check "not the admin's password" never_in "$work/urls" s3cret-pw
check "three users dropped at the end" logged_times 3 'DROP USER "APP_PT'
check "each after its sessions are ended" logged_like 'ALTER SYSTEM KILL SESSION.*DROP USER "APP_PT[^"]*" CASCADE'
check "each only with this run's marker" logged_times 3 "AND r.MARKER = 'partest clone v1 run="
check "the template is never dropped" never_logged 'DROP USER "APP"'
check "no password in partest's output" no_password_shown

# ?partest_remap_tablespace= adds REMAP_TABLESPACE to the import.
answers "$TEMPLATE_EXISTS"
run -j1 --db "$URL?partest_remap_tablespace=users:test_data&partest_tablespace=test_data" \
	$(tests_for 1)
check "remap: the run passes" status_is 0
check "the import remaps the tablespace" logged_once "'REMAP_TABLESPACE', 'USERS', 'TEST_DATA'"
check "the clone's tablespace is the one asked for" logged_once 'DEFAULT TABLESPACE "TEST_DATA" QUOTA UNLIMITED ON "TEST_DATA"'

# setup: empty schemas, and --db-setup run once against each clone.
answers
cat >"$work/migrate" <<'SCRIPT'
#!/bin/sh
echo "$DATABASE_URL" >>"$work/setups"
SCRIPT
chmod +x "$work/migrate"
rm -f "$work/setups"
run -j2 --db "$URL?partest_strategy=setup" --db-setup "$work/migrate" $(tests_for 2)
check "setup: the run passes" status_is 0
check "the set-up ran once per clone" [ "$(sort -u "$work/setups" | wc -l)" = 2 ]
check "each time with a clone's URL" [ "$(grep -c '^oracle://APP_PT' "$work/setups")" = 2 ]
check "the workers got those same URLs" \
	[ "$(cut -d' ' -f2 "$work/urls" | sort -u)" = "$(sort -u "$work/setups")" ]
check "no template is looked for or built" never_logged "USERNAME = 'APP'"
check "no import" never_logged DBMS_DATAPUMP
check "the clones get the default grants" logged_times 2 'GRANT CREATE SESSION, CREATE TABLE'
check "and are dropped" logged_times 2 'DROP USER "APP_PT'

# datapump with --db-setup: partest builds the template schema itself.
# (The stand-in has no state: the template is missing at first, there
# after the set-up, and its registry row says this run made it.)
answers "once SELECT USERNAME FROM ALL_USERS WHERE USERNAME = 'APP' => ok" "$TEMPLATE_EXISTS" \
	"WHERE r.KIND = 'template' AND r.NAME = 'APP' => rows partest template v1 run=@RUN@ host=y pid=1 start=0"
rm -f "$work/setups"
run -j2 --db "$URL" --db-setup "$work/migrate" $(tests_for 2)
check "built template: the run passes" status_is 0
check "the template user is created and registered as a template" \
	logged_once "SELECT USERNAME, 'template', USER_ID"
check "the set-up ran once, against the template" \
	[ "$(cat "$work/setups")" = 'oracle://APP:s3cret-pw@db.example:1521/ORCLPDB1' ]
check "the template is dropped at the end (proven partest's)" \
	logged_once "WHERE r.KIND = 'template' AND r.NAME = 'APP'; IF n = 0"

# pdb: CREATE PLUGGABLE DATABASE ... FROM the template PDB, opened, then
# closed and dropped; workers connect to their PDB's service.
answers "SELECT NAME FROM V\$PDBS WHERE NAME = 'TPL' => rows TPL"
run -j2 --db 'oracle://c##admin:s3cret-pw@db.example:1521/CDB1/app?partest_strategy=pdb&partest_pdb=tpl&partest_snapshot=1' \
	$(tests_for 2)
check "pdb: the run passes" status_is 0
check "two PDBs, snapshot copies of the template" logged_times 2 "FROM \"TPL\" SNAPSHOT COPY'"
check "each opened" logged_times 2 'OPEN'"'"'; END;'
check "workers connect to their PDB as the schema" \
	grep -qE '^[0-9]+ oracle://APP:s3cret-pw@db.example:1521/TPL_PT[0-9]+_[A-Z0-9]+_[0-9]$' "$work/urls"
check "each worker its own PDB" one_url_per_worker
check "closed before dropped" logged_like 'CLOSE IMMEDIATE.*DROP PLUGGABLE DATABASE "TPL_PT'
check "both dropped" logged_times 2 'DROP PLUGGABLE DATABASE "TPL_PT'
check "the template PDB never" never_logged 'DROP PLUGGABLE DATABASE "TPL"'
check "no user is made" never_logged 'CREATE USER'
done_testing
