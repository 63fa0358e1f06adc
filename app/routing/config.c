/* Routing config: defaults, validation, names. */
#include "routing_priv.h"

#include "routing/e164.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HOUR_S (3600)

static int fail(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fill the caller's bounded error buffer (anet style) and say -EINVAL. */
static int fail(char *err, size_t err_len, const char *fmt, ...)
{
	if (err && err_len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int routing_strcpy(char *dst, size_t dst_len, const char *src)
{
	size_t n = strlen(src);
	if (n >= dst_len)
		return -E2BIG;
	memcpy(dst, src, n + 1);
	return 0;
}

bool routing_prefix_ok(const char *p)
{
	size_t n = strnlen(p, ROUTING_PREFIX_MAX);
	if (n < 2 || n >= ROUTING_PREFIX_MAX || p[0] != '+')
		return false;
	for (size_t i = 1; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

void routing_channel_defaults(struct routing_channel_cfg *ch, const char *name,
			      enum channel_kind kind)
{
	memset(ch, 0, sizeof(*ch));
	if (name)
		snprintf(ch->name, sizeof(ch->name), "%s", name);
	ch->kind = kind;
	ch->priority = 100;
	ch->enabled = true;
	ch->rate_per_min = 10;
	ch->burst = 1;
	ch->daily_quota = 0;
}

void routing_config_defaults(struct routing_config *c)
{
	memset(c, 0, sizeof(*c));
	c->allow_any = false;
	c->health.fail_threshold = 3;
	c->health.cooldown_ms = 60000;
	c->health.probe_timeout_ms = 120000;
	c->utc_offset_s = 0;
	c->sticky_ttl_ms = 7LL * ROUTING_MS_PER_DAY;
	c->sticky_max_wait_ms = 60000;
}

static int validate_channel(const struct routing_config *c, unsigned i, char *err,
			    size_t err_len)
{
	const struct routing_channel_cfg *ch = &c->channels[i];
	size_t len = strnlen(ch->name, sizeof(ch->name));
	if (len == 0 || len >= sizeof(ch->name))
		return fail(err, err_len, "channel %u: name empty or too long", i);
	for (unsigned j = 0; j < i; j++)
		if (strcmp(c->channels[j].name, ch->name) == 0)
			return fail(err, err_len, "channel %s: duplicate name", ch->name);
	if (ch->kind != CHANNEL_MODEM && ch->kind != CHANNEL_TWILIO &&
	    ch->kind != CHANNEL_TELESIGN)
		return fail(err, err_len, "channel %s: unknown kind", ch->name);
	if (ch->rate_per_min > 60000)
		return fail(err, err_len, "channel %s: rate_per_min %u > 60000", ch->name,
			    ch->rate_per_min);
	if (ch->burst < 1 || ch->burst > 1000)
		return fail(err, err_len, "channel %s: burst %u not in 1..1000", ch->name,
			    ch->burst);
	if (ch->n_numbers > ROUTING_MAX_NUMBERS)
		return fail(err, err_len, "channel %s: more than %d numbers", ch->name,
			    ROUTING_MAX_NUMBERS);
	for (unsigned k = 0; k < ch->n_numbers; k++) {
		size_t nl = strnlen(ch->numbers[k], CHANNEL_NUMBER_MAX);
		if (nl == 0 || nl >= CHANNEL_NUMBER_MAX)
			return fail(err, err_len, "channel %s: number %u empty or too long",
				    ch->name, k);
	}
	return 0;
}

static int validate_rules(const struct routing_config *c, char *err, size_t err_len)
{
	if (c->n_rules > ROUTING_MAX_RULES)
		return fail(err, err_len, "more than %d rules", ROUTING_MAX_RULES);
	for (unsigned i = 0; i < c->n_rules; i++) {
		const struct routing_rule *ru = &c->rules[i];
		if (!routing_prefix_ok(ru->prefix))
			return fail(err, err_len, "rule %u: prefix is not + and 1..15 digits", i);
		for (unsigned j = 0; j < i; j++)
			if (strcmp(c->rules[j].prefix, ru->prefix) == 0)
				return fail(err, err_len, "rule %s: duplicate prefix", ru->prefix);
		if (ru->n_channels < 1 || ru->n_channels > ROUTING_MAX_RULE_CHANNELS)
			return fail(err, err_len, "rule %s: needs 1..%d channels", ru->prefix,
				    ROUTING_MAX_RULE_CHANNELS);
		for (unsigned k = 0; k < ru->n_channels; k++)
			if (ru->channels[k] >= c->n_channels)
				return fail(err, err_len, "rule %s: unknown channel", ru->prefix);
	}
	return 0;
}

static int validate_lists(const struct routing_config *c, char *err, size_t err_len)
{
	if (c->n_allow > ROUTING_MAX_ALLOW)
		return fail(err, err_len, "more than %d allowed country codes", ROUTING_MAX_ALLOW);
	for (unsigned i = 0; i < c->n_allow; i++)
		if (!routing_e164_cc_valid(c->allow_cc[i]))
			return fail(err, err_len, "allow: +%u is not an ITU country calling code",
				    c->allow_cc[i]);
	if (c->n_deny > ROUTING_MAX_DENY)
		return fail(err, err_len, "more than %d denied prefixes", ROUTING_MAX_DENY);
	for (unsigned i = 0; i < c->n_deny; i++)
		if (!routing_prefix_ok(c->deny[i]))
			return fail(err, err_len, "deny %u: prefix is not + and 1..15 digits", i);
	return 0;
}

int routing_config_validate(const struct routing_config *c, char *err, size_t err_len)
{
	if (!c)
		return fail(err, err_len, "no config");
	if (c->n_channels > ROUTING_MAX_CHANNELS)
		return fail(err, err_len, "more than %d channels", ROUTING_MAX_CHANNELS);
	for (unsigned i = 0; i < c->n_channels; i++) {
		int rc = validate_channel(c, i, err, err_len);
		if (rc)
			return rc;
	}
	int rc = validate_rules(c, err, err_len);
	if (rc)
		return rc;
	rc = validate_lists(c, err, err_len);
	if (rc)
		return rc;
	const struct routing_health_cfg *h = &c->health;
	if (h->fail_threshold < 1 || h->fail_threshold > 100)
		return fail(err, err_len, "health: fail_threshold %u not in 1..100",
			    h->fail_threshold);
	if (h->cooldown_ms < 1000 || h->cooldown_ms > ROUTING_MS_PER_DAY)
		return fail(err, err_len, "health: cooldown_ms not in 1 s..1 day");
	if (h->probe_timeout_ms < 1000 || h->probe_timeout_ms > ROUTING_MS_PER_DAY)
		return fail(err, err_len, "health: probe_timeout_ms not in 1 s..1 day");
	if (c->utc_offset_s < -14 * HOUR_S || c->utc_offset_s > 14 * HOUR_S)
		return fail(err, err_len, "utc_offset_s not in -14 h..+14 h");
	if (c->sticky_ttl_ms < 0 || c->sticky_ttl_ms > 366 * ROUTING_MS_PER_DAY)
		return fail(err, err_len, "sticky_ttl_ms not in 0..366 days");
	if (c->sticky_max_wait_ms < 0 || c->sticky_max_wait_ms > ROUTING_MS_PER_DAY)
		return fail(err, err_len, "sticky_max_wait_ms not in 0..1 day");
	return 0;
}

int routing_config_find(const struct routing_config *c, const char *name)
{
	if (!c || !name)
		return -ENOENT;
	for (unsigned i = 0; i < c->n_channels && i < ROUTING_MAX_CHANNELS; i++)
		if (strcmp(c->channels[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

static const char *const kind_names[] = {
	[CHANNEL_MODEM] = "modem",
	[CHANNEL_TWILIO] = "twilio",
	[CHANNEL_TELESIGN] = "telesign",
};

const char *routing_kind_str(enum channel_kind k)
{
	if ((unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]))
		return kind_names[k];
	return "?";
}

int routing_kind_parse(const char *s, enum channel_kind *out)
{
	if (!s || !out)
		return -EINVAL;
	for (unsigned i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum channel_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *routing_health_str(enum routing_health h)
{
	switch (h) {
	case ROUTING_HEALTHY: return "healthy";
	case ROUTING_DOWN: return "down";
	case ROUTING_NOREG: return "noreg";
	}
	return "?";
}

const char *routing_verdict_str(enum routing_verdict v)
{
	switch (v) {
	case ROUTING_ROUTE: return "route";
	case ROUTING_WAIT: return "wait";
	case ROUTING_NO_ROUTE: return "no-route";
	}
	return "?";
}

const char *routing_reason_str(enum routing_reason r)
{
	switch (r) {
	case ROUTING_REASON_NONE: return "none";
	case ROUTING_REASON_MALFORMED_DEST: return "malformed-destination";
	case ROUTING_REASON_DEST_NOT_ALLOWED: return "destination-not-allowed";
	case ROUTING_REASON_UNKNOWN_CHANNEL: return "unknown-channel";
	case ROUTING_REASON_NO_CHANNEL: return "no-channel";
	case ROUTING_REASON_ALL_UNHEALTHY: return "all-unhealthy";
	case ROUTING_REASON_RATE_LIMITED: return "rate-limited";
	case ROUTING_REASON_QUOTA: return "quota";
	case ROUTING_REASON_COOLDOWN: return "cooldown";
	case ROUTING_REASON_STICKY_BUSY: return "sticky-busy";
	}
	return "?";
}

const char *routing_event_str(enum routing_event e)
{
	switch (e) {
	case ROUTING_EV_SUBMIT_OK: return "submit-ok";
	case ROUTING_EV_SUBMIT_RETRYABLE: return "submit-retryable";
	case ROUTING_EV_SUBMIT_PERMANENT: return "submit-permanent";
	case ROUTING_EV_PROVIDER_ERROR: return "provider-error";
	case ROUTING_EV_THROTTLED: return "throttled";
	case ROUTING_EV_REGISTRATION_LOST: return "registration-lost";
	case ROUTING_EV_REGISTRATION_REGAINED: return "registration-regained";
	}
	return "?";
}
