/* Users, API token hashes, the audit log and settings. */
#include <errno.h>
#include <string.h>

#include "store/store_crm.h"
#include "store_priv.h"

#define USER_COLS "id,username,role,business_unit,channel,created_at"
static const char sql_user_insert[] =
	"INSERT INTO users(username,role,business_unit,channel,created_at)"
	" VALUES(?1,?2,?3,?4,?5)";
static const char sql_user_get[] = "SELECT " USER_COLS " FROM users WHERE id=?1";
static const char sql_user_update[] =
	"UPDATE users SET role=?2, business_unit=?3, channel=?4 WHERE id=?1";
static const char sql_user_delete[] = "DELETE FROM users WHERE id=?1";
static const char sql_user_list[] =
	"SELECT " USER_COLS " FROM users WHERE id>?1 ORDER BY id LIMIT ?2";
static const char sql_user_count_role[] = "SELECT COUNT(*) FROM users WHERE role=?1";
static const char sql_token_insert[] =
	"INSERT INTO tokens(user_id,hash,label,created_at) VALUES(?1,?2,?3,?4)";
static const char sql_token_lookup[] =
	"SELECT t.id,t.label,t.created_at,t.hash,u.id,u.username,u.role,u.business_unit,"
	"u.channel,u.created_at FROM tokens t"
	" JOIN users u ON u.id=t.user_id WHERE t.hash=?1 AND t.revoked_at IS NULL";
static const char sql_token_revoke[] = "UPDATE tokens SET revoked_at=?3"
				       " WHERE id=?2 AND user_id=?1 AND revoked_at IS NULL";
static const char sql_token_list[] =
	"SELECT id,user_id,label,created_at FROM tokens WHERE user_id=?1"
	" AND revoked_at IS NULL AND id>?2 ORDER BY id LIMIT ?3";
static const char sql_audit_insert[] =
	"INSERT INTO audit_log(at,actor_id,actor,action,target,detail) VALUES(?1,?2,?3,?4,?5,?6)";
static const char sql_audit_list[] =
	"SELECT id,at,actor_id,actor,action,target,detail FROM audit_log"
	" WHERE (?1=0 OR id<?1) ORDER BY id DESC LIMIT ?2";
static const char sql_setting_get[] = "SELECT value FROM settings WHERE key=?1";
static const char sql_setting_set[] =
	"INSERT INTO settings(key,value) VALUES(?1,?2)"
	" ON CONFLICT(key) DO UPDATE SET value=excluded.value";

static bool fits(const char *v, size_t max)
{
	return v && strlen(v) < max;
}

static void fill_user(sqlite3_stmt *st, int c, struct store_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = (uint64_t)sqlite3_column_int64(st, c);
	store_col_str(st, c + 1, u->username, sizeof(u->username));
	u->role = sqlite3_column_int(st, c + 2);
	store_col_str(st, c + 3, u->business_unit, sizeof(u->business_unit));
	store_col_str(st, c + 4, u->channel, sizeof(u->channel));
	u->created_at = sqlite3_column_int64(st, c + 5);
}

static void read_user(sqlite3_stmt *st, void *u)
{
	fill_user(st, 0, u);
}

static int user_get_locked(struct store *s, uint64_t id, struct store_user *out)
{
	return store_get_by_id(s, SX_USER_GET, sql_user_get, id, read_user, out);
}

static bool user_ok(const struct store_user *u)
{
	return u && fits(u->business_unit, STORE_NAME_MAX) && fits(u->channel, STORE_NAME_MAX) &&
	       u->role >= 0;
}

int store_user_create(struct store *s, const struct store_user *in, int64_t now,
		      struct store_user *out)
{
	uint64_t id = 0;
	int rc;

	if (!s || !user_ok(in) || !in->username[0] || !fits(in->username, STORE_NAME_MAX) ||
	    !out)
		return -EINVAL;

	const struct store_param p[] = { STORE_PS(in->username), STORE_PI(in->role),
					 STORE_PS(in->business_unit), STORE_PS(in->channel),
					 STORE_PI(now) };

	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	rc = store_insert_locked(s, SX_USER_INSERT, sql_user_insert, p, 5, &id);
	if (!rc)
		rc = user_get_locked(s, id, out);
	return store_tx_end_unlock(s, rc);
}

int store_user_get(struct store *s, uint64_t id, struct store_user *out)
{
	int rc;

	uint64_t gen;

	if (!s || !out)
		return -EINVAL;
	if (store_cache_user_get(s, id, out))
		return 0;
	gen = store_cache_gen(s);
	pthread_mutex_lock(&s->mu);
	rc = user_get_locked(s, id, out);
	pthread_mutex_unlock(&s->mu);
	if (!rc)
		store_cache_user_put(s, gen, out);
	return rc;
}

