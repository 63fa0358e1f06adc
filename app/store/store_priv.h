/* Internals shared by the store's files: the connection, the statement
 * cache and small SQLite helpers. */
#ifndef STORE_PRIV_H
#define STORE_PRIV_H

#include <pthread.h>
#include <sqlite3.h>

#include "store/store.h"
#include "store/store_crm.h"

/* Every statement the store runs, prepared once and cached per connection. */
enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_IDEM_FIND,
	ST_MSG_INSERT,
	ST_EVENT_INSERT,
	ST_MSG_GET,
	ST_MSG_STATUS,
	ST_MSG_MOVE,
	ST_MSG_SET_CHANNEL,
	ST_MSG_DEFER,
	ST_DUE,
	ST_NEXT_DUE,
	ST_EXPIRE_FIND,
	ST_QUEUE_DEPTH,
	ST_COUNT_STATUS,
	ST_PART_UPSERT,
	ST_PARTS_TOTAL,
	ST_PART_FIND,
	ST_PART_FIND_PREFIX,
	ST_PART_UPDATE,
	ST_PART_TALLY,
	ST_PARTS_GET,
	ST_PARTS_CLEAR,
	ST_IN_PART_INSERT,
	ST_IN_PART_COUNT,
	ST_IN_PARTS_GET,
	ST_IN_PARTS_DELETE,
	ST_IN_MSG_INSERT,
	ST_IN_PENDING,
	ST_IN_STALE,
	ST_EVENTS_GET,
	ST_SENDING_LIST,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_COUNT
};

/* The v3 (CRM) statements: each file keeps its own SQL text next to the
 * code and prepares it once through store_xstmt(). */
enum store_xstmt {
	SX_CONV_UPSERT,
	SX_CONV_BU_OF_NUMBER,
	SX_CONTACT_OF_NUMBER,
	SX_MSG_SET_CONV,
	SX_CONV_GET,
	SX_CONV_LIST,
	SX_MSG_LIST,
	SX_COUNT_BY_CHANNEL,
	SX_USER_INSERT,
	SX_USER_GET,
	SX_USER_UPDATE,
	SX_USER_DELETE,
	SX_USER_LIST,
	SX_USER_COUNT_ROLE,
	SX_TOKEN_INSERT,
	SX_TOKEN_LOOKUP,
	SX_TOKEN_REVOKE,
	SX_TOKEN_LIST,
	SX_AUDIT_INSERT,
	SX_AUDIT_LIST,
	SX_SETTING_GET,
	SX_SETTING_SET,
	SX_CONTACT_INSERT,
	SX_CONTACT_UPDATE,
	SX_CONTACT_GET,
	SX_CONTACT_DELETE,
	SX_CONTACT_LIST,
	SX_NUMBER_INSERT,
	SX_NUMBERS_GET,
	SX_NUMBERS_CLEAR,
	SX_TPL_INSERT,
	SX_TPL_GET,
	SX_TPL_UPDATE,
	SX_TPL_DELETE,
	SX_TPL_LIST,
	SX_HOOK_INSERT,
	SX_HOOK_GET,
	SX_HOOK_DELETE,
	SX_HOOK_LIST,
	SX_DLV_ENQUEUE,
	SX_DLV_DUE,
	SX_DLV_DONE,
	SX_DLV_FAILED,
	SX_DLV_BACKLOG,
	SX_DLV_NEXT_DUE,
	SX_DLV_DROPPED,
	SX_DLV_SUBSCRIBED,
	SX_DLV_INSERT_ONE,
	SX_DLV_SETTING,
	SX_COUNT
};

#define STORE_CACHE_TOKENS 16
#define STORE_CACHE_USERS 16

struct store_cache_token {
	bool used;
	uint8_t hash[STORE_HASH_LEN];
	struct store_token tok;
	struct store_user user;
};

/* Token and user lookups (store_authcache.c); its own lock, never held
 * together with mu. */
struct store_cache {
	pthread_mutex_t mu;
	uint64_t gen;             /* bumped by every clear */
	struct store_cache_token tok[STORE_CACHE_TOKENS];
	size_t next_tok;          /* round-robin replacement */
	struct store_user user[STORE_CACHE_USERS];
	bool user_used[STORE_CACHE_USERS];
	size_t next_user;
};

