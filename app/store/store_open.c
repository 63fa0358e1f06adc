/* Opening the store: pragmas, integrity check, moving a corrupt file aside,
 * migrations; the statement cache and small helpers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hal/log.h"
#include "store_priv.h"

LOG_MODULE(log_store, "store");

#define WAITING "('accepted','queued','scheduled')"

static const char *const store_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_IDEM_FIND] = "SELECT id, payload_hash, status FROM messages"
		" WHERE COALESCE(user_id,0)=?2 AND idem_key=?1",
	[ST_MSG_INSERT] =
		"INSERT INTO messages(direction,status,to_addr,from_addr,body,encoding,"
		"segments,channel_pref,crm_type,crm_id,contact_id,user_id,idem_key,"
		"payload_hash,send_at,expires_at,next_attempt_at,created_at,updated_at,"
		"queued_at,business_unit,source,number_type,template_id,status_callback)"
		" VALUES(0,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
		"?16,?17,?17,?18,?19,?20,?21,?22,?23)",
	[ST_EVENT_INSERT] = "INSERT INTO message_events(msg_id,at,from_status,to_status,"
			    "event,code) VALUES(?1,?2,?3,?4,?5,?6)",
	[ST_MSG_GET] =
		"SELECT id,direction,status,to_addr,from_addr,body,encoding,segments,"
		"channel_pref,channel,sender,crm_type,crm_id,contact_id,user_id,idem_key,"
		"send_at,expires_at,next_attempt_at,attempts,parts_total,possible_dup,"
		"last_error_code,last_error_text,created_at,updated_at,queued_at,"
		"sending_at,sent_at,delivered_at,finished_at,received_at,"
		"conversation_id,business_unit,source,number_type,template_id,status_callback "
		"FROM messages WHERE id=?1",
	[ST_MSG_STATUS] = "SELECT status, expires_at FROM messages WHERE id=?1",
	[ST_MSG_MOVE] =
		"UPDATE messages SET status=?2, updated_at=?3,"
		" queued_at=CASE WHEN ?2='queued' THEN ?3 ELSE queued_at END,"
		" sending_at=CASE WHEN ?2='sending' THEN ?3 ELSE sending_at END,"
		" sent_at=CASE WHEN ?2='sent' THEN ?3 ELSE sent_at END,"
		" delivered_at=CASE WHEN ?2 IN ('delivered','undelivered') THEN ?3"
		"  ELSE delivered_at END,"
		" finished_at=CASE WHEN ?2 IN ('failed','expired','canceled') THEN ?3"
		"  ELSE finished_at END,"
		" parts_total=CASE WHEN ?2='sending' THEN 0 ELSE parts_total END,"
		" channel=COALESCE(?4,channel), sender=COALESCE(?5,sender),"
		" attempts=MAX(0,attempts+?6),"
		" next_attempt_at=CASE WHEN ?7>0 THEN ?7 ELSE next_attempt_at END,"
		" last_error_code=CASE WHEN ?9 IS NOT NULL THEN ?8 ELSE last_error_code END,"
		" last_error_text=COALESCE(?9,last_error_text),"
		" possible_dup=possible_dup|?10 WHERE id=?1 AND status=?11",
	[ST_MSG_SET_CHANNEL] = "UPDATE messages SET channel=?2, updated_at=?3 WHERE id=?1",
	[ST_MSG_DEFER] = "UPDATE messages SET next_attempt_at=?2, updated_at=?3"
			 " WHERE id=?1 AND status IN ('queued','scheduled')",
	[ST_DUE] = "SELECT id FROM messages WHERE status IN ('queued','scheduled')"
		   " AND next_attempt_at<=?1 AND (expires_at=0 OR expires_at>?1)"
		   " ORDER BY next_attempt_at, id LIMIT ?2",
	/* One ORDER BY ... LIMIT 1 per status: each is a seek in messages_due
	 * or messages_expiry (a MIN over an IN list is not); MIN skips NULLs. */
	[ST_NEXT_DUE] =
		"SELECT MIN(t) FROM ("
		"SELECT (SELECT next_attempt_at FROM messages WHERE status='queued'"
		" AND next_attempt_at>?1 ORDER BY next_attempt_at LIMIT 1) AS t"
		" UNION ALL SELECT (SELECT next_attempt_at FROM messages WHERE status='scheduled'"
		" AND next_attempt_at>?1 ORDER BY next_attempt_at LIMIT 1)"
		" UNION ALL SELECT (SELECT expires_at FROM messages WHERE status='accepted'"
		" AND expires_at>?1 ORDER BY expires_at LIMIT 1)"
		" UNION ALL SELECT (SELECT expires_at FROM messages WHERE status='queued'"
		" AND expires_at>?1 ORDER BY expires_at LIMIT 1)"
		" UNION ALL SELECT (SELECT expires_at FROM messages WHERE status='scheduled'"
		" AND expires_at>?1 ORDER BY expires_at LIMIT 1))",
	[ST_EXPIRE_FIND] = "SELECT id, status FROM messages WHERE status IN " WAITING
			   " AND expires_at>0 AND expires_at<=?1 LIMIT 256",
	[ST_QUEUE_DEPTH] = "SELECT COUNT(*) FROM messages WHERE status IN " WAITING,
	[ST_COUNT_STATUS] = "SELECT COUNT(*) FROM messages WHERE status=?1",
	[ST_PART_UPSERT] =
		"INSERT INTO message_parts(msg_id,idx,channel,ref,status,sent_at)"
		" VALUES(?1,?2,?3,?4,'sent',?5) ON CONFLICT(msg_id,idx) DO UPDATE SET"
		" channel=excluded.channel, ref=excluded.ref, status='sent',"
		" sent_at=excluded.sent_at, delivered_at=NULL, error_code=NULL",
	[ST_PARTS_TOTAL] = "UPDATE messages SET parts_total=?2, updated_at=?3 WHERE id=?1",
	[ST_PART_FIND] = "SELECT p.msg_id, p.idx, m.to_addr FROM message_parts p"
			 " JOIN messages m ON m.id=p.msg_id WHERE p.channel=?1 AND p.ref=?2"
			 " ORDER BY p.sent_at DESC, p.msg_id DESC LIMIT 16",
	/* A range on the (channel, ref) index: ref >= prefix AND ref < the
	 * prefix with its last byte + 1. */
	[ST_PART_FIND_PREFIX] = "SELECT p.msg_id, p.idx, m.to_addr FROM message_parts p"
				" JOIN messages m ON m.id=p.msg_id WHERE p.channel=?1"
				" AND p.ref>=?2 AND p.ref<?3 AND p.status='sent' AND p.sent_at>=?4"
				" ORDER BY p.sent_at DESC, p.msg_id DESC LIMIT 16",
	[ST_PART_UPDATE] = "UPDATE message_parts SET status=?3, delivered_at=?4,"
			   " error_code=?5 WHERE msg_id=?1 AND idx=?2",
	[ST_PART_TALLY] = "SELECT m.status, m.parts_total,"
			  " COALESCE(SUM(p.status='delivered'),0),"
			  " COALESCE(SUM(p.status='undelivered'),0), COUNT(p.idx)"
			  " FROM messages m LEFT JOIN message_parts p ON p.msg_id=m.id"
			  " WHERE m.id=?1 GROUP BY m.id",
	[ST_PARTS_GET] = "SELECT idx,channel,ref,status,sent_at,delivered_at,error_code"
			 " FROM message_parts WHERE msg_id=?1 ORDER BY idx",
	[ST_PARTS_CLEAR] = "DELETE FROM message_parts WHERE msg_id=?1",
	[ST_IN_PART_INSERT] =
		"INSERT OR IGNORE INTO inbound_parts(channel,from_addr,to_addr,concat_ref,"
		"total,seq,body,encoding,sent_at,source_ref,received_at)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
	[ST_IN_PART_COUNT] = "SELECT COUNT(*), MIN(sent_at) FROM inbound_parts WHERE"
			     " channel=?1 AND from_addr=?2 AND to_addr=?3 AND concat_ref=?4"
			     " AND total=?5",
	[ST_IN_PARTS_GET] = "SELECT body, encoding FROM inbound_parts WHERE channel=?1"
			    " AND from_addr=?2 AND to_addr=?3 AND concat_ref=?4 AND total=?5"
			    " ORDER BY seq",
	[ST_IN_PARTS_DELETE] = "DELETE FROM inbound_parts WHERE channel=?1 AND from_addr=?2"
			       " AND to_addr=?3 AND concat_ref=?4 AND total=?5",
	[ST_IN_MSG_INSERT] =
		"INSERT INTO messages(direction,status,to_addr,from_addr,body,encoding,"
		"segments,channel,send_at,created_at,updated_at,received_at)"
		" VALUES(1,'received',?1,?2,?3,?4,?5,?6,?7,?8,?8,?8)",
	[ST_IN_PENDING] = "SELECT COUNT(*) FROM inbound_parts",
	/* Groups whose newest part arrived before ?1: the rest is not coming. */
	[ST_IN_STALE] = "SELECT channel,from_addr,to_addr,concat_ref,total,MIN(sent_at),"
			"MIN(encoding),COUNT(*) FROM inbound_parts"
			" GROUP BY channel,from_addr,to_addr,concat_ref,total"
			" HAVING MAX(received_at) < ?1 LIMIT 16",
	[ST_EVENTS_GET] = "SELECT at,from_status,to_status,event,code FROM message_events"
			  " WHERE msg_id=?1 ORDER BY id",
	[ST_SENDING_LIST] = "SELECT m.id, m.parts_total, m.expires_at,"
			    " (SELECT COUNT(*) FROM message_parts p WHERE p.msg_id=m.id)"
			    " FROM messages m WHERE m.status='sending' ORDER BY m.id",
	[ST_SAVEPOINT] = "SAVEPOINT op",
	[ST_RELEASE] = "RELEASE op",
	[ST_ROLLBACK_TO] = "ROLLBACK TO op",
};

