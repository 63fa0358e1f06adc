/* Routing decisions: E.164 and country codes, config validation, the
 * allowlist, preferences, longest-prefix rules, the sticky sender. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "routing/e164.h"

/* Country code lengths: ITU-T E.164 assigned codes (ITU Operational
 * Bulletin list); example numbers are in the drama/fiction ranges where
 * those exist (Ofcom 07700 900xxx, NANP 555-01xx). */
static void test_e164_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int len;
		unsigned cc;
	} t[] = {
		{ "+14155550100", 1, 1 },        { "+79161234567", 1, 7 },
		{ "+447700900123", 2, 44 },      { "+4915112345678", 2, 49 },
		{ "+201001234567", 2, 20 },      { "+8613800138000", 2, 86 },
		{ "+353871234567", 3, 353 },     { "+21612345678", 3, 216 },
		{ "+2902222", 3, 290 },          { "+88212345678", 3, 882 },
		{ "+420601123456", 3, 420 },     { "+971501234567", 3, 971 },
		{ "+123456789012345", 1, 1 },
		/* malformed */
		{ NULL, -EINVAL, 0 },            { "", -EINVAL, 0 },
		{ "+", -EINVAL, 0 },             { "4915112345678", -EINVAL, 0 },
		{ "++4915112345678", -EINVAL, 0 }, { "+0123456789", -EINVAL, 0 },
		{ "+49 15112345678", -EINVAL, 0 }, { "+49-151-12345678", -EINVAL, 0 },
		{ "+123456", -EINVAL, 0 },       { "+1234567890123456", -EINVAL, 0 },
		{ "+491511234567x", -EINVAL, 0 },
		/* spare blocks 28x, 83x, 89x */
		{ "+2801234567", -EINVAL, 0 },   { "+8312345678", -EINVAL, 0 },
		{ "+8912345678", -EINVAL, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned cc = 0;
		int rc = routing_e164_parse(t[i].s, &cc);
		if (rc != t[i].len)
			fail_msg("%s: got %d want %d", t[i].s ? t[i].s : "NULL", rc, t[i].len);
		if (rc > 0)
			assert_int_equal(cc, t[i].cc);
	}
}

