/* Store tests on :memory:: enqueue and idempotency, every lifecycle move
 * legal or refused, parts and delivery reports, inbound reassembly, expiry,
 * due queries and the crash rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define T0 1700000000000LL

static int setup(void **state)
{
	struct store_opts o = { .path = ":memory:" };
	struct store *s;

	assert_int_equal(store_open(&s, &o), 0);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

static const uint8_t hash_a[STORE_HASH_LEN] = { 1, 2, 3 };
static const uint8_t hash_b[STORE_HASH_LEN] = { 9, 9, 9 };

static uint64_t add(struct store *s, const char *to, unsigned segments, int64_t send_at,
		    int64_t expires_at)
{
	struct store_msg_new m = {
		.to = to, .body = "hello", .body_len = 5, .segments = segments,
		.send_at = send_at, .expires_at = expires_at,
	};
	struct store_enqueue it = { .m = &m };

	assert_int_equal(store_enqueue_batch(s, &it, 1, T0), 0);
	assert_int_equal(it.rc, 0);
	assert_false(it.replay);
	return it.id;
}

static enum msg_status status_of(struct store *s, uint64_t id)
{
	struct store_msg m;
	enum msg_status st;

	assert_int_equal(store_msg_get(s, id, &m), 0);
	st = m.status;
	store_msg_release(&m);
	return st;
}

static void test_enqueue_body_byte_for_byte(void **state)
{
	struct store *s = *state;
	static const char body[] = "a\0b\xff\xfe \xf0\x9f\x98\x80";
	struct store_msg_new m = {
		.to = "+4917612345678", .from = "+4930123", .body = body,
		.body_len = sizeof(body) - 1, .encoding = "ucs2", .segments = 1,
		.channel_pref = "modem0", .crm_type = "deal", .crm_id = "D-42",
		.contact_id = 5, .user_id = 6,
	};
	struct store_enqueue it = { .m = &m };
	struct store_event ev[4];
	struct store_msg got;

	assert_int_equal(store_enqueue_batch(s, &it, 1, T0), 0);
	assert_int_equal(it.status, MSG_QUEUED);
	assert_int_equal(store_msg_get(s, it.id, &got), 0);
	assert_int_equal(got.body_len, sizeof(body) - 1);
	assert_memory_equal(got.body, body, sizeof(body) - 1);
	assert_string_equal(got.crm_type, "deal");
	assert_string_equal(got.crm_id, "D-42");
	assert_string_equal(got.channel_pref, "modem0");
	assert_int_equal(got.contact_id, 5);
	assert_int_equal(got.queued_at, T0);
	assert_int_equal(got.dir, STORE_DIR_OUT);
	store_msg_release(&got);
	/* History: created accepted, then queued. */
	assert_int_equal(store_events_get(s, it.id, ev, 4), 2);
	assert_int_equal(ev[0].from, -1);
	assert_int_equal(ev[0].to, MSG_ACCEPTED);
	assert_int_equal(ev[1].from, MSG_ACCEPTED);
	assert_int_equal(ev[1].to, MSG_QUEUED);
}

static void test_enqueue_rejects_bad_input(void **state)
{
	struct store *s = *state;
	char longto[64];
	struct store_msg_new ok = { .to = "+491", .body = "x", .body_len = 1, .segments = 1 };
	struct store_msg_new bad[5];
	struct store_enqueue it[6];
	uint64_t n;

	memset(longto, '1', sizeof(longto) - 1);
	longto[sizeof(longto) - 1] = '\0';
	for (int i = 0; i < 5; i++)
		bad[i] = ok;
	bad[0].to = NULL;
	bad[1].to = longto;
	bad[2].segments = 0;
	bad[3].idem_key = "k"; /* key without a payload hash */
	char *big = calloc(1, STORE_BODY_MAX + 1);

	bad[4].body_len = STORE_BODY_MAX + 1;
	bad[4].body = big;
	for (int i = 0; i < 5; i++)
		it[i] = (struct store_enqueue){ .m = &bad[i] };
	it[5] = (struct store_enqueue){ .m = &ok };
	assert_int_equal(store_enqueue_batch(s, it, 6, T0), 0);
	free(big);
	for (int i = 0; i < 4; i++)
		assert_int_equal(it[i].rc, -EINVAL);
	assert_int_equal(it[4].rc, -E2BIG);
	/* A rejected item does not spoil the batch. */
	assert_int_equal(it[5].rc, 0);
	assert_int_equal(store_count_status(s, MSG_QUEUED, &n), 0);
	assert_int_equal(n, 1);
}