struct store {
	sqlite3 *db;
	pthread_mutex_t mu;
	sqlite3_stmt *stmt[ST_COUNT];
	sqlite3_stmt *xstmt[SX_COUNT];
	int version;
	char path[512];
	store_payload_fn payload_fn; /* guarded by mu */
	void *payload_arg;
	struct store_cache cache;
	/* A second, read-only connection for single-statement reads that need
	 * no transaction (store_msg_get): in WAL mode they neither wait for the
	 * writer's lock nor block it, and see every committed write. NULL for
	 * :memory: and URI paths (everything then uses db). */
	sqlite3 *rdb;
	pthread_mutex_t rmu;
	sqlite3_stmt *rstmt[ST_COUNT];
};

/* The auth cache (store_authcache.c). Read the generation BEFORE reading
 * the database and pass it to the put: a put after a clear is dropped.
 * store_cache_clear runs after every committed change to users or tokens. */
uint64_t store_cache_gen(struct store *s);
bool store_cache_token_get(struct store *s, const uint8_t hash[STORE_HASH_LEN],
			   struct store_token *tok, struct store_user *user);
void store_cache_token_put(struct store *s, uint64_t gen, const uint8_t hash[STORE_HASH_LEN],
			   const struct store_token *tok, const struct store_user *user);
bool store_cache_user_get(struct store *s, uint64_t id, struct store_user *user);
void store_cache_user_put(struct store *s, uint64_t gen, const struct store_user *user);
void store_cache_clear(struct store *s);

/* The cached statement, reset and with bindings cleared; NULL on error
 * (logged). */
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id);
/* The same on the read-only connection (caller holds rmu, s->rdb set). */
sqlite3_stmt *store_rstmt(struct store *s, enum store_stmt id);
/* The cached v3 statement id, prepared from sql the first time, reset and
 * with bindings cleared; NULL on error (logged). Caller holds s->mu. */
sqlite3_stmt *store_xstmt(struct store *s, enum store_xstmt id, const char *sql);
/* Step a no-result statement to the end and reset it. Returns 0 or -errno. */
int store_step_done(sqlite3_stmt *st);
/* Attach a just-inserted message to its conversation, found or made for
 * (number, business unit) in the caller's transaction (store_conv.c).
 * Inbound (bu NULL): the business unit of the number's latest
 * conversation, else of a contact with that number, else "". */
int store_conv_attach(struct store *s, uint64_t msg_id, bool inbound, const char *number,
		      const char *bu, int64_t contact_id, const char *crm_type,
		      const char *crm_id, int64_t now, uint64_t *conv_id);
/* Bounded copies with explicit truncation check: -EINVAL if src does not
 * fit (so nothing is ever silently cut). */
int store_copy(char *dst, size_t len, const char *src);

/* SQLite result code -> -errno. */
int store_err(int rc);
/* Run a no-result cached statement. Returns 0 or -errno. */
int store_exec_stmt(struct store *s, enum store_stmt id);
int store_tx_begin(struct store *s);
int store_tx_commit(struct store *s);
void store_tx_rollback(struct store *s);
/* Lock and BEGIN IMMEDIATE (unlocked again on failure). Returns 0 or -errno. */
int store_tx_lock_begin(struct store *s);
/* COMMIT when rc is 0, else ROLLBACK; unlock. Returns the outcome. */
int store_tx_end_unlock(struct store *s, int rc);
/* Bind a C string (NULL -> SQL NULL), or a blob. */
int store_bind_str(sqlite3_stmt *st, int idx, const char *v);
/* Copy a text column into a bounded buffer ("" for NULL). */
void store_col_str(sqlite3_stmt *st, int col, char *dst, size_t len);
int store_status_col(sqlite3_stmt *st, int col);

/* Schema (schema.c). */
int store_schema_migrate(struct store *s);
int store_schema_apply(sqlite3 *db, int from, int to);

/* The lifecycle move inside an open transaction (store_msg.c). */
int store_move_locked(struct store *s, uint64_t id, enum msg_status from, enum msg_status to,
		      const struct store_move *mv, int64_t now);
