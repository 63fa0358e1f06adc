/* Webhook subscriptions and the durable delivery queue (in order per
 * webhook and conversation; see store_crm.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_crm.h"
#include "store_priv.h"

#define HOOK_COLS "id,url,events,secret,enabled,created_at"
static const char sql_hook_insert[] =
	"INSERT INTO webhooks(url,events,secret,enabled,created_at) VALUES(?1,?2,?3,?4,?5)";
static const char sql_hook_get[] = "SELECT " HOOK_COLS " FROM webhooks WHERE id=?1";
static const char sql_hook_delete[] = "DELETE FROM webhooks WHERE id=?1";
static const char sql_hook_list[] =
	"SELECT " HOOK_COLS " FROM webhooks WHERE id>?1 ORDER BY id LIMIT ?2";
static const char sql_dlv_enqueue[] =
	"INSERT INTO webhook_deliveries(webhook_id,conversation_id,event_type,payload,"
	"created_at,next_attempt_at) SELECT id,?1,?2,?3,?4,?4 FROM webhooks"
	" WHERE enabled<>0 AND (events>>?2)&1 ORDER BY id";
/* The head of each (webhook, conversation) queue, if due. */
static const char sql_dlv_due[] =
	"SELECT d.id,d.webhook_id,d.conversation_id,d.event_type,d.payload,d.attempts,"
	"d.created_at,d.next_attempt_at FROM webhook_deliveries d"
	" WHERE d.next_attempt_at<=?1 AND d.id=(SELECT MIN(e.id) FROM webhook_deliveries e"
	"  WHERE e.webhook_id IS d.webhook_id AND e.conversation_id=d.conversation_id)"
	" ORDER BY d.id LIMIT ?2";
static const char sql_dlv_done[] = "DELETE FROM webhook_deliveries WHERE id=?1";
static const char sql_dlv_failed[] =
	"UPDATE webhook_deliveries SET attempts=attempts+1, next_attempt_at=?2 WHERE id=?1";
static const char sql_dlv_backlog[] =
	"SELECT COUNT(*), COALESCE(MIN(next_attempt_at),0) FROM webhook_deliveries";
static const char sql_dlv_next_due[] =
	"SELECT COALESCE(MIN(next_attempt_at),0) FROM webhook_deliveries WHERE next_attempt_at>?1";
static const char sql_dlv_dropped[] =
	"INSERT INTO settings(key,value) VALUES('webhook_dropped','1') ON CONFLICT(key)"
	" DO UPDATE SET value=CAST(CAST(value AS INTEGER)+1 AS TEXT)";

/* v4: an event's deliveries are queued in the change's own transaction. */
static const char sql_dlv_subscribed[] =
	"SELECT COUNT(*) FROM webhooks WHERE enabled<>0 AND (events>>?1)&1";
static const char sql_dlv_insert_one[] =
	"INSERT INTO webhook_deliveries(webhook_id,conversation_id,event_type,payload,"
	"created_at,next_attempt_at) VALUES(NULL,?1,?2,?3,?4,?4)";
static const char sql_dlv_setting[] = "SELECT value FROM settings WHERE key=?1";

static void fill_hook(sqlite3_stmt *st, void *row)
{
	struct store_webhook *w = row;

	memset(w, 0, sizeof(*w));
	w->id = (uint64_t)sqlite3_column_int64(st, 0);
	store_col_str(st, 1, w->url, sizeof(w->url));
	w->events = (unsigned)sqlite3_column_int(st, 2);
	store_col_str(st, 3, w->secret, sizeof(w->secret));
	w->enabled = sqlite3_column_int(st, 4) != 0;
	w->created_at = sqlite3_column_int64(st, 5);
}

static int hook_get_locked(struct store *s, uint64_t id, struct store_webhook *out)
{
	return store_get_by_id(s, SX_HOOK_GET, sql_hook_get, id, fill_hook, out);
}

int store_webhook_create(struct store *s, const struct store_webhook *in, int64_t now,
			 struct store_webhook *out)
{
	uint64_t id = 0;
	int rc;

	if (!s || !in || !out || !in->url[0] || strnlen(in->url, STORE_URL_MAX) >= STORE_URL_MAX ||
	    strnlen(in->secret, sizeof(in->secret)) >= sizeof(in->secret) || !in->secret[0] ||
	    !in->events)
		return -EINVAL;

	const struct store_param p[] = { STORE_PS(in->url), STORE_PI((int)in->events),
					 STORE_PS(in->secret), STORE_PI(in->enabled),
					 STORE_PI(now) };

	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	rc = store_insert_locked(s, SX_HOOK_INSERT, sql_hook_insert, p, 5, &id);
	if (!rc)
		rc = hook_get_locked(s, id, out);
	return store_tx_end_unlock(s, rc);
}

