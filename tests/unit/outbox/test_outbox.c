/* The outbox on the sim loop and the virtual clock, with fake channels:
 * send cycle, idempotency, group commit from many threads, retries with
 * backoff, expiry, cancel, scheduling, multipart delivery, inbound, busy
 * channels and the crash rule at start. No sleeps: enqueue returns after
 * its commit, then the test runs the loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_channel.h"
#include "hal/sim.h"
#include "outbox/outbox.h"

#define T0 1700000000000LL

struct fx {
	struct hal_clock clock;
	struct hal_loop loop;
	struct hal_rng rng;
	struct store *store;
	struct outbox *ob;
	struct fake_channel modem, cloud;
	struct routing_backoff_cfg backoff;
};

static void start_outbox(struct fx *f)
{
	struct outbox_config c = {
		.store = f->store, .loop = &f->loop, .rng = &f->rng, .backoff = &f->backoff,
		.busy_retry_ms = 1000, .default_validity_s = 3600,
	};

	assert_int_equal(outbox_new(&f->ob, &c), 0);
	fake_channel_init(&f->modem, "modem0", CHANNEL_MODEM);
	fake_channel_init(&f->cloud, "twilio", CHANNEL_TWILIO);
	assert_int_equal(outbox_channel_events(f->ob, "modem0", &f->modem.ev), 0);
	assert_int_equal(outbox_channel_events(f->ob, "twilio", &f->cloud.ev), 0);
	assert_int_equal(outbox_channel_events(f->ob, "twilio", &f->cloud.ev), -EEXIST);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct store_opts so = { .path = ":memory:" };

	assert_int_equal(hal_vclock_new(&f->clock, T0), 0);
	assert_int_equal(hal_loop_sim_new(&f->loop, &f->clock), 0);
	assert_int_equal(hal_rng_sim_new(&f->rng, 42), 0);
	assert_int_equal(store_open(&f->store, &so), 0);
	f->backoff = (struct routing_backoff_cfg){ .base_ms = 1000, .max_ms = 8000,
						   .floor_ms = 100, .max_attempts = 3 };
	start_outbox(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	outbox_destroy(f->ob);
	store_close(f->store);
	hal_loop_destroy(&f->loop);
	hal_rng_destroy(&f->rng);
	hal_vclock_destroy(&f->clock);
	free(f);
	return 0;
}

static void run(struct fx *f)
{
	assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 0);
}

static void advance(struct fx *f, int64_t ms)
{
	assert_true(hal_loop_sim_advance(&f->loop, ms) >= 0);
}

static uint64_t send_text(struct fx *f, const char *text, const char *pref, int64_t send_at)
{
	struct outbox_msg m = { .to = "+4917612345678", .body = text, .body_len = strlen(text),
				.channel_pref = pref, .send_at_ms = send_at };
	struct outbox_result r;

	assert_int_equal(outbox_enqueue(f->ob, &m, &r), 0);
	assert_true(r.id > 0);
	return r.id;
}

static struct store_msg get(struct fx *f, uint64_t id)
{
	struct store_msg m;

	assert_int_equal(store_msg_get(f->store, id, &m), 0);
	store_msg_release(&m);
	return m;
}

static void test_send_cycle(void **state)
{
	struct fx *f = *state;
	struct outbox_metrics mt;
	uint64_t id;

	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), -EEXIST);
	id = send_text(f, "hello", NULL, 0);
	assert_int_equal(get(f, id).status, MSG_QUEUED);
	assert_int_equal(get(f, id).segments, 1);
	assert_string_equal(get(f, id).encoding, "gsm7");
	run(f);
	assert_int_equal(f->modem.n, 1);
	assert_int_equal(f->modem.ids[0], id);
	assert_int_equal(get(f, id).status, MSG_SENDING);
	assert_string_equal(get(f, id).channel, "modem0");
	assert_int_equal(get(f, id).attempts, 1);
	advance(f, 300);
	fake_channel_accept(&f->modem, id, 1);
	/* Kept until the loop turn ends: one commit for the turn's completions. */
	assert_int_equal(get(f, id).status, MSG_SENDING);
	run(f);
	assert_int_equal(get(f, id).status, MSG_SENT);
	fake_channel_report(&f->modem, id, 0, CHANNEL_DELIVERED);
	assert_int_equal(get(f, id).status, MSG_DELIVERED);
	run(f);
	assert_int_equal(f->modem.n, 1); /* never sent twice */
	outbox_metrics_get(f->ob, &mt);
	assert_int_equal(mt.enqueued, 1);
	assert_int_equal(mt.to_status[MSG_SENT], 1);
	assert_int_equal(mt.to_status[MSG_DELIVERED], 1);
	assert_int_equal(mt.channels[0].submitted, 1);
	assert_int_equal(mt.channels[0].delivered, 1);
	assert_int_equal(mt.queue_depth, 0);
	assert_int_equal(mt.in_flight, 0);
	assert_int_equal(mt.latency[2], 1); /* 300 ms: the (250, 500] bucket */
}

