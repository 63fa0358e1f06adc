/* The webhook worker against a local receiver (libmicrohttpd, started by
 * the test): signed POSTs, order per conversation, retries with backoff
 * when the receiver fails or stalls, delivery once it recovers, the 24 h
 * retry window, the backlog. curl runs on the real loop; the queue's due
 * times on a virtual clock (the crm backend's), so backoff needs no
 * waiting. Waits are event-based with a real-time cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_webhook.h"
#include "cloud/cloud.h"
#include "cloud/twilio.h"
#include "store/store_crm.h"
#include "crm/crm.h"
#include "hal/sim.h"
#include "webhooks/webhooks.h"

#define SECRET "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define CAP_MS 10000
#define MAX_SEEN 64

enum rx_mode { RX_OK, RX_FAIL, RX_STALL };

struct rx {
	struct MHD_Daemon *d;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum rx_mode mode;
	bool release;
	unsigned n, bad_sig;
	char seen[MAX_SEEN][128];
	uint16_t port;
	char twilio_token[128];  /* the account's auth token, to verify with */
};

struct conn {
	char buf[4096];
	size_t len;
};

struct fx {
	struct hal_clock vclock;
	struct hal_loop loop;
	struct hal_rng rng;
	struct store *store;
	struct crm *crm;
	struct api_backend be;
	struct webhooks *wh;
	struct rx rx;
};

static const char *opt(const char *v)
{
	return v ? v : "-";
}

static enum MHD_Result rx_handler(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **con_cls)
{
	struct rx *rx = cls;
	struct conn *cn = *con_cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	const char *sig;
	unsigned status = 200;
	json_t *j;

	(void)url, (void)method, (void)version;
	if (!cn) {
		*con_cls = calloc(1, sizeof(*cn));
		return *con_cls ? MHD_YES : MHD_NO;
	}
	if (*size) {
		size_t k = *size < sizeof(cn->buf) - 1 - cn->len ? *size : 0;
		memcpy(cn->buf + cn->len, data, k);
		cn->len += k;
		*size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/twilio") == 0) {
		/* Twilio's StatusCallback: a form, X-Twilio-Signature */
		struct cloud_form form;
		char full[128];
		const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
		bool ok = cloud_form_parse(cn->buf, cn->len, &form) == 0;

		snprintf(full, sizeof(full), "http://127.0.0.1:%u/twilio", rx->port);
		sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Twilio-Signature");
		pthread_mutex_lock(&rx->mu);
		if (!ok || !sig || !ct || strcmp(ct, "application/x-www-form-urlencoded") != 0 ||
		    !twilio_signature_valid(rx->twilio_token, full, &form, sig))
			rx->bad_sig++;
		if (ok && rx->n < MAX_SEEN) {
			const char *ec = cloud_form_get(&form, "ErrorCode");

			snprintf(rx->seen[rx->n], sizeof(rx->seen[0]), "%s %s %s %s %s",
				 opt(cloud_form_get(&form, "MessageStatus")),
				 opt(cloud_form_get(&form, "SmsStatus")),
				 opt(cloud_form_get(&form, "MessageSid")),
				 opt(cloud_form_get(&form, "AccountSid")), ec ? ec : "-");
		}
		if (ok)
			cloud_form_free(&form);
		j = NULL;
	} else {
		sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, API_WEBHOOK_SIG_HEADER);
		j = json_loadb(cn->buf, cn->len, 0, NULL);
		pthread_mutex_lock(&rx->mu);
		if (!sig || api_webhook_verify(SECRET, cn->buf, cn->len, sig, time(NULL)) != 0)
			rx->bad_sig++;
		if (rx->n < MAX_SEEN)
			snprintf(rx->seen[rx->n], sizeof(rx->seen[0]), "%s",
				 j ? json_string_value(json_object_get(j, "seq")) : "?");
	}
	rx->n++;
	pthread_cond_broadcast(&rx->cv);
	if (rx->mode == RX_STALL)
		while (!rx->release)
			pthread_cond_wait(&rx->cv, &rx->mu);
	if (rx->mode == RX_FAIL)
		status = 503;
	pthread_mutex_unlock(&rx->mu);
	json_decref(j);
	resp = MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void rx_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static uint16_t rx_start(struct rx *rx)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	pthread_mutex_init(&rx->mu, NULL);
	pthread_cond_init(&rx->cv, NULL);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
				 0, NULL, NULL, rx_handler, rx, MHD_OPTION_SOCK_ADDR, &sa,
				 MHD_OPTION_NOTIFY_COMPLETED, rx_done, rx, MHD_OPTION_END);
	assert_non_null(rx->d);
	return MHD_get_daemon_info(rx->d, MHD_DAEMON_INFO_BIND_PORT)->port;
}