static void test_cc_valid(void **state)
{
	(void)state;
	static const struct {
		unsigned cc;
		bool ok;
	} t[] = {
		{ 1, true },    { 7, true },    { 44, true },   { 49, true },
		{ 353, true },  { 420, true },  { 886, true },  { 998, true },
		{ 0, false },   { 4, false },   { 2, false },   { 10, false },
		{ 490, false }, { 42, false },  { 280, false }, { 839, false },
		{ 890, false }, { 1000, false }, { 35, false },  { 100, false },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (routing_e164_cc_valid(t[i].cc) != t[i].ok)
			fail_msg("cc %u: want %d", t[i].cc, t[i].ok);
}

/* Each mutation of a valid config must be refused with a reason. */
static void test_config_validate(void **state)
{
	(void)state;
	struct routing_config good;
	fx_config(&good);
	char err[128];
	assert_int_equal(routing_config_validate(&good, err, sizeof(err)), 0);
	for (int i = 0;; i++) {
		struct routing_config c = good;
		switch (i) {
		case 0: c.n_channels = ROUTING_MAX_CHANNELS + 1; break;
		case 1: c.channels[1].name[0] = '\0'; break;
		case 2: strcpy(c.channels[1].name, "modem0"); break;
		case 3: c.channels[0].burst = 0; break;
		case 4: c.channels[0].rate_per_min = 60001; break;
		case 5: c.channels[0].n_numbers = ROUTING_MAX_NUMBERS + 1; break;
		case 6: c.channels[0].numbers[0][0] = '\0'; break;
		case 7: c.n_rules = 1; strcpy(c.rules[0].prefix, "49");
			c.rules[0].n_channels = 1; break;
		case 8: c.n_rules = 1; strcpy(c.rules[0].prefix, "+49");
			c.rules[0].n_channels = 1; c.rules[0].channels[0] = 4; break;
		case 9: c.n_rules = 2; strcpy(c.rules[0].prefix, "+49");
			strcpy(c.rules[1].prefix, "+49");
			c.rules[0].n_channels = c.rules[1].n_channels = 1; break;
		case 10: c.n_rules = 1; strcpy(c.rules[0].prefix, "+49");
			c.rules[0].n_channels = 0; break;
		case 11: c.allow_cc[0] = 490; break;
		case 12: c.allow_cc[0] = 0; break;
		case 13: strcpy(c.deny[0], "+1a"); break;
		case 14: c.health.fail_threshold = 0; break;
		case 15: c.health.cooldown_ms = 0; break;
		case 16: c.utc_offset_s = 15 * 3600; break;
		case 17: c.sticky_ttl_ms = -1; break;
		case 18: c.channels[2].kind = (enum channel_kind)7; break;
		case 19: c.n_allow = ROUTING_MAX_ALLOW + 1; break;
		case 20: c.health.probe_timeout_ms = 0; break;
		case 21: strcpy(c.deny[0], "+"); break;
		default: return;
		}
		err[0] = '\0';
		if (routing_config_validate(&c, err, sizeof(err)) != -EINVAL)
			fail_msg("mutation %d accepted", i);
		if (err[0] == '\0')
			fail_msg("mutation %d: no reason given", i);
		/* routing_init refuses it too and leaves the router untouched. */
		struct routing rt;
		memset(&rt, 0xa5, sizeof(rt));
		assert_int_equal(routing_init(&rt, &c, NULL, 0, T0, NULL, 0), -EINVAL);
		assert_int_equal(((unsigned char *)&rt)[0], 0xa5);
	}
}

static void test_allowlist(void **state)
{
	(void)state;
	static const struct {
		const char *to;
		bool allow_any;
		enum routing_verdict v;
		enum routing_reason why;
	} t[] = {
		{ "+4915112345678", false, ROUTING_ROUTE, ROUTING_REASON_NONE },
		{ "+14155550100", false, ROUTING_ROUTE, ROUTING_REASON_NONE },
		{ "+353871234567", false, ROUTING_ROUTE, ROUTING_REASON_NONE },
		{ "+8613800138000", false, ROUTING_NO_ROUTE, ROUTING_REASON_DEST_NOT_ALLOWED },
		{ "+35012345678", false, ROUTING_NO_ROUTE, ROUTING_REASON_DEST_NOT_ALLOWED },
		{ "+18765551234", false, ROUTING_NO_ROUTE, ROUTING_REASON_DEST_NOT_ALLOWED },
		{ "+18765551234", true, ROUTING_NO_ROUTE, ROUTING_REASON_DEST_NOT_ALLOWED },
		{ "+8613800138000", true, ROUTING_ROUTE, ROUTING_REASON_NONE },
		{ "015112345678", false, ROUTING_NO_ROUTE, ROUTING_REASON_MALFORMED_DEST },
		{ "+49", false, ROUTING_NO_ROUTE, ROUTING_REASON_MALFORMED_DEST },
		{ "+2801234567", true, ROUTING_NO_ROUTE, ROUTING_REASON_MALFORMED_DEST },
		{ "", false, ROUTING_NO_ROUTE, ROUTING_REASON_MALFORMED_DEST },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fx f = { 0 };
		fx_config(&f.cfg);
		f.cfg.allow_any = t[i].allow_any;
		fx_init(&f);
		struct routing_decision d = fx_decide(&f, t[i].to, "auto", false, 1, T0);
		if (d.verdict != t[i].v || d.reason != t[i].why)
			fail_msg("%s: got %s/%s", t[i].to, routing_verdict_str(d.verdict),
				 routing_reason_str(d.reason));
		if (d.verdict == ROUTING_NO_ROUTE)
			assert_true(d.permanent);
	}
	/* Empty allowlist: everything refused unless allow_any. */
	struct fx f = { 0 };
	fx_config(&f.cfg);
	f.cfg.n_allow = 0;
	fx_init(&f);
	struct routing_decision d = fx_decide(&f, "+4915112345678", "auto", false, 1, T0);
	assert_int_equal(d.reason, ROUTING_REASON_DEST_NOT_ALLOWED);
	/* NULL destination is malformed, not a crash. */
	struct routing_request req = { .to = NULL };
	assert_int_equal(routing_decide(&f.rt, &req, T0, &d), 0);
	assert_int_equal(d.reason, ROUTING_REASON_MALFORMED_DEST);
	assert_int_equal(routing_decide(&f.rt, NULL, T0, &d), -EINVAL);
}

static void test_preference(void **state)
{
	(void)state;
	static const struct {
		const char *pref;
		bool strict;
		int down;          /* channel marked down first, or -1 */
		const char *to;    /* "+49..." has rule modem0, modem1 */
		enum routing_verdict v;
		int ch;            /* ROUTE: channel; else reason */
	} t[] = {
		{ "auto", false, -1, "+14155550100", ROUTING_ROUTE, CH_MODEM0 },
		{ NULL, false, -1, "+14155550100", ROUTING_ROUTE, CH_MODEM0 },
		{ "modem", false, -1, "+14155550100", ROUTING_ROUTE, CH_MODEM0 },
		{ "modem1", false, -1, "+14155550100", ROUTING_ROUTE, CH_MODEM1 },
		{ "twilio", false, -1, "+14155550100", ROUTING_ROUTE, CH_TWILIO },
		{ "telesign", true, -1, "+14155550100", ROUTING_ROUTE, CH_TELESIGN },
		{ "modem", false, CH_MODEM0, "+14155550100", ROUTING_ROUTE, CH_MODEM1 },
		{ "twilio", false, CH_TWILIO, "+14155550100", ROUTING_ROUTE, CH_MODEM0 },
		{ "twilio", true, CH_TWILIO, "+14155550100", ROUTING_NO_ROUTE,
		  ROUTING_REASON_ALL_UNHEALTHY },
		{ "twilio", true, -1, "+4915112345678", ROUTING_NO_ROUTE,
		  ROUTING_REASON_NO_CHANNEL },
		{ "twilio", false, -1, "+4915112345678", ROUTING_ROUTE, CH_MODEM0 },
		{ "modem1", true, -1, "+4915112345678", ROUTING_ROUTE, CH_MODEM1 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fx f = { 0 };
		fx_config(&f.cfg);
		f.cfg.n_rules = 1;
		strcpy(f.cfg.rules[0].prefix, "+49");
		f.cfg.rules[0].n_channels = 2;
		f.cfg.rules[0].channels[0] = CH_MODEM0;
		f.cfg.rules[0].channels[1] = CH_MODEM1;
		fx_init(&f);
		if (t[i].down >= 0)
			fx_events(&f, (unsigned)t[i].down, ROUTING_EV_REGISTRATION_LOST, 1, T0);
		struct routing_decision d = fx_decide(&f, t[i].to, t[i].pref, t[i].strict, 1, T0);
		int got = d.verdict == ROUTING_ROUTE ? (int)d.channel : (int)d.reason;
		if (d.verdict != t[i].v || got != t[i].ch)
			fail_msg("row %zu (%s): got %s %d", i, t[i].pref ? t[i].pref : "NULL",
				 routing_verdict_str(d.verdict), got);
	}
	/* Unknown names: parse says -ENOENT; a stale index is a clear reason. */
	struct fx f = { 0 };
	fx_init(&f);
	struct routing_pref p;
	assert_int_equal(routing_pref_parse(&f.rt, "modem9", &p), -ENOENT);
	struct routing_request req = { .to = "+14155550100",
				       .pref = { .type = ROUTING_PREF_NAMED, .channel = 9 } };
	struct routing_decision d;
	assert_int_equal(routing_decide(&f.rt, &req, T0, &d), 0);
	assert_int_equal(d.verdict, ROUTING_NO_ROUTE);
	assert_int_equal(d.reason, ROUTING_REASON_UNKNOWN_CHANNEL);
	assert_true(d.permanent);
	/* A disabled channel is never chosen, even by name. */
	f.cfg.channels[CH_MODEM1].enabled = false;
	fx_init(&f);
	d = fx_decide(&f, "+14155550100", "modem1", true, 1, T0);
	assert_int_equal(d.reason, ROUTING_REASON_NO_CHANNEL);
}

static void test_longest_prefix(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	static const struct {
		const char *prefix;
		unsigned ch;
	} rules[] = {
		{ "+4", CH_TELESIGN }, { "+49", CH_MODEM1 }, { "+4917", CH_TWILIO },
		{ "+491", CH_MODEM0 },
	};
	f.cfg.n_rules = 4;
	for (unsigned i = 0; i < 4; i++) {
		strcpy(f.cfg.rules[i].prefix, rules[i].prefix);
		f.cfg.rules[i].n_channels = 1;
		f.cfg.rules[i].channels[0] = rules[i].ch;
	}
	fx_init(&f);
	static const struct {
		const char *to;
		unsigned ch;
	} t[] = {
		{ "+4917012345678", CH_TWILIO }, { "+4915112345678", CH_MODEM0 },
		{ "+493012345678", CH_MODEM1 },  { "+447700900123", CH_TELESIGN },
		{ "+14155550100", CH_MODEM0 },   /* no rule: priority order */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct routing_decision d = fx_decide(&f, t[i].to, "auto", false, 1, T0);
		assert_int_equal(d.verdict, ROUTING_ROUTE);
		if (d.channel != t[i].ch)
			fail_msg("%s: channel %u want %u", t[i].to, d.channel, t[i].ch);
	}
}

/* A rule's channel list is its failover order, whatever the priorities. */
static void test_rule_failover_order(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_config(&f.cfg);
	f.cfg.n_rules = 1;
	strcpy(f.cfg.rules[0].prefix, "+353");
	f.cfg.rules[0].n_channels = 2;
	f.cfg.rules[0].channels[0] = CH_TELESIGN;
	f.cfg.rules[0].channels[1] = CH_TWILIO;
	fx_init(&f);
	struct routing_decision d = fx_decide(&f, "+353871234567", "auto", false, 1, T0);
	assert_int_equal(d.channel, CH_TELESIGN);
	fx_events(&f, CH_TELESIGN, ROUTING_EV_PROVIDER_ERROR, 3, T0);
	d = fx_decide(&f, "+353871234567", "auto", false, 1, T0);
	assert_int_equal(d.channel, CH_TWILIO);
	fx_events(&f, CH_TWILIO, ROUTING_EV_REGISTRATION_LOST, 1, T0);
	d = fx_decide(&f, "+353871234567", "auto", false, 1, T0);
	assert_int_equal(d.verdict, ROUTING_NO_ROUTE);
	assert_int_equal(d.reason, ROUTING_REASON_ALL_UNHEALTHY);
	assert_false(d.permanent);
	assert_int_equal(d.at_ms, T0 + 60000); /* telesign's probe */
}

static void test_sticky_kept_and_moved(void **state)
{
	(void)state;
	const char *to = "+14155550100";
	struct fx f = { 0 };
	fx_init(&f);
	/* First message goes by twilio on request; the conversation sticks. */
	struct routing_decision d = fx_send(&f, to, "twilio", false, 1, T0);
	assert_int_equal(d.channel, CH_TWILIO);
	char from[CHANNEL_NUMBER_MAX];
	strcpy(from, d.from);
	assert_true(strcmp(from, "+15550000001") == 0 || strcmp(from, "+15550000002") == 0);
	/* auto would pick modem0; the conversation keeps twilio and its number. */
	for (int i = 1; i <= 3; i++) {
		d = fx_send(&f, to, "auto", false, 1, T0 + i * 1000);
		assert_int_equal(d.verdict, ROUTING_ROUTE);
		assert_int_equal(d.channel, CH_TWILIO);
		assert_true(d.sticky);
		assert_string_equal(d.from, from);
	}
	/* Another destination is not affected. */
	d = fx_decide(&f, "+14155550199", "auto", false, 1, T0 + 4000);
	assert_int_equal(d.channel, CH_MODEM0);
	assert_false(d.sticky);
	/* An explicit preference beats the conversation. */
	d = fx_decide(&f, to, "modem1", false, 1, T0 + 4000);
	assert_int_equal(d.channel, CH_MODEM1);
	assert_false(d.sticky);
	/* twilio goes down: the conversation moves, and sticks to the new one. */
	fx_events(&f, CH_TWILIO, ROUTING_EV_PROVIDER_ERROR, 3, T0 + 4000);
	d = fx_send(&f, to, "auto", false, 1, T0 + 5000);
	assert_int_equal(d.channel, CH_MODEM0);
	assert_false(d.sticky);
	assert_string_equal(d.from, "+4915100000001");
	fx_events(&f, CH_TWILIO, ROUTING_EV_SUBMIT_OK, 1, T0 + 6000);
	d = fx_decide(&f, to, "auto", false, 1, T0 + 20000);
	assert_int_equal(d.channel, CH_MODEM0);
	assert_true(d.sticky);
}

/* The sticky number is used whichever of the channel's numbers it is. */
static void test_sticky_number(void **state)
{
	(void)state;
	static const char *const nums[] = { "+15550000001", "+15550000002", "+15559999999" };
	for (int i = 0; i < 3; i++) {
		struct fx f = { 0 };
		fx_init(&f);
		assert_int_equal(routing_sticky_put(&f.rt, "+447700900123", "twilio", nums[i], T0), 0);
		struct routing_decision d = fx_decide(&f, "+447700900123", "auto", false, 1, T0);
		assert_int_equal(d.channel, CH_TWILIO);
		assert_true(d.sticky);
		if (i < 2) {
			assert_string_equal(d.from, nums[i]);
		} else {
			/* Number no longer configured: the channel stays, a
			 * configured number is used. */
			assert_true(strcmp(d.from, nums[0]) == 0 || strcmp(d.from, nums[1]) == 0);
		}
	}
	/* Without a table entry the number is still stable per destination. */
	struct fx f = { 0 };
	fx_init(&f);
	struct routing_decision a = fx_decide(&f, "+447700900123", "twilio", true, 1, T0);
	struct routing_decision b = fx_decide(&f, "+447700900123", "twilio", true, 1, T0 + 5);
	assert_string_equal(a.from, b.from);
}

/* A busy conversation channel is waited for briefly, not abandoned. */
static void test_sticky_busy(void **state)
{
	(void)state;
	const char *to = "+14155550100";
	struct fx f = { 0 };
	fx_init(&f);
	fx_send(&f, to, "twilio", true, 1, T0); /* twilio 60/min: next at +1 s */
	struct routing_decision d = fx_decide(&f, to, "auto", false, 1, T0 + 10);
	assert_int_equal(d.verdict, ROUTING_WAIT);
	assert_int_equal(d.reason, ROUTING_REASON_STICKY_BUSY);
	assert_int_equal(d.at_ms, T0 + 1000);
	/* With a shorter patience it moves on to modem0 at once. */
	struct fx g = { 0 };
	fx_config(&g.cfg);
	g.cfg.sticky_max_wait_ms = 500;
	fx_init(&g);
	fx_send(&g, to, "twilio", true, 1, T0);
	d = fx_decide(&g, to, "auto", false, 1, T0 + 10);
	assert_int_equal(d.verdict, ROUTING_ROUTE);
	assert_int_equal(d.channel, CH_MODEM0);
}

static void test_sticky_lru_and_ttl(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_init(&f);
	const char *dest[] = { "+4915100000010", "+4915100000011", "+4915100000012",
			       "+4915100000013", "+4915100000014" };
	for (int i = 0; i < STICKY_SLOTS; i++)
		assert_int_equal(routing_sticky_put(&f.rt, dest[i], "modem1", "", T0 + i), 0);
	/* Touch the oldest: dest[1] becomes the least recently used. */
	assert_int_equal(routing_sticky_put(&f.rt, dest[0], "modem1", "", T0 + 10), 0);
	assert_int_equal(routing_sticky_put(&f.rt, dest[4], "twilio", "", T0 + 11), 0);
	assert_null(routing_sticky_get(&f.rt, dest[1], T0 + 12));
	for (int i = 0; i < 5; i++) {
		if (i == 1)
			continue;
		if (!routing_sticky_get(&f.rt, dest[i], T0 + 12))
			fail_msg("%s evicted", dest[i]);
	}
	/* Re-putting an entry updates it in place (no duplicate). */
	assert_int_equal(routing_sticky_put(&f.rt, dest[4], "modem0", "", T0 + 13), 0);
	assert_string_equal(routing_sticky_get(&f.rt, dest[4], T0 + 13)->channel, "modem0");
	assert_int_equal(routing_sticky_forget(&f.rt, dest[4]), 0);
	assert_int_equal(routing_sticky_forget(&f.rt, dest[4]), -ENOENT);
	/* TTL: alive until exactly ttl has passed. */
	int64_t ttl = f.cfg.sticky_ttl_ms;
	assert_non_null(routing_sticky_get(&f.rt, dest[0], T0 + 10 + ttl - 1));
	assert_null(routing_sticky_get(&f.rt, dest[0], T0 + 10 + ttl));
	/* Bad input changes nothing. */
	char long_dest[64];
	memset(long_dest, '1', sizeof(long_dest) - 1);
	long_dest[sizeof(long_dest) - 1] = '\0';
	assert_int_equal(routing_sticky_put(&f.rt, long_dest, "modem0", "", T0), -EINVAL);
	assert_int_equal(routing_sticky_put(&f.rt, "", "modem0", "", T0), -EINVAL);
	assert_int_equal(routing_sticky_put(&f.rt, dest[1], "", "", T0), -EINVAL);
	assert_null(routing_sticky_get(&f.rt, dest[1], T0 + 12));
	/* No slots: nothing is remembered, routing still works. */
	struct routing rt;
	assert_int_equal(routing_init(&rt, &f.cfg, NULL, 0, T0, NULL, 0), 0);
	assert_int_equal(routing_sticky_put(&rt, dest[0], "modem0", "", T0), -ENOSPC);
}

/* routing_commit refuses anything but a ROUTE and changes nothing. */
static void test_commit_rejects(void **state)
{
	(void)state;
	struct fx f = { 0 };
	fx_init(&f);
	struct routing before;
	memcpy(&before, &f.rt, sizeof(before));
	struct routing_request req = { .to = "+14155550100", .parts = 1 };
	struct routing_decision d = { .verdict = ROUTING_WAIT };
	assert_int_equal(routing_commit(&f.rt, &req, &d, T0), -EINVAL);
	d.verdict = ROUTING_ROUTE;
	d.channel = 7;
	assert_int_equal(routing_commit(&f.rt, &req, &d, T0), -EINVAL);
	assert_memory_equal(&before, &f.rt, sizeof(before));
}

static void test_strs(void **state)
{
	(void)state;
	assert_string_equal(routing_reason_str(ROUTING_REASON_DEST_NOT_ALLOWED),
			    "destination-not-allowed");
	assert_string_equal(routing_verdict_str(ROUTING_WAIT), "wait");
	assert_string_equal(routing_health_str(ROUTING_NOREG), "noreg");
	assert_string_equal(routing_event_str(ROUTING_EV_THROTTLED), "throttled");
	assert_string_equal(routing_kind_str(CHANNEL_TELESIGN), "telesign");
	enum channel_kind k;
	assert_int_equal(routing_kind_parse("twilio", &k), 0);
	assert_int_equal(k, CHANNEL_TWILIO);
	assert_int_equal(routing_kind_parse("sms", &k), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e164_parse),
		cmocka_unit_test(test_cc_valid),
		cmocka_unit_test(test_config_validate),
		cmocka_unit_test(test_allowlist),
		cmocka_unit_test(test_preference),
		cmocka_unit_test(test_longest_prefix),
		cmocka_unit_test(test_rule_failover_order),
		cmocka_unit_test(test_sticky_kept_and_moved),
		cmocka_unit_test(test_sticky_number),
		cmocka_unit_test(test_sticky_busy),
		cmocka_unit_test(test_sticky_lru_and_ttl),
		cmocka_unit_test(test_commit_rejects),
		cmocka_unit_test(test_strs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
