/* routing_reconfigure (SIGHUP): per-channel state follows the channel by
 * name, new channels start fresh, gone channels leave the sticky table, and
 * an invalid config changes nothing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define TO "+14155550100"
#define TO2 "+4915112345678"

/* The rate limit survives: a drained bucket is not refilled by a reload. */
static void test_bucket_and_quota_kept(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	f.cfg.channels[CH_MODEM0].daily_quota = 5;
	fx_init(&f);
	assert_int_equal(fx_send(&f, TO, "modem0", true, 2, T0).verdict, ROUTING_ROUTE);
	unsigned used = f.rt.ch[CH_MODEM0].quota_used;
	assert_int_equal(used, 2);

	struct routing_config nc = f.cfg;
	nc.channels[CH_MODEM0].priority = 5; /* a knob changes */
	char err[128];
	assert_int_equal(routing_reconfigure(&f.rt, &nc, T0 + 10, err, sizeof(err)), 0);
	assert_int_equal(f.rt.cfg.channels[CH_MODEM0].priority, 5);
	assert_int_equal(f.rt.ch[CH_MODEM0].quota_used, used);
	struct routing_decision d = fx_decide(&f, TO, "modem0", true, 1, T0 + 10);
	assert_int_equal(d.verdict, ROUTING_WAIT);
	assert_int_equal(d.reason, ROUTING_REASON_RATE_LIMITED);

	/* A fresh init would have forgotten both (the contrast this guards). */
	struct fx g = { 0 };
	g.cfg = nc;
	fx_init(&g);
	assert_int_equal(fx_decide(&g, TO, "modem0", true, 1, T0 + 10).verdict, ROUTING_ROUTE);
}

/* A bigger burst does not hand out tokens; a smaller one caps the bank. */
static void test_burst_change_caps(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	f.cfg.channels[CH_TWILIO].burst = 10;
	fx_init(&f);
	struct routing_config nc = f.cfg;
	nc.channels[CH_TWILIO].burst = 2;
	assert_int_equal(routing_reconfigure(&f.rt, &nc, T0, NULL, 0), 0);
	assert_int_equal(fx_send(&f, TO, "twilio", true, 1, T0).verdict, ROUTING_ROUTE);
	assert_int_equal(fx_send(&f, TO, "twilio", true, 1, T0).verdict, ROUTING_ROUTE);
	assert_int_equal(fx_decide(&f, TO, "twilio", true, 1, T0).verdict, ROUTING_WAIT);
}

/* Health follows the channel even when the channels are reordered. */
static void test_health_follows_name(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	fx_init(&f);
	fx_events(&f, CH_MODEM0, ROUTING_EV_PROVIDER_ERROR, 3, T0);
	assert_int_equal(f.rt.ch[CH_MODEM0].health, ROUTING_DOWN);

	struct routing_config nc = f.cfg;
	nc.channels[0] = f.cfg.channels[CH_MODEM1]; /* swap modem0 and modem1 */
	nc.channels[1] = f.cfg.channels[CH_MODEM0];
	nc.n_rules = 0;
	assert_int_equal(routing_reconfigure(&f.rt, &nc, T0 + 1, NULL, 0), 0);
	assert_string_equal(f.rt.cfg.channels[1].name, "modem0");
	assert_int_equal(f.rt.ch[1].health, ROUTING_DOWN);
	assert_int_equal(f.rt.ch[1].fails, 3);
	assert_int_equal(f.rt.ch[0].health, ROUTING_HEALTHY);
	assert_false(routing_channel_usable(&f.rt, 1, T0 + 1));
}

/* A removed channel leaves the sticky table; the others keep theirs. A new
 * channel (or one whose kind changed) starts healthy. */
static void test_sticky_and_new_channels(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	fx_init(&f);
	assert_int_equal(routing_sticky_put(&f.rt, TO, "telesign", "", T0), 0);
	assert_int_equal(routing_sticky_put(&f.rt, TO2, "modem1", "", T0), 0);
	fx_events(&f, CH_TWILIO, ROUTING_EV_PROVIDER_ERROR, 3, T0);

	struct routing_config nc = f.cfg;
	nc.n_channels = 3; /* telesign gone */
	nc.n_rules = 0;
	/* "twilio" is now a modem: same name, other kind -> fresh state */
	nc.channels[CH_TWILIO].kind = CHANNEL_MODEM;
	assert_int_equal(routing_reconfigure(&f.rt, &nc, T0 + 1, NULL, 0), 0);
	assert_null(routing_sticky_get(&f.rt, TO, T0 + 1));
	const struct routing_sticky_entry *e = routing_sticky_get(&f.rt, TO2, T0 + 1);
	assert_non_null(e);
	assert_string_equal(e->channel, "modem1");
	assert_int_equal(f.rt.ch[CH_TWILIO].health, ROUTING_HEALTHY);
	assert_int_equal(f.rt.ch[CH_TWILIO].fails, 0);
}

/* Bad input changes nothing. */
static void test_invalid_changes_nothing(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	fx_init(&f);
	assert_int_equal(routing_sticky_put(&f.rt, TO, "modem0", "", T0), 0);
	struct routing before = f.rt;
	struct routing_sticky_entry slots[STICKY_SLOTS];
	memcpy(slots, f.slots, sizeof(slots));

	struct routing_config nc = f.cfg;
	memcpy(nc.channels[1].name, nc.channels[0].name, sizeof(nc.channels[0].name)); /* dup */
	char err[128] = "";
	assert_int_equal(routing_reconfigure(&f.rt, &nc, T0, err, sizeof(err)), -EINVAL);
	assert_true(err[0] != '\0');
	assert_memory_equal(&before, &f.rt, sizeof(before));
	assert_memory_equal(slots, f.slots, sizeof(slots));
	assert_int_equal(routing_reconfigure(NULL, &nc, T0, NULL, 0), -EINVAL);
	assert_int_equal(routing_reconfigure(&f.rt, NULL, T0, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_and_quota_kept),
		cmocka_unit_test(test_burst_change_caps),
		cmocka_unit_test(test_health_follows_name),
		cmocka_unit_test(test_sticky_and_new_channels),
		cmocka_unit_test(test_invalid_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
