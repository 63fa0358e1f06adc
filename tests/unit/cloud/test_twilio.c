/* The Twilio channel against tools/mockprovider: success and the request's
 * conformance to twilio_api_v2010.json, 429 storms (Retry-After honoured),
 * 5xx, slow and hung answers, malformed JSON, connection refused, permanent
 * errors with their codes, bad input, capacity, cancel, status callbacks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <mbedtls/base64.h>

#include "cloud/twilio.h"
#include "mock_harness.h"

#define CAP_MS 15000

struct fx {
	struct mock_proc mock;
	struct hal_loop loop;
	struct recorder rec;
	struct channel_events ev;
	struct channel ch;
	struct twilio_config cfg;
	char base[80];
};

static struct twilio_config base_cfg(const char *url)
{
	return (struct twilio_config){
		.base_url = url,
		.account_sid = MOCK_ACCOUNT,
		.auth_token = MOCK_TOKEN,
		.from = "+15005550006",
		.http = { .request_timeout_ms = 3000, .backoff_base_ms = 10, .max_attempts = 3 },
	};
}

static int fx_channel(struct fx *f)
{
	recorder_events(&f->rec, &f->ev);
	return twilio_channel_new(&f->loop, &f->cfg, &f->ev, &f->ch);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(mock_start(&f->mock, NULL), 0);
	assert_int_equal(hal_loop_linux_new(&f->loop), 0);
	snprintf(f->base, sizeof(f->base), "%s", f->mock.url);
	f->cfg = base_cfg(f->base);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (f->ch.ops)
		f->ch.ops->destroy(f->ch.ctx);
	hal_loop_destroy(&f->loop);
	mock_stop(&f->mock);
	free(f);
	return 0;
}

static void submit_one(struct fx *f, uint64_t id, const char *to, const char *text)
{
	struct channel_msg m = { .id = id, .to = to, .text = text, .text_len = strlen(text) };
	unsigned before = f->rec.done_count;
	assert_int_equal(channel_submit(&f->ch, &m), 0);
	assert_int_equal(f->rec.done_count, before); /* never from inside submit() */
}

static const struct channel_outcome *wait_done(struct fx *f, unsigned n)
{
	assert_true(loop_until(&f->loop, &f->rec.done_count, n, CAP_MS));
	return &f->rec.done[n - 1];
}

/* ---- success and conformance ----------------------------------------------- */

static void check_against_spec(json_t *last)
{
	json_error_t err;
	json_t *spec = json_load_file(TWILIO_SPEC_PATH, 0, &err);
	if (!spec)
		fail_msg("cannot load %s: %s", TWILIO_SPEC_PATH, err.text);
	json_t *path = json_object_get(json_object_get(spec, "paths"),
				       "/2010-04-01/Accounts/{AccountSid}/Messages.json");
	json_t *schema = json_object_get(
		json_object_get(json_object_get(json_object_get(json_object_get(path, "post"),
								"requestBody"),
						"content"),
				"application/x-www-form-urlencoded"),
		"schema");
	json_t *props = json_object_get(schema, "properties");
	assert_non_null(props);
	json_t *form = json_object_get(last, "form");
	const char *key;
	json_t *val;
	json_object_foreach(form, key, val)
	{
		if (!json_object_get(props, key))
			fail_msg("form field %s is not in CreateMessageRequest", key);
	}
	size_t i;
	json_t *req;
	json_array_foreach(json_object_get(schema, "required"), i, req)
		assert_non_null(json_object_get(form, json_string_value(req)));
	/* The fields we read from the answer are the Message resource's. */
	json_t *msg = json_object_get(
		json_object_get(json_object_get(json_object_get(spec, "components"), "schemas"),
				"api.v2010.account.message"),
		"properties");
	static const char *const read[] = { "sid", "status", "num_segments", "error_code",
					    "error_message", "direction", "from", "to",
					    "body", "date_sent" };
	for (size_t k = 0; k < sizeof(read) / sizeof(read[0]); k++)
		assert_non_null(json_object_get(msg, read[k]));
	/* ValidityPeriod is an integer 1..36000 (its description). */
	json_t *vp = json_object_get(form, "ValidityPeriod");
	if (vp) {
		long v = strtol(json_string_value(vp), NULL, 10);
		assert_true(v >= 1 && v <= 36000);
	}
	json_decref(spec);
}

