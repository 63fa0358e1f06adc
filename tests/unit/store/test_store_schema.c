/* Schema tests: migrations up from every earlier version (old schemas built
 * from the store's own const history), a newer schema refused, a corrupt
 * file moved aside and never deleted. Files live in a fresh temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/log.h"
#include "store/store.h"
#include "store/store_crm.h"
#include "scratch_dir.h"

struct tmp {
	char dir[256];
	char db[300];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	const char *base = getenv("TMPDIR");

	snprintf(t->dir, sizeof(t->dir), "%s/store-schema-XXXXXX", base ? base : "/tmp");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->db, sizeof(t->db), "%s/sms.db", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	scratch_dir_remove(t->dir);
	free(t);
	return 0;
}

static int count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	if (d)
		closedir(d);
	return n;
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A row as a version-1 build would have written it (the v1 columns only). */
static const char *const v1_rows =
	"INSERT INTO messages(id,direction,status,to_addr,body,segments,send_at,"
	"created_at,updated_at) VALUES(7,0,'scheduled','+4917612345678',x'48690021',1,"
	"5000,1000,1000);"
	"INSERT INTO messages(id,direction,status,to_addr,body,segments,created_at,"
	"updated_at) VALUES(8,0,'sent','+4917612345678','two parts',2,1000,1000);"
	"INSERT INTO message_parts(msg_id,idx,channel,ref,status) VALUES(8,0,'modem0','12','sent');"
	"INSERT INTO message_events(msg_id,at,from_status,to_status) VALUES(7,1000,NULL,'accepted');";

/* v4: keys are per user; a v3 delivery survives the queue's rebuild and
 * a delivery without a subscription (Twilio StatusCallback) fits. */
static void check_v4(struct store *s, int v)
{
	static const uint8_t zero[STORE_HASH_LEN], other[STORE_HASH_LEN] = { 1 };
	struct store_msg_new m = { .to = "+4917612345678", .body = "k", .body_len = 1,
				   .segments = 1, .idem_key = "k1", .payload_hash = zero,
				   .user_id = 6 };
	struct store_enqueue it[3] = { { .m = &m } };
	struct store_delivery d[4];
	int n;

	assert_int_equal(store_enqueue_batch(s, it, 1, 2000), 0);
	assert_int_equal(it[0].rc, 0);
	assert_false(it[0].replay); /* user 6's k1 is not user 5's */
	if (v >= 2) {
		struct store_msg_new m5 = m, m5b = m;

		m5.user_id = 5;
		m5b.user_id = 5;
		m5b.payload_hash = other;
		it[1].m = &m5;
		it[2].m = &m5b;
		assert_int_equal(store_enqueue_batch(s, it + 1, 2, 2000), 0);
		assert_int_equal(it[1].rc, 0);
		assert_true(it[1].replay);
		assert_int_equal(it[1].id, 9);
		assert_int_equal(it[2].rc, -EEXIST);
		assert_int_equal(it[2].id, 9);
	}
	if (v >= 3) {
		n = store_delivery_due(s, 10, d, 4);
		assert_int_equal(n, 1);
		assert_int_equal(d[0].webhook_id, 1);
		assert_string_equal(d[0].payload, "{\"old\":1}");
		assert_int_equal(d[0].id, 41); /* v4 and v5 rebuilds keep ids */
		store_delivery_release(&d[0]);
	}
}

/* Drains the delivery queue (every due head delivered), returning the
 * highest id it saw. */
static uint64_t drain_deliveries(struct store *s)
{
	struct store_delivery d[4];
	uint64_t hi = 0;
	int n;

	while ((n = store_delivery_due(s, INT64_MAX, d, 4)) > 0) {
		for (int i = 0; i < n; i++) {
			if (d[i].id > hi)
				hi = d[i].id;
			assert_int_equal(store_delivery_done(s, d[i].id), 0);
			store_delivery_release(&d[i]);
		}
	}
	assert_int_equal(n, 0);
	return hi;
}

/* v5: delivery ids are never reused, even once the queue is empty (a
 * receiver deduplicates on X-Smsrelay-Delivery). `floor`: an id the
 * store has handed out already. */