int store_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	case SQLITE_TOOBIG:
		return -E2BIG;
	default:
		return -EIO;
	}
}

static sqlite3_stmt *stmt_on(struct store *s, sqlite3 *db, sqlite3_stmt **cache,
			     enum store_stmt id)
{
	sqlite3_stmt *st = cache[id];

	if (!st) {
		int rc = sqlite3_prepare_v3(db, store_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st,
					    NULL);
		if (rc != SQLITE_OK) {
			LOG_ERR(&log_store, s->path, "prepare %d: %s", (int)id,
				sqlite3_errmsg(db));
			return NULL;
		}
		cache[id] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id)
{
	return stmt_on(s, s->db, s->stmt, id);
}

sqlite3_stmt *store_rstmt(struct store *s, enum store_stmt id)
{
	return stmt_on(s, s->rdb, s->rstmt, id);
}

sqlite3_stmt *store_xstmt(struct store *s, enum store_xstmt id, const char *sql)
{
	sqlite3_stmt *st = s->xstmt[id];

	if (!st) {
		if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
		    SQLITE_OK) {
			LOG_ERR(&log_store, s->path, "prepare x%d: %s", (int)id,
				sqlite3_errmsg(s->db));
			return NULL;
		}
		s->xstmt[id] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

int store_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_err(rc);
}

int store_copy(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= len)
		return -EINVAL;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return 0;
}

