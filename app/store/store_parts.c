/* Per-part records and delivery reports, inbound messages and multipart
 * reassembly, and the crash-recovery rule for messages left in sending. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "store_priv.h"

LOG_MODULE(log_store_parts, "store");

static bool fits(const char *v, size_t max)
{
	return !v || strlen(v) < max;
}

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_err(rc);
}

int store_part_sent_locked(struct store *s, uint64_t id, unsigned part, unsigned total,
			   const char *channel, const char *ref, int64_t now)
{
	sqlite3_stmt *st = store_stmt(s, ST_PART_UPSERT);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_int(st, 2, (int)part);
	store_bind_str(st, 3, channel);
	store_bind_str(st, 4, ref);
	sqlite3_bind_int64(st, 5, now);
	rc = step_done(st);
	if (rc == -EEXIST)
		return -ENOENT; /* the foreign key: no such message */
	if (rc)
		return rc;
	st = store_stmt(s, ST_PARTS_TOTAL);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_int(st, 2, (int)total);
	sqlite3_bind_int64(st, 3, now);
	rc = step_done(st);
	return rc ? rc : (sqlite3_changes(s->db) == 1 ? 0 : -ENOENT);
}

int store_part_sent(struct store *s, uint64_t id, unsigned part, unsigned total,
		    const char *channel, const char *ref, int64_t now)
{
	int rc;

	if (!s || !channel || !channel[0] || !ref || !ref[0] || total < 1 || total > 255 ||
	    part >= total || !fits(channel, STORE_NAME_MAX) || !fits(ref, 64))
		return -EINVAL;
	rc = store_tx_lock_begin(s);

	if (rc)
		return rc;
	return store_tx_end_unlock(s, store_part_sent_locked(s, id, part, total, channel, ref,
								now));
}

int store_parts_settle(struct store *s, uint64_t id, int64_t now, enum msg_status *status,
		       bool *changed)
{
	static const struct store_move mv = { .event = "report" };
	sqlite3_stmt *st = store_stmt(s, ST_PART_TALLY);
	int rc, cur;
	unsigned total, deliv, undeliv;
	enum msg_status to;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? -ENOENT : store_err(rc);
	}
	cur = store_status_col(st, 0);
	total = (unsigned)sqlite3_column_int(st, 1);
	deliv = (unsigned)sqlite3_column_int(st, 2);
	undeliv = (unsigned)sqlite3_column_int(st, 3);
	sqlite3_reset(st);
	if (cur < 0)
		return -EIO;
	if (status)
		*status = (enum msg_status)cur;
	if (changed)
		*changed = false;
	if (cur != MSG_SENT)
		return 0; /* parts are recorded; the message moves once sent */
	if (undeliv > 0)
		to = MSG_UNDELIVERED;
	else if (total > 0 && deliv >= total)
		to = MSG_DELIVERED;
	else
		return 0;
	rc = store_move_locked(s, id, MSG_SENT, to, &mv, now);
	if (!rc && status)
		*status = to;
	if (!rc && changed)
		*changed = true;
	return rc;
}

/* The last 9 digits of both numbers agree (the modem may report a national
 * or international form of the same number). */
static bool same_number(const char *a, const char *b)
{
	char da[40], db[40];
	size_t na = 0, nb = 0, k;

	for (; *a && na < sizeof(da); a++)
		if (isdigit((unsigned char)*a))
			da[na++] = *a;
	for (; *b && nb < sizeof(db); b++)
		if (isdigit((unsigned char)*b))
			db[nb++] = *b;
	k = na < nb ? na : nb;
	if (k > 9)
		k = 9;
	return k > 0 && memcmp(da + na - k, db + nb - k, k) == 0;
}

struct report_args {
	const char *channel, *ref, *recipient;
	enum msg_status part_status;
	int code;
	int64_t at, now;
	struct store_report_result *res;
	bool prefix;        /* ref is a prefix (store_part_report_prefix) */
	int64_t sent_after; /* with prefix */
	char ref_end[64];   /* with prefix: ref with its last byte + 1 */
};

static sqlite3_stmt *find_stmt(struct store *s, const struct report_args *a)
{
	sqlite3_stmt *st = store_stmt(s, a->prefix ? ST_PART_FIND_PREFIX : ST_PART_FIND);

	if (!st)
		return NULL;
	store_bind_str(st, 1, a->channel);
	store_bind_str(st, 2, a->ref);
	if (a->prefix) {
		store_bind_str(st, 3, a->ref_end);
		sqlite3_bind_int64(st, 4, a->sent_after);
	}
	return st;
}

