/* POST /callbacks/twilio/status and POST /callbacks/telesign: signed
 * requests reach the sink once, forged, unsigned or tampered ones get 403
 * and never reach it, a signed non-report is 400, an unconfigured provider
 * is 404, rotated keys take effect, and a stopping sink gives 503.
 * Signatures are computed with drivers/cloud (the same functions a mock
 * provider uses); Twilio's scheme: twilio.com/docs/usage/security
 * ("Validating Signatures from Twilio"), Telesign's:
 * developer.telesign.com/enterprise/docs/authenticate-callbacks. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api_http_harness.h"
#include "cloud/telesign.h"
#include "cloud/twilio.h"

#define PUBLIC "https://relay.example.com/" /* the trailing '/' is dropped */
#define TW_TOKEN "0123456789abcdef0123456789abcdef"
#define TS_CID "FFFFFFFF-EEEE-DDDD-1234-AB1234567890"
#define TS_KEY "dGVzdGtleXRlc3RrZXl0ZXN0a2V5" /* base64("testkeytestkeytestkey") */
#define TW_BODY                                                                              \
	"MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=delivered"            \
	"&To=%2B14155550100&AccountSid=AC0123456789abcdef0123456789abcdef"
#define TS_BODY "{\"reference_id\":\"0123456789ABCDEF0123456789ABCDEF\",\"status\":{\"code\":200,\"description\":\"Delivered to handset\"}}"

struct sink {
	pthread_mutex_t lock;
	unsigned n[API_CB_COUNT];
	char url[256], sig[160], body[512];
	int rc; /* what deliver returns */
};

static struct sink g_sink = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int deliver(void *ctx, const struct api_callback *cb)
{
	struct sink *s = ctx;
	int rc;

