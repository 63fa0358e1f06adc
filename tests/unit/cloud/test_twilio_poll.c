/* Twilio polling mode against tools/mockprovider: statuses of accepted
 * messages fetched until final, inbound messages listed (every page) and
 * deduplicated by sid, and kept for the next round when not stored. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cloud/twilio.h"
#include "mock_harness.h"

#define CAP_MS 15000

struct fx {
	struct mock_proc mock;
	struct hal_loop loop;
	struct recorder rec;
	struct channel_events ev;
	struct channel ch;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(mock_start(&f->mock, NULL), 0);
	assert_int_equal(hal_loop_linux_new(&f->loop), 0);
	recorder_events(&f->rec, &f->ev);
	struct twilio_config cfg = {
		.base_url = f->mock.url,
		.account_sid = MOCK_ACCOUNT,
		.auth_token = MOCK_TOKEN,
		.from = "+15005550006",
		.poll_inbound = true,
		.poll_interval_ms = 3600 * 1000, /* rounds are started by the test */
		.http = { .request_timeout_ms = 3000, .backoff_base_ms = 10 },
	};
	assert_int_equal(twilio_channel_new(&f->loop, &cfg, &f->ev, &f->ch), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	f->ch.ops->destroy(f->ch.ctx);
	hal_loop_destroy(&f->loop);
	mock_stop(&f->mock);
	free(f);
	return 0;
}

/* Run one polling round to its end (no GET left on the wire). */
static void poll_round(struct fx *f)
{
	assert_int_equal(twilio_channel_poll_now(&f->ch), 0);
	int64_t t0 = hal_loop_now_ms(&f->loop);
	struct cloud_stats st;
	do {
		assert_true(hal_loop_now_ms(&f->loop) - t0 < CAP_MS);
		assert_true(hal_loop_run_once(&f->loop, 50) >= 0);
		twilio_channel_stats(&f->ch, &st);
	} while (st.polls_running);
}

static void send_one(struct fx *f, uint64_t id)
{
	struct channel_msg m = { .id = id, .to = "+15551234567", .text = "poll me", .text_len = 7 };
	unsigned n = f->rec.done_count;
	assert_int_equal(channel_submit(&f->ch, &m), 0);
	assert_true(loop_until(&f->loop, &f->rec.done_count, n + 1, CAP_MS));
	assert_int_equal(f->rec.done[n].status, 0);
}

static void test_status_delivered(void **state)
{
	struct fx *f = *state;
	send_one(f, 1);
	poll_round(f);
	assert_int_equal(f->rec.reports, 1);
	assert_string_equal(f->rec.report[0].ref, f->rec.part_ref[0]);
	assert_string_equal(f->rec.report[0].recipient, "+15551234567");
	assert_int_equal(f->rec.report[0].state, CHANNEL_DELIVERED);
	assert_int_equal(f->rec.report[0].code, 0);
	/* Final: never fetched again. */
	long fetches = mock_stat(&f->mock, "fetches");
	poll_round(f);
	assert_int_equal(mock_stat(&f->mock, "fetches"), fetches);
	assert_int_equal(f->rec.reports, 1);
}

static void test_status_undelivered_after_two(void **state)
{
	struct fx *f = *state;
	assert_int_equal(mock_post(&f->mock, "/_mock/faults",
				   "status_after=2&final_status=undelivered&final_error=30003"),
			 200);
	send_one(f, 1);
	poll_round(f);
	assert_int_equal(f->rec.reports, 0); /* first fetch: still "sent" */
	poll_round(f);
	assert_int_equal(f->rec.reports, 1);
	assert_int_equal(f->rec.report[0].state, CHANNEL_UNDELIVERED);
	assert_int_equal(f->rec.report[0].code, 30003);
	assert_int_equal(mock_stat(&f->mock, "fetches"), 2);
}

static void inject(struct fx *f, int n, const char *to)
{
	for (int i = 0; i < n; i++) {
		char form[160];
		snprintf(form, sizeof(form), "From=%%2B4479%08d&To=%s&Body=reply+%d", i, to, i);
		assert_int_equal(mock_post(&f->mock, "/_mock/inbound", form), 200);
	}
}

static void test_inbound_dedupe_and_paging(void **state)
{
	struct fx *f = *state;
	inject(f, 3, "%2B15005550006");
	inject(f, 2, "%2B15550000000"); /* another number: not ours */
	poll_round(f);
	assert_int_equal(f->rec.inbound, 3);
	poll_round(f);
	assert_int_equal(f->rec.inbound, 3); /* nothing twice */
	/* 60 more: two pages of 50. */
	inject(f, 60, "%2B15005550006");
	long lists = mock_stat(&f->mock, "lists");
	poll_round(f);
	assert_int_equal(f->rec.inbound, 63);
	assert_int_equal(mock_stat(&f->mock, "lists"), lists + 2);
	for (unsigned i = 0; i < REC_MAX; i++)
		for (unsigned j = i + 1; j < REC_MAX; j++)
			assert_string_not_equal(f->rec.inbound_ref[i], f->rec.inbound_ref[j]);
}

static void test_inbound_kept_when_not_stored(void **state)
{
	struct fx *f = *state;
	inject(f, 2, "%2B15005550006");
	f->rec.inbound_rc = -EIO; /* the store is failing */
	poll_round(f);
	assert_int_equal(f->rec.inbound, 0);
	f->rec.inbound_rc = 0;
	poll_round(f);
	assert_int_equal(f->rec.inbound, 2);
	assert_string_equal(f->rec.inbound_text[0], "reply 1"); /* newest first */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_undelivered_after_two, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_dedupe_and_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_kept_when_not_stored, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
