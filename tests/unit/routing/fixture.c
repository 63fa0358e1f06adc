#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

void fx_config(struct routing_config *c)
{
	routing_config_defaults(c);
	c->n_channels = 4;
	routing_channel_defaults(&c->channels[CH_MODEM0], "modem0", CHANNEL_MODEM);
	c->channels[CH_MODEM0].priority = 10;
	c->channels[CH_MODEM0].n_numbers = 1;
	strcpy(c->channels[CH_MODEM0].numbers[0], "+4915100000001");
	routing_channel_defaults(&c->channels[CH_MODEM1], "modem1", CHANNEL_MODEM);
	c->channels[CH_MODEM1].priority = 20;
	routing_channel_defaults(&c->channels[CH_TWILIO], "twilio", CHANNEL_TWILIO);
	c->channels[CH_TWILIO].priority = 50;
	c->channels[CH_TWILIO].rate_per_min = 60;
	c->channels[CH_TWILIO].n_numbers = 2;
	strcpy(c->channels[CH_TWILIO].numbers[0], "+15550000001");
	strcpy(c->channels[CH_TWILIO].numbers[1], "+15550000002");
	routing_channel_defaults(&c->channels[CH_TELESIGN], "telesign", CHANNEL_TELESIGN);
	c->channels[CH_TELESIGN].priority = 60;
	c->channels[CH_TELESIGN].rate_per_min = 0;
	c->n_allow = 4;
	c->allow_cc[0] = 1;
	c->allow_cc[1] = 44;
	c->allow_cc[2] = 49;
	c->allow_cc[3] = 353;
	c->n_deny = 1;
	strcpy(c->deny[0], "+1876");
}

void fx_init(struct fx *f)
{
	if (f->cfg.n_channels == 0)
		fx_config(&f->cfg);
	char err[128] = "";
	int rc = routing_init(&f->rt, &f->cfg, f->slots, STICKY_SLOTS, T0, err, sizeof(err));
	if (rc)
		fail_msg("routing_init: %d %s", rc, err);
}

struct routing_decision fx_decide(struct fx *f, const char *to, const char *pref, bool strict,
				  unsigned parts, int64_t now)
{
	struct routing_request req = { .to = to, .strict = strict, .parts = parts };
	assert_int_equal(routing_pref_parse(&f->rt, pref, &req.pref), 0);
	struct routing_decision d;
	assert_int_equal(routing_decide(&f->rt, &req, now, &d), 0);
	return d;
}

struct routing_decision fx_send(struct fx *f, const char *to, const char *pref, bool strict,
				unsigned parts, int64_t now)
{
	struct routing_decision d = fx_decide(f, to, pref, strict, parts, now);
	if (d.verdict == ROUTING_ROUTE) {
		struct routing_request req = { .to = to, .strict = strict, .parts = parts };
		assert_int_equal(routing_pref_parse(&f->rt, pref, &req.pref), 0);
		assert_int_equal(routing_commit(&f->rt, &req, &d, now), 0);
	}
	return d;
}

void fx_events(struct fx *f, unsigned ch, enum routing_event ev, unsigned n, int64_t now)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(routing_on_event(&f->rt, ch, ev, now), 0);
}