static void rx_set(struct fx *f, enum rx_mode mode, bool release)
{
	pthread_mutex_lock(&f->rx.mu);
	f->rx.mode = mode;
	f->rx.release = release;
	pthread_cond_broadcast(&f->rx.cv);
	pthread_mutex_unlock(&f->rx.mu);
}

static unsigned rx_count(struct fx *f)
{
	unsigned n;

	pthread_mutex_lock(&f->rx.mu);
	n = f->rx.n;
	pthread_mutex_unlock(&f->rx.mu);
	return n;
}

static void start_worker(struct fx *f, long timeout_ms)
{
	struct webhooks_config wc = { .loop = &f->loop, .backend = &f->be, .max_in_flight = 8,
				      .timeout_ms = timeout_ms, .poll_ms = 20 };

	assert_int_equal(webhooks_new(&f->wh, &wc), 0);
	crm_set_webhook_notify(f->crm, webhooks_notify, f->wh);
}

/* start_worker with the retry settings smsrelayd passes from [webhooks]. */
static void start_worker_retry(struct fx *f, int64_t initial_ms, int64_t max_ms,
			       int64_t retry_for_ms)
{
	struct webhooks_config wc = { .loop = &f->loop, .backend = &f->be, .max_in_flight = 8,
				      .timeout_ms = 5000, .poll_ms = 20,
				      .backoff_initial_ms = initial_ms, .backoff_max_ms = max_ms,
				      .retry_for_ms = retry_for_ms };

	assert_int_equal(webhooks_new(&f->wh, &wc), 0);
	crm_set_webhook_notify(f->crm, webhooks_notify, f->wh);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct store_opts so = { .path = ":memory:" };
	struct crm_config cc;
	struct api_webhook w = { .events = 3, .enabled = true }, wo;
	uint16_t port;

	/* The virtual clock starts at the real time so that the receiver's
	 * replay-window check (against its own clock) passes. */
	assert_int_equal(hal_vclock_new(&f->vclock, (int64_t)time(NULL) * 1000), 0);
	assert_int_equal(hal_loop_linux_new(&f->loop), 0);
	assert_int_equal(hal_rng_sim_new(&f->rng, 3), 0);
	assert_int_equal(store_open(&f->store, &so), 0);
	cc = (struct crm_config){ .store = f->store, .clock = &f->vclock, .rng = &f->rng };
	assert_int_equal(crm_new(&f->crm, &cc), 0);
	crm_backend(f->crm, &f->be);
	port = rx_start(&f->rx);
	f->rx.port = port;
	snprintf(w.url, sizeof(w.url), "http://127.0.0.1:%u/hook", port);
	memcpy(w.secret, SECRET, 64);
	assert_int_equal(f->be.ops->webhook_create(f->be.ctx, &w, &wo), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rx_set(f, RX_OK, true);
	webhooks_destroy(f->wh);
	MHD_stop_daemon(f->rx.d);
	pthread_cond_destroy(&f->rx.cv);
	pthread_mutex_destroy(&f->rx.mu);
	crm_free(f->crm);
	store_close(f->store);
	hal_loop_destroy(&f->loop);
	hal_rng_destroy(&f->rng);
	hal_vclock_destroy(&f->vclock);
	free(f);
	return 0;
}

static void enqueue(struct fx *f, uint64_t conv, const char *seq)
{
	char body[64];
	int n = snprintf(body, sizeof(body), "{\"seq\":\"%s\"}", seq);

	assert_int_equal(f->be.ops->webhook_enqueue(f->be.ctx, API_EV_MESSAGE_STATUS, conv, body,
						    (size_t)n),
			 0);
}

static struct webhooks_metrics metrics(struct fx *f)
{
	struct webhooks_metrics m;

	webhooks_metrics_get(f->wh, &m);
	return m;
}

/* Turn the loop until field(f) >= want, at most CAP_MS of real time. */
#define WAIT_FOR(f, expr)                                                                   \
	do {                                                                                \
		int64_t t0_ = hal_clock_mono_ms(hal_clock_linux());                          \
		while (!(expr) && hal_clock_mono_ms(hal_clock_linux()) - t0_ < CAP_MS)       \
			assert_true(hal_loop_run_once(&(f)->loop, 50) >= 0);                 \
		assert_true(expr);                                                          \
	} while (0)

static uint64_t backlog(struct fx *f)
{
	uint64_t n = 99;

	assert_int_equal(f->be.ops->webhook_backlog(f->be.ctx, &n), 0);
	return n;
}

static void test_order_per_conversation(void **state)
{
	struct fx *f = *state;
	static const char *const seqs[] = { "A1", "B1", "A2", "B2", "A3", "C1" };
	int last_a = -1, last_b = -1;

	/* Queued before the worker runs: store and forward. */
	for (size_t i = 0; i < 6; i++)
		enqueue(f, seqs[i][0] == 'A' ? 1 : seqs[i][0] == 'B' ? 2 : 3, seqs[i]);
	assert_int_equal(backlog(f), 6);
	start_worker(f, 5000);
	WAIT_FOR(f, metrics(f).delivered == 6);
	assert_int_equal(rx_count(f), 6);
	assert_int_equal(f->rx.bad_sig, 0);
	for (unsigned i = 0; i < 6; i++) {
		const char *s = f->rx.seen[i];
		int *last = s[0] == 'A' ? &last_a : s[0] == 'B' ? &last_b : NULL;

		if (last) {
			assert_true(s[1] - '0' > *last); /* A1 < A2 < A3, B1 < B2 */
			*last = s[1] - '0';
		}
	}
	assert_int_equal(last_a, 3);
	assert_int_equal(backlog(f), 0);
}

static void test_retry_backoff_and_recover(void **state)
{
	struct fx *f = *state;

	rx_set(f, RX_FAIL, false);
	start_worker(f, 5000);
	/* Nothing queued: the worker sleeps (the slow safety look only). */
	assert_int_equal(webhooks_kick(f->wh), 0);
	assert_int_equal(webhooks_next_look_ms(f->wh), 60000);
	enqueue(f, 1, "X1");
	enqueue(f, 1, "X2");
	WAIT_FOR(f, metrics(f).failed_attempts == 1);
	assert_int_equal(rx_count(f), 1);
	assert_int_equal(backlog(f), 2);
	/* X1 failed, X2 waits behind it (due, but not startable): the next
	 * look is X1's retry, 10 s (virtual) away, not a poll. */
	assert_int_equal(webhooks_next_look_ms(f->wh), 10000);
	/* First retry 10 s later (virtual), not before; X2 waits behind X1. */
	hal_vclock_advance(&f->vclock, 9999);
	assert_int_equal(webhooks_kick(f->wh), 0);
	hal_vclock_advance(&f->vclock, 1);
	assert_int_equal(webhooks_kick(f->wh), 1);
	WAIT_FOR(f, metrics(f).failed_attempts == 2);
	/* Then 20 s. */
	hal_vclock_advance(&f->vclock, 19999);
	assert_int_equal(webhooks_kick(f->wh), 0);
	assert_int_equal(rx_count(f), 2);
	assert_string_equal(f->rx.seen[1], "X1");
	/* The receiver recovers: both go, in order. */
	rx_set(f, RX_OK, false);
	hal_vclock_advance(&f->vclock, 1);
	WAIT_FOR(f, metrics(f).delivered == 2);
	assert_string_equal(f->rx.seen[2], "X1");
	assert_string_equal(f->rx.seen[3], "X2");
	assert_int_equal(backlog(f), 0);
	assert_int_equal(f->rx.bad_sig, 0);
}

/* A message made through the Twilio facade with a StatusCallback: each
 * status change POSTs Twilio's form, signed with the facade account's auth
 * token (crm_bootstrap_facade's, never the administrator's), queued with
 * the change, retried with backoff. */
static void test_twilio_status_callback(void **state)
{
	static const uint8_t hash[STORE_HASH_LEN];
	struct fx *f = *state;
	struct crm_bootstrap boot;
	char facade[API_TOKEN_HEX_LEN + 1];
	struct store_msg_new m = { .to = "+4917612345678", .body = "hi", .body_len = 2,
				   .segments = 1, .source = 1, .payload_hash = hash };
	struct store_enqueue it[2] = { { .m = &m }, { .m = &m } };
	struct store_move fail = { .event = "fail", .err_code = 30003, .err_text = "unreachable" };
	char cb[96], want[160];
	int64_t now = hal_clock_wall_ms(&f->vclock);

	/* only the StatusCallback here: no subscription */
	assert_int_equal(f->be.ops->webhook_delete(f->be.ctx, 1), 0);
	assert_int_equal(crm_bootstrap_admin(f->crm, "admin", false, &boot), 0);
	assert_int_equal(crm_bootstrap_facade(f->crm, facade), 0);
	snprintf(f->rx.twilio_token, sizeof(f->rx.twilio_token), "%s", facade);
	snprintf(cb, sizeof(cb), "http://127.0.0.1:%u/twilio", f->rx.port);
	m.status_callback = cb;
	assert_int_equal(store_enqueue_batch(f->store, it, 2, now), 0);
	assert_int_equal(store_msg_move(f->store, it[0].id, MSG_QUEUED, MSG_SENDING, NULL, now), 0);
	assert_int_equal(store_msg_move(f->store, it[1].id, MSG_QUEUED, MSG_SENDING, NULL, now), 0);
	/* queued/sending: no callback; the receiver is down at first */
	assert_int_equal(backlog(f), 0);
	rx_set(f, RX_FAIL, false);
	assert_int_equal(store_msg_move(f->store, it[0].id, MSG_SENDING, MSG_SENT, NULL, now), 0);
	assert_int_equal(store_msg_move(f->store, it[1].id, MSG_SENDING, MSG_FAILED, &fail, now),
			 0);
	assert_int_equal(backlog(f), 2);
	start_worker(f, 5000);
	/* one conversation: the second waits behind the first */
	WAIT_FOR(f, metrics(f).failed_attempts == 1);
	rx_set(f, RX_OK, false);
	hal_vclock_advance(&f->vclock, 10000);
	/* The worker sleeps until the retry by the loop's timer; the queue's
	 * clock is virtual and jumped: tell it to look now. */
	assert_true(webhooks_kick(f->wh) >= 0);
	WAIT_FOR(f, metrics(f).delivered == 2);
	assert_int_equal(rx_count(f), 3);
	assert_int_equal(f->rx.bad_sig, 0);
	snprintf(want, sizeof(want), "sent sent SM0000000000000000%016llx %s -",
		 (unsigned long long)it[0].id, boot.account_sid);
	assert_string_equal(f->rx.seen[0], want);
	assert_string_equal(f->rx.seen[1], want); /* the retry */
	snprintf(want, sizeof(want), "failed failed SM0000000000000000%016llx %s 30003",
		 (unsigned long long)it[1].id, boot.account_sid);
	assert_string_equal(f->rx.seen[2], want);
	assert_int_equal(backlog(f), 0);
}

static void test_stall_times_out_then_delivers(void **state)
{
	struct fx *f = *state;

	rx_set(f, RX_STALL, false);
	start_worker(f, 300);
	enqueue(f, 5, "S1");
	WAIT_FOR(f, metrics(f).failed_attempts == 1); /* curl's timeout */
	assert_int_equal(metrics(f).delivered, 0);
	assert_int_equal(backlog(f), 1);
	rx_set(f, RX_OK, true);
	hal_vclock_advance(&f->vclock, 10000);
	WAIT_FOR(f, metrics(f).delivered == 1);
	assert_int_equal(backlog(f), 0);
}

static void test_dropped_only_after_24h(void **state)
{
	struct fx *f = *state;
	int64_t start = hal_clock_wall_ms(&f->vclock);
	uint64_t fails = 0;

	rx_set(f, RX_FAIL, false);
	start_worker(f, 5000);
	enqueue(f, 9, "D1");
	WAIT_FOR(f, metrics(f).failed_attempts == 1);
	fails = 1;
	/* Fail every hour (the backoff's cap) until the worker gives up. */
	while (metrics(f).dropped == 0 && fails < 40) {
		hal_vclock_advance(&f->vclock, 3600 * 1000);
		assert_int_equal(webhooks_kick(f->wh), 1);
		WAIT_FOR(f, metrics(f).failed_attempts == fails + 1);
		fails++;
		if (hal_clock_wall_ms(&f->vclock) < start + API_WEBHOOK_RETRY_WINDOW_MS)
			assert_int_equal(backlog(f), 1);
	}
	assert_int_equal(metrics(f).dropped, 1);
	assert_true(hal_clock_wall_ms(&f->vclock) >= start + API_WEBHOOK_RETRY_WINDOW_MS);
	assert_int_equal(backlog(f), 0);
}

/* The retry timing comes from the config (backoff_initial_ms doubling to
 * backoff_max_ms, give up after retry_for_ms), not from constants. */
static void test_configured_backoff(void **state)
{
	struct fx *f = *state;
	int64_t start = hal_clock_wall_ms(&f->vclock), h48 = 48LL * 3600 * 1000;
	static const int64_t gaps[] = { 2000, 4000, 5000, 5000 }; /* 2 s, 4 s, cap 5 s */
	bool give_up = true;

	rx_set(f, RX_FAIL, false);
	start_worker_retry(f, 2000, 5000, h48);
	enqueue(f, 3, "C1");
	WAIT_FOR(f, metrics(f).failed_attempts == 1);
	for (size_t i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++) {
		hal_vclock_advance(&f->vclock, gaps[i] - 1);
		assert_int_equal(webhooks_kick(f->wh), 0); /* not before */
		hal_vclock_advance(&f->vclock, 1);
		assert_int_equal(webhooks_kick(f->wh), 1);
		WAIT_FOR(f, metrics(f).failed_attempts == i + 2);
	}
	/* Past 24 h (the default) it still retries; it gives up at 48 h. */
	assert_int_equal(webhooks_next_attempt(f->wh, 1, start, start + 25 * 3600 * 1000LL,
					       &give_up), start + 25 * 3600 * 1000LL + 4000);
	assert_false(give_up);
	webhooks_next_attempt(f->wh, 60, start, start + h48 - 1, &give_up);
	assert_false(give_up);
	assert_int_equal(webhooks_next_attempt(f->wh, 60, start, start + h48, &give_up),
			 start + h48 + 5000);
	assert_true(give_up);
	assert_int_equal(metrics(f).dropped, 0);
	assert_int_equal(backlog(f), 1);
	/* SIGHUP's setter: nonsense changes nothing; sense applies at once. */
	assert_int_equal(webhooks_set_timing(f->wh, 5000, 9000, 1000, h48), -EINVAL);
	assert_int_equal(webhooks_set_timing(f->wh, 5000, 2000, 5000, 3600 * 1000), -EINVAL);
	assert_int_equal(webhooks_next_attempt(f->wh, 0, start, start, &give_up), start + 2000);
	assert_int_equal(webhooks_set_timing(f->wh, 5000, 3000, 60000, h48), 0);
	assert_int_equal(webhooks_next_attempt(f->wh, 0, start, start, &give_up), start + 3000);
	assert_int_equal(webhooks_next_attempt(f->wh, 2, start, start, &give_up), start + 12000);
}

/* Settings that make no sense are refused, and less than a day of retries
 * is never allowed. */
static void test_retry_settings_checked(void **state)
{
	struct fx *f = *state;
	struct webhooks_config wc = { .loop = &f->loop, .backend = &f->be };
	struct webhooks *w = NULL;
	bool give_up;

	wc.retry_for_ms = WEBHOOKS_RETRY_MIN_MS - 1;
	assert_int_equal(webhooks_new(&w, &wc), -EINVAL);
	wc.retry_for_ms = 0;
	wc.backoff_initial_ms = 20000;
	wc.backoff_max_ms = 10000;
	assert_int_equal(webhooks_new(&w, &wc), -EINVAL);
	wc.backoff_initial_ms = -1;
	wc.backoff_max_ms = 0;
	assert_int_equal(webhooks_new(&w, &wc), -EINVAL);
	assert_null(w);
	/* Zeroes: 10 s doubling to 1 h, a day. */
	wc.backoff_initial_ms = 0;
	assert_int_equal(webhooks_new(&w, &wc), 0);
	assert_int_equal(webhooks_next_attempt(w, 0, 0, 100, &give_up), 100 + 10000);
	assert_int_equal(webhooks_next_attempt(w, 30, 0, 100, &give_up), 100 + 3600000);
	assert_false(give_up);
	webhooks_next_attempt(w, 30, 0, WEBHOOKS_RETRY_MIN_MS, &give_up);
	assert_true(give_up);
	webhooks_destroy(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_per_conversation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_backoff_and_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stall_times_out_then_delivers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dropped_only_after_24h, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twilio_status_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_configured_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_settings_checked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