static void test_submit_ok(void **state)
{
	struct fx *f = *state;
	f->cfg.status_callback_url = "https://appliance.example.com/twilio/status";
	assert_int_equal(fx_channel(f), 0);
	struct channel_msg m = { .id = 42, .to = "+15551234567", .text = "Hello \xf0\x9f\x91\x8d",
				 .text_len = 10, .validity_s = 600 };
	assert_int_equal(channel_submit(&f->ch, &m), 0);
	const struct channel_outcome *o = wait_done(f, 1);
	assert_int_equal(o->status, 0);
	assert_int_equal(f->rec.done_id[0], 42);
	assert_int_equal(f->rec.parts, 1);
	assert_memory_equal(f->rec.part_ref[0], "SM", 2);
	assert_int_equal(strlen(f->rec.part_ref[0]), 34);

	json_t *last = mock_get_json(&f->mock, "/_mock/last");
	assert_non_null(last);
	json_t *form = json_object_get(last, "form");
	assert_string_equal(json_string_value(json_object_get(form, "To")), "+15551234567");
	assert_string_equal(json_string_value(json_object_get(form, "From")), "+15005550006");
	assert_string_equal(json_string_value(json_object_get(form, "Body")),
			    "Hello \xf0\x9f\x91\x8d");
	assert_string_equal(json_string_value(json_object_get(form, "ValidityPeriod")), "600");
	assert_string_equal(json_string_value(json_object_get(form, "StatusCallback")),
			    "https://appliance.example.com/twilio/status");
	assert_string_equal(json_string_value(json_object_get(last, "path")),
			    "/2010-04-01/Accounts/" MOCK_ACCOUNT "/Messages.json");
	unsigned char b64[128];
	size_t olen;
	const char *cred = MOCK_ACCOUNT ":" MOCK_TOKEN;
	mbedtls_base64_encode(b64, sizeof(b64), &olen, (const unsigned char *)cred, strlen(cred));
	char want[160];
	snprintf(want, sizeof(want), "Basic %s", b64);
	assert_string_equal(json_string_value(json_object_get(last, "authorization")), want);
	check_against_spec(last);
	json_decref(last);
}

static void test_messaging_service(void **state)
{
	struct fx *f = *state;
	f->cfg.from = NULL;
	f->cfg.messaging_service_sid = "MG0123456789abcdef0123456789abcdef";
	assert_int_equal(fx_channel(f), 0);
	submit_one(f, 1, "+15551234567", "hi");
	assert_int_equal(wait_done(f, 1)->status, 0);
	json_t *last = mock_get_json(&f->mock, "/_mock/last");
	json_t *form = json_object_get(last, "form");
	assert_null(json_object_get(form, "From"));
	assert_null(json_object_get(form, "StatusCallback"));
	assert_string_equal(json_string_value(json_object_get(form, "MessagingServiceSid")),
			    "MG0123456789abcdef0123456789abcdef");
	check_against_spec(last);
	json_decref(last);
}

/* ---- retries ------------------------------------------------------------------- */

static void test_429_retry_after(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fx_channel(f), 0);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "n429=2&retry_after=1"), 200);
	int64_t t0 = hal_loop_now_ms(&f->loop);
	submit_one(f, 7, "+15551234567", "storm");
	const struct channel_outcome *o = wait_done(f, 1);
	assert_int_equal(o->status, 0);
	struct cloud_stats st;
	assert_int_equal(twilio_channel_stats(&f->ch, &st), 0);
	assert_int_equal(st.retries, 2);
	assert_int_equal(st.last_retry_delay_ms, 1000); /* Retry-After: 1, not the 10 ms backoff */
	assert_true(hal_loop_now_ms(&f->loop) - t0 >= 2000);
	assert_int_equal(mock_stat(&f->mock, "faults_429"), 2);
	assert_int_equal(mock_stat(&f->mock, "creates"), 1);
}