	pthread_mutex_lock(&s->lock);
	rc = s->rc;
	if (rc == 0) {
		s->n[cb->kind]++;
		snprintf(s->url, sizeof(s->url), "%s", cb->url);
		snprintf(s->sig, sizeof(s->sig), "%s", cb->signature);
		snprintf(s->body, sizeof(s->body), "%.*s", (int)cb->body_len, cb->body);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static unsigned sink_n(enum api_callback_kind k)
{
	pthread_mutex_lock(&g_sink.lock);
	unsigned n = g_sink.n[k];
	pthread_mutex_unlock(&g_sink.lock);
	return n;
}

static const struct api_callbacks_config cb_cfg = {
	.public_url = PUBLIC,
	.twilio_auth_token = TW_TOKEN,
	.telesign_customer_id = TS_CID,
	.telesign_api_key = TS_KEY,
	.sink = { deliver, &g_sink },
};

static int setup_cb(void **state)
{
	struct api_config cfg = { .bind_addr = "127.0.0.1", .twilio_account_sid = ACCT,
				  .rate_per_min = 100000, .threads = 2, .callbacks = cb_cfg };
	pthread_mutex_lock(&g_sink.lock);
	memset(g_sink.n, 0, sizeof(g_sink.n));
	g_sink.rc = 0;
	pthread_mutex_unlock(&g_sink.lock);
	return setup_cfg(state, &cfg);
}

/* "X-Twilio-Signature: ..." for body as POSTed to url. */
static void tw_sign(const char *token, const char *url, const char *body, char *hdr, size_t len)
{
	struct cloud_form f;
	char sig[29];

	assert_int_equal(cloud_form_parse(body, strlen(body), &f), 0);
	assert_int_equal(twilio_signature_compute(token, url, &f, sig), 0);
	cloud_form_free(&f);
	snprintf(hdr, len, "X-Twilio-Signature: %s", sig);
}

static void test_twilio_signed(void **state)
{
	struct env *e = *state;
	char hdr[128];

	tw_sign(TW_TOKEN, "https://relay.example.com/callbacks/twilio/status", TW_BODY, hdr,
		sizeof(hdr));
	struct resp r = call(e, "POST", "/callbacks/twilio/status", NULL, TW_BODY, hdr);
	expect_status(&r, 204);
	resp_free(&r);
	assert_int_equal(sink_n(API_CB_TWILIO_STATUS), 1);
	assert_string_equal(g_sink.url, "https://relay.example.com/callbacks/twilio/status");
	assert_string_equal(g_sink.body, TW_BODY);
	assert_string_equal(g_sink.sig, hdr + strlen("X-Twilio-Signature: "));

	/* the query string is part of what Twilio signs, byte for byte */
	tw_sign(TW_TOKEN, "https://relay.example.com/callbacks/twilio/status?m=7%2B1", TW_BODY, hdr,
		sizeof(hdr));
	r = call(e, "POST", "/callbacks/twilio/status?m=7%2B1", NULL, TW_BODY, hdr);
	expect_status(&r, 204);
	resp_free(&r);
	assert_int_equal(sink_n(API_CB_TWILIO_STATUS), 2);
	/* ... so a signature over the bare path does not cover it */
	tw_sign(TW_TOKEN, "https://relay.example.com/callbacks/twilio/status", TW_BODY, hdr,
		sizeof(hdr));
	r = call(e, "POST", "/callbacks/twilio/status?m=7%2B1", NULL, TW_BODY, hdr);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	assert_int_equal(sink_n(API_CB_TWILIO_STATUS), 2);
}

static void test_twilio_forged(void **state)
{
	struct env *e = *state;
	char hdr[128];
	const char *url = "https://relay.example.com/callbacks/twilio/status";
	struct resp r;

	/* signed with another token */
	tw_sign("ffffffffffffffffffffffffffffffff", url, TW_BODY, hdr, sizeof(hdr));
	r = call(e, "POST", "/callbacks/twilio/status", NULL, TW_BODY, hdr);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	/* signed for another host (a replay from someone else's endpoint) */
	tw_sign(TW_TOKEN, "https://evil.example.com/callbacks/twilio/status", TW_BODY, hdr,
		sizeof(hdr));
	r = call(e, "POST", "/callbacks/twilio/status", NULL, TW_BODY, hdr);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	/* right signature, body changed afterwards (delivered -> failed) */
	tw_sign(TW_TOKEN, url, TW_BODY, hdr, sizeof(hdr));
	r = call(e, "POST", "/callbacks/twilio/status", NULL,
		 "MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=failed"
		 "&To=%2B14155550100&AccountSid=AC0123456789abcdef0123456789abcdef",
		 hdr);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	/* no signature at all */
	r = call(e, "POST", "/callbacks/twilio/status", NULL, TW_BODY, NULL);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	/* a Bearer token is no substitute */
	r = call(e, "POST", "/callbacks/twilio/status", bearer(e->admin), TW_BODY, NULL);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	assert_int_equal(sink_n(API_CB_TWILIO_STATUS), 0);
}

static void test_twilio_bad_body(void **state)
{
	struct env *e = *state;
	char hdr[128];
	const char *url = "https://relay.example.com/callbacks/twilio/status";
	const char *nostatus = "MessageSid=SM0123456789abcdef0123456789abcdef&To=%2B1415";
	struct resp r;

	tw_sign(TW_TOKEN, url, nostatus, hdr, sizeof(hdr));
	r = call(e, "POST", "/callbacks/twilio/status", NULL, nostatus, hdr);
	assert_error(&r, 400, "invalid_request");
	resp_free(&r);
	r = call(e, "POST", "/callbacks/twilio/status", NULL, "a=%zz", "X-Twilio-Signature: x");
	assert_error(&r, 400, "invalid_request");
	resp_free(&r);
	r = call(e, "GET", "/callbacks/twilio/status", NULL, NULL, NULL);
	assert_error(&r, 405, "method_not_allowed");
	resp_free(&r);
	assert_int_equal(sink_n(API_CB_TWILIO_STATUS), 0);
}

static void ts_auth(const char *key, const char *body, char *hdr, size_t len)
{
	char sig[45];

	assert_int_equal(telesign_signature_compute(key, body, strlen(body), sig), 0);
	snprintf(hdr, len, "TSA %s:%s", TS_CID, sig);
}

static void test_telesign(void **state)
{
	struct env *e = *state;
	char auth[160];
	struct resp r;

	ts_auth(TS_KEY, TS_BODY, auth, sizeof(auth));
	r = call(e, "POST", "/callbacks/telesign", auth, TS_BODY, NULL);
	expect_status(&r, 204);
	resp_free(&r);
	assert_int_equal(sink_n(API_CB_TELESIGN), 1);
	assert_string_equal(g_sink.body, TS_BODY);
	assert_string_equal(g_sink.sig, auth);

	/* tampered body */
	r = call(e, "POST", "/callbacks/telesign", auth,
		 "{\"reference_id\":\"0123456789ABCDEF0123456789ABCDEF\",\"status\":{\"code\":203}}",
		 NULL);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	/* another key */
	ts_auth("b3RoZXJrZXk=", TS_BODY, auth, sizeof(auth));
	r = call(e, "POST", "/callbacks/telesign", auth, TS_BODY, NULL);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	r = call(e, "POST", "/callbacks/telesign", NULL, TS_BODY, NULL);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	/* signed, but not a status report */
	ts_auth(TS_KEY, "{\"x\":1}", auth, sizeof(auth));
	r = call(e, "POST", "/callbacks/telesign", auth, "{\"x\":1}", NULL);
	assert_error(&r, 400, "invalid_request");
	resp_free(&r);
	assert_int_equal(sink_n(API_CB_TELESIGN), 1);
}

/* SIGHUP rotates the keys; a provider left out answers 404. */
static void test_rotate_and_unconfigured(void **state)
{
	struct env *e = *state;
	const char *url = "https://relay.example.com/callbacks/twilio/status";
	char hdr[128], auth[160];
	struct api_callbacks_config nc = cb_cfg;
	struct resp r;

	nc.twilio_auth_token = "fedcba9876543210fedcba9876543210";
	nc.telesign_api_key = NULL;
	assert_int_equal(api_server_set_callbacks(e->srv, &nc), 0);
	tw_sign(TW_TOKEN, url, TW_BODY, hdr, sizeof(hdr));
	r = call(e, "POST", "/callbacks/twilio/status", NULL, TW_BODY, hdr);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	tw_sign(nc.twilio_auth_token, url, TW_BODY, hdr, sizeof(hdr));
	r = call(e, "POST", "/callbacks/twilio/status", NULL, TW_BODY, hdr);
	expect_status(&r, 204);
	resp_free(&r);
	ts_auth(TS_KEY, TS_BODY, auth, sizeof(auth));
	r = call(e, "POST", "/callbacks/telesign", auth, TS_BODY, NULL);
	assert_error(&r, 404, "not_found");
	resp_free(&r);
	nc.public_url = NULL;
	assert_int_equal(api_server_set_callbacks(e->srv, &nc), 0);
	r = call(e, "POST", "/callbacks/twilio/status", NULL, TW_BODY, hdr);
	assert_error(&r, 404, "not_found");
	resp_free(&r);
	assert_int_equal(api_server_set_callbacks(NULL, &nc), -EINVAL);
	assert_int_equal(sink_n(API_CB_TWILIO_STATUS), 1);
	assert_int_equal(sink_n(API_CB_TELESIGN), 0);
}

/* The loop is stopping: the provider is told to retry later. */
static void test_sink_refuses(void **state)
{
	struct env *e = *state;
	char hdr[128];

	pthread_mutex_lock(&g_sink.lock);
	g_sink.rc = -EAGAIN;
	pthread_mutex_unlock(&g_sink.lock);
	tw_sign(TW_TOKEN, "https://relay.example.com/callbacks/twilio/status", TW_BODY, hdr,
		sizeof(hdr));
	struct resp r = call(e, "POST", "/callbacks/twilio/status", NULL, TW_BODY, hdr);
	assert_int_equal(r.status, 503);
	resp_free(&r);
	assert_int_equal(sink_n(API_CB_TWILIO_STATUS), 0);
}

/* The default harness configures no callbacks: both routes are 404. */
static void test_default_off(void **state)
{
	struct env *e = *state;
	struct resp r = call(e, "POST", "/callbacks/twilio/status", NULL, TW_BODY,
			     "X-Twilio-Signature: x");
	assert_error(&r, 404, "not_found");
	resp_free(&r);
	r = call(e, "POST", "/callbacks/telesign", "TSA a:b", TS_BODY, NULL);
	assert_error(&r, 404, "not_found");
	resp_free(&r);
	assert_string_equal(api_callback_kind_str(API_CB_TELESIGN), "telesign");
	assert_string_equal(api_callback_kind_str(API_CB_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_twilio_signed, setup_cb, teardown),
		cmocka_unit_test_setup_teardown(test_twilio_forged, setup_cb, teardown),
		cmocka_unit_test_setup_teardown(test_twilio_bad_body, setup_cb, teardown),
		cmocka_unit_test_setup_teardown(test_telesign, setup_cb, teardown),
		cmocka_unit_test_setup_teardown(test_rotate_and_unconfigured, setup_cb, teardown),
		cmocka_unit_test_setup_teardown(test_sink_refuses, setup_cb, teardown),
		cmocka_unit_test_setup_teardown(test_default_off, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