int store_webhook_get(struct store *s, uint64_t id, struct store_webhook *out)
{
	return store_read_by_id(s, SX_HOOK_GET, sql_hook_get, id, fill_hook, out);
}

int store_webhook_delete(struct store *s, uint64_t id)
{
	return store_change_by_id(s, SX_HOOK_DELETE, sql_hook_delete, id);
}

int store_webhook_list(struct store *s, uint64_t after, struct store_webhook *out, size_t max,
		       size_t *n, bool *more)
{
	const struct store_param p[] = { STORE_PI(after) };
	const struct store_page_q q = { SX_HOOK_LIST, sql_hook_list, p, 1, fill_hook, sizeof(*out),
					NULL };

	if (!s || !out || !max || !n || !more)
		return -EINVAL;
	return store_page_run(s, &q, out, max, n, more);
}

/* ---- deliveries ---- */

int store_delivery_enqueue(struct store *s, int event_type, uint64_t conversation_id,
			   const char *payload, size_t len, int64_t now, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	if (!s || event_type < 0 || event_type > 30 || (!payload && len) || len > STORE_BODY_MAX)
		return -EINVAL;
	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	st = store_xstmt(s, SX_DLV_ENQUEUE, sql_dlv_enqueue);
	if (!st) {
		rc = -EIO;
	} else {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)conversation_id);
		sqlite3_bind_int(st, 2, event_type);
		sqlite3_bind_blob(st, 3, payload ? payload : "", (int)len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, now);
		rc = store_step_done(st);
		if (!rc && n)
			*n = (size_t)sqlite3_changes(s->db);
	}
	return store_tx_end_unlock(s, rc);
}

static int fill_delivery(sqlite3_stmt *st, struct store_delivery *d)
{
	int len = sqlite3_column_bytes(st, 4);
	const void *b = sqlite3_column_blob(st, 4);

	memset(d, 0, sizeof(*d));
	d->id = (uint64_t)sqlite3_column_int64(st, 0);
	d->webhook_id = (uint64_t)sqlite3_column_int64(st, 1);
	d->conversation_id = (uint64_t)sqlite3_column_int64(st, 2);
	d->event_type = sqlite3_column_int(st, 3);
	d->attempts = (unsigned)sqlite3_column_int(st, 5);
	d->created_at = sqlite3_column_int64(st, 6);
	d->next_attempt_at = sqlite3_column_int64(st, 7);
	d->payload = malloc((size_t)len + 1);
	if (!d->payload)
		return -ENOMEM;
	if (len)
		memcpy(d->payload, b, (size_t)len);
	d->payload[len] = '\0';
	d->payload_len = (size_t)len;
	return 0;
}

int store_delivery_due(struct store *s, int64_t now, struct store_delivery *out, size_t max)
{
	sqlite3_stmt *st;
	int rc, err = 0;
	size_t k = 0;

	if (!s || (!out && max))
		return -EINVAL;
	if (!max)
		return 0;
	pthread_mutex_lock(&s->mu);
	st = store_xstmt(s, SX_DLV_DUE, sql_dlv_due);
	if (!st) {
		pthread_mutex_unlock(&s->mu);
		return -EIO;
	}
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW && k < max) {
		err = fill_delivery(st, &out[k]);
		if (!err)
			k++;
	}
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->mu);
	if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = store_err(rc);
	if (err) {
		for (size_t i = 0; i < k; i++)
			store_delivery_release(&out[i]);
		return err;
	}
	return (int)k;
}

void store_delivery_release(struct store_delivery *d)
{
	if (d) {
		free(d->payload);
		d->payload = NULL;
		d->payload_len = 0;
	}
}

int store_delivery_done(struct store *s, uint64_t id)
{
	return store_change_by_id(s, SX_DLV_DONE, sql_dlv_done, id);
}

int store_delivery_failed(struct store *s, uint64_t id, int64_t next, bool give_up)
{
	const struct store_param p[] = { STORE_PI(id), STORE_PI(next) };
	sqlite3_stmt *st;
	int rc;

	if (!give_up)
		return store_change(s, SX_DLV_FAILED, sql_dlv_failed, p, 2);
	if (!s)
		return -EINVAL;
	/* Dropped: the row goes and the drop is counted, in one transaction. */
	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	rc = store_change_locked(s, SX_DLV_DONE, sql_dlv_done, p, 1);
	if (!rc) {
		st = store_xstmt(s, SX_DLV_DROPPED, sql_dlv_dropped);
		rc = st ? store_step_done(st) : -EIO;
	}
	return store_tx_end_unlock(s, rc);
}

