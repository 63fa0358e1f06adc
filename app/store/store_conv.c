/* Conversations (one per other-party number and business unit), message
 * listing with keyset paging, and the per-channel status counts. */
#include <errno.h>
#include <string.h>

#include "hal/log.h"
#include "store/store_crm.h"
#include "store_priv.h"

LOG_MODULE(log_store_conv, "store");

/* Found or made; contact and CRM record links are refreshed when the new
 * message carries them. */
static const char sql_conv_upsert[] =
	"INSERT INTO conversations(number,business_unit,contact_id,crm_type,crm_id,"
	"created_at,last_message_at) VALUES(?1,?2,?3,COALESCE(?4,''),COALESCE(?5,''),?6,?6)"
	" ON CONFLICT(number,business_unit) DO UPDATE SET"
	" last_message_at=MAX(last_message_at,excluded.last_message_at),"
	" contact_id=COALESCE(excluded.contact_id,contact_id),"
	" crm_type=CASE WHEN excluded.crm_type<>'' THEN excluded.crm_type ELSE crm_type END,"
	" crm_id=CASE WHEN excluded.crm_type<>'' THEN excluded.crm_id ELSE crm_id END"
	" RETURNING id";
static const char sql_conv_bu_of_number[] =
	"SELECT business_unit, contact_id FROM conversations WHERE number=?1"
	" ORDER BY last_message_at DESC, id DESC LIMIT 1";
static const char sql_contact_of_number[] =
	"SELECT c.business_unit, c.id FROM contact_numbers n JOIN contacts c"
	" ON c.id=n.contact_id WHERE n.number=?1 ORDER BY c.id LIMIT 1";
static const char sql_msg_set_conv[] =
	"UPDATE messages SET conversation_id=?2, business_unit=?3,"
	" contact_id=COALESCE(contact_id,?4) WHERE id=?1";
#define CONV_COLS "id,number,business_unit,contact_id,crm_type,crm_id,created_at,last_message_at"
static const char sql_conv_get[] = "SELECT " CONV_COLS " FROM conversations WHERE id=?1";
static const char sql_conv_list[] =
	"SELECT " CONV_COLS " FROM conversations WHERE (?1 IS NULL OR number=?1)"
	" AND (?2 IS NULL OR (crm_type=?2 AND crm_id=?3))"
	" AND (?4 IS NULL OR business_unit=?4) AND (?5=0 OR id<?5)"
	" ORDER BY id DESC LIMIT ?6";
static const char sql_msg_list[] =
	"SELECT id FROM messages WHERE (?1=0 OR user_id=?1) AND (?2=0 OR conversation_id=?2)"
	" AND (?3 IS NULL OR status=?3) AND created_at>=?4 AND (?5 IS NULL OR to_addr=?5)"
	" AND (?6 IS NULL OR from_addr=?6) AND (?7=0 OR id<?7) ORDER BY id DESC LIMIT ?8";
static const char sql_count_by_channel[] =
	"SELECT COALESCE(channel,''), status, COUNT(*) FROM messages"
	" GROUP BY COALESCE(channel,''), status ORDER BY 1, 2";

/* The inbound message's business unit and contact: the number's latest
 * conversation, else a contact with the number, else none. */
static int inbound_owner(struct store *s, const char *number, char *bu, size_t len,
			 int64_t *contact_id)
{
	static const enum store_xstmt ids[] = { SX_CONV_BU_OF_NUMBER, SX_CONTACT_OF_NUMBER };
	static const char *const sqls[] = { sql_conv_bu_of_number, sql_contact_of_number };

	bu[0] = '\0';
	*contact_id = 0;
	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *st = store_xstmt(s, ids[i], sqls[i]);
		int rc;

		if (!st)
			return -EIO;
		store_bind_str(st, 1, number);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			store_col_str(st, 0, bu, len);
			*contact_id = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		if (rc == SQLITE_ROW)
			return 0;
		if (rc != SQLITE_DONE)
			return store_err(rc);
	}
	return 0;
}

