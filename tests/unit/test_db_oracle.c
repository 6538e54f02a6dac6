/*
 * The Oracle backend's pieces that need no server: URLs, names, where the
 * client library is looked for, the privilege named on a failure, and the
 * text of every statement and PL/SQL block each strategy sends.
 */
#include <partest.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db/oracle.h"

static struct pt__ora_url url;
static struct pt__buf err, out;

PT_SETUP(ora)
{
	memset(&url, 0, sizeof(url));
	memset(&err, 0, sizeof(err));
	memset(&out, 0, sizeof(out));
}

PT_TEARDOWN(ora)
{
	pt__ora_url_release(&url);
	pt__buf_release(&err);
	pt__buf_release(&out);
}

static bool has(const char *needle)
{
	return strstr(pt__buf_str(&out), needle) != NULL;
}

/* Where needle first occurs in out, or -1. */
static long at(const char *needle)
{
	const char *hit = strstr(pt__buf_str(&out), needle);

	return hit ? hit - pt__buf_str(&out) : -1;
}

PT_TEST(ora, url_names_user_service_and_template_schema)
{
	PT_ASSERT_INT(pt__ora_url_parse("oracle://admin:s%40cret@db.example:1522/orclpdb1.example/"
					"app?partest_strategy=datapump&partest_tablespace=data"
					"&partest_remap_tablespace=users:data&partest_wait=3",
					&url, &err),
		      ==, 0);
	PT_EXPECT_STR(url.user, ==, "ADMIN");
	PT_EXPECT_STR(url.password, ==, "s@cret");
	PT_EXPECT_STR(url.host, ==, "db.example");
	PT_EXPECT_INT(url.port, ==, 1522);
	PT_EXPECT_STR(url.service, ==, "orclpdb1.example");
	PT_EXPECT_STR(url.schema, ==, "APP");
	PT_EXPECT_STR(url.tablespace, ==, "DATA");
	PT_EXPECT_STR(url.remap_from, ==, "USERS");
	PT_EXPECT_STR(url.remap_to, ==, "DATA");
	PT_EXPECT_INT(url.strategy, ==, PT__ORA_STRATEGY_DATAPUMP);
	PT_EXPECT_INT(url.wait_seconds, ==, 3);
}

PT_TEST(ora, url_defaults)
{
	PT_ASSERT_INT(pt__ora_url_parse("oracle://scott:tiger@db/ORCL", &url, &err), ==, 0);
	PT_EXPECT_INT(url.port, ==, 1521);
	PT_EXPECT_STR(url.schema, ==, "SCOTT");
	PT_EXPECT_STR(url.tablespace, ==, "USERS");
	PT_EXPECT_INT(url.strategy, ==, PT__ORA_STRATEGY_DATAPUMP);
	PT_EXPECT_NULL(url.remap_from);
	PT_EXPECT_FALSE(url.snapshot);
	pt__ora_connect_string(&url, url.service, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "db:1521/ORCL");
}

PT_TEST(ora, url_pdb_strategy_names_the_template_pdb)
{
	PT_ASSERT_INT(pt__ora_url_parse("oracle://c##admin:pw@[::1]:1521/CDB1/app?partest_strategy="
					"pdb&partest_pdb=tpl_pdb&partest_snapshot=1",
					&url, &err),
		      ==, 0);
	PT_EXPECT_STR(url.user, ==, "C##ADMIN");
	PT_EXPECT_STR(url.host, ==, "[::1]");
	PT_EXPECT_STR(url.pdb, ==, "TPL_PDB");
	PT_EXPECT_TRUE(url.snapshot);
}