static void test_idempotency(void **state)
{
	struct fx *f = *state;
	struct outbox_msg m = { .to = "+4917612345678", .body = "pay 10", .body_len = 6,
				.idem_key = "crm-77" };
	struct outbox_result a, b;
	struct outbox_metrics mt;

	assert_int_equal(outbox_enqueue(f->ob, &m, &a), 0);
	assert_false(a.replay);
	assert_int_equal(outbox_enqueue(f->ob, &m, &b), 0);
	assert_true(b.replay);
	assert_int_equal(b.id, a.id);
	m.body = "pay 99";
	assert_int_equal(outbox_enqueue(f->ob, &m, &b), -EEXIST);
	assert_int_equal(b.id, a.id);
	m.body = "pay 10";
	m.to = "+4917600000000";
	assert_int_equal(outbox_enqueue(f->ob, &m, &b), -EEXIST);
	outbox_metrics_get(f->ob, &mt);
	assert_int_equal(mt.enqueued, 1);
	assert_int_equal(mt.replays, 1);
	assert_int_equal(mt.conflicts, 2);
	/* Bad input is refused before anything is stored. */
	m.to = "4917600000000";
	assert_int_equal(outbox_enqueue(f->ob, &m, &b), -EINVAL);
	m.to = "+49176000000000000";
	assert_int_equal(outbox_enqueue(f->ob, &m, &b), -EINVAL);
	m.to = "+491";
	m.body = "\xff\xfe";
	m.body_len = 2;
	assert_int_equal(outbox_enqueue(f->ob, &m, &b), -EINVAL);
}

#define THREADS 16
#define PER_THREAD 40

struct writer {
	struct fx *f;
	int idx;
	int bad;
	uint64_t ids[PER_THREAD];
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	char body[64], key[32];

	for (int i = 0; i < PER_THREAD; i++) {
		struct outbox_msg m = { .to = "+4917612345678", .body = body, .idem_key = key };
		struct outbox_result r;
		struct store_msg got;

		m.body_len = (size_t)snprintf(body, sizeof(body), "w%d m%d", w->idx, i);
		snprintf(key, sizeof(key), "k-%d-%d", w->idx, i);
		if (outbox_enqueue(w->f->ob, &m, &r) != 0 || r.replay) {
			w->bad++;
			continue;
		}
		/* Committed by the time enqueue returned: visible, byte for byte. */
		if (store_msg_get(w->f->store, r.id, &got) != 0) {
			w->bad++;
			continue;
		}
		if (got.body_len != m.body_len || memcmp(got.body, body, m.body_len) != 0)
			w->bad++;
		store_msg_release(&got);
		w->ids[i] = r.id;
	}
	return NULL;
}