static void check_delivery_ids_unique(struct store *s, uint64_t conv, uint64_t floor)
{
	struct store_delivery d[2];
	uint64_t hi = drain_deliveries(s);
	size_t nd = 0;

	if (hi < floor)
		hi = floor;
	assert_true(hi > 0);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(store_delivery_enqueue(s, 0, conv, "{}", 2, 1, &nd), 0);
		assert_int_equal(nd, 1);
		assert_int_equal(store_delivery_due(s, INT64_MAX, d, 2), 1);
		assert_true(d[0].id > hi); /* not 1 again after the drain */
		hi = d[0].id;
		assert_int_equal(store_delivery_done(s, d[0].id), 0);
		store_delivery_release(&d[0]);
	}
}

/* Whether the file's schema has an index of that name (v6: the timer
 * queries' messages_expiry). */
static bool has_index(const char *path, const char *name)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	bool found;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='index'"
					    " AND name=?1", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return found;
}

static void test_migrate_from_every_version(void **state)
{
	struct tmp *t = *state;

	for (int v = 1; v < STORE_SCHEMA_VERSION; v++) {
		struct store_opts o = { .path = t->db };
		struct store *s;
		struct store_msg m;
		struct store_part p[2];
		uint64_t ids[4];

		struct store_conversation conv;
		struct store_user u = { .role = 2 }, uo;
		size_t nd = 0;

		unlink(t->db);
		assert_int_equal(store_create_at_version(t->db, v), 0);
		raw_exec(t->db, v1_rows);
		/* A v2 build writes next_attempt_at itself for a scheduled message. */
		if (v >= 2) {
			raw_exec(t->db, "UPDATE messages SET next_attempt_at=5000 WHERE id=7");
			/* v2/v3: a key of user 5 (unique across users then). */
			raw_exec(t->db, "INSERT INTO messages(id,direction,status,to_addr,body,"
					"segments,created_at,updated_at,idem_key,payload_hash,"
					"user_id,next_attempt_at) VALUES(9,0,'queued','+4917612345678',"
					"'k',1,1000,1000,'k1',zeroblob(32),5,9000)");
		}
		/* A v3 build attaches conversations and queues deliveries. */
		if (v >= 3)
			raw_exec(t->db, "INSERT INTO conversations(id,number,business_unit,"
					"created_at,last_message_at) VALUES(1,'+4917612345678',"
					"'',1000,1000);UPDATE messages SET conversation_id=1;"
					"INSERT INTO webhooks(id,url,events,secret,enabled,created_at)"
					" VALUES(1,'http://127.0.0.1:1/h',3,'s',1,1);"
					"INSERT INTO webhook_deliveries(id,webhook_id,conversation_id,"
					"event_type,payload,created_at,next_attempt_at)"
					" VALUES(41,1,1,1,'{\"old\":1}',1,1)");
		assert_int_equal(store_open(&s, &o), 0);
		assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
		/* Old rows survive byte for byte and gain the new columns. */
		assert_int_equal(store_msg_get(s, 7, &m), 0);
		assert_int_equal(m.status, MSG_SCHEDULED);
		assert_int_equal(m.body_len, 4);
		assert_memory_equal(m.body, "Hi\0!", 4);
		assert_int_equal(m.next_attempt_at, 5000); /* v2 fills it from send_at */
		assert_false(m.possible_dup);
		store_msg_release(&m);
		assert_int_equal(store_parts_get(s, 8, p, 2), 1);
		assert_string_equal(p[0].ref, "12");
		/* The scheduled v1 message is due at its send_at under v2 rules. */
		assert_int_equal(store_due(s, 4999, ids, 4), 0);
		assert_int_equal(store_due(s, 5000, ids, 4), 1);
		assert_int_equal(ids[0], 7);
		/* v3: old messages are attached to their number's conversation
		 * (business unit ""), and the CRM tables work. */
		assert_int_equal(store_msg_get(s, 8, &m), 0);
		assert_true(m.conversation_id > 0);
		assert_string_equal(m.business_unit, "");
		assert_int_equal(store_conv_get(s, m.conversation_id, &conv), 0);
		assert_string_equal(conv.number, "+4917612345678");
		store_msg_release(&m);
		assert_int_equal(store_msg_get(s, 7, &m), 0);
		assert_int_equal(m.conversation_id, conv.id); /* same number, one conversation */
		store_msg_release(&m);
		strcpy(u.username, "admin");
		assert_int_equal(store_user_create(s, &u, 1, &uo), 0);
		assert_int_equal(store_delivery_enqueue(s, 0, conv.id, "{}", 2, 1, &nd), 0);
		assert_int_equal(nd, v >= 3 ? 1 : 0); /* the v3 webhook only */
		check_v4(s, v);
		if (v >= 3)
			check_delivery_ids_unique(s, conv.id, 41);
		store_close(s);
		assert_true(has_index(t->db, "messages_expiry")); /* v6 */
		assert_true(has_index(t->db, "messages_due"));
		/* Reopening an up-to-date file changes nothing. */
		assert_int_equal(store_open(&s, &o), 0);
		assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
		store_close(s);
	}
}