int store_delivery_backlog(struct store *s, uint64_t *n, int64_t *next_due)
{
	int64_t row[2];
	int rc;

	if (!s || !n)
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	rc = store_one_row_locked(store_xstmt(s, SX_DLV_BACKLOG, sql_dlv_backlog), NULL, row, 2);
	pthread_mutex_unlock(&s->mu);
	if (rc)
		return rc;
	*n = (uint64_t)row[0];
	if (next_due)
		*next_due = row[1];
	return 0;
}

int store_delivery_next_due(struct store *s, int64_t after, int64_t *when)
{
	int rc;

	if (!s || !when)
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	rc = store_one_row_locked(store_xstmt(s, SX_DLV_NEXT_DUE, sql_dlv_next_due), &after, when,
				  1);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* ---- events queued inside the change's transaction ---- */

const char *store_event_type_str(enum store_event_type t)
{
	switch (t) {
	case STORE_EV_RECEIVED:
		return "message.received";
	case STORE_EV_STATUS:
		return "message.status";
	case STORE_EV_TWILIO_STATUS:
		return "twilio.status_callback";
	}
	return "?";
}

void store_set_payload_builder(struct store *s, store_payload_fn fn, void *arg)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->payload_fn = fn;
	s->payload_arg = arg;
	pthread_mutex_unlock(&s->mu);
}

static int subscribers_locked(struct store *s, enum store_event_type type, int64_t *n)
{
	int64_t t = (int64_t)type;

	*n = 0;
	return store_one_row_locked(store_xstmt(s, SX_DLV_SUBSCRIBED, sql_dlv_subscribed), &t, n,
				    1);
}

static int setting_locked(struct store *s, const char *key, char *out, size_t len)
{
	sqlite3_stmt *st = store_xstmt(s, SX_DLV_SETTING, sql_dlv_setting);
	int rc;

	out[0] = '\0';
	if (!st)
		return -EIO;
	store_bind_str(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		store_col_str(st, 0, out, len);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_err(rc);
}

/* Builds the payload and inserts it: one row per subscribed webhook, or
 * (Twilio) one row of its own. */
static int queue_one(struct store *s, struct store_event_src *ev)
{
	size_t len = 0;
	char *p = s->payload_fn(s->payload_arg, ev, &len);
	bool twilio = ev->type == STORE_EV_TWILIO_STATUS;
	sqlite3_stmt *st;
	int rc;

	if (!p)
		return -ENOMEM;
	if (len > STORE_BODY_MAX) {
		free(p);
		return -E2BIG;
	}
	st = twilio ? store_xstmt(s, SX_DLV_INSERT_ONE, sql_dlv_insert_one)
		    : store_xstmt(s, SX_DLV_ENQUEUE, sql_dlv_enqueue);
	if (!st) {
		free(p);
		return -EIO;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)ev->msg->conversation_id);
	sqlite3_bind_int(st, 2, (int)ev->type);
	sqlite3_bind_blob(st, 3, p, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ev->now);
	rc = store_step_done(st);
	free(p);
	return rc;
}

int store_event_queue_locked(struct store *s, uint64_t id, enum store_event_type type,
			     enum msg_status from, int64_t now)
{
	char sid[64], token[128];
	struct store_msg m;
	struct store_event_src ev = { .type = type, .msg = &m, .from = from, .now = now,
				      .account_sid = "", .auth_token = "" };
	int64_t subs = 0;
	int rc;

	if (!s->payload_fn)
		return 0;
	rc = subscribers_locked(s, type, &subs);
	if (rc)
		return rc;
	rc = store_msg_get_locked(s, id, &m);
	if (rc) {
		store_msg_release(&m);
		return rc;
	}
	if (subs > 0)
		rc = queue_one(s, &ev);
	if (!rc && type == STORE_EV_STATUS && m.dir == STORE_DIR_OUT && m.status_callback[0]) {
		rc = setting_locked(s, "twilio_account_sid", sid, sizeof(sid));
		if (!rc)
			rc = setting_locked(s, "twilio_auth_token", token, sizeof(token));
		ev.type = STORE_EV_TWILIO_STATUS;
		ev.account_sid = sid;
		ev.auth_token = token;
		if (!rc)
			rc = queue_one(s, &ev);
		memset(token, 0, sizeof(token));
	}
	store_msg_release(&m);
	return rc;
}