PT_TEST(ora, bad_urls_are_one_line_without_the_password)
{
	static const char *const bad[][2] = {
		{"oracle://db:1521/ORCL", "name the user"},
		{"oracle://u:s3cret@db:1521/", "name the service"},
		{"oracle://u:s3cret@db:99999/ORCL", "port"},
		{"oracle://u:s3cret@db/ORCL?partest_strategy=expdp", "datapump, setup or pdb"},
		{"oracle://u:s3cret@db/ORCL?sslmode=on", "unknown URL parameter"},
		{"oracle://u:s3cret@db/ORCL/a%22b", "plain Oracle name"},
		{"oracle://u:s3cret@db/ORCL/1abc", "plain Oracle name"},
		{"oracle://u:s3\"cret@db/ORCL", "may not hold"},
		{"oracle://u:s3cret@db/ORCL?partest_strategy=pdb", "partest_pdb=NAME"},
		{"oracle://u:s3cret@db/ORCL?partest_snapshot=1", "need partest_strategy=pdb"},
		{"oracle://u:s3cret@db/ORCL?partest_remap_tablespace=users", "FROM:TO"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pt__buf_reset(&err);
		PT_EXPECT_INT(pt__ora_url_parse(bad[i][0], &url, &err), ==, PT__EUSAGE);
		PT_EXPECT_TRUE(strstr(pt__buf_str(&err), bad[i][1]) != NULL);
		PT_EXPECT_TRUE(strstr(pt__buf_str(&err), "s3cret") == NULL);
		PT_EXPECT_TRUE(strchr(pt__buf_str(&err), '\n') == NULL);
	}
}

PT_TEST(ora, worker_url_is_encoded)
{
	PT_ASSERT_INT(pt__ora_url_parse("oracle://a:b@h:1521/S", &url, &err), ==, 0);
	pt__ora_url_format(&url, "APP_PT1_X_1", "p@ss/w", "S.example", &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "oracle://APP_PT1_X_1:p%40ss%2Fw@h:1521/S.example");
}

PT_TEST(ora, name_limit_follows_the_server_release)
{
	PT_EXPECT_INT(pt__ora_name_limit("Oracle Database 19c Enterprise Edition Release "
					 "19.0.0.0.0 - Production"),
		      ==, 128);
	PT_EXPECT_INT(pt__ora_name_limit("Oracle Database 12c Release 12.2.0.1.0"), ==, 128);
	PT_EXPECT_INT(pt__ora_name_limit("Oracle Database 12c Release 12.1.0.2.0"), ==, 30);
	PT_EXPECT_INT(pt__ora_name_limit("Oracle Database 11g Release 11.2.0.4.0"), ==, 30);
	PT_EXPECT_INT(pt__ora_name_limit("something else"), ==, 30);
	PT_EXPECT_INT(pt__ora_name_limit(NULL), ==, 30);
}

PT_TEST(ora, clone_names_fit_the_limit_and_differ_per_worker)
{
	char long_name[129];

	pt__ora_clone_name("APP", "partest-4242-Xa9Qe1", 3, 128, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "APP_PT4242_XA9QE1_3");
	memset(long_name, 'T', 128);
	long_name[128] = '\0';
	for (int limit = 30; limit <= 128; limit += 98) {
		for (int k = 1; k <= 12; k += 11) {
			pt__buf_reset(&out);
			pt__ora_clone_name(long_name, "partest-4242-Xa9Qe1", k, limit, &out);
			PT_EXPECT_SIZE(out.len, <=, (size_t)limit);
			PT_EXPECT_TRUE(has(k == 1 ? "XA9QE1_1" : "XA9QE1_12"));
			PT_EXPECT_INT(out.data[0], ==, 'T');
		}
	}
	/* A run id too long for 30 bytes keeps its random end. */
	pt__buf_reset(&out);
	pt__ora_clone_name("APP", "partest-4194304-Xa9Qe1AbCdEfGh", 7, 30, &out);
	PT_EXPECT_SIZE(out.len, <=, 30);
	PT_EXPECT_TRUE(has("ABCDEFGH_7"));
}

PT_TEST(ora, object_names_fit_thirty_bytes)
{
	pt__ora_object_name("JOB", "partest-4242-Xa9Qe1", 2, 30, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "PT_JOB_4242_XA9QE1_2");
	pt__buf_reset(&out);
	pt__ora_object_name("LINK", "partest-4194304-Xa9Qe1AbCdEfGhIjKl", 0, 30, &out);
	PT_EXPECT_SIZE(out.len, <=, 30);
	PT_EXPECT_TRUE(has("IJKL"));
}

PT_TEST(ora, random_passwords_are_strong_and_fresh)
{
	struct pt__buf other = PT__BUF_INIT;

	pt__ora_random_password(&out);
	pt__ora_random_password(&other);
	PT_EXPECT_SIZE(out.len, ==, 24);
	PT_EXPECT_TRUE(isalpha((unsigned char)out.data[0]));
	for (size_t i = 0; i < out.len; i++)
		PT_EXPECT_TRUE(isalnum((unsigned char)out.data[i]));
	PT_EXPECT_STR(pt__buf_str(&out), !=, pt__buf_str(&other));
	pt__buf_release(&other);
}

PT_TEST(ora, literals_double_their_quotes)
{
	pt__ora_literal("it's", &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "'it''s'");
}

PT_TEST(ora, failures_name_the_privilege_to_grant)
{
	PT_EXPECT_STR(pt__ora_privilege_hint(PT__ORA_OP_CREATE_USER, 1031), ==,
		      "grant partest's user CREATE USER");
	PT_EXPECT_TRUE(strstr(pt__ora_privilege_hint(PT__ORA_OP_DATAPUMP, 1031),
			      "DATAPUMP_IMP_FULL_DATABASE") != NULL);
	PT_EXPECT_TRUE(strstr(pt__ora_privilege_hint(PT__ORA_OP_LINK, 1031),
			      "CREATE DATABASE LINK") != NULL);
	PT_EXPECT_TRUE(strstr(pt__ora_privilege_hint(PT__ORA_OP_GRANT, 942),
			      "SELECT_CATALOG_ROLE") != NULL);
	PT_EXPECT_TRUE(strstr(pt__ora_privilege_hint(PT__ORA_OP_CREATE_PDB, 1031),
			      "CREATE PLUGGABLE DATABASE") != NULL);
	PT_EXPECT_TRUE(strstr(pt__ora_privilege_hint(PT__ORA_OP_DROP_USER, 1031), "ALTER SYSTEM") !=
		       NULL);
	PT_EXPECT_TRUE(strstr(pt__ora_privilege_hint(PT__ORA_OP_CONNECT, 1045), "CREATE SESSION") !=
		       NULL);
	PT_EXPECT_NULL(pt__ora_privilege_hint(PT__ORA_OP_CONNECT, 1017));
	PT_EXPECT_NULL(pt__ora_privilege_hint(PT__ORA_OP_CREATE_USER, 1920));
}

PT_TEST(ora, a_clone_user_is_created_and_registered_in_one_block)
{
	pt__ora_sql_create_user("APP_PT1_X_1", "Ab1secret", "USERS", "user",
				"partest clone v1 run=r host=h pid=1 start=2", &out);
	PT_EXPECT_STR(
		pt__buf_str(&out), ==,
		"BEGIN EXECUTE IMMEDIATE 'CREATE USER \"APP_PT1_X_1\" IDENTIFIED BY "
		"\"Ab1secret\" DEFAULT TABLESPACE \"USERS\" QUOTA UNLIMITED ON \"USERS\"'; "
		"INSERT INTO PARTEST_REGISTRY (NAME, KIND, OBJ_ID, MARKER) SELECT USERNAME, "
		"'user', USER_ID, 'partest clone v1 run=r host=h pid=1 start=2' FROM ALL_USERS "
		"WHERE USERNAME = 'APP_PT1_X_1'; COMMIT; END;");
}

PT_TEST(ora, registry_is_created_once)
{
	pt__ora_sql_create_registry(&out);
	PT_EXPECT_TRUE(has("CREATE TABLE PARTEST_REGISTRY (NAME VARCHAR2(128)"));
	PT_EXPECT_TRUE(has("IF SQLCODE != -955 THEN RAISE"));
}

PT_TEST(ora, ownership_is_the_registry_row_and_the_same_user_id)
{
	pt__ora_sql_registry_marker("APP", "template", &out);
	PT_EXPECT_STR(
		pt__buf_str(&out), ==,
		"SELECT r.MARKER FROM PARTEST_REGISTRY r JOIN ALL_USERS u ON u.USERNAME = "
		"r.NAME AND u.USER_ID = r.OBJ_ID WHERE r.KIND = 'template' AND r.NAME = 'APP'");
}

PT_TEST(ora, the_template_grants_are_copied)
{
	pt__ora_sql_copy_grants("APP", "APP_PT1_X_1", &out);
	PT_EXPECT_TRUE(has("FROM DBA_SYS_PRIVS WHERE GRANTEE = 'APP'"));
	PT_EXPECT_TRUE(has("FROM DBA_ROLE_PRIVS WHERE GRANTEE = 'APP'"));
	PT_EXPECT_TRUE(has("FROM DBA_TAB_PRIVS WHERE GRANTEE = 'APP' AND OWNER <> 'APP'"));
	PT_EXPECT_TRUE(has("' TO \"APP_PT1_X_1\"'"));
	PT_EXPECT_TRUE(has("END;"));
}

PT_TEST(ora, the_loopback_link_is_registered)
{
	PT_ASSERT_INT(pt__ora_url_parse("oracle://admin:it's@db:1521/ORCL/app", &url, &err), ==, 0);
	pt__ora_sql_create_link("PT_LINK_1_X", &url, "partest clone v1 m", &out);
	PT_EXPECT_TRUE(
		has("'CREATE DATABASE LINK \"PT_LINK_1_X\" CONNECT TO \"ADMIN\" IDENTIFIED BY "
		    "\"it''s\" USING ''db:1521/ORCL'''"));
	PT_EXPECT_TRUE(has("VALUES ('PT_LINK_1_X', 'link', 0, 'partest clone v1 m')"));
	pt__buf_reset(&out);
	pt__ora_sql_drop_link("PT_LINK_1_X", &out);
	PT_EXPECT_TRUE(has("DROP DATABASE LINK \"PT_LINK_1_X\""));
	PT_EXPECT_TRUE(has("-2024"));
}

PT_TEST(ora, datapump_imports_the_schema_over_the_link_and_raises_its_errors)
{
	pt__ora_sql_datapump("APP", "APP_PT1_X_1", "PT_LINK_1_X", "PT_JOB_1_X_1", NULL, NULL, &out);
	PT_EXPECT_TRUE(has("DBMS_DATAPUMP.OPEN(operation => 'IMPORT', job_mode => 'SCHEMA', "
			   "remote_link => 'PT_LINK_1_X', job_name => 'PT_JOB_1_X_1')"));
	PT_EXPECT_TRUE(has("METADATA_FILTER(h, 'SCHEMA_EXPR', 'IN (''APP'')')"));
	PT_EXPECT_TRUE(has("METADATA_REMAP(h, 'REMAP_SCHEMA', 'APP', 'APP_PT1_X_1')"));
	PT_EXPECT_FALSE(has("REMAP_TABLESPACE"));
	PT_EXPECT_TRUE(has("KU$_STATUS_JOB_ERROR"));
	PT_EXPECT_TRUE(has("DBMS_DATAPUMP.DETACH(h)"));
	PT_EXPECT_TRUE(has("RAISE_APPLICATION_ERROR(-20100, 'Data Pump job ' || 'PT_JOB_1_X_1'"));
	PT_EXPECT_INT(at("START_JOB"), >, at("REMAP_SCHEMA"));
	pt__buf_reset(&out);
	pt__ora_sql_datapump("APP", "C", "L", "J", "USERS", "DATA", &out);
	PT_EXPECT_TRUE(has("METADATA_REMAP(h, 'REMAP_TABLESPACE', 'USERS', 'DATA')"));
}

PT_TEST(ora, a_clone_user_is_dropped_only_when_proven_ours_after_its_sessions_end)
{
	pt__ora_sql_drop_user("APP_PT1_X_1", "user", "partest clone v1 m", &out);
	PT_EXPECT_TRUE(has("WHERE r.KIND = 'user' AND r.NAME = 'APP_PT1_X_1' AND r.MARKER = "
			   "'partest clone v1 m'"));
	PT_EXPECT_TRUE(has("IF n = 0 THEN RAISE_APPLICATION_ERROR(-20101"));
	PT_EXPECT_TRUE(has("ALTER USER \"APP_PT1_X_1\" ACCOUNT LOCK"));
	PT_EXPECT_TRUE(has("ALTER SYSTEM KILL SESSION"));
	PT_EXPECT_TRUE(has("DROP USER \"APP_PT1_X_1\" CASCADE"));
	PT_EXPECT_INT(at("IF n = 0"), <, at("ACCOUNT LOCK"));
	PT_EXPECT_INT(at("ACCOUNT LOCK"), <, at("KILL SESSION"));
	PT_EXPECT_INT(at("KILL SESSION"), <, at("DROP USER"));
	PT_EXPECT_INT(at("DROP USER"), <, at("DELETE FROM PARTEST_REGISTRY"));
}

PT_TEST(ora, pdb_clones_are_created_opened_closed_and_dropped)
{
	pt__ora_sql_create_pdb("TPL_PT1_X_1", "TPL", false, "m", &out);
	PT_EXPECT_TRUE(has("'CREATE PLUGGABLE DATABASE \"TPL_PT1_X_1\" FROM \"TPL\"'"));
	PT_EXPECT_TRUE(has("SELECT NAME, 'pdb', CON_UID, 'm' FROM V$PDBS"));
	PT_EXPECT_TRUE(has("ALTER PLUGGABLE DATABASE \"TPL_PT1_X_1\" OPEN"));
	pt__buf_reset(&out);
	pt__ora_sql_create_pdb("C", "TPL", true, "m", &out);
	PT_EXPECT_TRUE(has("FROM \"TPL\" SNAPSHOT COPY'"));
	pt__buf_reset(&out);
	pt__ora_sql_drop_pdb("C", "m", &out);
	PT_EXPECT_TRUE(has("JOIN V$PDBS p ON p.NAME = r.NAME AND p.CON_UID = r.OBJ_ID"));
	PT_EXPECT_INT(at("IF n = 0"), <, at("CLOSE IMMEDIATE"));
	PT_EXPECT_INT(at("CLOSE IMMEDIATE"), <,
		      at("DROP PLUGGABLE DATABASE \"C\" INCLUDING DATAFILES"));
}

PT_TEST(ora, leftovers_are_clone_markers_only)
{
	pt__ora_sql_leftovers(&out);
	PT_EXPECT_STR(pt__buf_str(&out), ==,
		      "SELECT NAME, KIND, MARKER FROM PARTEST_REGISTRY WHERE MARKER LIKE "
		      "'partest clone v1 %' ORDER BY NAME");
}

PT_TEST(ora, library_is_looked_for_in_the_documented_order)
{
	char *found[3] = {NULL, NULL, NULL};

	PT_ASSERT_INT(pt__ora_library_candidates(NULL, "/opt/oracle", found), ==, 2);
	PT_EXPECT_STR(found[0], ==, "/opt/oracle/lib/libclntsh.so");
	PT_EXPECT_STR(found[1], ==, "libclntsh.so");
	free(found[0]);
	free(found[1]);
	PT_ASSERT_INT(pt__ora_library_candidates("/x/libclntsh.so.19.1", "/opt/oracle", found), ==,
		      1);
	PT_EXPECT_STR(found[0], ==, "/x/libclntsh.so.19.1");
	free(found[0]);
	PT_ASSERT_INT(pt__ora_library_candidates("", NULL, found), ==, 1);
	PT_EXPECT_STR(found[0], ==, "libclntsh.so");
	free(found[0]);
}
