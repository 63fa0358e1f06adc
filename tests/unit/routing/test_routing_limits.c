/* Rate limits (token bucket at exact refill times), daily quotas and their
 * day boundary, health failover and return, "wait until" times, backoff. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "routing/backoff.h"

#define DAY 86400000LL
#define TO "+14155550100"

/* One token every ceil(60000 / rate) ms after the bucket ran dry. */
static void test_rate_refill_exact(void **state)
{
	(void)state;
	static const struct {
		unsigned rate;
		int64_t gap;
	} t[] = {
		{ 10, 6000 }, { 6, 10000 }, { 20, 3000 }, { 7, 8572 }, { 60000, 1 }, { 1, 60000 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fx f = { 0 };
		fx_config(&f.cfg);
		f.cfg.channels[CH_MODEM0].rate_per_min = t[i].rate;
		fx_init(&f);
		int64_t now = T0 + 5;
		struct routing_decision d = fx_send(&f, TO, "modem0", true, 1, now);
		assert_int_equal(d.verdict, ROUTING_ROUTE);
		d = fx_decide(&f, TO, "modem0", true, 1, now);
		assert_int_equal(d.verdict, ROUTING_WAIT);
		assert_int_equal(d.reason, ROUTING_REASON_RATE_LIMITED);
		if (d.at_ms != now + t[i].gap)
			fail_msg("rate %u: wait until +%lld want +%lld", t[i].rate,
				 (long long)(d.at_ms - now), (long long)t[i].gap);
		d = fx_decide(&f, TO, "modem0", true, 1, now + t[i].gap - 1);
		assert_int_equal(d.verdict, ROUTING_WAIT);
		d = fx_decide(&f, TO, "modem0", true, 1, now + t[i].gap);
		assert_int_equal(d.verdict, ROUTING_ROUTE);
	}
}

/* Steady sending at exactly the rate never waits; a burst refills one token
 * per interval; a multipart message is debt that later messages wait off. */
static void test_rate_burst_and_debt(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	f.cfg.channels[CH_MODEM0].burst = 3;
	fx_init(&f);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fx_send(&f, TO, "modem0", true, 1, T0).verdict, ROUTING_ROUTE);
	struct routing_decision d = fx_decide(&f, TO, "modem0", true, 1, T0);
	assert_int_equal(d.at_ms, T0 + 6000);
	/* Idle for an hour: the bucket is full again, but no fuller than 3. */
	int64_t t = T0 + 3600000;
	for (int i = 0; i < 3; i++)
		assert_int_equal(fx_send(&f, TO, "modem0", true, 1, t).verdict, ROUTING_ROUTE);
	assert_int_equal(fx_decide(&f, TO, "modem0", true, 1, t).verdict, ROUTING_WAIT);
	/* 20 messages at exactly 10/min: never a wait. */
	for (int i = 1; i <= 20; i++)
		assert_int_equal(fx_send(&f, TO, "modem0", true, 1, t + i * 6000).verdict,
				 ROUTING_ROUTE);

	struct fx g = { 0 };
	fx_init(&g);
	/* A 3-part message on burst 1 goes, then the next waits 3 intervals. */
	assert_int_equal(fx_send(&g, TO, "modem0", true, 3, T0).verdict, ROUTING_ROUTE);
	d = fx_decide(&g, TO, "modem0", true, 1, T0 + 1);
	assert_int_equal(d.at_ms, T0 + 18000);
	/* Unlimited channel: any number at the same instant. */
	for (int i = 0; i < 100; i++)
		assert_int_equal(fx_send(&g, TO, "telesign", true, 1, T0).verdict, ROUTING_ROUTE);
	/* A clock stepping back neither refills nor breaks the bucket. */
	d = fx_decide(&g, TO, "modem0", true, 1, T0 - 100000);
	assert_int_equal(d.verdict, ROUTING_WAIT);
}

/* 429 from the provider empties the bucket without counting a failure. */
static void test_throttled(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	f.cfg.channels[CH_TWILIO].burst = 5;
	fx_init(&f);
	fx_events(&f, CH_TWILIO, ROUTING_EV_THROTTLED, 5, T0);
	struct routing_decision d = fx_decide(&f, TO, "twilio", true, 1, T0);
	assert_int_equal(d.verdict, ROUTING_WAIT);
	assert_int_equal(d.at_ms, T0 + 1000);
	assert_true(routing_channel_usable(&f.rt, CH_TWILIO, T0));
	assert_int_equal(f.rt.ch[CH_TWILIO].fails, 0);
}

/* Rate-limited preferred channel: auto spills to the next one; when every
 * candidate is busy the earliest free time is returned. */