static int find_part(struct store *s, const struct report_args *a, uint64_t *id, unsigned *idx)
{
	sqlite3_stmt *st = find_stmt(s, a);
	const char *recipient = a->recipient;
	int rc;

	if (!st)
		return -EIO;
	*id = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *to = sqlite3_column_text(st, 2);

		if (recipient && recipient[0] && !(to && same_number((const char *)to, recipient)))
			continue;
		*id = (uint64_t)sqlite3_column_int64(st, 0);
		*idx = (unsigned)sqlite3_column_int(st, 1);
		break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_err(rc);
}

static int report_locked(struct store *s, const struct report_args *a)
{
	sqlite3_stmt *st;
	unsigned idx = 0;
	uint64_t id;
	int rc = find_part(s, a, &id, &idx);

	if (rc || !id)
		return rc;
	st = store_stmt(s, ST_PART_UPDATE);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_int(st, 2, (int)idx);
	store_bind_str(st, 3, msg_status_str(a->part_status));
	if (a->part_status != MSG_SENT)
		sqlite3_bind_int64(st, 4, a->at ? a->at : a->now);
	sqlite3_bind_int(st, 5, a->code);
	rc = step_done(st);
	if (rc)
		return rc;
	a->res->msg_id = id;
	return store_parts_settle(s, id, a->now, &a->res->msg_status, &a->res->msg_changed);
}

static int report(struct store *s, const struct report_args *a)
{
	int rc;

	if (!s || !a->res || !a->channel || !a->ref || !a->ref[0] ||
	    (a->part_status != MSG_DELIVERED && a->part_status != MSG_UNDELIVERED &&
	     a->part_status != MSG_SENT))
		return -EINVAL;
	memset(a->res, 0, sizeof(*a->res));
	rc = store_tx_lock_begin(s);
	return rc ? rc : store_tx_end_unlock(s, report_locked(s, a));
}

int store_part_report(struct store *s, const char *channel, const char *ref,
		      const char *recipient, enum msg_status part_status, int code,
		      int64_t at, int64_t now, struct store_report_result *res)
{
	struct report_args a = { .channel = channel, .ref = ref, .recipient = recipient,
				 .part_status = part_status, .code = code, .at = at, .now = now,
				 .res = res };

	return report(s, &a);
}

int store_part_report_prefix(struct store *s, const char *channel, const char *ref_prefix,
			     int64_t sent_after, const char *recipient,
			     enum msg_status part_status, int code, int64_t at, int64_t now,
			     struct store_report_result *res)
{
	struct report_args a = { .channel = channel, .ref = ref_prefix, .recipient = recipient,
				 .part_status = part_status, .code = code, .at = at, .now = now,
				 .res = res, .prefix = true, .sent_after = sent_after };
	size_t n = ref_prefix ? strlen(ref_prefix) : 0;

	/* The prefix's upper bound: its last byte + 1 (no byte to carry). */
	if (!n || n >= sizeof(a.ref_end) || (uint8_t)ref_prefix[n - 1] == 0xff)
		return -EINVAL;
	memcpy(a.ref_end, ref_prefix, n + 1);
	a.ref_end[n - 1]++;
	return report(s, &a);
}

static void read_part(sqlite3_stmt *st, void *row)
{
	struct store_part *p = row;

	p->idx = (unsigned)sqlite3_column_int(st, 0);
	store_col_str(st, 1, p->channel, sizeof(p->channel));
	store_col_str(st, 2, p->ref, sizeof(p->ref));
	p->status = (enum msg_status)store_status_col(st, 3);
	p->sent_at = sqlite3_column_int64(st, 4);
	p->delivered_at = sqlite3_column_int64(st, 5);
	p->error_code = sqlite3_column_int(st, 6);
}

int store_parts_get(struct store *s, uint64_t id, struct store_part *out, size_t max)
{
	if (!s || (!out && max))
		return -EINVAL;
	return store_rows_of(s, ST_PARTS_GET, id, read_part, out, sizeof(*out), max);
}

/* ---- inbound ---- */

static void bind_group(sqlite3_stmt *st, const struct store_inbound *in)
{
	store_bind_str(st, 1, in->channel);
	store_bind_str(st, 2, in->from);
	store_bind_str(st, 3, in->to ? in->to : "");
	sqlite3_bind_int(st, 4, (int)in->concat_ref);
	sqlite3_bind_int(st, 5, (int)in->concat_total);
}

