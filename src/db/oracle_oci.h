/*
 * The few OCI (Oracle Call Interface) types, constants and entry points the
 * Oracle backend uses, declared here so that building partest needs no
 * Oracle files: the backend loads libclntsh with dlopen() and looks each
 * entry point up with dlsym(). The types and values follow the documented
 * OCI ABI (oci.h, ociap.h, ocidfn.h of Instant Client 11.2 to 23); handles
 * are opaque, so plain incomplete structs are enough.
 */
#ifndef PT_DB_ORACLE_OCI_H
#define PT_DB_ORACLE_OCI_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t sword;
typedef int32_t sb4;
typedef uint32_t ub4;
typedef uint16_t ub2;
typedef uint8_t ub1;
typedef unsigned char OraText;

typedef struct OCIEnv OCIEnv;
typedef struct OCIError OCIError;
typedef struct OCISvcCtx OCISvcCtx;
typedef struct OCIStmt OCIStmt;
typedef struct OCIDefine OCIDefine;
typedef struct OCISnapshot OCISnapshot;

/* Return codes. */
#define OCI_SUCCESS	      0
#define OCI_SUCCESS_WITH_INFO 1
#define OCI_NO_DATA	      100
#define OCI_ERROR	      (-1)
#define OCI_INVALID_HANDLE    (-2)

/* Modes. */
#define OCI_DEFAULT	      0x00
#define OCI_THREADED	      0x01
#define OCI_COMMIT_ON_SUCCESS 0x20

/* Handle types. */
#define OCI_HTYPE_ENV	 1
#define OCI_HTYPE_ERROR	 2
#define OCI_HTYPE_SVCCTX 3
#define OCI_HTYPE_STMT	 4

#define OCI_NTV_SYNTAX 1 /* statement language: the server's own */
#define OCI_FETCH_NEXT 2
#define SQLT_STR       5 /* NUL-terminated string (define type) */
#define OCI_AL32UTF8   873

/* The entry points, as pointer types for dlsym(). */
typedef sword (*pt__oci_env_nls_create_fn)(OCIEnv **envp, ub4 mode, void *ctxp,
					   void *(*malocfp)(void *, size_t),
					   void *(*ralocfp)(void *, void *, size_t),
					   void (*mfreefp)(void *, void *), size_t xtramem_sz,
					   void **usrmempp, ub2 charset, ub2 ncharset);
typedef sword (*pt__oci_handle_alloc_fn)(const void *parenth, void **hndlpp, ub4 type,
					 size_t xtramem_sz, void **usrmempp);
typedef sword (*pt__oci_handle_free_fn)(void *hndlp, ub4 type);
typedef sword (*pt__oci_logon2_fn)(OCIEnv *envhp, OCIError *errhp, OCISvcCtx **svchp,
				   const OraText *username, ub4 uname_len, const OraText *password,
				   ub4 passwd_len, const OraText *dbname, ub4 dbname_len, ub4 mode);
typedef sword (*pt__oci_logoff_fn)(OCISvcCtx *svchp, OCIError *errhp);
typedef sword (*pt__oci_stmt_prepare2_fn)(OCISvcCtx *svchp, OCIStmt **stmtp, OCIError *errhp,
					  const OraText *stmt, ub4 stmt_len, const OraText *key,
					  ub4 keylen, ub4 language, ub4 mode);
typedef sword (*pt__oci_stmt_execute_fn)(OCISvcCtx *svchp, OCIStmt *stmtp, OCIError *errhp,
					 ub4 iters, ub4 rowoff, const OCISnapshot *snap_in,
					 OCISnapshot *snap_out, ub4 mode);
typedef sword (*pt__oci_define_by_pos_fn)(OCIStmt *stmtp, OCIDefine **defnp, OCIError *errhp,
					  ub4 position, void *valuep, sb4 value_sz, ub2 dty,
					  void *indp, ub2 *rlenp, ub2 *rcodep, ub4 mode);
typedef sword (*pt__oci_stmt_fetch2_fn)(OCIStmt *stmtp, OCIError *errhp, ub4 nrows, ub2 orientation,
					sb4 scroll_offset, ub4 mode);
typedef sword (*pt__oci_stmt_release_fn)(OCIStmt *stmtp, OCIError *errhp, const OraText *key,
					 ub4 keylen, ub4 mode);
typedef sword (*pt__oci_error_get_fn)(void *hndlp, ub4 recordno, OraText *sqlstate, sb4 *errcodep,
				      OraText *bufp, ub4 bufsiz, ub4 type);
typedef sword (*pt__oci_break_fn)(void *hndlp, OCIError *errhp);
typedef sword (*pt__oci_server_version_fn)(void *hndlp, OCIError *errhp, OraText *bufp, ub4 bufsz,
					   ub1 hndltype);

#endif