static void test_429_exhausted(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fx_channel(f), 0);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "n429=10"), 200);
	submit_one(f, 7, "+15551234567", "storm");
	const struct channel_outcome *o = wait_done(f, 1);
	assert_int_equal(o->status, -EAGAIN);
	assert_true(o->retryable);
	assert_int_equal(o->code, 20429);
	assert_int_equal(mock_stat(&f->mock, "faults_429"), 3); /* max_attempts */
	assert_int_equal(f->rec.parts, 0);
}

static void test_5xx(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fx_channel(f), 0);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "n5xx=1"), 200);
	submit_one(f, 1, "+15551234567", "a");
	assert_int_equal(wait_done(f, 1)->status, 0);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "n5xx=10"), 200);
	submit_one(f, 2, "+15551234567", "b");
	const struct channel_outcome *o = wait_done(f, 2);
	assert_int_equal(o->status, -EAGAIN);
	assert_true(o->retryable);
	assert_int_equal(o->code, 20503);
}

static void test_slow(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fx_channel(f), 0);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "slow_ms=300"), 200);
	submit_one(f, 1, "+15551234567", "slow but fine");
	assert_int_equal(wait_done(f, 1)->status, 0);
}

static void test_hung(void **state)
{
	struct fx *f = *state;
	f->cfg.http.request_timeout_ms = 400;
	assert_int_equal(fx_channel(f), 0);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "hang=1"), 200);
	submit_one(f, 1, "+15551234567", "into the void");
	const struct channel_outcome *o = wait_done(f, 1);
	/* Never retried inside: the provider may have created it. */
	assert_int_equal(o->status, -ETIMEDOUT);
	assert_true(o->retryable);
	assert_int_equal(mock_stat(&f->mock, "faults_hang"), 1);
	assert_int_equal(mock_stat(&f->mock, "requests"), 1);
}

static void test_malformed(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fx_channel(f), 0);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "malformed=1"), 200);
	submit_one(f, 1, "+15551234567", "garbled");
	const struct channel_outcome *o = wait_done(f, 1);
	assert_int_equal(o->status, -EBADMSG);
	assert_true(o->retryable); /* a 201 we cannot read: maybe sent */
	assert_int_equal(f->rec.parts, 0);
}

static void test_refused(void **state)
{
	struct fx *f = *state;
	mock_stop(&f->mock); /* nothing listens on its port now */
	assert_int_equal(fx_channel(f), 0);
	submit_one(f, 1, "+15551234567", "nobody home");
	const struct channel_outcome *o = wait_done(f, 1);
	assert_int_equal(o->status, -ECONNREFUSED);
	assert_true(o->retryable);
	struct cloud_stats st;
	twilio_channel_stats(&f->ch, &st);
	assert_int_equal(st.requests, 3);
	assert_int_equal(f->rec.health, 1); /* reachable -> unreachable */
	struct channel_health h;
	assert_int_equal(f->ch.ops->get_health(f->ch.ctx, &h), 0);
	assert_false(h.can_send);
}

static void test_permanent(void **state)
{
	struct fx *f = *state;
	assert_int_equal(fx_channel(f), 0);
	static const struct {
		const char *to;
		int code;
	} t[] = { { "+15005550001", 21211 }, { "+15005550004", 21610 },
		  { "+15005550003", 21408 }, { "+15005550009", 21614 } };
	for (unsigned i = 0; i < 4; i++) {
		submit_one(f, i, t[i].to, "x");
		const struct channel_outcome *o = wait_done(f, i + 1);
		assert_int_equal(o->status, -EREMOTEIO);
		assert_int_equal(o->code, t[i].code);
		assert_false(o->retryable);
	}
	assert_int_equal(mock_stat(&f->mock, "creates"), 4); /* no retries */
}