static int insert_received(struct store *s, const struct store_inbound *in, const void *body,
			   size_t len, unsigned segments, int64_t sent_at, int64_t now,
			   uint64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, ST_IN_MSG_INSERT);
	int rc;

	if (!st)
		return -EIO;
	store_bind_str(st, 1, in->to ? in->to : "");
	store_bind_str(st, 2, in->from);
	sqlite3_bind_blob(st, 3, body ? body : "", (int)len, SQLITE_STATIC);
	store_bind_str(st, 4, in->encoding);
	sqlite3_bind_int(st, 5, (int)segments);
	store_bind_str(st, 6, in->channel);
	sqlite3_bind_int64(st, 7, sent_at);
	sqlite3_bind_int64(st, 8, now);
	rc = step_done(st);
	if (rc)
		return rc;
	*id = (uint64_t)sqlite3_last_insert_rowid(s->db);
	rc = store_conv_attach(s, *id, true, in->from, NULL, 0, NULL, NULL, now, NULL);
	if (rc)
		return rc;
	rc = store_event_add(s, *id, -1, MSG_RECEIVED, "receive", 0, now);
	return rc ? rc : store_event_queue_locked(s, *id, STORE_EV_RECEIVED, MSG_RECEIVED, now);
}

/* Joins the stored parts in seq order into one received message. */
static int join_parts(struct store *s, const struct store_inbound *in, int64_t sent_at,
		      int64_t now, uint64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, ST_IN_PARTS_GET);
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!st)
		return -EIO;
	bind_group(st, in);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *b = sqlite3_column_blob(st, 0);
		char *nb = realloc(buf, len + n + 1);

		if (!nb) {
			rc = SQLITE_NOMEM;
			break;
		}
		buf = nb;
		if (n)
			memcpy(buf + len, b, n);
		len += n;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(buf);
		return store_err(rc);
	}
	rc = len > STORE_BODY_MAX ? -E2BIG
				  : insert_received(s, in, buf, len, in->concat_total, sent_at,
						    now, id);
	free(buf);
	if (rc)
		return rc;
	st = store_stmt(s, ST_IN_PARTS_DELETE);
	if (!st)
		return -EIO;
	bind_group(st, in);
	return step_done(st);
}

static int inbound_part_locked(struct store *s, const struct store_inbound *in, int64_t now,
			       uint64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, ST_IN_PART_INSERT);
	int64_t sent_at = 0;
	unsigned have = 0;
	int rc;

	if (!st)
		return -EIO;
	bind_group(st, in);
	sqlite3_bind_int(st, 6, (int)in->concat_seq);
	sqlite3_bind_blob(st, 7, in->body ? in->body : "", (int)in->body_len, SQLITE_STATIC);
	store_bind_str(st, 8, in->encoding);
	sqlite3_bind_int64(st, 9, in->sent_at);
	store_bind_str(st, 10, in->source_ref);
	sqlite3_bind_int64(st, 11, now);
	rc = step_done(st); /* a part offered again is ignored */
	if (rc)
		return rc;
	st = store_stmt(s, ST_IN_PART_COUNT);
	if (!st)
		return -EIO;
	bind_group(st, in);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		have = (unsigned)sqlite3_column_int(st, 0);
		sent_at = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_err(rc);
	if (have < in->concat_total)
		return 0;
	return join_parts(s, in, sent_at, now, id);
}

int store_inbound_add(struct store *s, const struct store_inbound *in, int64_t now,
		      uint64_t *msg_id)
{
	uint64_t id = 0;
	int rc;

	if (!s || !in || !msg_id || !in->channel || !in->channel[0] || !in->from ||
	    !in->from[0] || (in->body_len && !in->body) || in->body_len > STORE_BODY_MAX ||
	    !fits(in->from, STORE_ADDR_MAX) || !fits(in->to, STORE_ADDR_MAX) ||
	    !fits(in->channel, STORE_NAME_MAX) || !fits(in->encoding, 16) ||
	    in->concat_total > 255)
		return -EINVAL;
	if (in->concat_total > 1 && (in->concat_seq < 1 || in->concat_seq > in->concat_total))
		return -EINVAL;
	*msg_id = 0;
	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	if (in->concat_total <= 1)
		rc = insert_received(s, in, in->body, in->body_len, 1, in->sent_at, now, &id);
	else
		rc = inbound_part_locked(s, in, now, &id);
	rc = store_tx_end_unlock(s, rc);
	if (!rc)
		*msg_id = id;
	return rc;
}

int store_inbound_pending(struct store *s, uint64_t *n)
{
	int64_t v = 0;
	int rc;

	if (!s || !n)
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	rc = store_one_row_locked(store_stmt(s, ST_IN_PENDING), NULL, &v, 1);
	pthread_mutex_unlock(&s->mu);
	*n = (uint64_t)v;
	return rc;
}

/* One stale group, read before it is joined (the statement is reset
 * first: join_parts reuses the store's statements). */