static void test_wait_until_earliest(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_init(&f);
	/* Different destinations: no conversation to keep. */
	assert_int_equal(fx_send(&f, "+14155550101", "modem", true, 1, T0).channel, CH_MODEM0);
	assert_int_equal(fx_send(&f, "+14155550102", "modem", true, 2, T0 + 1000).channel,
			 CH_MODEM1);
	struct routing_decision d = fx_decide(&f, TO, "modem", true, 1, T0 + 2000);
	assert_int_equal(d.verdict, ROUTING_WAIT);
	assert_int_equal(d.reason, ROUTING_REASON_RATE_LIMITED);
	assert_int_equal(d.at_ms, T0 + 6000); /* modem0; modem1 owes 2 parts */
	/* A down channel's probe counts when it is the earliest. */
	fx_events(&f, CH_MODEM0, ROUTING_EV_SUBMIT_RETRYABLE, 3, T0 + 2000);
	d = fx_decide(&f, TO, "modem", true, 1, T0 + 2000);
	assert_int_equal(d.verdict, ROUTING_WAIT);
	assert_int_equal(d.at_ms, T0 + 13000); /* modem1: 1000 + 2 * 6000 */
	f.rt.cfg.health.cooldown_ms = 5000;
	fx_events(&f, CH_MODEM0, ROUTING_EV_SUBMIT_RETRYABLE, 1, T0 + 2000);
	d = fx_decide(&f, TO, "modem", true, 1, T0 + 2000);
	assert_int_equal(d.reason, ROUTING_REASON_COOLDOWN);
	assert_int_equal(d.at_ms, T0 + 7000);
}

static void test_quota_day_boundary(void **state)
{
	(void)state;
	static const struct {
		int32_t offset_s;
	} t[] = { { 0 }, { 3600 }, { -5 * 3600 }, { 14 * 3600 }, { -14 * 3600 } };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fx f = { 0 };
		fx_config(&f.cfg);
		f.cfg.channels[CH_MODEM0].rate_per_min = 0;
		f.cfg.channels[CH_MODEM0].daily_quota = 5;
		f.cfg.utc_offset_s = t[i].offset_s;
		fx_init(&f);
		/* Local midnight of some day, in UTC ms. */
		int64_t midnight = 19700 * DAY - (int64_t)t[i].offset_s * 1000;
		int64_t late = midnight - 60000; /* 23:59 local */
		assert_int_equal(fx_send(&f, TO, "modem0", true, 4, late).verdict, ROUTING_ROUTE);
		/* Two parts do not fit in the last one: wait for midnight. */
		struct routing_decision d = fx_decide(&f, TO, "modem0", true, 2, late);
		assert_int_equal(d.verdict, ROUTING_WAIT);
		assert_int_equal(d.reason, ROUTING_REASON_QUOTA);
		assert_int_equal(d.at_ms, midnight);
		assert_int_equal(fx_send(&f, TO, "modem0", true, 1, late).verdict, ROUTING_ROUTE);
		d = fx_decide(&f, TO, "modem0", true, 1, midnight - 1);
		assert_int_equal(d.at_ms, midnight);
		/* The new day has the whole quota. */
		for (int k = 0; k < 5; k++)
			assert_int_equal(fx_send(&f, TO, "modem0", true, 1, midnight).verdict,
					 ROUTING_ROUTE);
		d = fx_decide(&f, TO, "modem0", true, 1, midnight + DAY - 1);
		assert_int_equal(d.at_ms, midnight + DAY);
	}
}

static void test_quota_failover_and_too_big(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	f.cfg.channels[CH_MODEM0].rate_per_min = 0;
	f.cfg.channels[CH_MODEM0].daily_quota = 2;
	fx_init(&f);
	assert_int_equal(fx_send(&f, TO, "auto", false, 2, T0).channel, CH_MODEM0);
	/* Over quota: auto moves on at once instead of waiting. */
	assert_int_equal(fx_send(&f, TO, "auto", false, 1, T0).channel, CH_MODEM1);
	/* A message bigger than a whole day's quota skips that channel... */
	struct fx g = { 0 };
	fx_config(&g.cfg);
	g.cfg.channels[CH_MODEM0].daily_quota = 2;
	fx_init(&g);
	assert_int_equal(fx_decide(&g, TO, "auto", false, 3, T0).channel, CH_MODEM1);
	/* ...and fails for good when it was the only one. */
	struct routing_decision d = fx_decide(&g, TO, "modem0", true, 3, T0);
	assert_int_equal(d.verdict, ROUTING_NO_ROUTE);
	assert_int_equal(d.reason, ROUTING_REASON_NO_CHANNEL);
	assert_true(d.permanent);
	/* Changing the offset (DST) moves the boundary. */
	assert_int_equal(routing_set_utc_offset(&g.rt, 7200), 0);
	assert_int_equal(routing_set_utc_offset(&g.rt, 15 * 3600), -EINVAL);
}