/* A file store reads messages on its second, read-only connection: every
 * commit of the writer is visible to the very next read (no snapshot kept
 * between reads), through enqueue and every move. */
static void test_reader_sees_every_commit(void **state)
{
	struct tmp *t = *state;
	struct store_opts o = { .path = t->db };
	struct store *s;
	struct store_msg m;
	static const enum msg_status path[] = { MSG_SENDING, MSG_QUEUED, MSG_SENDING, MSG_SENT };

	assert_int_equal(store_open(&s, &o), 0);
	for (int k = 0; k < 20; k++) {
		struct store_msg_new n = { .to = "+4917612345678", .body = "r", .body_len = 1,
					   .segments = 1 };
		struct store_enqueue it = { .m = &n };
		enum msg_status prev = MSG_QUEUED;

		assert_int_equal(store_enqueue_batch(s, &it, 1, 1000 + k), 0);
		assert_int_equal(store_msg_get(s, it.id, &m), 0);
		assert_int_equal(m.status, MSG_QUEUED);
		assert_int_equal(m.created_at, 1000 + k);
		store_msg_release(&m);
		for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
			assert_int_equal(store_msg_move(s, it.id, prev, path[i], NULL, 2000 + k), 0);
			assert_int_equal(store_msg_get(s, it.id, &m), 0);
			assert_int_equal(m.status, path[i]);
			store_msg_release(&m);
			prev = path[i];
		}
	}
	assert_int_equal(store_msg_get(s, 4711, &m), -ENOENT);
	store_close(s);
}

static void test_fresh_and_create_at_version(void **state)
{
	struct tmp *t = *state;
	struct store_opts o = { .path = t->db };
	struct store *s;

	assert_int_equal(store_create_at_version(t->db, 0), -EINVAL);
	assert_int_equal(store_create_at_version(t->db, STORE_SCHEMA_VERSION + 1), -EINVAL);
	assert_int_equal(store_open(&s, &o), 0);
	assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
	{
		/* A fresh file: the first delivery is 1, and after the queue
		 * drains the next is still above it. */
		struct store_webhook h = { .events = 3, .enabled = true }, ho;
		size_t nd = 0;

		strcpy(h.url, "http://127.0.0.1:1/h");
		strcpy(h.secret, "s");
		assert_int_equal(store_webhook_create(s, &h, 1, &ho), 0);
		assert_int_equal(store_delivery_enqueue(s, 0, 1, "{}", 2, 1, &nd), 0);
		assert_int_equal(nd, 1);
		check_delivery_ids_unique(s, 1, 0);
	}
	store_close(s);
	assert_int_equal(store_create_at_version(t->db, 1), -EEXIST);
}

static char last_log[512];
static void sink(void *arg, int level, const char *module, const char *inst, const char *msg)
{
	(void)arg;
	(void)module;
	(void)inst;
	if (level == LOG_LEVEL_ERR)
		snprintf(last_log, sizeof(last_log), "%s", msg);
}