int store_user_update(struct store *s, const struct store_user *in, struct store_user *out)
{
	sqlite3_stmt *st;
	int rc;

	if (!s || !user_ok(in) || !out)
		return -EINVAL;
	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	st = store_xstmt(s, SX_USER_UPDATE, sql_user_update);
	if (!st) {
		rc = -EIO;
	} else {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)in->id);
		sqlite3_bind_int(st, 2, in->role);
		store_bind_str(st, 3, in->business_unit);
		store_bind_str(st, 4, in->channel);
		rc = store_step_done(st);
		if (!rc && sqlite3_changes(s->db) == 0)
			rc = -ENOENT;
	}
	if (!rc)
		rc = user_get_locked(s, in->id, out);
	rc = store_tx_end_unlock(s, rc);
	store_cache_clear(s); /* role, unit, channel: seen by the next request */
	return rc;
}

int store_user_delete(struct store *s, uint64_t id)
{
	int rc;

	if (!s)
		return -EINVAL;
	rc = store_change_by_id(s, SX_USER_DELETE, sql_user_delete, id);
	store_cache_clear(s); /* the user's tokens went with it */
	return rc;
}

int store_user_list(struct store *s, uint64_t after, struct store_user *out, size_t max,
		    size_t *n, bool *more)
{
	const struct store_param p[] = { STORE_PI(after) };
	const struct store_page_q q = { SX_USER_LIST, sql_user_list, p, 1, read_user, sizeof(*out),
					NULL };

	if (!s || !out || !max || !n || !more)
		return -EINVAL;
	return store_page_run(s, &q, out, max, n, more);
}

/* A one-row, one-integer query. */
static int count_query(struct store *s, enum store_xstmt x, const char *sql, int64_t arg,
		       uint64_t *n)
{
	sqlite3_stmt *st;
	int rc;

	pthread_mutex_lock(&s->mu);
	st = store_xstmt(s, x, sql);
	rc = st ? SQLITE_OK : SQLITE_ERROR;
	if (st) {
		sqlite3_bind_int64(st, 1, arg);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*n = (uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	pthread_mutex_unlock(&s->mu);
	return rc == SQLITE_ROW ? 0 : store_err(rc ? rc : SQLITE_ERROR);
}

int store_user_count_role(struct store *s, int role, uint64_t *n)
{
	if (!s || !n)
		return -EINVAL;
	return count_query(s, SX_USER_COUNT_ROLE, sql_user_count_role, role, n);
}

/* ---- tokens ---- */

int store_token_create(struct store *s, uint64_t user_id, const uint8_t hash[STORE_HASH_LEN],
		       const char *label, int64_t now, struct store_token *out)
{
	sqlite3_stmt *st;
	int rc;

	if (!s || !hash || !out || (label && !fits(label, STORE_NAME_MAX)))
		return -EINVAL;
	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	rc = user_get_locked(s, user_id, NULL);
	st = rc ? NULL : store_xstmt(s, SX_TOKEN_INSERT, sql_token_insert);
	if (!rc && !st)
		rc = -EIO;
	if (!rc) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)user_id);
		sqlite3_bind_blob(st, 2, hash, STORE_HASH_LEN, SQLITE_STATIC);
		store_bind_str(st, 3, label ? label : "");
		sqlite3_bind_int64(st, 4, now);
		rc = store_step_done(st);
	}
	if (!rc) {
		memset(out, 0, sizeof(*out));
		out->id = (uint64_t)sqlite3_last_insert_rowid(s->db);
		out->user_id = user_id;
		store_copy(out->label, sizeof(out->label), label ? label : "");
		out->created_at = now;
	}
	return store_tx_end_unlock(s, rc);
}

int store_token_lookup(struct store *s, const uint8_t hash[STORE_HASH_LEN],
		       struct store_token *tok, struct store_user *user,
		       uint8_t stored[STORE_HASH_LEN])
{
	sqlite3_stmt *st;
	uint64_t gen;
	int rc;

	if (!s || !hash || !tok || !user || !stored)
		return -EINVAL;
	if (store_cache_token_get(s, hash, tok, user)) {
		memcpy(stored, hash, STORE_HASH_LEN); /* the key matched it */
		return 0;
	}
	gen = store_cache_gen(s);
	pthread_mutex_lock(&s->mu);
	st = store_xstmt(s, SX_TOKEN_LOOKUP, sql_token_lookup);
	rc = st ? SQLITE_OK : SQLITE_ERROR;
	if (st) {
		sqlite3_bind_blob(st, 1, hash, STORE_HASH_LEN, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 3) == STORE_HASH_LEN) {
			memset(tok, 0, sizeof(*tok));
			tok->id = (uint64_t)sqlite3_column_int64(st, 0);
			store_col_str(st, 1, tok->label, sizeof(tok->label));
			tok->created_at = sqlite3_column_int64(st, 2);
			memcpy(stored, sqlite3_column_blob(st, 3), STORE_HASH_LEN);
			fill_user(st, 4, user);
			tok->user_id = user->id;
		} else if (rc == SQLITE_ROW) {
			rc = SQLITE_CORRUPT;
		}
		sqlite3_reset(st);
	}
	pthread_mutex_unlock(&s->mu);
	if (rc == SQLITE_ROW)
		store_cache_token_put(s, gen, stored, tok, user);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_err(rc);
}