int store_exec_stmt(struct store *s, enum store_stmt id)
{
	sqlite3_stmt *st = store_stmt(s, id);
	int rc;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		LOG_WRN(&log_store, s->path, "%s: %s", store_sql[id], sqlite3_errmsg(s->db));
		return store_err(rc);
	}
	return 0;
}

int store_tx_begin(struct store *s)
{
	return store_exec_stmt(s, ST_BEGIN);
}

int store_tx_commit(struct store *s)
{
	int rc = store_exec_stmt(s, ST_COMMIT);

	if (rc)
		store_tx_rollback(s);
	return rc;
}

void store_tx_rollback(struct store *s)
{
	/* After some I/O errors SQLite has already rolled back. */
	if (!sqlite3_get_autocommit(s->db))
		store_exec_stmt(s, ST_ROLLBACK);
}

int store_tx_lock_begin(struct store *s)
{
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = store_tx_begin(s);
	if (rc)
		pthread_mutex_unlock(&s->mu);
	return rc;
}

int store_tx_end_unlock(struct store *s, int rc)
{
	if (rc)
		store_tx_rollback(s);
	else
		rc = store_tx_commit(s);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int store_bind_str(sqlite3_stmt *st, int idx, const char *v)
{
	if (!v)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, v, -1, SQLITE_TRANSIENT);
}

