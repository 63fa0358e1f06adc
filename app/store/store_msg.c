/* Outbound messages: enqueue (group-committed batches), lifecycle moves,
 * due/expiry queries, reading a message and its history. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "store_priv.h"

LOG_MODULE(log_store_msg, "store");

static bool fits(const char *v, size_t max)
{
	return !v || strlen(v) < max;
}

static int validate_new(const struct store_msg_new *m)
{
	if (!m || !m->to || !m->to[0] || !fits(m->to, STORE_ADDR_MAX) ||
	    !fits(m->from, STORE_ADDR_MAX) || (m->body_len && !m->body) ||
	    !fits(m->encoding, 16) || !fits(m->channel_pref, STORE_NAME_MAX) ||
	    !fits(m->crm_type, STORE_NAME_MAX) || !fits(m->crm_id, STORE_KEY_MAX) ||
	    !fits(m->idem_key, STORE_KEY_MAX) || m->segments < 1 || m->segments > 255 ||
	    !fits(m->business_unit, STORE_NAME_MAX) || !fits(m->number_type, 16) ||
	    !fits(m->status_callback, 512) || m->template_id < 0 ||
	    m->send_at < 0 || m->expires_at < 0)
		return -EINVAL;
	if (m->idem_key && (!m->idem_key[0] || !m->payload_hash))
		return -EINVAL;
	if (m->body_len > STORE_BODY_MAX)
		return -E2BIG;
	return 0;
}

int store_event_add(struct store *s, uint64_t id, int from, enum msg_status to,
		    const char *event, int code, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, ST_EVENT_INSERT);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_int64(st, 2, now);
	store_bind_str(st, 3, from < 0 ? NULL : msg_status_str((enum msg_status)from));
	store_bind_str(st, 4, msg_status_str(to));
	store_bind_str(st, 5, event);
	if (code)
		sqlite3_bind_int(st, 6, code);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_err(rc);
}

/* Same key: replay when the payload hash matches, else -EEXIST. Returns 1
 * when the key was found (it->rc set), 0 when not, or -errno. */
static int idem_lookup(struct store *s, struct store_enqueue *it)
{
	sqlite3_stmt *st = store_stmt(s, ST_IDEM_FIND);
	int rc, found = 0;

	if (!st)
		return -EIO;
	store_bind_str(st, 1, it->m->idem_key);
	sqlite3_bind_int64(st, 2, it->m->user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *h = sqlite3_column_blob(st, 1);
		bool same = h && sqlite3_column_bytes(st, 1) == STORE_HASH_LEN &&
			    memcmp(h, it->m->payload_hash, STORE_HASH_LEN) == 0;
		int stv = store_status_col(st, 2);

		it->id = (uint64_t)sqlite3_column_int64(st, 0);
		it->status = stv >= 0 ? (enum msg_status)stv : MSG_ACCEPTED;
		it->rc = same ? 0 : -EEXIST;
		it->replay = same;
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = store_err(rc);
	}
	sqlite3_reset(st);
	return found;
}