int store_token_revoke(struct store *s, uint64_t user_id, uint64_t token_id, int64_t now)
{
	const struct store_param p[] = { STORE_PI(user_id), STORE_PI(token_id), STORE_PI(now) };
	int rc;

	if (!s)
		return -EINVAL;
	rc = store_change(s, SX_TOKEN_REVOKE, sql_token_revoke, p, 3);
	store_cache_clear(s); /* the next lookup of this token fails */
	return rc;
}

static void read_token(sqlite3_stmt *st, void *row)
{
	struct store_token *t = row;

	memset(t, 0, sizeof(*t));
	t->id = (uint64_t)sqlite3_column_int64(st, 0);
	t->user_id = (uint64_t)sqlite3_column_int64(st, 1);
	store_col_str(st, 2, t->label, sizeof(t->label));
	t->created_at = sqlite3_column_int64(st, 3);
}

int store_token_list(struct store *s, uint64_t user_id, uint64_t after, struct store_token *out,
		     size_t max, size_t *n, bool *more)
{
	const struct store_param p[] = { STORE_PI(user_id), STORE_PI(after) };
	const struct store_page_q q = { SX_TOKEN_LIST, sql_token_list, p, 2, read_token,
					sizeof(*out), NULL };

	if (!s || !out || !max || !n || !more)
		return -EINVAL;
	return store_page_run(s, &q, out, max, n, more);
}

/* ---- audit ---- */

int store_audit_append(struct store *s, const struct store_audit *ev, uint64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if (!s || !ev || !fits(ev->actor, STORE_NAME_MAX) || !ev->action[0] ||
	    !fits(ev->action, STORE_NAME_MAX) || !fits(ev->target, STORE_NAME_MAX) ||
	    !fits(ev->detail, STORE_TEXT_MAX))
		return -EINVAL;
	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	st = store_xstmt(s, SX_AUDIT_INSERT, sql_audit_insert);
	if (!st) {
		rc = -EIO;
	} else {
		sqlite3_bind_int64(st, 1, ev->at);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->actor_id);
		store_bind_str(st, 3, ev->actor);
		store_bind_str(st, 4, ev->action);
		store_bind_str(st, 5, ev->target);
		store_bind_str(st, 6, ev->detail);
		rc = store_step_done(st);
		if (!rc && id)
			*id = (uint64_t)sqlite3_last_insert_rowid(s->db);
	}
	return store_tx_end_unlock(s, rc);
}

static void read_audit(sqlite3_stmt *st, void *row)
{
	struct store_audit *a = row;

	memset(a, 0, sizeof(*a));
	a->id = (uint64_t)sqlite3_column_int64(st, 0);
	a->at = sqlite3_column_int64(st, 1);
	a->actor_id = (uint64_t)sqlite3_column_int64(st, 2);
	store_col_str(st, 3, a->actor, sizeof(a->actor));
	store_col_str(st, 4, a->action, sizeof(a->action));
	store_col_str(st, 5, a->target, sizeof(a->target));
	store_col_str(st, 6, a->detail, sizeof(a->detail));
}

/* Newest first: the cursor is the id to go below (0 = the newest). */
int store_audit_list(struct store *s, uint64_t before, struct store_audit *out, size_t max,
		     size_t *n, bool *more)
{
	const struct store_param p[] = { STORE_PI(before) };
	const struct store_page_q q = { SX_AUDIT_LIST, sql_audit_list, p, 1, read_audit,
					sizeof(*out), NULL };

	if (!s || !out || !max || !n || !more)
		return -EINVAL;
	return store_page_run(s, &q, out, max, n, more);
}

/* ---- settings ---- */

int store_setting_get(struct store *s, const char *key, char *value, size_t len)
{
	sqlite3_stmt *st;
	int rc;

	if (!s || !key || !value || !len)
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	st = store_xstmt(s, SX_SETTING_GET, sql_setting_get);
	rc = st ? SQLITE_OK : SQLITE_ERROR;
	if (st) {
		store_bind_str(st, 1, key);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW &&
		    store_copy(value, len, (const char *)sqlite3_column_text(st, 0)) != 0)
			rc = SQLITE_TOOBIG;
		sqlite3_reset(st);
	}
	pthread_mutex_unlock(&s->mu);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_err(rc);
}

int store_setting_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if (!s || !key || !key[0] || !value)
		return -EINVAL;
	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	st = store_xstmt(s, SX_SETTING_SET, sql_setting_set);
	if (!st) {
		rc = -EIO;
	} else {
		store_bind_str(st, 1, key);
		store_bind_str(st, 2, value);
		rc = store_step_done(st);
	}
	return store_tx_end_unlock(s, rc);
}