/* N counted failures -> failover; cool-down; a probe; return on success. */
static void test_failover_and_return(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_init(&f);
	int64_t t = T0;
	fx_events(&f, CH_MODEM0, ROUTING_EV_SUBMIT_RETRYABLE, 2, t);
	assert_int_equal(fx_decide(&f, TO, "auto", false, 1, t).channel, CH_MODEM0);
	/* Permanent failures are the message's fault: not counted. */
	fx_events(&f, CH_MODEM0, ROUTING_EV_SUBMIT_PERMANENT, 10, t);
	assert_int_equal(fx_decide(&f, TO, "auto", false, 1, t).channel, CH_MODEM0);
	fx_events(&f, CH_MODEM0, ROUTING_EV_SUBMIT_RETRYABLE, 1, t);
	assert_false(routing_channel_usable(&f.rt, CH_MODEM0, t));
	struct routing_decision d = fx_decide(&f, TO, "auto", false, 1, t);
	assert_int_equal(d.channel, CH_MODEM1);
	d = fx_decide(&f, TO, "auto", false, 1, t + 59999);
	assert_int_equal(d.channel, CH_MODEM1);
	/* Cool-down over: one probe goes to modem0. */
	t += 60000;
	d = fx_send(&f, "+14155550111", "auto", false, 1, t);
	assert_int_equal(d.channel, CH_MODEM0);
	assert_true(d.probe);
	/* While it is in flight others fail over. */
	d = fx_decide(&f, TO, "auto", false, 1, t);
	assert_int_equal(d.channel, CH_MODEM1);
	/* The probe fails: another cool-down from now. */
	fx_events(&f, CH_MODEM0, ROUTING_EV_SUBMIT_RETRYABLE, 1, t + 500);
	assert_false(routing_channel_usable(&f.rt, CH_MODEM0, t + 60499));
	assert_true(routing_channel_usable(&f.rt, CH_MODEM0, t + 60500));
	t += 60500;
	d = fx_send(&f, "+14155550111", "auto", false, 1, t);
	assert_true(d.probe);
	/* The probe's outcome never comes: the slot frees after the timeout. */
	assert_false(routing_channel_usable(&f.rt, CH_MODEM0, t + 119999));
	assert_true(routing_channel_usable(&f.rt, CH_MODEM0, t + 120000));
	t += 120000;
	d = fx_send(&f, "+14155550111", "auto", false, 1, t);
	assert_int_equal(d.channel, CH_MODEM0);
	assert_true(d.probe);
	fx_events(&f, CH_MODEM0, ROUTING_EV_SUBMIT_OK, 1, t + 100);
	d = fx_decide(&f, TO, "auto", false, 1, t + 6000);
	assert_int_equal(d.channel, CH_MODEM0);
	assert_false(d.probe);
	/* And the failure count starts from zero again. */
	fx_events(&f, CH_MODEM0, ROUTING_EV_PROVIDER_ERROR, 2, t + 6000);
	assert_true(routing_channel_usable(&f.rt, CH_MODEM0, t + 6000));
}

