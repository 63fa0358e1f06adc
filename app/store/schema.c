/* The schema as an ordered, append-only history of migration steps (const
 * data). Step i takes a database from version i to version i+1; a fresh
 * database runs them all. Never edit a released step: add a new one. */
#include <errno.h>
#include <stdio.h>

#include "hal/log.h"
#include "store_priv.h"

LOG_MODULE(log_store_schema, "store");

static const char *const store_migrations[] = {
	/* v1: messages, their parts and their history. */
	"CREATE TABLE messages("
	" id INTEGER PRIMARY KEY,"
	" direction INTEGER NOT NULL CHECK(direction IN (0,1)),"
	" status TEXT NOT NULL,"
	" to_addr TEXT NOT NULL, from_addr TEXT,"
	" body BLOB NOT NULL, encoding TEXT,"
	" segments INTEGER NOT NULL DEFAULT 1,"
	" channel_pref TEXT, channel TEXT, sender TEXT,"
	" crm_type TEXT, crm_id TEXT, contact_id INTEGER, user_id INTEGER,"
	" send_at INTEGER NOT NULL DEFAULT 0, expires_at INTEGER NOT NULL DEFAULT 0,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" last_error_code INTEGER, last_error_text TEXT,"
	" created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	" queued_at INTEGER, sending_at INTEGER, sent_at INTEGER,"
	" delivered_at INTEGER, finished_at INTEGER);"
	"CREATE INDEX messages_status ON messages(status);"
	"CREATE TABLE message_parts("
	" msg_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL, channel TEXT NOT NULL, ref TEXT NOT NULL,"
	" status TEXT NOT NULL, sent_at INTEGER, delivered_at INTEGER,"
	" error_code INTEGER, PRIMARY KEY(msg_id, idx));"
	"CREATE INDEX message_parts_ref ON message_parts(channel, ref);"
	"CREATE TABLE message_events("
	" id INTEGER PRIMARY KEY,"
	" msg_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	" at INTEGER NOT NULL, from_status TEXT, to_status TEXT NOT NULL,"
	" event TEXT, code INTEGER);"
	"CREATE INDEX message_events_msg ON message_events(msg_id);",

	/* v2: what the outbox needs: idempotency, retry time, the channel's
	 * part count, the possible-duplicate flag, inbound multipart parts. */
	"ALTER TABLE messages ADD COLUMN idem_key TEXT;"
	"ALTER TABLE messages ADD COLUMN payload_hash BLOB;"
	"ALTER TABLE messages ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE messages ADD COLUMN parts_total INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE messages ADD COLUMN possible_dup INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE messages ADD COLUMN received_at INTEGER;"
	"UPDATE messages SET next_attempt_at = send_at WHERE status = 'scheduled';"
	"CREATE UNIQUE INDEX messages_idem ON messages(idem_key) WHERE idem_key IS NOT NULL;"
	"CREATE INDEX messages_due ON messages(status, next_attempt_at);"
	"CREATE TABLE inbound_parts("
	" id INTEGER PRIMARY KEY,"
	" channel TEXT NOT NULL, from_addr TEXT NOT NULL, to_addr TEXT NOT NULL,"
	" concat_ref INTEGER NOT NULL, total INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" body BLOB NOT NULL, encoding TEXT, sent_at INTEGER, source_ref TEXT,"
	" received_at INTEGER NOT NULL,"
	" UNIQUE(channel, from_addr, to_addr, concat_ref, total, seq));",

	/* v3: the CRM side (issue 6): users and token hashes, contacts with
	 * typed numbers, conversations, templates, webhook subscriptions and
	 * their durable delivery queue, the audit log, settings; messages gain
	 * their conversation, business unit and API metadata. Existing
	 * messages are attached to conversations (business unit ''). */
	"CREATE TABLE users("
	" id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,"
	" role INTEGER NOT NULL, business_unit TEXT NOT NULL DEFAULT '',"
	" channel TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL);"
	"CREATE TABLE tokens("
	" id INTEGER PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" hash BLOB NOT NULL UNIQUE, label TEXT NOT NULL DEFAULT '',"
	" created_at INTEGER NOT NULL, revoked_at INTEGER);"
	"CREATE INDEX tokens_user ON tokens(user_id);"
	"CREATE TABLE contacts("
	" id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	" business_unit TEXT NOT NULL DEFAULT '', crm_type TEXT NOT NULL DEFAULT '',"
	" crm_id TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL);"
	"CREATE INDEX contacts_bu ON contacts(business_unit, id);"
	"CREATE TABLE contact_numbers("
	" contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL,"
	" type TEXT NOT NULL CHECK(type IN ('business','mobile','home','other')),"
	" number TEXT NOT NULL, do_not_text INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(contact_id, idx));"
	"CREATE INDEX contact_numbers_number ON contact_numbers(number);"
	"CREATE TABLE conversations("
	" id INTEGER PRIMARY KEY, number TEXT NOT NULL,"
	" business_unit TEXT NOT NULL DEFAULT '', contact_id INTEGER,"
	" crm_type TEXT NOT NULL DEFAULT '', crm_id TEXT NOT NULL DEFAULT '',"
	" created_at INTEGER NOT NULL, last_message_at INTEGER NOT NULL,"
	" UNIQUE(number, business_unit));"
	"CREATE INDEX conversations_record ON conversations(crm_type, crm_id);"
	"CREATE TABLE templates("
	" id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL,"
	" scope INTEGER NOT NULL CHECK(scope IN (0,1)),"
	" business_unit TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, body TEXT NOT NULL,"
	" created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE INDEX templates_owner ON templates(owner_id);"
	"CREATE INDEX templates_bu ON templates(business_unit, scope);"
	"CREATE TABLE webhooks("
	" id INTEGER PRIMARY KEY, url TEXT NOT NULL, events INTEGER NOT NULL,"
	" secret TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1,"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE webhook_deliveries("
	" id INTEGER PRIMARY KEY,"
	" webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
	" conversation_id INTEGER NOT NULL, event_type INTEGER NOT NULL,"
	" payload BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL);"
	"CREATE INDEX webhook_deliveries_order"
	" ON webhook_deliveries(webhook_id, conversation_id, id);"
	"CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at);"
	"CREATE TABLE audit_log("
	" id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor_id INTEGER NOT NULL,"
	" actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,"
	" detail TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"ALTER TABLE messages ADD COLUMN conversation_id INTEGER;"
	"ALTER TABLE messages ADD COLUMN business_unit TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE messages ADD COLUMN source INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE messages ADD COLUMN number_type TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE messages ADD COLUMN template_id INTEGER;"
	"ALTER TABLE messages ADD COLUMN status_callback TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX messages_conv ON messages(conversation_id, id);"
	"CREATE INDEX messages_user ON messages(user_id, id);"
	"INSERT OR IGNORE INTO conversations(number, business_unit, created_at, last_message_at)"
	" SELECT CASE direction WHEN 0 THEN to_addr ELSE from_addr END, '',"
	"  MIN(created_at), MAX(created_at) FROM messages"
	" GROUP BY CASE direction WHEN 0 THEN to_addr ELSE from_addr END;"
	"UPDATE messages SET conversation_id=(SELECT c.id FROM conversations c"
	" WHERE c.business_unit='' AND c.number="
	"  CASE messages.direction WHEN 0 THEN messages.to_addr ELSE messages.from_addr END);",

	/* v4: idempotency keys are per user (two CRM users may pick the same
	 * key; no user counts as user 0), and a delivery may belong to no
	 * subscription (webhook_id NULL: a Twilio StatusCallback POST). SQLite
	 * cannot drop NOT NULL in place: the queue table is rebuilt, rows and
	 * ids kept. */
	"DROP INDEX messages_idem;"
	"CREATE UNIQUE INDEX messages_idem ON messages(COALESCE(user_id,0), idem_key)"
	" WHERE idem_key IS NOT NULL;"
	"CREATE TABLE webhook_deliveries_v4("
	" id INTEGER PRIMARY KEY,"
	" webhook_id INTEGER REFERENCES webhooks(id) ON DELETE CASCADE,"
	" conversation_id INTEGER NOT NULL, event_type INTEGER NOT NULL,"
	" payload BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL);"
	"INSERT INTO webhook_deliveries_v4 SELECT id,webhook_id,conversation_id,event_type,"
	" payload,attempts,created_at,next_attempt_at FROM webhook_deliveries;"
	"DROP TABLE webhook_deliveries;"
	"ALTER TABLE webhook_deliveries_v4 RENAME TO webhook_deliveries;"
	"CREATE INDEX webhook_deliveries_order"
	" ON webhook_deliveries(webhook_id, conversation_id, id);"
	"CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at);",

	/* v5: a delivery id is never used twice (receivers deduplicate on
	 * X-Smsrelay-Delivery): the queue is rebuilt with AUTOINCREMENT, rows
	 * and ids kept. Copying the rows seeds sqlite_sequence with their
	 * max(id); earlier builds kept no high-water mark, so ids handed out
	 * and already deleted before this step cannot be known, and the
	 * sequence starts above the highest one still queued (0 if empty). */
	"CREATE TABLE webhook_deliveries_v5("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" webhook_id INTEGER REFERENCES webhooks(id) ON DELETE CASCADE,"
	" conversation_id INTEGER NOT NULL, event_type INTEGER NOT NULL,"
	" payload BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL);"
	"INSERT INTO webhook_deliveries_v5 SELECT id,webhook_id,conversation_id,event_type,"
	" payload,attempts,created_at,next_attempt_at FROM webhook_deliveries ORDER BY id;"
	"DROP TABLE webhook_deliveries;"
	"ALTER TABLE webhook_deliveries_v5 RENAME TO webhook_deliveries;"
	"CREATE INDEX webhook_deliveries_order"
	" ON webhook_deliveries(webhook_id, conversation_id, id);"
	"CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at);",

	/* v6: the dispatcher's timer and expiry queries become index lookups
	 * (docs/benchmarks.md: without it both scanned every waiting message
	 * after each commit). With messages_due (status, next_attempt_at) the
	 * next attempt, expiry search and next expiry are per-status range
	 * seeks. */
	"CREATE INDEX messages_expiry ON messages(status, expires_at);",
};

_Static_assert(sizeof(store_migrations) / sizeof(store_migrations[0]) == STORE_SCHEMA_VERSION,
	       "one migration step per schema version");

/* Applies steps from+1..to and sets user_version, inside the caller's
 * transaction. DDL goes through sqlite3_exec: it is const text, never
 * built from input. */
int store_schema_apply(sqlite3 *db, int from, int to)
{
	char *msg = NULL;
	char sql[64];

	for (int v = from; v < to; v++) {
		if (sqlite3_exec(db, store_migrations[v], NULL, NULL, &msg) != SQLITE_OK) {
			LOG_ERR(&log_store_schema, NULL, "migration %d -> %d failed: %s", v,
				v + 1, msg ? msg : "?");
			sqlite3_free(msg);
			return -EIO;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", to);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		LOG_ERR(&log_store_schema, NULL, "setting user_version: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int schema_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return store_err(rc);
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_err(rc);
}

/* Brings s->db to STORE_SCHEMA_VERSION in one transaction, or refuses a
 * newer file. */
int store_schema_migrate(struct store *s)
{
	int v, rc = schema_version(s->db, &v);

	if (rc)
		return rc;
	if (v > STORE_SCHEMA_VERSION) {
		LOG_ERR(&log_store_schema, s->path,
			"database schema version %d is newer than this build supports (%d): "
			"refusing to open; upgrade the firmware or restore a backup",
			v, STORE_SCHEMA_VERSION);
		s->version = v;
		return -ENOTSUP;
	}
	if (v == STORE_SCHEMA_VERSION) {
		s->version = v;
		return 0;
	}
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -EIO;
	rc = store_schema_apply(s->db, v, STORE_SCHEMA_VERSION);
	if (!rc && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = -EIO;
	if (rc) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	LOG_INF(&log_store_schema, s->path, "schema migrated %d -> %d", v, STORE_SCHEMA_VERSION);
	s->version = STORE_SCHEMA_VERSION;
	return 0;
}

int store_create_at_version(const char *path, int version)
{
	sqlite3 *db = NULL;
	int v, rc;

	if (!path || version < 1 || version > STORE_SCHEMA_VERSION)
		return -EINVAL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return -EIO;
	}
	rc = schema_version(db, &v);
	if (!rc && v != 0)
		rc = -EEXIST;
	if (!rc && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		rc = -EIO;
	if (!rc) {
		rc = store_schema_apply(db, 0, version);
		if (sqlite3_exec(db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			rc = rc ? rc : -EIO;
	}
	sqlite3_close(db);
	return rc;
}