void store_col_str(sqlite3_stmt *st, int col, char *dst, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

int store_status_col(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? msg_status_parse((const char *)t) : -EINVAL;
}

/* ---- opening ---- */

static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_col_str(st, 0, out, len);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		out[0] = '\0';
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* 0 when the check says ok; SQLITE_CORRUPT/NOTADB (or the first line of
 * the report, logged) when not; other codes as they come. */
static int check_integrity(struct store *s, bool full)
{
	char res[256];
	int rc = pragma_text(s->db, full ? "PRAGMA integrity_check(1)" : "PRAGMA quick_check(1)",
			     res, sizeof(res));

	if (rc != SQLITE_OK)
		return rc;
	if (strcmp(res, "ok") != 0) {
		LOG_ERR(&log_store, s->path, "integrity check failed: %s", res);
		return SQLITE_CORRUPT;
	}
	return SQLITE_OK;
}

static void move_one(const char *from, const char *to)
{
	if (access(from, F_OK) != 0)
		return;
	if (rename(from, to) != 0)
		LOG_ERR(&log_store, NULL, "cannot move %s to %s: %s", from, to, strerror(errno));
}

/* Renames the database and its -wal/-shm to <path>.corrupt-<UTC time>[-n];
 * never deletes anything. */
static int move_aside(const char *path, int64_t now_ms)
{
	char stamp[32], dst[600], a[640], b[640];
	time_t t = (time_t)(now_ms ? now_ms / 1000 : (int64_t)time(NULL));
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int n = 0; n < 100; n++) {
		if (n == 0)
			snprintf(dst, sizeof(dst), "%s.corrupt-%s", path, stamp);
		else
			snprintf(dst, sizeof(dst), "%s.corrupt-%s-%d", path, stamp, n);
		if (access(dst, F_OK) != 0)
			break;
	}
	if (rename(path, dst) != 0) {
		LOG_ERR(&log_store, NULL, "cannot move corrupt database %s aside: %s", path,
			strerror(errno));
		return -EIO;
	}
	snprintf(a, sizeof(a), "%s-wal", path);
	snprintf(b, sizeof(b), "%s-wal", dst);
	move_one(a, b);
	snprintf(a, sizeof(a), "%s-shm", path);
	snprintf(b, sizeof(b), "%s-shm", dst);
	move_one(a, b);
	LOG_ERR(&log_store, NULL,
		"database %s is corrupt: moved aside to %s (kept for inspection); "
		"starting with a fresh database",
		path, dst);
	return 0;
}

static int open_db(struct store *s, const struct store_opts *o)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(o->path, &s->db, flags, o->vfs);

	if (rc != SQLITE_OK) {
		LOG_ERR(&log_store, o->path, "open: %s",
			s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		sqlite3_close(s->db);
		s->db = NULL;
		return rc;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000);
	return SQLITE_OK;
}

/* Page cache per connection, in KiB (negative cache_size). What is hot, the
 * right edges of the message tables and the due/expiry indexes, fits in a
 * few hundred pages; SQLite's default of 2 MiB per connection would let an
 * old, large store hold 4 MiB of an idle appliance's memory. */
#define STORE_CACHE_PRAGMA "PRAGMA cache_size=-1024"

/* WAL, synchronous=FULL (every acknowledged commit is fsync'd), foreign
 * keys, the page cache's bound. */