static int insert_new(struct store *s, struct store_enqueue *it, int64_t now)
{
	const struct store_msg_new *m = it->m;
	bool sched = m->send_at > now;
	enum msg_status to = sched ? MSG_SCHEDULED : MSG_QUEUED;
	sqlite3_stmt *st;
	int rc;

	if (!msg_status_can_move(MSG_ACCEPTED, to))
		return -EPERM;
	st = store_stmt(s, ST_MSG_INSERT);
	if (!st)
		return -EIO;
	store_bind_str(st, 1, msg_status_str(to));
	store_bind_str(st, 2, m->to);
	store_bind_str(st, 3, m->from);
	sqlite3_bind_blob(st, 4, m->body ? m->body : "", (int)m->body_len, SQLITE_STATIC);
	store_bind_str(st, 5, m->encoding);
	sqlite3_bind_int(st, 6, (int)m->segments);
	store_bind_str(st, 7, m->channel_pref);
	store_bind_str(st, 8, m->crm_type);
	store_bind_str(st, 9, m->crm_id);
	if (m->contact_id)
		sqlite3_bind_int64(st, 10, m->contact_id);
	if (m->user_id)
		sqlite3_bind_int64(st, 11, m->user_id);
	store_bind_str(st, 12, m->idem_key);
	if (m->idem_key)
		sqlite3_bind_blob(st, 13, m->payload_hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, m->send_at);
	sqlite3_bind_int64(st, 15, m->expires_at);
	sqlite3_bind_int64(st, 16, sched ? m->send_at : now);
	sqlite3_bind_int64(st, 17, now);
	if (!sched)
		sqlite3_bind_int64(st, 18, now);
	store_bind_str(st, 19, m->business_unit ? m->business_unit : "");
	sqlite3_bind_int(st, 20, m->source);
	store_bind_str(st, 21, m->number_type ? m->number_type : "");
	if (m->template_id)
		sqlite3_bind_int64(st, 22, m->template_id);
	store_bind_str(st, 23, m->status_callback ? m->status_callback : "");
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_err(rc);
	it->id = (uint64_t)sqlite3_last_insert_rowid(s->db);
	it->status = to;
	it->created_at = now;
	rc = store_conv_attach(s, it->id, false, m->to, m->business_unit ? m->business_unit : "",
			       m->contact_id, m->crm_type, m->crm_id, now, &it->conversation_id);
	if (rc)
		return rc;
	rc = store_event_add(s, it->id, -1, MSG_ACCEPTED, "accept", 0, now);
	if (!rc)
		rc = store_event_add(s, it->id, MSG_ACCEPTED, to, sched ? "schedule" : "enqueue", 0,
				     now);
	return rc;
}

static int enqueue_items(struct store *s, struct store_enqueue *items, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		struct store_enqueue *it = &items[i];
		int rc;

		it->rc = validate_new(it->m);
		it->id = 0;
		it->replay = false;
		if (it->rc)
			continue;
		if (it->m->idem_key) {
			rc = idem_lookup(s, it);
			if (rc < 0)
				return rc;
			if (rc == 1)
				continue;
		}
		rc = insert_new(s, it, now);
		if (rc)
			return rc; /* an SQL error: the whole batch is rolled back */
	}
	return 0;
}

int store_enqueue_batch(struct store *s, struct store_enqueue *items, size_t n, int64_t now)
{
	int rc;

	if (!s || (!items && n))
		return -EINVAL;
	if (n == 0)
		return 0;
	rc = store_tx_lock_begin(s);
	if (!rc)
		rc = store_tx_end_unlock(s, enqueue_items(s, items, n, now));
	if (rc) {
		LOG_WRN(&log_store_msg, s->path, "enqueue batch of %zu failed: %d", n, rc);
		for (size_t i = 0; i < n; i++) {
			items[i].rc = rc;
			items[i].id = 0;
			items[i].replay = false;
		}
	}
	return rc;
}

/* ---- moves ---- */

static int current_status(struct store *s, uint64_t id, enum msg_status *st_out)
{
	sqlite3_stmt *st = store_stmt(s, ST_MSG_STATUS);
	int rc, v;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = store_status_col(st, 0);
		sqlite3_reset(st);
		if (v < 0)
			return -EIO;
		*st_out = (enum msg_status)v;
		return 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? -ENOENT : store_err(rc);
}

static void bind_move(sqlite3_stmt *st, uint64_t id, enum msg_status from, enum msg_status to,
		      const struct store_move *mv, int64_t now)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	store_bind_str(st, 2, msg_status_str(to));
	sqlite3_bind_int64(st, 3, now);
	store_bind_str(st, 4, mv->channel);
	store_bind_str(st, 5, mv->sender);
	sqlite3_bind_int(st, 6, mv->attempts_delta);
	sqlite3_bind_int64(st, 7, mv->next_attempt_at);
	sqlite3_bind_int(st, 8, mv->err_code);
	store_bind_str(st, 9, mv->err_text);
	sqlite3_bind_int(st, 10, mv->possible_dup ? 1 : 0);
	store_bind_str(st, 11, msg_status_str(from));
}