static void test_newer_version_refused(void **state)
{
	struct tmp *t = *state;
	struct store_opts o = { .path = t->db };
	struct store *s = NULL;
	char want[64];

	assert_int_equal(store_create_at_version(t->db, STORE_SCHEMA_VERSION), 0);
	raw_exec(t->db, "PRAGMA user_version=99");
	log_set_sink(sink, NULL);
	assert_int_equal(store_open(&s, &o), -ENOTSUP);
	log_set_sink(NULL, NULL);
	assert_null(s);
	assert_non_null(strstr(last_log, "99"));
	snprintf(want, sizeof(want), "(%d)", STORE_SCHEMA_VERSION);
	assert_non_null(strstr(last_log, want));
	/* Untouched: still version 99, not moved aside. */
	assert_int_equal(count_files(t->dir, "sms.db.corrupt"), 0);
	assert_int_equal(store_open(&s, &o), -ENOTSUP);
}

static void write_file(const char *path, const void *data, size_t len, off_t at)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, at), (ssize_t)len);
	close(fd);
}

static void test_garbage_file_moved_aside(void **state)
{
	struct tmp *t = *state;
	struct store_opts o = { .path = t->db, .now_ms = 1700000000000 };
	static const char junk[] = "this is not an SQLite database, just some bytes......";
	char aside[400];
	struct store *s;
	uint64_t n;

	write_file(t->db, junk, sizeof(junk), 0);
	log_set_sink(sink, NULL);
	assert_int_equal(store_open(&s, &o), 0);
	log_set_sink(NULL, NULL);
	assert_non_null(strstr(last_log, "corrupt"));
	assert_int_equal(store_count_status(s, MSG_QUEUED, &n), 0);
	assert_int_equal(n, 0);
	store_close(s);
	/* Kept, with the time in its name, byte for byte. */
	snprintf(aside, sizeof(aside), "%s.corrupt-20231114T221320Z", t->db);
	assert_non_null(strstr(last_log, aside));
	{
		char buf[sizeof(junk)];
		int fd = open(aside, O_RDONLY);

		assert_true(fd >= 0);
		assert_int_equal(read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
		close(fd);
		assert_memory_equal(buf, junk, sizeof(junk));
	}
}

/* A valid WAL database whose table pages are then overwritten: the check
 * finds it; the file and its -wal are moved aside together. */
static void test_damaged_pages_moved_aside(void **state)
{
	struct tmp *t = *state;
	struct store_opts o = { .path = t->db, .full_check = true, .now_ms = 1700000000000 };
	struct store *s;
	uint8_t junk[4096];
	char aside[400];
	sqlite3 *db;
	int persist = 1;

	assert_int_equal(store_create_at_version(t->db, STORE_SCHEMA_VERSION), 0);
	assert_int_equal(sqlite3_open(t->db, &db), SQLITE_OK);
	/* Keep the -wal file after close, as a crash would leave it. */
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	assert_int_equal(
		sqlite3_exec(db, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c "
				 "WHERE x<400) INSERT INTO messages(direction,status,to_addr,body,"
				 "created_at,updated_at) SELECT 0,'queued','+491',randomblob(300),"
				 "x,x FROM c;",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	write_file(t->db, junk, sizeof(junk), 4096 * 3);
	write_file(t->db, junk, sizeof(junk), 4096 * 8);
	assert_int_equal(count_files(t->dir, "sms.db-wal"), 1);
	log_set_sink(sink, NULL);
	assert_int_equal(store_open(&s, &o), 0);
	log_set_sink(NULL, NULL);
	assert_non_null(strstr(last_log, "moved aside"));
	store_close(s);
	/* The damaged file and its -wal are kept side by side. */
	snprintf(aside, sizeof(aside), "%s.corrupt-20231114T221320Z", t->db);
	assert_int_equal(access(aside, F_OK), 0);
	snprintf(aside, sizeof(aside), "%s.corrupt-20231114T221320Z-wal", t->db);
	assert_int_equal(access(aside, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_from_every_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_and_create_at_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_sees_every_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_version_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_file_moved_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_pages_moved_aside, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