static void test_group_commit_many_threads(void **state)
{
	struct fx *f = *state;
	struct writer w[THREADS];
	pthread_t t[THREADS];
	struct outbox_metrics mt;
	uint64_t n;

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ .f = f, .idx = i };
		assert_int_equal(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	/* Every id distinct, every message queued once. */
	for (int i = 0; i < THREADS; i++)
		for (int j = 0; j < PER_THREAD; j++)
			for (int k = 0; k < j; k++)
				assert_true(w[i].ids[j] != w[i].ids[k]);
	assert_int_equal(store_count_status(f->store, MSG_QUEUED, &n), 0);
	assert_int_equal(n, THREADS * PER_THREAD);
	outbox_metrics_get(f->ob, &mt);
	assert_int_equal(mt.enqueued, THREADS * PER_THREAD);
	assert_true(mt.batches >= 1 && mt.batches <= THREADS * PER_THREAD);
}

static void test_retry_backoff_then_failed(void **state)
{
	struct fx *f = *state;
	uint64_t id;
	struct store_msg m;

	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	id = send_text(f, "retry me", NULL, 0);
	run(f);
	assert_int_equal(f->modem.n, 1);
	fake_channel_fail(&f->modem, id, true, 38);
	m = get(f, id);
	assert_int_equal(m.status, MSG_QUEUED);
	assert_int_equal(m.last_error_code, 38);
	/* Full jitter between the floor and the first cap (base_ms). */
	assert_true(m.next_attempt_at >= T0 + 100 && m.next_attempt_at <= T0 + 1000);
	advance(f, m.next_attempt_at - T0 - 1);
	assert_int_equal(f->modem.n, 1);
	advance(f, 1);
	assert_int_equal(f->modem.n, 2);
	assert_int_equal(get(f, id).attempts, 2);
	fake_channel_fail(&f->modem, id, true, 38);
	m = get(f, id);
	assert_int_equal(m.status, MSG_QUEUED);
	advance(f, 2000);
	assert_int_equal(f->modem.n, 3);
	/* The third attempt was the last (max_attempts 3). */
	fake_channel_fail(&f->modem, id, true, 38);
	assert_int_equal(get(f, id).status, MSG_FAILED);
	advance(f, 60000);
	assert_int_equal(f->modem.n, 3);
}

static void test_permanent_failure(void **state)
{
	struct fx *f = *state;
	uint64_t id;

	assert_int_equal(outbox_add_channel(f->ob, &f->cloud.ch), 0);
	id = send_text(f, "bad number", "twilio", 0);
	run(f);
	fake_channel_fail(&f->cloud, id, false, 21211);
	assert_int_equal(get(f, id).status, MSG_FAILED);
	assert_int_equal(get(f, id).last_error_code, 21211);
}

static void test_expiry_waiting_and_retry(void **state)
{
	struct fx *f = *state;
	struct outbox_msg m = { .to = "+491", .body = "soon stale", .body_len = 10,
				.validity_s = 10 };
	struct outbox_result r;
	uint64_t id2;

	/* No channel at all: it waits, then expires at its validity. */
	assert_int_equal(outbox_enqueue(f->ob, &m, &r), 0);
	run(f);
	advance(f, 9999);
	assert_int_equal(get(f, r.id).status, MSG_QUEUED);
	advance(f, 1);
	assert_int_equal(get(f, r.id).status, MSG_EXPIRED);
	/* A retry that would land past the validity expires instead. */
	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	m.validity_s = 1;
	assert_int_equal(outbox_enqueue(f->ob, &m, &r), 0);
	id2 = r.id;
	run(f);
	assert_int_equal(f->modem.n, 1);
	advance(f, 950);
	fake_channel_fail(&f->modem, id2, true, 500);
	assert_int_equal(get(f, id2).status, MSG_EXPIRED);
}

static void test_cancel(void **state)
{
	struct fx *f = *state;
	uint64_t a, b;

	a = send_text(f, "later", NULL, T0 + 60000);
	assert_int_equal(outbox_cancel(f->ob, a), 0);
	assert_int_equal(get(f, a).status, MSG_CANCELED);
	assert_int_equal(outbox_cancel(f->ob, a), -EPERM);
	assert_int_equal(outbox_cancel(f->ob, 9999), -ENOENT);
	f->modem.can_cancel = true;
	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	b = send_text(f, "now", NULL, 0);
	run(f);
	assert_int_equal(get(f, b).status, MSG_SENDING);
	assert_int_equal(outbox_cancel(f->ob, b), -EINPROGRESS);
	assert_int_equal(f->modem.canceled, 1);
	{
		struct channel_outcome o = { .status = -ECANCELED };

		f->modem.ev.submit_done(f->modem.ev.arg, b, &o);
	}
	assert_int_equal(get(f, b).status, MSG_CANCELED);
	advance(f, 120000);
	assert_int_equal(f->modem.n, 1);
}