/* Registration lost: down at once, no probing; regained: back at once. */
static void test_registration_and_health_reports(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_init(&f);
	fx_events(&f, CH_MODEM0, ROUTING_EV_REGISTRATION_LOST, 1, T0);
	assert_int_equal(fx_decide(&f, TO, "auto", false, 1, T0).channel, CH_MODEM1);
	assert_false(routing_channel_usable(&f.rt, CH_MODEM0, T0 + 10 * DAY));
	fx_events(&f, CH_MODEM0, ROUTING_EV_REGISTRATION_REGAINED, 1, T0 + 1000);
	assert_int_equal(fx_decide(&f, TO, "auto", false, 1, T0 + 1000).channel, CH_MODEM0);

	static const struct {
		bool can_send, registered, usable;
	} t[] = {
		{ false, true, false }, { true, false, false }, { false, false, false },
		{ true, true, true },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct channel_health h = { .can_send = t[i].can_send,
					    .registered = t[i].registered };
		assert_int_equal(routing_on_health(&f.rt, CH_MODEM1, &h, T0), 0);
		assert_int_equal(routing_channel_usable(&f.rt, CH_MODEM1, T0), t[i].usable);
	}
	/* A good report does not cancel failure-driven down: that needs a probe. */
	fx_events(&f, CH_TWILIO, ROUTING_EV_PROVIDER_ERROR, 3, T0);
	struct channel_health good = { .can_send = true, .registered = true };
	assert_int_equal(routing_on_health(&f.rt, CH_TWILIO, &good, T0 + 1), 0);
	assert_false(routing_channel_usable(&f.rt, CH_TWILIO, T0 + 1));
	/* All down: not permanent; the hint is the earliest probe, 0 when none. */
	fx_events(&f, CH_MODEM0, ROUTING_EV_REGISTRATION_LOST, 1, T0);
	fx_events(&f, CH_MODEM1, ROUTING_EV_REGISTRATION_LOST, 1, T0);
	fx_events(&f, CH_TELESIGN, ROUTING_EV_REGISTRATION_LOST, 1, T0);
	struct routing_decision d = fx_decide(&f, TO, "auto", false, 1, T0 + 1);
	assert_int_equal(d.verdict, ROUTING_NO_ROUTE);
	assert_int_equal(d.reason, ROUTING_REASON_ALL_UNHEALTHY);
	assert_false(d.permanent);
	assert_int_equal(d.at_ms, T0 + 60000);
	fx_events(&f, CH_TWILIO, ROUTING_EV_REGISTRATION_LOST, 1, T0);
	d = fx_decide(&f, TO, "auto", false, 1, T0 + DAY);
	assert_int_equal(d.reason, ROUTING_REASON_ALL_UNHEALTHY);
	assert_int_equal(d.at_ms, 0);
	/* Bad arguments. */
	assert_int_equal(routing_on_event(&f.rt, 9, ROUTING_EV_SUBMIT_OK, T0), -EINVAL);
	assert_int_equal(routing_on_event(&f.rt, 0, (enum routing_event)99, T0), -EINVAL);
	assert_int_equal(routing_on_health(&f.rt, 0, NULL, T0), -EINVAL);
}

static void test_event_from_outcome(void **state)
{
	(void)state;
	static const struct {
		int status;
		bool retryable;
		enum routing_event ev;
	} t[] = {
		{ 0, false, ROUTING_EV_SUBMIT_OK },
		{ -ETIMEDOUT, true, ROUTING_EV_PROVIDER_ERROR },
		{ -ECONNREFUSED, true, ROUTING_EV_PROVIDER_ERROR },
		{ -EIO, true, ROUTING_EV_PROVIDER_ERROR },
		{ -EBUSY, true, ROUTING_EV_THROTTLED },
		{ -EAGAIN, true, ROUTING_EV_THROTTLED },
		{ -EPROTO, true, ROUTING_EV_SUBMIT_RETRYABLE },
		{ -EINVAL, false, ROUTING_EV_SUBMIT_PERMANENT },
		{ -ETIMEDOUT, false, ROUTING_EV_SUBMIT_PERMANENT },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct channel_outcome o = { .status = t[i].status, .retryable = t[i].retryable };
		assert_int_equal(routing_event_from_outcome(&o), t[i].ev);
	}
	/* routing_on_outcome feeds the same counter. */
	struct fx f = { 0 };
	fx_init(&f);
	struct channel_outcome o = { .status = -ETIMEDOUT, .retryable = true };
	for (int i = 0; i < 3; i++)
		assert_int_equal(routing_on_outcome(&f.rt, CH_TWILIO, &o, T0), 0);
	assert_int_equal(f.rt.ch[CH_TWILIO].health, ROUTING_DOWN);
}

static void test_backoff_bounds(void **state)
{
	(void)state;
	struct routing_backoff_cfg c = { .base_ms = 1000, .max_ms = 8000, .floor_ms = 0,
					 .max_attempts = 10 };
	static const int64_t caps[] = { 0, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000 };
	struct routing_retry r;
	for (unsigned a = 1; a < 10; a++) {
		/* rnd = cap gives the top of the range, cap + 1 wraps to the bottom. */
		assert_int_equal(routing_next_attempt(&c, a, T0, 0, (uint64_t)caps[a], &r), 0);
		assert_int_equal(r.verdict, ROUTING_RETRY_AT);
		assert_int_equal(r.at_ms, T0 + caps[a]);
		assert_int_equal(routing_next_attempt(&c, a, T0, 0, (uint64_t)caps[a] + 1, &r), 0);
		assert_int_equal(r.at_ms, T0);
		assert_int_equal(routing_next_attempt(&c, a, T0, 0, UINT64_MAX, &r), 0);
		assert_in_range(r.at_ms, T0, T0 + caps[a]);
	}
	assert_int_equal(routing_next_attempt(&c, 10, T0, 0, 5, &r), 0);
	assert_int_equal(r.verdict, ROUTING_GIVE_UP_FAILED);
	assert_int_equal(r.at_ms, 0);
	/* A huge attempt count with a big limit cannot overflow the cap. */
	c.max_attempts = 100;
	c.max_ms = 7 * DAY;
	assert_int_equal(routing_next_attempt(&c, 99, T0, 0, UINT64_MAX, &r), 0);
	assert_in_range(r.at_ms, T0, T0 + 7 * DAY);
}