int store_conv_attach(struct store *s, uint64_t msg_id, bool inbound, const char *number,
		      const char *bu, int64_t contact_id, const char *crm_type,
		      const char *crm_id, int64_t now, uint64_t *conv_id)
{
	char in_bu[STORE_NAME_MAX];
	sqlite3_stmt *st;
	uint64_t conv = 0;
	int rc;

	if (inbound) {
		rc = inbound_owner(s, number, in_bu, sizeof(in_bu), &contact_id);
		if (rc)
			return rc;
		bu = in_bu;
	}
	st = store_xstmt(s, SX_CONV_UPSERT, sql_conv_upsert);
	if (!st)
		return -EIO;
	store_bind_str(st, 1, number);
	store_bind_str(st, 2, bu ? bu : "");
	if (contact_id)
		sqlite3_bind_int64(st, 3, contact_id);
	store_bind_str(st, 4, crm_type && crm_type[0] ? crm_type : NULL);
	store_bind_str(st, 5, crm_type && crm_type[0] ? crm_id : NULL);
	sqlite3_bind_int64(st, 6, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		conv = (uint64_t)sqlite3_column_int64(st, 0);
	/* RETURNING: step to the end so the statement completes. */
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || !conv)
		return rc == SQLITE_DONE ? -EIO : store_err(rc);
	if (conv_id)
		*conv_id = conv;
	st = store_xstmt(s, SX_MSG_SET_CONV, sql_msg_set_conv);
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)msg_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)conv);
	store_bind_str(st, 3, bu ? bu : "");
	if (contact_id)
		sqlite3_bind_int64(st, 4, contact_id);
	return store_step_done(st);
}

static void fill_conv(sqlite3_stmt *st, void *row)
{
	struct store_conversation *c = row;

	memset(c, 0, sizeof(*c));
	c->id = (uint64_t)sqlite3_column_int64(st, 0);
	store_col_str(st, 1, c->number, sizeof(c->number));
	store_col_str(st, 2, c->business_unit, sizeof(c->business_unit));
	c->contact_id = (uint64_t)sqlite3_column_int64(st, 3);
	store_col_str(st, 4, c->crm_type, sizeof(c->crm_type));
	store_col_str(st, 5, c->crm_id, sizeof(c->crm_id));
	c->created_at = sqlite3_column_int64(st, 6);
	c->last_message_at = sqlite3_column_int64(st, 7);
}

int store_conv_get(struct store *s, uint64_t id, struct store_conversation *out)
{
	return store_read_by_id(s, SX_CONV_GET, sql_conv_get, id, fill_conv, out);
}

static const char *opt(const char *v)
{
	return v && v[0] ? v : NULL;
}

int store_conv_list(struct store *s, const struct store_conv_filter *f, uint64_t before,
		    struct store_conversation *out, size_t max, size_t *n, bool *more)
{
	if (!s || !f || !out || !n || !more || !max || (opt(f->crm_type) && !f->crm_id))
		return -EINVAL;

	const struct store_param p[] = { STORE_PS(opt(f->number)), STORE_PS(opt(f->crm_type)),
					 STORE_PS(f->crm_id), STORE_PS(opt(f->business_unit)),
					 STORE_PI(before) };
	const struct store_page_q q = { SX_CONV_LIST, sql_conv_list, p, 5, fill_conv, sizeof(*out),
					NULL };

	return store_page_run(s, &q, out, max, n, more);
}

static void read_id(sqlite3_stmt *st, void *id)
{
	*(uint64_t *)id = (uint64_t)sqlite3_column_int64(st, 0);
}

int store_msg_list(struct store *s, const struct store_msg_filter *f, uint64_t before,
		   uint64_t *ids, size_t max, size_t *n, bool *more)
{
	int rc;

	if (!s || !f || !ids || !n || !more || !max || f->status >= MSG_STATUS_COUNT)
		return -EINVAL;

	const struct store_param p[] = {
		STORE_PI(f->user_id),
		STORE_PI(f->conversation_id),
		STORE_PS(f->status >= 0 ? msg_status_str((enum msg_status)f->status) : NULL),
		STORE_PI(f->since),
		STORE_PS(opt(f->to)),
		STORE_PS(opt(f->from)),
		STORE_PI(before),
	};
	const struct store_page_q q = { SX_MSG_LIST, sql_msg_list, p, 7, read_id, sizeof(*ids),
					NULL };

	rc = store_page_run(s, &q, ids, max, n, more);
	if (rc)
		LOG_WRN(&log_store_conv, s->path, "message list: %s", strerror(-rc));
	return rc;
}

int store_count_by_channel(struct store *s, struct store_status_count *out, size_t max)
{
	sqlite3_stmt *st;
	int rc, k = 0;

	if (!s || (!out && max))
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	st = store_xstmt(s, SX_COUNT_BY_CHANNEL, sql_count_by_channel);
	if (!st) {
		pthread_mutex_unlock(&s->mu);
		return -EIO;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && (size_t)k < max) {
		int stv = store_status_col(st, 1);

		if (stv < 0)
			continue;
		store_col_str(st, 0, out[k].channel, sizeof(out[k].channel));
		out[k].status = (enum msg_status)stv;
		out[k].count = (uint64_t)sqlite3_column_int64(st, 2);
		k++;
	}
	sqlite3_reset(st);
	pthread_mutex_unlock(&s->mu);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? k : store_err(rc);
}