static void test_scheduled(void **state)
{
	struct fx *f = *state;
	uint64_t id;

	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	id = send_text(f, "at nine", NULL, T0 + 60000);
	assert_int_equal(get(f, id).status, MSG_SCHEDULED);
	run(f);
	advance(f, 59999);
	assert_int_equal(f->modem.n, 0);
	advance(f, 1);
	assert_int_equal(f->modem.n, 1);
	assert_int_equal(get(f, id).status, MSG_SENDING);
	assert_int_equal(get(f, id).queued_at, T0 + 60000);
}

/* After a commit of scheduled messages the loop re-arms its due timer from
 * what the batch committed (no store query): a later commit with an earlier
 * send time moves the timer forward, a later one leaves it; each message
 * goes out at its own time. */
static void test_scheduled_timer_follows_commits(void **state)
{
	struct fx *f = *state;
	uint64_t a, b, c;

	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	a = send_text(f, "a", NULL, T0 + 60000);
	run(f);
	b = send_text(f, "b", NULL, T0 + 30000);
	run(f);
	c = send_text(f, "c", NULL, T0 + 90000);
	run(f);
	advance(f, 29999);
	assert_int_equal(f->modem.n, 0);
	advance(f, 1);
	assert_int_equal(f->modem.n, 1);
	assert_int_equal(get(f, b).status, MSG_SENDING);
	assert_int_equal(get(f, a).status, MSG_SCHEDULED);
	advance(f, 29999);
	assert_int_equal(f->modem.n, 1);
	advance(f, 1);
	assert_int_equal(f->modem.n, 2);
	assert_int_equal(get(f, a).status, MSG_SENDING);
	assert_int_equal(get(f, c).status, MSG_SCHEDULED);
	advance(f, 30000);
	assert_int_equal(f->modem.n, 3);
	assert_int_equal(get(f, c).status, MSG_SENDING);
}

static void test_multipart_delivery(void **state)
{
	struct fx *f = *state;
	char text[200];
	uint64_t id;

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	id = send_text(f, text, "modem", 0);
	assert_int_equal(get(f, id).segments, 2);
	run(f);
	fake_channel_accept(&f->modem, id, 2);
	run(f);
	assert_int_equal(get(f, id).parts_total, 2);
	fake_channel_report(&f->modem, id, 1, CHANNEL_DELIVERED);
	assert_int_equal(get(f, id).status, MSG_SENT);
	fake_channel_report(&f->modem, id, 0, CHANNEL_PENDING);
	assert_int_equal(get(f, id).status, MSG_SENT);
	fake_channel_report(&f->modem, id, 0, CHANNEL_DELIVERED);
	assert_int_equal(get(f, id).status, MSG_DELIVERED);
}

/* After a restart the modem driver knows only the report's TP-MR, so it
 * hands on a reference prefix (channel_report.ref_prefix): the outbox
 * matches it in the store against the part the earlier run recorded. */
static void test_report_after_restart(void **state)
{
	struct fx *f = *state;
	struct channel_report r = { .state = CHANNEL_DELIVERED, .ref_prefix = true };
	uint64_t id;

	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	id = send_text(f, "before the restart", "modem", 0);
	run(f);
	fake_channel_accept(&f->modem, id, 1); /* part ref "<id>-0" */
	run(f);
	assert_int_equal(get(f, id).status, MSG_SENT);
	outbox_destroy(f->ob);
	start_outbox(f);
	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	run(f);
	snprintf(r.ref, sizeof(r.ref), "%llu-", (unsigned long long)id);
	r.sent_after_ms = T0 - 60000;
	f->modem.ev.delivery(f->modem.ev.arg, &r);
	assert_int_equal(get(f, id).status, MSG_DELIVERED);
}