int store_event_add(struct store *s, uint64_t id, int from, enum msg_status to,
		    const char *event, int code, int64_t now);
/* After a move to sent or a part report: advance sent -> delivered /
 * undelivered when the parts say so (store_parts.c). */
/* store_part_sent inside an open transaction (arguments checked). */
int store_part_sent_locked(struct store *s, uint64_t id, unsigned part, unsigned total,
			   const char *channel, const char *ref, int64_t now);
int store_parts_settle(struct store *s, uint64_t id, int64_t now, enum msg_status *status,
		       bool *changed);

/* Reads a message inside the caller's lock (store_msg.c). */
int store_msg_get_locked(struct store *s, uint64_t id, struct store_msg *out);
/* Queues the deliveries of one event in the caller's transaction
 * (store_webhooks.c); 0 when no builder is set or nobody listens. */
int store_event_queue_locked(struct store *s, uint64_t id, enum store_event_type type,
			     enum msg_status from, int64_t now);

/* ---- shared query shapes (store_list.c) ---- */

/* Reads the current row of st into row (a struct of the caller's type). */
typedef void (*store_row_fn)(sqlite3_stmt *st, void *row);

/* A query parameter: an integer, or a string (NULL binds SQL NULL). */
struct store_param {
	int64_t i;
	const char *s;
	bool is_str;
};
#define STORE_PI(v) { .i = (int64_t)(v) }
#define STORE_PS(v) { .s = (v), .is_str = true }

/* A keyset page query: params bind to ?1..?n_params and the row limit to
 * the next one. finish (optional) runs under the lock after a complete
 * scan, for per-row reads that need their own statement. */
struct store_page_q {
	enum store_xstmt x;
	const char *sql;
	const struct store_param *params;
	size_t n_params;
	store_row_fn read;
	size_t row_size;
	int (*finish)(struct store *s, void *rows, size_t n);
};
/* Runs q under s->mu with LIMIT max + 1: up to max rows into out, *more
 * when one more came. Arguments are the caller's to check (max >= 1).
 * Returns 0, -EIO (no statement), or the step's or finish's -errno. */
int store_page_run(struct store *s, const struct store_page_q *q, void *out, size_t max,
		   size_t *n, bool *more);
/* Every row of statement id with key bound to ?1, under s->mu: the first
 * max go into out (row_size apart). Returns the number of rows (also
 * those past max), or -errno. */
int store_rows_of(struct store *s, enum store_stmt id, uint64_t key, store_row_fn read,
		  void *out, size_t row_size, size_t max);
/* With s->mu held: binds *param (when not NULL) as ?1, steps st once and
 * reads columns 0..n-1 of its row as integers into out, then resets st.
 * st NULL (not prepared) is -EIO, no row -ENOENT, else 0 or the store's
 * -errno. */
int store_one_row_locked(sqlite3_stmt *st, const int64_t *param, int64_t *out, int n);

/* One row by id (?1) through read, in the caller's lock; out NULL only
 * checks it exists. Returns 0, -ENOENT, -EIO or -errno. */
int store_get_by_id(struct store *s, enum store_xstmt x, const char *sql, uint64_t id,
		    store_row_fn read, void *out);
/* store_get_by_id under s->mu; -EINVAL without s or out. */
int store_read_by_id(struct store *s, enum store_xstmt x, const char *sql, uint64_t id,
		     store_row_fn read, void *out);
/* One no-result statement with params at ?1.. in the caller's
 * transaction. Returns 0, -ENOENT when no row changed, or -errno. */
int store_change_locked(struct store *s, enum store_xstmt x, const char *sql,
			const struct store_param *p, size_t n);
/* One INSERT with params at ?1.. in the caller's transaction; *id is the
 * new row's. Returns 0 or -errno. */
int store_insert_locked(struct store *s, enum store_xstmt x, const char *sql,
			const struct store_param *p, size_t n, uint64_t *id);
/* store_change_locked in its own transaction; -EINVAL without s. */
int store_change(struct store *s, enum store_xstmt x, const char *sql,
		 const struct store_param *p, size_t n);
/* store_change with id as the only parameter. */
int store_change_by_id(struct store *s, enum store_xstmt x, const char *sql, uint64_t id);

#endif