struct stale_group {
	char channel[STORE_NAME_MAX], from[STORE_ADDR_MAX], to[STORE_ADDR_MAX];
	char encoding[16];
	unsigned ref, total, have;
	int64_t sent_at;
};

static int stale_groups(struct store *s, int64_t before, struct stale_group *g, size_t max,
			size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_IN_STALE);
	int rc = SQLITE_DONE;

	*n = 0;
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, before);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct stale_group *x = &g[(*n)++];

		store_col_str(st, 0, x->channel, sizeof(x->channel));
		store_col_str(st, 1, x->from, sizeof(x->from));
		store_col_str(st, 2, x->to, sizeof(x->to));
		x->ref = (unsigned)sqlite3_column_int(st, 3);
		x->total = (unsigned)sqlite3_column_int(st, 4);
		x->sent_at = sqlite3_column_int64(st, 5);
		store_col_str(st, 6, x->encoding, sizeof(x->encoding));
		x->have = (unsigned)sqlite3_column_int(st, 7);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_err(rc);
}

int store_inbound_flush_stale(struct store *s, int64_t before, int64_t now, unsigned *flushed)
{
	struct stale_group g[16];
	size_t n = 0;
	int rc;

	if (!s || !flushed)
		return -EINVAL;
	*flushed = 0;
	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	rc = stale_groups(s, before, g, 16, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		struct store_inbound in = { .channel = g[i].channel, .from = g[i].from,
					    .to = g[i].to, .encoding = g[i].encoding,
					    .concat_ref = g[i].ref, .concat_total = g[i].total };
		uint64_t id = 0;

		/* The parts present, in order; the message is marked by an
		 * event so the history says what is missing. */
		rc = join_parts(s, &in, g[i].sent_at, now, &id);
		if (!rc)
			rc = store_event_add(s, id, MSG_RECEIVED, MSG_RECEIVED, "incomplete",
					     (int)(g[i].total - g[i].have), now);
		if (!rc)
			(*flushed)++;
	}
	return store_tx_end_unlock(s, rc);
}

/* ---- crash recovery ---- */

struct sending_row {
	uint64_t id;
	unsigned parts_total, parts_recorded;
	int64_t expires_at;
};

static int list_sending(struct store *s, struct sending_row **rows, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_SENDING_LIST);
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct sending_row *nr;

			cap = cap ? cap * 2 : 16;
			nr = realloc(*rows, cap * sizeof(**rows));
			if (!nr) {
				rc = SQLITE_NOMEM;
				break;
			}
			*rows = nr;
		}
		(*rows)[*n] = (struct sending_row){
			.id = (uint64_t)sqlite3_column_int64(st, 0),
			.parts_total = (unsigned)sqlite3_column_int(st, 1),
			.expires_at = sqlite3_column_int64(st, 2),
			.parts_recorded = (unsigned)sqlite3_column_int(st, 3),
		};
		(*n)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_err(rc);
}

static int recover_one(struct store *s, const struct sending_row *r, int64_t now,
		       struct store_recovery *out)
{
	static const struct store_move to_sent = { .event = "recover: all parts referenced" };
	const struct store_move requeue = {
		.event = "recover: possible duplicate",
		.possible_dup = true,
		.next_attempt_at = now,
	};
	static const struct store_move expire = { .event = "validity" };
	int rc;

	if (r->parts_total > 0 && r->parts_recorded >= r->parts_total) {
		rc = store_move_locked(s, r->id, MSG_SENDING, MSG_SENT, &to_sent, now);
		out->to_sent += !rc;
		return rc;
	}
	rc = store_move_locked(s, r->id, MSG_SENDING, MSG_QUEUED, &requeue, now);
	if (rc)
		return rc;
	if (r->expires_at > 0 && r->expires_at <= now) {
		rc = store_move_locked(s, r->id, MSG_QUEUED, MSG_EXPIRED, &expire, now);
		out->expired += !rc;
		return rc;
	}
	out->requeued++;
	return 0;
}

int store_recover_sending(struct store *s, int64_t now, struct store_recovery *r)
{
	struct sending_row *rows;
	size_t n;
	int rc;

	if (!s || !r)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	pthread_mutex_lock(&s->mu);
	rc = list_sending(s, &rows, &n);
	pthread_mutex_unlock(&s->mu);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = store_tx_lock_begin(s);
		if (!rc)
			rc = store_tx_end_unlock(s, recover_one(s, &rows[i], now, r));
	}
	free(rows);
	if (!rc && n)
		LOG_WRN(&log_store_parts, s->path,
			"crash recovery: %zu message(s) were sending: %u sent, %u requeued "
			"(possible duplicates), %u expired",
			n, r->to_sent, r->requeued, r->expired);
	return rc;
}