static void test_idempotency(void **state)
{
	struct store *s = *state;
	struct store_msg_new a = { .to = "+491", .body = "x", .body_len = 1, .segments = 1,
				   .idem_key = "crm-1", .payload_hash = hash_a };
	struct store_msg_new b = a;
	struct store_enqueue it[3] = { { .m = &a }, { .m = &a }, { .m = &b } };
	uint64_t n;

	b.payload_hash = hash_b;
	/* Same batch: the second sees the first. */
	assert_int_equal(store_enqueue_batch(s, it, 3, T0), 0);
	assert_int_equal(it[0].rc, 0);
	assert_false(it[0].replay);
	assert_int_equal(it[1].rc, 0);
	assert_true(it[1].replay);
	assert_int_equal(it[1].id, it[0].id);
	assert_int_equal(it[2].rc, -EEXIST);
	assert_int_equal(it[2].id, it[0].id);
	/* A later batch too, whatever the message's status now. */
	assert_int_equal(store_msg_move(s, it[0].id, MSG_QUEUED, MSG_SENDING, NULL, T0 + 1), 0);
	it[1] = (struct store_enqueue){ .m = &a };
	assert_int_equal(store_enqueue_batch(s, &it[1], 1, T0 + 2), 0);
	assert_true(it[1].replay);
	assert_int_equal(it[1].status, MSG_SENDING);
	assert_int_equal(store_count_status(s, MSG_SENDING, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_count_status(s, MSG_QUEUED, &n), 0);
	assert_int_equal(n, 0);
}

/* Walk every (from, to) pair: a move happens exactly when msg_status says
 * it is legal, else -EPERM and nothing changes. */
static void test_every_transition(void **state)
{
	struct store *s = *state;

	for (int from = 0; from < MSG_STATUS_COUNT; from++) {
		for (int to = 0; to < MSG_STATUS_COUNT; to++) {
			/* Put a fresh message into `from` along legal steps. */
			static const enum msg_status path[] = { MSG_QUEUED, MSG_SENDING, MSG_SENT };
			uint64_t id = add(s, "+491", 1, 0, 0);
			enum msg_status cur = MSG_QUEUED;
			struct store_event ev[16];
			int nev, rc;
			bool reachable = true;

			if (from == MSG_ACCEPTED || from == MSG_RECEIVED) {
				/* Not reachable from queued: a wrong `from` is refused. */
				assert_int_equal(store_msg_move(s, id, (enum msg_status)from,
								(enum msg_status)to, NULL, T0),
						 -EPERM);
				continue;
			}
			for (size_t i = 1; i < 3 && cur != (enum msg_status)from; i++) {
				if (msg_status_can_move(cur, (enum msg_status)from)) {
					assert_int_equal(store_msg_move(s, id, cur, from, NULL, T0), 0);
					cur = (enum msg_status)from;
					break;
				}
				assert_int_equal(store_msg_move(s, id, cur, path[i], NULL, T0), 0);
				cur = path[i];
			}
			if (cur != (enum msg_status)from && msg_status_can_move(cur, from)) {
				assert_int_equal(store_msg_move(s, id, cur, from, NULL, T0), 0);
				cur = (enum msg_status)from;
			}
			reachable = cur == (enum msg_status)from;
			assert_true(reachable);
			nev = store_events_get(s, id, ev, 16);
			rc = store_msg_move(s, id, (enum msg_status)from, (enum msg_status)to, NULL,
					    T0 + 5);
			if (msg_status_can_move(from, to)) {
				assert_int_equal(rc, 0);
				/* sent with no parts stays sent; anything else lands as asked */
				assert_int_equal(status_of(s, id), to);
				assert_int_equal(store_events_get(s, id, ev, 16), nev + 1);
				assert_int_equal(ev[nev].from, from);
				assert_int_equal(ev[nev].to, to);
			} else {
				assert_int_equal(rc, -EPERM);
				assert_int_equal(status_of(s, id), from);
				assert_int_equal(store_events_get(s, id, ev, 16), nev);
			}
		}
	}
}

static void test_move_checks_current_status(void **state)
{
	struct store *s = *state;
	uint64_t id = add(s, "+491", 1, 0, 0);
	struct store_move mv = { .event = "claim", .channel = "modem0", .sender = "+4930",
				 .attempts_delta = 1 };
	struct store_msg m;

	/* Legal in general, but the message is not in `from`. */
	assert_int_equal(store_msg_move(s, id, MSG_SENDING, MSG_SENT, NULL, T0), -EPERM);
	assert_int_equal(store_msg_move(s, 999, MSG_QUEUED, MSG_SENDING, NULL, T0), -ENOENT);
	assert_int_equal(store_msg_move(s, id, MSG_QUEUED, MSG_SENDING, &mv, T0 + 10), 0);
	assert_int_equal(store_msg_get(s, id, &m), 0);
	assert_int_equal(m.attempts, 1);
	assert_string_equal(m.channel, "modem0");
	assert_string_equal(m.sender, "+4930");
	assert_int_equal(m.sending_at, T0 + 10);
	store_msg_release(&m);
	mv = (struct store_move){ .event = "retry", .next_attempt_at = T0 + 5000,
				  .err_code = 38, .err_text = "network out of order" };
	assert_int_equal(store_msg_move(s, id, MSG_SENDING, MSG_QUEUED, &mv, T0 + 20), 0);
	assert_int_equal(store_msg_get(s, id, &m), 0);
	assert_int_equal(m.next_attempt_at, T0 + 5000);
	assert_int_equal(m.last_error_code, 38);
	assert_string_equal(m.last_error_text, "network out of order");
	store_msg_release(&m);
}

static void test_due_scheduled_and_next_due(void **state)
{
	struct store *s = *state;
	uint64_t ids[8];
	int64_t when;
	uint64_t a = add(s, "+491", 1, 0, 0);
	uint64_t b = add(s, "+492", 1, T0 + 60000, 0);
	uint64_t c = add(s, "+493", 1, 0, T0 + 30000);

	assert_int_equal(status_of(s, b), MSG_SCHEDULED);
	assert_int_equal(store_due(s, T0, ids, 8), 2);
	assert_int_equal(ids[0], a);
	assert_int_equal(ids[1], c);
	assert_int_equal(store_next_due(s, T0, &when), 0);
	assert_int_equal(when, T0 + 30000); /* c's expiry comes first */
	assert_int_equal(store_expire_due(s, T0 + 30000), 1);
	assert_int_equal(status_of(s, c), MSG_EXPIRED);
	assert_int_equal(store_next_due(s, T0 + 30000, &when), 0);
	assert_int_equal(when, T0 + 60000);
	assert_int_equal(store_due(s, T0 + 60000, ids, 8), 2);
	assert_int_equal(ids[1], b);
	/* Defer: only waiting messages, no history row. */
	assert_int_equal(store_msg_defer(s, a, T0 + 90000, T0), 0);
	assert_int_equal(store_due(s, T0 + 60000, ids, 8), 1);
	assert_int_equal(store_msg_defer(s, c, T0, T0), -EPERM);
	assert_int_equal(store_msg_defer(s, 12345, T0, T0), -ENOENT);
}

/* store_next_due is the earliest of: a waiting message's next attempt
 * (queued or scheduled) and a waiting message's expiry (accepted, queued,
 * scheduled); a message being sent or finished does not count (one indexed
 * lookup per status and column since schema v6). */
static void test_next_due_every_arm(void **state)
{
	struct store *s = *state;
	int64_t when;
	uint64_t q = add(s, "+491", 1, 0, T0 + 50000);          /* queued, due now */
	uint64_t sch = add(s, "+492", 1, T0 + 40000, T0 + 90000); /* scheduled */
	uint64_t snd = add(s, "+493", 1, 0, T0 + 10000);        /* will be sending */

	assert_int_equal(store_msg_move(s, snd, MSG_QUEUED, MSG_SENDING, NULL, T0), 0);
	/* queued q's next attempt is now (not after now): sch's send time */
	assert_int_equal(store_next_due(s, T0, &when), 0);
	assert_int_equal(when, T0 + 40000);
	/* deferred past its expiry: the expiry comes first */
	assert_int_equal(store_msg_defer(s, q, T0 + 45000, T0), 0);
	assert_int_equal(store_next_due(s, T0, &when), 0);
	assert_int_equal(when, T0 + 40000);
	assert_int_equal(store_next_due(s, T0 + 40000, &when), 0);
	assert_int_equal(when, T0 + 45000);
	assert_int_equal(store_next_due(s, T0 + 45000, &when), 0);
	assert_int_equal(when, T0 + 50000); /* q's expiry */
	assert_int_equal(store_next_due(s, T0 + 50000, &when), 0);
	assert_int_equal(when, T0 + 90000); /* sch's expiry */
	assert_int_equal(store_expire_due(s, T0 + 50000), 1);
	assert_int_equal(status_of(s, q), MSG_EXPIRED);
	assert_int_equal(status_of(s, snd), MSG_SENDING); /* never expired here */
	assert_int_equal(status_of(s, sch), MSG_SCHEDULED);
	assert_int_equal(store_next_due(s, T0 + 90000, &when), 0);
	assert_int_equal(when, 0); /* nothing left to wait for */
}

static void send_it(struct store *s, uint64_t id)
{
	assert_int_equal(store_msg_move(s, id, MSG_QUEUED, MSG_SENDING, NULL, T0), 0);
}

static void test_multipart_delivered_only_when_all_parts(void **state)
{
	struct store *s = *state;
	struct store_report_result r;
	struct store_part p[4];
	uint64_t id = add(s, "+4917612345678", 3, 0, 0);

	send_it(s, id);
	assert_int_equal(store_part_sent(s, id, 0, 3, "modem0", "17", T0), 0);
	assert_int_equal(store_part_sent(s, id, 1, 3, "modem0", "18", T0), 0);
	/* A report may arrive before submit_done: the part is recorded. */
	assert_int_equal(store_part_report(s, "modem0", "17", "4917612345678", MSG_DELIVERED, 0, 0,
					   T0 + 1, &r),
			 0);
	assert_int_equal(r.msg_id, id);
	assert_int_equal(r.msg_status, MSG_SENDING);
	assert_int_equal(store_part_sent(s, id, 2, 3, "modem0", "19", T0), 0);
	assert_int_equal(store_msg_move(s, id, MSG_SENDING, MSG_SENT, NULL, T0 + 2), 0);
	assert_int_equal(status_of(s, id), MSG_SENT);
	assert_int_equal(store_part_report(s, "modem0", "19", NULL, MSG_DELIVERED, 0, 0, T0 + 3, &r),
			 0);
	assert_false(r.msg_changed);
	assert_int_equal(status_of(s, id), MSG_SENT);
	/* A pending report (TP-ST 0x20) changes nothing final. */
	assert_int_equal(store_part_report(s, "modem0", "18", NULL, MSG_SENT, 0x20, 0, T0 + 4, &r),
			 0);
	assert_int_equal(status_of(s, id), MSG_SENT);
	/* Wrong recipient: no match. */
	assert_int_equal(store_part_report(s, "modem0", "18", "+15550001111", MSG_DELIVERED, 0, 0,
					   T0 + 5, &r),
			 0);
	assert_int_equal(r.msg_id, 0);
	assert_int_equal(store_part_report(s, "twilio", "18", NULL, MSG_DELIVERED, 0, 0, T0 + 5, &r),
			 0);
	assert_int_equal(r.msg_id, 0);
	assert_int_equal(store_part_report(s, "modem0", "18", "017612345678", MSG_DELIVERED, 0,
					   T0 + 6, T0 + 7, &r),
			 0);
	assert_true(r.msg_changed);
	assert_int_equal(r.msg_status, MSG_DELIVERED);
	assert_int_equal(store_parts_get(s, id, p, 4), 3);
	assert_int_equal(p[1].status, MSG_DELIVERED);
	assert_int_equal(p[1].delivered_at, T0 + 6);
}

/* A report the modem can match only by TP-MR (its table of sent parts was
 * lost over a restart): the newest part still sent on the channel whose ref
 * starts with "MR@", sent in the window, to the report's recipient. */
static void test_part_report_by_prefix(void **state)
{
	struct store *s = *state;
	struct store_report_result r;
	uint64_t old = add(s, "+4917612345678", 1, 0, 0);
	uint64_t cur = add(s, "+4917612345678", 1, 0, 0);
	uint64_t other = add(s, "+4917600000000", 1, 0, 0);

	send_it(s, old);
	send_it(s, cur);
	send_it(s, other);
	assert_int_equal(store_part_sent(s, old, 0, 1, "modem0", "89@1699999000000.1", T0 - 1000000),
			 0);
	assert_int_equal(store_part_sent(s, cur, 0, 1, "modem0", "89@1700000000000.7", T0), 0);
	assert_int_equal(store_part_sent(s, other, 0, 1, "modem0", "90@1700000000000.8", T0), 0);
	assert_int_equal(store_msg_move(s, old, MSG_SENDING, MSG_SENT, NULL, T0), 0);
	assert_int_equal(store_msg_move(s, cur, MSG_SENDING, MSG_SENT, NULL, T0), 0);
	assert_int_equal(store_msg_move(s, other, MSG_SENDING, MSG_SENT, NULL, T0), 0);
	/* "8@" is not a prefix of "89@...", nor is another channel's part. */
	assert_int_equal(store_part_report_prefix(s, "modem0", "8@", 0, NULL, MSG_DELIVERED, 0, 0,
						  T0 + 1, &r),
			 0);
	assert_int_equal(r.msg_id, 0);
	assert_int_equal(store_part_report_prefix(s, "modem1", "89@", 0, NULL, MSG_DELIVERED, 0, 0,
						  T0 + 1, &r),
			 0);
	assert_int_equal(r.msg_id, 0);
	/* The wrong recipient matches nothing. */
	assert_int_equal(store_part_report_prefix(s, "modem0", "90@", 0, "+4917612345678",
						  MSG_DELIVERED, 0, 0, T0 + 1, &r),
			 0);
	assert_int_equal(r.msg_id, 0);
	/* The newest in the window. */
	assert_int_equal(store_part_report_prefix(s, "modem0", "89@", T0 - 1000, "017612345678",
						  MSG_DELIVERED, 0, T0 + 5, T0 + 6, &r),
			 0);
	assert_int_equal(r.msg_id, cur);
	assert_true(r.msg_changed);
	assert_int_equal(status_of(s, cur), MSG_DELIVERED);
	/* Its part has its final report: the same report again matches none
	 * in the window, and the older part only when the window reaches it. */
	assert_int_equal(store_part_report_prefix(s, "modem0", "89@", T0 - 1000, NULL,
						  MSG_DELIVERED, 0, 0, T0 + 7, &r),
			 0);
	assert_int_equal(r.msg_id, 0);
	assert_int_equal(store_part_report_prefix(s, "modem0", "89@", T0 - 2000000, NULL,
						  MSG_UNDELIVERED, 0x41, 0, T0 + 8, &r),
			 0);
	assert_int_equal(r.msg_id, old);
	assert_int_equal(status_of(s, old), MSG_UNDELIVERED);
	assert_int_equal(store_part_report_prefix(s, "modem0", "", 0, NULL, MSG_DELIVERED, 0, 0,
						  T0, &r),
			 -EINVAL);
	assert_int_equal(store_part_report_prefix(s, "modem0", NULL, 0, NULL, MSG_DELIVERED, 0, 0,
						  T0, &r),
			 -EINVAL);
}

static void test_one_part_undelivered(void **state)
{
	struct store *s = *state;
	struct store_report_result r;
	uint64_t id = add(s, "+491", 2, 0, 0);

	send_it(s, id);
	assert_int_equal(store_part_sent(s, id, 0, 2, "modem0", "1", T0), 0);
	assert_int_equal(store_part_sent(s, id, 1, 2, "modem0", "2", T0), 0);
	assert_int_equal(store_part_sent(s, id, 2, 2, "modem0", "3", T0), -EINVAL);
	assert_int_equal(store_part_sent(s, 4242, 0, 1, "modem0", "3", T0), -ENOENT);
	assert_int_equal(store_msg_move(s, id, MSG_SENDING, MSG_SENT, NULL, T0), 0);
	assert_int_equal(store_part_report(s, "modem0", "1", NULL, MSG_DELIVERED, 0, 0, T0, &r), 0);
	assert_int_equal(store_part_report(s, "modem0", "2", NULL, MSG_UNDELIVERED, 0x41, 0, T0, &r),
			 0);
	assert_int_equal(r.msg_status, MSG_UNDELIVERED);
}

static void test_all_parts_reported_before_sent(void **state)
{
	struct store *s = *state;
	struct store_report_result r;
	uint64_t id = add(s, "+491", 1, 0, 0);

	send_it(s, id);
	assert_int_equal(store_part_sent(s, id, 0, 1, "twilio", "SM0123", T0), 0);
	assert_int_equal(store_part_report(s, "twilio", "SM0123", NULL, MSG_DELIVERED, 0, 0, T0, &r),
			 0);
	/* Moving to sent settles at once. */
	assert_int_equal(store_msg_move(s, id, MSG_SENDING, MSG_SENT, NULL, T0), 0);
	assert_int_equal(status_of(s, id), MSG_DELIVERED);
}

static void test_inbound_single_and_multipart(void **state)
{
	struct store *s = *state;
	struct store_inbound in = { .channel = "modem0", .from = "+4917611", .to = "+4930",
				    .body = "hi", .body_len = 2, .encoding = "gsm7",
				    .concat_total = 1 };
	static const char *const parts[3] = { "one ", "two ", "three" };
	struct store_msg m;
	uint64_t id, n;

	assert_int_equal(store_inbound_add(s, &in, T0, &id), 0);
	assert_true(id > 0);
	assert_int_equal(status_of(s, id), MSG_RECEIVED);
	/* Parts out of order, one offered twice; joined in seq order. */
	in.concat_ref = 77;
	in.concat_total = 3;
	for (int k = 0; k < 4; k++) {
		unsigned seq = (unsigned[]){ 3, 1, 3, 2 }[k];

		in.concat_seq = seq;
		in.body = parts[seq - 1];
		in.body_len = strlen(parts[seq - 1]);
		assert_int_equal(store_inbound_add(s, &in, T0 + k, &id), 0);
		if (k < 3) {
			assert_int_equal(id, 0);
			assert_int_equal(store_inbound_pending(s, &n), 0);
			assert_int_equal(n, k < 2 ? (uint64_t)k + 1 : 2);
		}
	}
	assert_true(id > 0);
	assert_int_equal(store_msg_get(s, id, &m), 0);
	assert_int_equal(m.dir, STORE_DIR_IN);
	assert_int_equal(m.segments, 3);
	assert_int_equal(m.body_len, strlen("one two three"));
	assert_memory_equal(m.body, "one two three", m.body_len);
	store_msg_release(&m);
	assert_int_equal(store_inbound_pending(s, &n), 0);
	assert_int_equal(n, 0);
	in.concat_seq = 4;
	assert_int_equal(store_inbound_add(s, &in, T0, &id), -EINVAL);
	in.concat_seq = 1;
	in.from = "";
	assert_int_equal(store_inbound_add(s, &in, T0, &id), -EINVAL);
}

static void test_crash_rule(void **state)
{
	struct store *s = *state;
	struct store_recovery r;
	struct store_msg m;
	uint64_t none = add(s, "+491", 1, 0, 0);
	uint64_t all = add(s, "+492", 2, 0, 0);
	uint64_t some = add(s, "+493", 2, 0, 0);
	uint64_t old = add(s, "+494", 1, 0, T0 + 1000);
	uint64_t waiting = add(s, "+495", 1, 0, 0);

	send_it(s, none);
	send_it(s, all);
	send_it(s, some);
	send_it(s, old);
	assert_int_equal(store_part_sent(s, all, 0, 2, "modem0", "1", T0), 0);
	assert_int_equal(store_part_sent(s, all, 1, 2, "modem0", "2", T0), 0);
	assert_int_equal(store_part_sent(s, some, 0, 2, "modem0", "3", T0), 0);
	assert_int_equal(store_recover_sending(s, T0 + 2000, &r), 0);
	assert_int_equal(r.to_sent, 1);
	assert_int_equal(r.requeued, 2);
	assert_int_equal(r.expired, 1);
	assert_int_equal(status_of(s, all), MSG_SENT);
	assert_int_equal(status_of(s, old), MSG_EXPIRED);
	assert_int_equal(status_of(s, waiting), MSG_QUEUED);
	assert_int_equal(store_msg_get(s, none, &m), 0);
	assert_int_equal(m.status, MSG_QUEUED);
	assert_true(m.possible_dup);
	assert_int_equal(m.next_attempt_at, T0 + 2000);
	store_msg_release(&m);
	assert_int_equal(store_msg_get(s, some, &m), 0);
	assert_true(m.possible_dup);
	store_msg_release(&m);
	assert_int_equal(store_msg_get(s, all, &m), 0);
	assert_false(m.possible_dup);
	store_msg_release(&m);
	/* Nothing left to do the second time. */
	assert_int_equal(store_recover_sending(s, T0 + 3000, &r), 0);
	assert_int_equal(r.to_sent + r.requeued + r.expired, 0);
}

/* store_batch: one transaction, each op as the single call; a failing op
 * changes nothing and the others still apply. */
static void test_batch_ops_independent(void **state)
{
	struct store *s = *state;
	uint64_t a = add(s, "+491", 1, 0, 0), b = add(s, "+492", 1, 0, 0);
	struct store_op ops[] = {
		{ .kind = STORE_OP_MOVE, .id = a, .from = MSG_QUEUED, .to = MSG_SENDING,
		  .mv = { .event = "claim", .channel = "modem0", .attempts_delta = 1 } },
		/* not in `from`: refused, nothing changed */
		{ .kind = STORE_OP_MOVE, .id = b, .from = MSG_SENDING, .to = MSG_SENT },
		{ .kind = STORE_OP_MOVE, .id = b, .from = MSG_QUEUED, .to = MSG_SENDING,
		  .mv = { .event = "claim", .attempts_delta = 1 } },
		{ .kind = STORE_OP_PART_SENT, .id = a, .part = 0, .total = 1,
		  .channel = "modem0", .ref = "77" },
		{ .kind = STORE_OP_PART_SENT, .id = 999, .part = 0, .total = 1,
		  .channel = "modem0", .ref = "78" },
		{ .kind = STORE_OP_PART_SENT, .id = b, .part = 1, .total = 1,
		  .channel = "modem0", .ref = "79" },
		{ .kind = STORE_OP_MOVE, .id = a, .from = MSG_SENDING, .to = MSG_SENT,
		  .mv = { .event = "sent" } },
		{ .kind = STORE_OP_KIND_COUNT, .id = a },
	};
	struct store_event ev[8];
	struct store_part p[2];
	struct store_msg m;

	assert_int_equal(store_batch(s, ops, sizeof(ops) / sizeof(ops[0]), T0 + 5), 0);
	assert_int_equal(ops[0].rc, 0);
	assert_int_equal(ops[1].rc, -EPERM);
	assert_int_equal(ops[2].rc, 0);
	assert_int_equal(ops[3].rc, 0);
	assert_int_equal(ops[4].rc, -ENOENT);
	assert_int_equal(ops[5].rc, -EINVAL);
	assert_int_equal(ops[6].rc, 0);
	assert_int_equal(ops[7].rc, -EINVAL);
	assert_int_equal(status_of(s, a), MSG_SENT);
	assert_int_equal(status_of(s, b), MSG_SENDING);
	assert_int_equal(store_msg_get(s, a, &m), 0);
	assert_int_equal(m.attempts, 1);
	assert_int_equal(m.parts_total, 1);
	store_msg_release(&m);
	assert_int_equal(store_parts_get(s, a, p, 2), 1);
	assert_string_equal(p[0].ref, "77");
	assert_int_equal(store_parts_get(s, b, p, 2), 0);
	/* Every applied move wrote its history row, the refused one none. */
	assert_int_equal(store_events_get(s, a, ev, 8), 4);
	assert_int_equal(ev[3].to, MSG_SENT);
	assert_int_equal(store_events_get(s, b, ev, 8), 3);
	assert_int_equal(ev[2].to, MSG_SENDING);
	assert_int_equal(store_batch(s, NULL, 1, T0), -EINVAL);
	assert_int_equal(store_batch(s, NULL, 0, T0), 0);
	assert_string_equal(store_op_kind_str(STORE_OP_PART_SENT), "part_sent");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_enqueue_body_byte_for_byte),
		T(test_enqueue_rejects_bad_input),
		T(test_idempotency),
		T(test_every_transition),
		T(test_move_checks_current_status),
		T(test_due_scheduled_and_next_due),
		T(test_next_due_every_arm),
		T(test_multipart_delivered_only_when_all_parts),
		T(test_part_report_by_prefix),
		T(test_one_part_undelivered),
		T(test_all_parts_reported_before_sent),
		T(test_inbound_single_and_multipart),
		T(test_crash_rule),
		T(test_batch_ops_independent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
