/* The Telesign channel against tools/mockprovider: the request's form, the
 * answer's status.code (not the HTTP status) deciding, status polling,
 * 429 with Retry-After, hung and malformed answers, signed callbacks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cloud/telesign.h"
#include "mock_harness.h"

#define CAP_MS 15000

struct fx {
	struct mock_proc mock;
	struct hal_loop loop;
	struct recorder rec;
	struct channel_events ev;
	struct channel ch;
	struct telesign_config cfg;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(mock_start(&f->mock, NULL), 0);
	assert_int_equal(hal_loop_linux_new(&f->loop), 0);
	recorder_events(&f->rec, &f->ev);
	f->cfg = (struct telesign_config){
		.base_url = f->mock.url,
		.customer_id = MOCK_TS_CUSTOMER,
		.api_key = MOCK_TS_KEY,
		.poll_status = true,
		.poll_interval_ms = 3600 * 1000,
		.http = { .request_timeout_ms = 3000, .backoff_base_ms = 10 },
	};
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

static const struct channel_outcome *send(struct fx *f, uint64_t id, const char *to)
{
	if (!f->ch.ops)
		assert_int_equal(telesign_channel_new(&f->loop, &f->cfg, &f->ev, &f->ch), 0);
	struct channel_msg m = { .id = id, .to = to, .text = "Your code is 1234", .text_len = 17 };
	unsigned n = f->rec.done_count;
	assert_int_equal(channel_submit(&f->ch, &m), 0);
	assert_int_equal(f->rec.done_count, n);
	assert_true(loop_until(&f->loop, &f->rec.done_count, n + 1, CAP_MS));
	return &f->rec.done[n];
}

static void test_send_and_poll(void **state)
{
	struct fx *f = *state;
	const struct channel_outcome *o = send(f, 5, "+15551234567");
	assert_int_equal(o->status, 0);
	assert_int_equal(f->rec.parts, 1);
	assert_int_equal(strlen(f->rec.part_ref[0]), 32);
	json_t *last = mock_get_json(&f->mock, "/_mock/last");
	json_t *form = json_object_get(last, "form");
	assert_string_equal(json_string_value(json_object_get(form, "phone_number")), "15551234567");
	assert_string_equal(json_string_value(json_object_get(form, "message")), "Your code is 1234");
	assert_string_equal(json_string_value(json_object_get(form, "message_type")), "ARN");
	assert_int_equal(json_object_size(form), 3);
	json_decref(last);
	assert_int_equal(telesign_channel_poll_now(&f->ch), 0);
	assert_true(loop_until(&f->loop, &f->rec.reports, 1, CAP_MS));
	assert_string_equal(f->rec.report[0].ref, f->rec.part_ref[0]);
	assert_int_equal(f->rec.report[0].state, CHANNEL_DELIVERED);
	assert_int_equal(f->rec.report[0].code, 200);
	assert_string_equal(f->rec.report[0].recipient, "+15551234567");
}

static void test_status_code_decides(void **state)
{
	struct fx *f = *state;
	/* HTTP 200 but status.code 230 (blocked): failed, permanent. */
	const struct channel_outcome *o = send(f, 1, "+15005550004");
	assert_int_equal(o->status, -EREMOTEIO);
	assert_int_equal(o->code, 230);
	assert_false(o->retryable);
	/* HTTP 400 with status.code 500 (not attempted). */
	o = send(f, 2, "+15005550001");
	assert_int_equal(o->status, -EREMOTEIO);
	assert_int_equal(o->code, 500);
	assert_false(o->retryable);
	assert_int_equal(f->rec.parts, 0);
}

static void test_faults(void **state)
{
	struct fx *f = *state;
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "n429=1&retry_after=1"), 200);
	const struct channel_outcome *o = send(f, 1, "+15551234567");
	assert_int_equal(o->status, 0);
	struct cloud_stats st;
	telesign_channel_stats(&f->ch, &st);
	assert_int_equal(st.last_retry_delay_ms, 1000);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "malformed=1"), 200);
	o = send(f, 2, "+15551234567");
	assert_int_equal(o->status, -EBADMSG);
	assert_true(o->retryable);
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "n5xx=5"), 200);
	o = send(f, 3, "+15551234567");
	assert_int_equal(o->status, -EAGAIN);
	assert_true(o->retryable);
}

static void test_hung(void **state)
{
	struct fx *f = *state;
	f->cfg.http.request_timeout_ms = 300;
	assert_int_equal(mock_post(&f->mock, "/_mock/faults", "hang=1"), 200);
	const struct channel_outcome *o = send(f, 1, "+15551234567");
	assert_int_equal(o->status, -ETIMEDOUT);
	assert_true(o->retryable);
}

static void test_bad_input(void **state)
{
	struct fx *f = *state;
	struct telesign_config c = f->cfg;
	struct channel tmp;
	c.api_key = "not base64!";
	assert_int_equal(telesign_channel_new(&f->loop, &c, &f->ev, &tmp), -EINVAL);
	c = f->cfg;
	c.customer_id = "";
	assert_int_equal(telesign_channel_new(&f->loop, &c, &f->ev, &tmp), -EINVAL);
	assert_int_equal(telesign_channel_new(&f->loop, &f->cfg, &f->ev, &f->ch), 0);
	struct channel_msg m = { .id = 1, .to = "+1555x", .text = "a", .text_len = 1 };
	assert_int_equal(channel_submit(&f->ch, &m), -EINVAL);
	m.to = "+15551234567";
	m.text_len = 0;
	assert_int_equal(channel_submit(&f->ch, &m), -EINVAL);
	assert_int_equal(mock_stat(&f->mock, "telesign_sends"), 0);
}

static void test_callback(void **state)
{
	struct fx *f = *state;
	assert_int_equal(telesign_channel_new(&f->loop, &f->cfg, &f->ev, &f->ch), 0);
	const char *body = "{\"reference_id\":\"ABCDEF0123456789ABCDEF0123456789\","
			   "\"status\":{\"code\":210,\"description\":\"Temporary phone error\"}}";
	char sig[45], auth[128];
	assert_int_equal(telesign_signature_compute(MOCK_TS_KEY, body, strlen(body), sig), 0);
	snprintf(auth, sizeof(auth), "TSA %s:%s", MOCK_TS_CUSTOMER, sig);
	assert_int_equal(telesign_channel_callback(&f->ch, auth, body, strlen(body)), 0);
	assert_int_equal(f->rec.reports, 1);
	assert_int_equal(f->rec.report[0].state, CHANNEL_UNDELIVERED);
	assert_int_equal(f->rec.report[0].code, 210);
	char forged[256];
	snprintf(forged, sizeof(forged), "%s", body);
	forged[strlen(forged) - 5] = '1'; /* "...error\"}}" edited */
	assert_int_equal(telesign_channel_callback(&f->ch, auth, forged, strlen(forged)), -EPERM);
	assert_int_equal(telesign_channel_callback(&f->ch, "TSA x:y", body, strlen(body)), -EPERM);
	assert_int_equal(f->rec.reports, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send_and_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_code_decides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