/* SIGHUP's setter: a bad backoff changes nothing; a good one, the default
 * validity of the next message. */
static void test_set_limits(void **state)
{
	struct fx *f = *state;
	struct routing_backoff_cfg bad = { .base_ms = 9000, .max_ms = 1000, .floor_ms = 100,
					   .max_attempts = 3 };
	struct routing_backoff_cfg good = { .base_ms = 2000, .max_ms = 8000, .floor_ms = 100,
					    .max_attempts = 5 };
	uint64_t id;

	assert_int_equal(outbox_set_limits(f->ob, &bad, 600, 8), -EINVAL);
	id = send_text(f, "old validity", "modem", 0);
	assert_int_equal(get(f, id).expires_at - get(f, id).created_at, 3600 * 1000);
	assert_int_equal(outbox_set_limits(f->ob, &good, 600, 8), 0);
	id = send_text(f, "new validity", "modem", 0);
	assert_int_equal(get(f, id).expires_at - get(f, id).created_at, 600 * 1000);
	assert_int_equal(outbox_set_limits(NULL, &good, 600, 8), -EINVAL);
	assert_int_equal(outbox_set_limits(f->ob, NULL, 600, 8), -EINVAL);
}

static void test_preference_and_failover_on_busy(void **state)
{
	struct fx *f = *state;
	uint64_t a, b;

	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	assert_int_equal(outbox_add_channel(f->ob, &f->cloud.ch), 0);
	a = send_text(f, "via twilio", "twilio", 0);
	run(f);
	assert_int_equal(f->cloud.n, 1);
	assert_int_equal(f->modem.n, 0);
	/* auto: the modem is busy, the next channel takes it. */
	f->modem.submit_rc = -EBUSY;
	b = send_text(f, "any way", "auto", 0);
	run(f);
	assert_int_equal(f->cloud.n, 2);
	assert_string_equal(get(f, b).channel, "twilio");
	/* Only the modem, busy: back to queued, attempt not counted. */
	a = send_text(f, "modem only", "modem0", 0);
	run(f);
	assert_int_equal(get(f, a).status, MSG_QUEUED);
	assert_int_equal(get(f, a).attempts, 0);
	f->modem.submit_rc = 0;
	advance(f, 1000);
	assert_int_equal(f->modem.n, 1);
	assert_int_equal(get(f, a).status, MSG_SENDING);
	/* A channel that can never carry it: failed. */
	f->cloud.submit_rc = -EINVAL;
	a = send_text(f, "never", "twilio", 0);
	run(f);
	assert_int_equal(get(f, a).status, MSG_FAILED);
}

static void test_health_gates_dispatch(void **state)
{
	struct fx *f = *state;
	struct channel_health h = { .can_send = false };
	uint64_t id;

	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	f->modem.ev.health(f->modem.ev.arg, &h);
	id = send_text(f, "wait for signal", NULL, 0);
	run(f);
	advance(f, 5000);
	assert_int_equal(f->modem.n, 0);
	h.can_send = h.registered = true;
	f->modem.ev.health(f->modem.ev.arg, &h);
	/* Deferred messages are looked at again within busy_retry_ms. */
	advance(f, 1000);
	assert_int_equal(f->modem.n, 1);
	assert_int_equal(f->modem.ids[0], id);
}

static void test_inbound(void **state)
{
	struct fx *f = *state;
	struct channel_inbound in = { .from = "+4917611", .to = "+4930", .text = "part1 ",
				      .text_len = 6, .encoding = "gsm7", .concat_ref = 5,
				      .concat_total = 2, .concat_seq = 1 };
	struct outbox_metrics mt;
	uint64_t n;

	assert_int_equal(f->modem.ev.inbound(f->modem.ev.arg, &in), 0);
	assert_int_equal(store_count_status(f->store, MSG_RECEIVED, &n), 0);
	assert_int_equal(n, 0);
	in.text = "part2";
	in.text_len = 5;
	in.concat_seq = 2;
	assert_int_equal(f->modem.ev.inbound(f->modem.ev.arg, &in), 0);
	assert_int_equal(store_count_status(f->store, MSG_RECEIVED, &n), 0);
	assert_int_equal(n, 1);
	in.concat_seq = 3; /* bad: refused, the channel keeps it */
	assert_int_equal(f->modem.ev.inbound(f->modem.ev.arg, &in), -EINVAL);
	outbox_metrics_get(f->ob, &mt);
	assert_int_equal(mt.inbound, 1);
}