int store_move_locked(struct store *s, uint64_t id, enum msg_status from, enum msg_status to,
		      const struct store_move *mv, int64_t now)
{
	static const struct store_move none;
	enum msg_status cur;
	sqlite3_stmt *st;
	int rc;

	if (!mv)
		mv = &none;
	if (!msg_status_can_move(from, to))
		return -EPERM;
	st = store_stmt(s, ST_MSG_MOVE);
	if (!st)
		return -EIO;
	bind_move(st, id, from, to, mv, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_err(rc);
	if (sqlite3_changes(s->db) != 1) {
		rc = current_status(s, id, &cur);
		return rc ? rc : -EPERM; /* it is not in `from` (any more) */
	}
	if (to == MSG_SENDING) {
		/* A new attempt: references of an earlier one no longer apply. */
		sqlite3_bind_int64((st = store_stmt(s, ST_PARTS_CLEAR)), 1, (sqlite3_int64)id);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_err(rc);
	}
	rc = store_event_add(s, id, (int)from, to, mv->event, mv->err_text ? mv->err_code : 0,
			     now);
	if (!rc)
		LOG_DBG(&log_store_msg, s->path, "msg %llu: %s -> %s (%s)", (unsigned long long)id,
			msg_status_str(from), msg_status_str(to), mv->event ? mv->event : "");
	/* The event is queued in this transaction: committed with the move or
	 * not at all (a crash between two commits would lose it). */
	if (!rc && (to == MSG_SENT || to == MSG_DELIVERED || to == MSG_UNDELIVERED ||
		    to == MSG_FAILED))
		rc = store_event_queue_locked(s, id, STORE_EV_STATUS, from, now);
	if (!rc && to == MSG_SENT)
		rc = store_parts_settle(s, id, now, NULL, NULL);
	return rc;
}

int store_msg_move(struct store *s, uint64_t id, enum msg_status from, enum msg_status to,
		   const struct store_move *mv, int64_t now)
{
	int rc;

	if (!s || (unsigned)from >= MSG_STATUS_COUNT || (unsigned)to >= MSG_STATUS_COUNT)
		return -EINVAL;
	if (mv && (!fits(mv->channel, STORE_NAME_MAX) || !fits(mv->sender, STORE_ADDR_MAX) ||
		   !fits(mv->err_text, STORE_TEXT_MAX) || !fits(mv->event, 32)))
		return -EINVAL;
	rc = store_tx_lock_begin(s);
	return rc ? rc : store_tx_end_unlock(s, store_move_locked(s, id, from, to, mv, now));
}

int store_msg_set_channel(struct store *s, uint64_t id, const char *channel, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	if (!s || !channel || !fits(channel, STORE_NAME_MAX))
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	st = store_stmt(s, ST_MSG_SET_CHANNEL);
	if (!st) {
		rc = -EIO;
	} else {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
		store_bind_str(st, 2, channel);
		sqlite3_bind_int64(st, 3, now);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		rc = rc == SQLITE_DONE ? (sqlite3_changes(s->db) == 1 ? 0 : -ENOENT)
				       : store_err(rc);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int store_msg_defer(struct store *s, uint64_t id, int64_t at, int64_t now)
{
	enum msg_status cur;
	sqlite3_stmt *st;
	int rc;

	if (!s || at < 0)
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	st = store_stmt(s, ST_MSG_DEFER);
	if (!st) {
		pthread_mutex_unlock(&s->mu);
		return -EIO;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? 0 : store_err(rc);
	if (!rc && sqlite3_changes(s->db) != 1) {
		rc = current_status(s, id, &cur);
		rc = rc ? rc : -EPERM;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* ---- queries ---- */

int store_due(struct store *s, int64_t now, uint64_t *ids, size_t max)
{
	sqlite3_stmt *st;
	int rc, n = 0;

	if (!s || (!ids && max))
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	st = store_stmt(s, ST_DUE);
	if (!st) {
		pthread_mutex_unlock(&s->mu);
		return -EIO;
	}
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->mu);
	return rc == SQLITE_DONE ? n : store_err(rc);
}

static int count_query(struct store *s, enum store_stmt id, const char *arg, uint64_t *n)
{
	sqlite3_stmt *st;
	int rc;

	pthread_mutex_lock(&s->mu);
	st = store_stmt(s, id);
	if (!st) {
		pthread_mutex_unlock(&s->mu);
		return -EIO;
	}
	if (arg)
		store_bind_str(st, 1, arg);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->mu);
	return rc == SQLITE_ROW ? 0 : store_err(rc);
}

int store_queue_depth(struct store *s, uint64_t *depth)
{
	if (!s || !depth)
		return -EINVAL;
	return count_query(s, ST_QUEUE_DEPTH, NULL, depth);
}

int store_count_status(struct store *s, enum msg_status stv, uint64_t *n)
{
	if (!s || !n || (unsigned)stv >= MSG_STATUS_COUNT)
		return -EINVAL;
	return count_query(s, ST_COUNT_STATUS, msg_status_str(stv), n);
}

int store_next_due(struct store *s, int64_t now, int64_t *when)
{
	int rc;

	if (!s || !when)
		return -EINVAL;
	*when = 0;
	pthread_mutex_lock(&s->mu);
	rc = store_one_row_locked(store_stmt(s, ST_NEXT_DUE), &now, when, 1);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

#define EXPIRE_BATCH 256

int store_expire_due(struct store *s, int64_t now)
{
	static const struct store_move mv = { .event = "validity" };
	uint64_t ids[EXPIRE_BATCH];
	enum msg_status from[EXPIRE_BATCH];
	sqlite3_stmt *st;
	int rc, n = 0, done = 0;

	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	st = store_stmt(s, ST_EXPIRE_FIND);
	if (!st) {
		pthread_mutex_unlock(&s->mu);
		return -EIO;
	}
	sqlite3_bind_int64(st, 1, now);
	while (n < EXPIRE_BATCH && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int v = store_status_col(st, 1);

		if (v < 0)
			continue;
		ids[n] = (uint64_t)sqlite3_column_int64(st, 0);
		from[n++] = (enum msg_status)v;
	}
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		rc = store_tx_begin(s);
		if (!rc) {
			rc = store_move_locked(s, ids[i], from[i], MSG_EXPIRED, &mv, now);
			if (rc)
				store_tx_rollback(s);
			else
				rc = store_tx_commit(s);
		}
		if (rc == -EIO || rc == -EBUSY || rc == -ENOSPC) {
			pthread_mutex_unlock(&s->mu);
			return rc;
		}
		done += rc == 0;
	}
	pthread_mutex_unlock(&s->mu);
	return done;
}

static void fill_msg(sqlite3_stmt *st, struct store_msg *m)
{
	int c = 0;

	m->id = (uint64_t)sqlite3_column_int64(st, c++);
	m->dir = sqlite3_column_int(st, c++) ? STORE_DIR_IN : STORE_DIR_OUT;
	m->status = (enum msg_status)store_status_col(st, c++);
	store_col_str(st, c++, m->to, sizeof(m->to));
	store_col_str(st, c++, m->from, sizeof(m->from));
	c++; /* body: copied by the caller */
	store_col_str(st, c++, m->encoding, sizeof(m->encoding));
	m->segments = (unsigned)sqlite3_column_int(st, c++);
	store_col_str(st, c++, m->channel_pref, sizeof(m->channel_pref));
	store_col_str(st, c++, m->channel, sizeof(m->channel));
	store_col_str(st, c++, m->sender, sizeof(m->sender));
	store_col_str(st, c++, m->crm_type, sizeof(m->crm_type));
	store_col_str(st, c++, m->crm_id, sizeof(m->crm_id));
	m->contact_id = sqlite3_column_int64(st, c++);
	m->user_id = sqlite3_column_int64(st, c++);
	store_col_str(st, c++, m->idem_key, sizeof(m->idem_key));
	m->send_at = sqlite3_column_int64(st, c++);
	m->expires_at = sqlite3_column_int64(st, c++);
	m->next_attempt_at = sqlite3_column_int64(st, c++);
	m->attempts = (unsigned)sqlite3_column_int(st, c++);
	m->parts_total = (unsigned)sqlite3_column_int(st, c++);
	m->possible_dup = sqlite3_column_int(st, c++) != 0;
	m->last_error_code = sqlite3_column_int(st, c++);
	store_col_str(st, c++, m->last_error_text, sizeof(m->last_error_text));
	m->created_at = sqlite3_column_int64(st, c++);
	m->updated_at = sqlite3_column_int64(st, c++);
	m->queued_at = sqlite3_column_int64(st, c++);
	m->sending_at = sqlite3_column_int64(st, c++);
	m->sent_at = sqlite3_column_int64(st, c++);
	m->delivered_at = sqlite3_column_int64(st, c++);
	m->finished_at = sqlite3_column_int64(st, c++);
	m->received_at = sqlite3_column_int64(st, c++);
	m->conversation_id = (uint64_t)sqlite3_column_int64(st, c++);
	store_col_str(st, c++, m->business_unit, sizeof(m->business_unit));
	m->source = sqlite3_column_int(st, c++);
	store_col_str(st, c++, m->number_type, sizeof(m->number_type));
	m->template_id = sqlite3_column_int64(st, c++);
	store_col_str(st, c++, m->status_callback, sizeof(m->status_callback));
}

static int msg_read(sqlite3_stmt *st, uint64_t id, struct store_msg *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int len = sqlite3_column_bytes(st, 5);
		const void *b = sqlite3_column_blob(st, 5);

		fill_msg(st, out);
		out->body = malloc((size_t)len + 1);
		if (out->body) {
			if (len)
				memcpy(out->body, b, (size_t)len);
			out->body[len] = '\0';
			out->body_len = (size_t)len;
		}
		rc = out->body ? 0 : -ENOMEM;
	} else {
		rc = rc == SQLITE_DONE ? -ENOENT : store_err(rc);
	}
	sqlite3_reset(st); /* ends the read transaction: the next read sees newer commits */
	return rc;
}

int store_msg_get_locked(struct store *s, uint64_t id, struct store_msg *out)
{
	return msg_read(store_stmt(s, ST_MSG_GET), id, out);
}

int store_msg_get(struct store *s, uint64_t id, struct store_msg *out)
{
	int rc;

	if (!s || !out)
		return -EINVAL;
	if (s->rdb) {
		/* Every write was committed before its call returned: the reader
		 * sees it, without waiting behind the writer's lock. */
		pthread_mutex_lock(&s->rmu);
		rc = msg_read(store_rstmt(s, ST_MSG_GET), id, out);
		pthread_mutex_unlock(&s->rmu);
		return rc;
	}
	pthread_mutex_lock(&s->mu);
	rc = store_msg_get_locked(s, id, out);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

void store_msg_release(struct store_msg *m)
{
	if (m) {
		free(m->body);
		m->body = NULL;
		m->body_len = 0;
	}
}

static void read_event(sqlite3_stmt *st, void *row)
{
	struct store_event *e = row;

	e->at = sqlite3_column_int64(st, 0);
	e->from = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : store_status_col(st, 1);
	e->to = (enum msg_status)store_status_col(st, 2);
	store_col_str(st, 3, e->event, sizeof(e->event));
	e->code = sqlite3_column_int(st, 4);
}

int store_events_get(struct store *s, uint64_t id, struct store_event *out, size_t max)
{
	if (!s || (!out && max))
		return -EINVAL;
	return store_rows_of(s, ST_EVENTS_GET, id, read_event, out, sizeof(*out), max);
}