/* Full jitter: a spread of random values covers [floor, cap] and no more. */
static void test_backoff_jitter_range(void **state)
{
	(void)state;
	struct routing_backoff_cfg c;
	routing_backoff_defaults(&c);
	assert_int_equal(routing_backoff_validate(&c, NULL, 0), 0);
	uint64_t x = 88172645463325252ull; /* xorshift64 seed (Marsaglia 2003) */
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		struct routing_retry r;
		assert_int_equal(routing_next_attempt(&c, 2, T0, 0, x, &r), 0);
		int64_t delay = r.at_ms - T0;
		assert_in_range(delay, c.floor_ms, 2 * c.base_ms);
		lo = delay < lo ? delay : lo;
		hi = delay > hi ? delay : hi;
	}
	/* Spread over most of the range (60 s wide, 20000 samples). */
	assert_true(lo < c.floor_ms + 1000);
	assert_true(hi > 2 * c.base_ms - 1000);
}

static void test_backoff_expiry_and_errors(void **state)
{
	(void)state;
	struct routing_backoff_cfg c = { .base_ms = 1000, .max_ms = 8000, .floor_ms = 100,
					 .max_attempts = 5 };
	struct routing_retry r;
	/* at = T0 + 100 + 400 = T0 + 500 */
	assert_int_equal(routing_next_attempt(&c, 1, T0, T0 + 501, 400, &r), 0);
	assert_int_equal(r.verdict, ROUTING_RETRY_AT);
	assert_int_equal(r.at_ms, T0 + 500);
	assert_int_equal(routing_next_attempt(&c, 1, T0, T0 + 500, 400, &r), 0);
	assert_int_equal(r.verdict, ROUTING_GIVE_UP_EXPIRED);
	assert_int_equal(routing_next_attempt(&c, 1, T0, T0 - 1, 0, &r), 0);
	assert_int_equal(r.verdict, ROUTING_GIVE_UP_EXPIRED);
	/* Attempts are checked before validity. */
	assert_int_equal(routing_next_attempt(&c, 5, T0, T0 - 1, 0, &r), 0);
	assert_int_equal(r.verdict, ROUTING_GIVE_UP_FAILED);
	assert_int_equal(routing_next_attempt(&c, 0, T0, 0, 0, &r), -EINVAL);
	assert_int_equal(routing_next_attempt(NULL, 1, T0, 0, 0, &r), -EINVAL);
	assert_int_equal(routing_next_attempt(&c, 1, T0, 0, 0, NULL), -EINVAL);
	char err[96] = "";
	struct routing_backoff_cfg bad[] = {
		{ .base_ms = 0, .max_ms = 10, .floor_ms = 0, .max_attempts = 3 },
		{ .base_ms = 10, .max_ms = 5, .floor_ms = 0, .max_attempts = 3 },
		{ .base_ms = 10, .max_ms = 20, .floor_ms = 11, .max_attempts = 3 },
		{ .base_ms = 10, .max_ms = 20, .floor_ms = 0, .max_attempts = 0 },
		{ .base_ms = 10, .max_ms = 8 * DAY, .floor_ms = 0, .max_attempts = 3 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(routing_backoff_validate(&bad[i], err, sizeof(err)), -EINVAL);
		assert_true(err[0] != '\0');
		assert_int_equal(routing_next_attempt(&bad[i], 1, T0, 0, 0, &r), -EINVAL);
	}
	assert_string_equal(routing_retry_verdict_str(ROUTING_GIVE_UP_EXPIRED), "expired");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_refill_exact),
		cmocka_unit_test(test_rate_burst_and_debt),
		cmocka_unit_test(test_throttled),
		cmocka_unit_test(test_wait_until_earliest),
		cmocka_unit_test(test_quota_day_boundary),
		cmocka_unit_test(test_quota_failover_and_too_big),
		cmocka_unit_test(test_failover_and_return),
		cmocka_unit_test(test_registration_and_health_reports),
		cmocka_unit_test(test_event_from_outcome),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_backoff_jitter_range),
		cmocka_unit_test(test_backoff_expiry_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