/* A part that never comes: after the timeout the message is stored with the
 * parts that came, in order, never dropped, and its history says how many
 * are missing. */
static void test_inbound_missing_part(void **state)
{
	struct fx *f = *state;
	struct channel_inbound in = { .from = "+4917622", .to = "+4930", .text = "one ",
				      .text_len = 4, .encoding = "gsm7", .concat_ref = 9,
				      .concat_total = 3, .concat_seq = 1 };
	struct store_event ev[4];
	struct store_msg m;
	uint64_t n, pending;
	size_t ne = 0;

	assert_int_equal(f->modem.ev.inbound(f->modem.ev.arg, &in), 0);
	in.text = "three";
	in.text_len = 5;
	in.concat_seq = 3;
	assert_int_equal(f->modem.ev.inbound(f->modem.ev.arg, &in), 0);
	/* Not yet: the middle part may still come. */
	advance(f, 3600000 - 1);
	assert_int_equal(store_count_status(f->store, MSG_RECEIVED, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_inbound_pending(f->store, &pending), 0);
	assert_int_equal(pending, 2);
	/* The timeout plus one check period: stored incomplete. */
	advance(f, 60000 + 1);
	assert_int_equal(store_count_status(f->store, MSG_RECEIVED, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_inbound_pending(f->store, &pending), 0);
	assert_int_equal(pending, 0);
	/* The received message is the newest one. */
	assert_int_equal(store_msg_get(f->store, 1, &m), 0);
	assert_int_equal(m.body_len, 9);
	assert_memory_equal(m.body, "one three", 9);
	int got = store_events_get(f->store, 1, ev, 4);
	assert_true(got >= 2);
	ne = got < 4 ? (size_t)got : 4;
	assert_string_equal(ev[ne - 1].event, "incomplete");
	assert_int_equal(ev[ne - 1].code, 1);
	store_msg_release(&m);
}

static void test_crash_rule_at_start(void **state)
{
	struct fx *f = *state;
	struct outbox_metrics mt;
	uint64_t a, b;

	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	a = send_text(f, "no ref yet", NULL, 0);
	b = send_text(f, "ref recorded", NULL, 0);
	run(f);
	assert_int_equal(f->modem.n, 2);
	f->modem.ev.part_sent(f->modem.ev.arg, b, 0, 1, "99");
	/* "Crash": the outbox goes away with both in sending. */
	outbox_destroy(f->ob);
	start_outbox(f);
	outbox_metrics_get(f->ob, &mt);
	assert_int_equal(mt.possible_duplicates, 1);
	assert_int_equal(get(f, a).status, MSG_QUEUED);
	assert_true(get(f, a).possible_dup);
	assert_int_equal(get(f, b).status, MSG_SENT);
	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	run(f);
	assert_int_equal(f->modem.n, 1); /* only a goes again */
	assert_int_equal(f->modem.ids[0], a);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_send_cycle),
		T(test_idempotency),
		T(test_group_commit_many_threads),
		T(test_retry_backoff_then_failed),
		T(test_permanent_failure),
		T(test_expiry_waiting_and_retry),
		T(test_cancel),
		T(test_scheduled),
		T(test_scheduled_timer_follows_commits),
		T(test_multipart_delivery),
		T(test_report_after_restart),
		T(test_set_limits),
		T(test_preference_and_failover_on_busy),
		T(test_health_gates_dispatch),
		T(test_inbound),
		T(test_inbound_missing_part),
		T(test_crash_rule_at_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