static void test_bad_input(void **state)
{
	struct fx *f = *state;
	struct twilio_config c = f->cfg;
	struct channel tmp;
	struct channel_events ev = { 0 };
	c.account_sid = "AC123";
	assert_int_equal(twilio_channel_new(&f->loop, &c, &ev, &tmp), -EINVAL);
	c = f->cfg;
	c.from = NULL;
	assert_int_equal(twilio_channel_new(&f->loop, &c, &ev, &tmp), -EINVAL);
	c = f->cfg;
	c.base_url = "ftp://x";
	assert_int_equal(twilio_channel_new(&f->loop, &c, &ev, &tmp), -EINVAL);
	assert_int_equal(fx_channel(f), 0);
	struct channel_msg m = { .id = 1, .to = "15551234567", .text = "x", .text_len = 1 };
	assert_int_equal(channel_submit(&f->ch, &m), -EINVAL);
	m.to = "+1555abc";
	assert_int_equal(channel_submit(&f->ch, &m), -EINVAL);
	m.to = "+15551234567";
	m.text_len = 0;
	assert_int_equal(channel_submit(&f->ch, &m), -EINVAL);
	m.text = "\xff\xfe";
	m.text_len = 2;
	assert_int_equal(channel_submit(&f->ch, &m), -EINVAL);
	char *big = malloc(1602);
	memset(big, 'a', 1601);
	big[1601] = 0;
	m.text = big;
	m.text_len = 1601;
	assert_int_equal(channel_submit(&f->ch, &m), -EINVAL);
	m.text_len = 1600;
	assert_int_equal(channel_submit(&f->ch, &m), 0);
	free(big); /* the channel copied it */
	assert_int_equal(wait_done(f, 1)->status, 0);
	assert_int_equal(mock_stat(&f->mock, "creates"), 1);
}

static void test_busy_and_cancel(void **state)
{
	struct fx *f = *state;
	f->cfg.http.max_in_flight = 2;
	assert_int_equal(fx_channel(f), 0);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "n429=1&retry_after=5"), 200);
	submit_one(f, 1, "+15551234567", "a");
	submit_one(f, 2, "+15551234567", "b");
	struct channel_msg m = { .id = 3, .to = "+15551234567", .text = "c", .text_len = 1 };
	assert_int_equal(channel_submit(&f->ch, &m), -EBUSY);
	assert_int_equal(f->ch.ops->cancel(f->ch.ctx, 99), -ENOENT);
	/* One of the two meets the 429 and waits 5 s: cancel it then. */
	assert_true(loop_until(&f->loop, &f->rec.done_count, 1, CAP_MS));
	uint64_t waiting = f->rec.done_id[0] == 1 ? 2 : 1;
	assert_int_equal(f->ch.ops->cancel(f->ch.ctx, waiting), 0);
	assert_int_equal(f->ch.ops->cancel(f->ch.ctx, waiting), -EALREADY);
	const struct channel_outcome *o = wait_done(f, 2);
	assert_int_equal(o->status, -ECANCELED);
	assert_int_equal(f->rec.done_id[1], waiting);
}

static void test_status_callback(void **state)
{
	struct fx *f = *state;
	f->cfg.status_callback_url = "https://appliance.example.com/twilio/status";
	assert_int_equal(fx_channel(f), 0);
	const char *url = "https://appliance.example.com/twilio/status";
	const char *body = "MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=undelivered"
			   "&ErrorCode=30003&To=%2B15551234567&AccountSid=" MOCK_ACCOUNT;
	struct cloud_form form;
	assert_int_equal(cloud_form_parse(body, strlen(body), &form), 0);
	char sig[29];
	assert_int_equal(twilio_signature_compute(MOCK_TOKEN, url, &form, sig), 0);
	cloud_form_free(&form);
	assert_int_equal(twilio_channel_status_callback(&f->ch, url, body, strlen(body), sig), 0);
	assert_int_equal(f->rec.reports, 1);
	assert_string_equal(f->rec.report[0].ref, "SM0123456789abcdef0123456789abcdef");
	assert_int_equal(f->rec.report[0].state, CHANNEL_UNDELIVERED);
	assert_int_equal(f->rec.report[0].code, 30003);
	/* Tampered: another status with the same signature, or another URL. */
	const char *forged = "MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=delivered"
			     "&ErrorCode=30003&To=%2B15551234567&AccountSid=" MOCK_ACCOUNT;
	assert_int_equal(twilio_channel_status_callback(&f->ch, url, forged, strlen(forged), sig),
			 -EPERM);
	assert_int_equal(twilio_channel_status_callback(&f->ch, "https://evil.example.com/", body,
							strlen(body), sig),
			 -EPERM);
	assert_int_equal(twilio_channel_status_callback(&f->ch, url, "a=%zz", 5, sig), -EINVAL);
	assert_int_equal(f->rec.reports, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messaging_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_429_retry_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_429_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_5xx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permanent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_and_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_callback, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