static int set_pragmas(struct store *s)
{
	char mode[16];
	int rc = pragma_text(s->db, "PRAGMA journal_mode=WAL", mode, sizeof(mode));

	if (rc != SQLITE_OK)
		return rc;
	if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
		LOG_WRN(&log_store, s->path, "journal_mode is %s, not wal", mode);
	rc = sqlite3_exec(s->db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; " STORE_CACHE_PRAGMA,
			  NULL, NULL, NULL);
	/* The integrity check read every page: none of them is hot. */
	sqlite3_db_release_memory(s->db);
	return rc;
}

static bool is_corruption(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

static bool is_file(const char *path)
{
	return strcmp(path, ":memory:") != 0 && strncmp(path, "file:", 5) != 0;
}

static int open_checked(struct store *s, const struct store_opts *o)
{
	int rc = open_db(s, o);

	if (rc == SQLITE_OK)
		rc = check_integrity(s, o->full_check);
	if (rc == SQLITE_OK)
		rc = set_pragmas(s);
	if (is_corruption(rc) && is_file(o->path)) {
		int keep = 1;

		/* Closing would otherwise delete the -wal: it travels with the
		 * damaged file for inspection. */
		if (s->db)
			sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &keep);
		sqlite3_close(s->db);
		s->db = NULL;
		if (move_aside(o->path, o->now_ms) != 0)
			return -EIO;
		rc = open_db(s, o);
		if (rc == SQLITE_OK)
			rc = set_pragmas(s);
	}
	if (rc != SQLITE_OK) {
		LOG_ERR(&log_store, o->path, "cannot open database: %s", sqlite3_errstr(rc));
		return store_err(rc) ? store_err(rc) : -EIO;
	}
	return 0;
}

/* The read-only second connection, once the schema is current. Without it
 * (an error is only logged) every read uses the writer's connection. */
static void open_reader(struct store *s, const struct store_opts *o)
{
	int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;

	if (!is_file(o->path))
		return;
	if (sqlite3_open_v2(o->path, &s->rdb, flags, o->vfs) != SQLITE_OK) {
		LOG_WRN(&log_store, o->path, "read-only connection: %s; reads share the writer's",
			s->rdb ? sqlite3_errmsg(s->rdb) : "cannot open");
		sqlite3_close(s->rdb);
		s->rdb = NULL;
		return;
	}
	sqlite3_extended_result_codes(s->rdb, 1);
	sqlite3_busy_timeout(s->rdb, o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000);
	if (sqlite3_exec(s->rdb, STORE_CACHE_PRAGMA, NULL, NULL, NULL) != SQLITE_OK)
		LOG_WRN(&log_store, o->path, "reader cache_size: %s", sqlite3_errmsg(s->rdb));
}

int store_open(struct store **out, const struct store_opts *o)
{
	struct store *s;
	int rc;

	if (!out || !o || !o->path || !o->path[0] || strlen(o->path) >= sizeof(s->path))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	snprintf(s->path, sizeof(s->path), "%s", o->path);
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->cache.mu, NULL);
	pthread_mutex_init(&s->rmu, NULL);
	rc = open_checked(s, o);
	if (!rc)
		rc = store_schema_migrate(s);
	if (!rc)
		open_reader(s, o);
	if (rc) {
		store_close(s);
		return rc;
	}
	LOG_INF(&log_store, s->path, "open, schema version %d", s->version);
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	/* The reader first: the writer, closing last, checkpoints the WAL. */
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->rstmt[i]);
	if (s->rdb && sqlite3_close(s->rdb) != SQLITE_OK)
		LOG_ERR(&log_store, s->path, "close reader: %s", sqlite3_errmsg(s->rdb));
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	for (int i = 0; i < SX_COUNT; i++)
		sqlite3_finalize(s->xstmt[i]);
	if (s->db && sqlite3_close(s->db) != SQLITE_OK)
		LOG_ERR(&log_store, s->path, "close: %s", sqlite3_errmsg(s->db));
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->cache.mu);
	pthread_mutex_destroy(&s->rmu);
	free(s);
}

int store_schema_version(struct store *s)
{
	return s->version;
}

const char *store_dir_str(enum store_dir d)
{
	switch (d) {
	case STORE_DIR_OUT:
		return "out";
	case STORE_DIR_IN:
		return "in";
	}
	return "?";
}
