/* The per-message decision: destination checks, candidate order (rule,
 * priority, preference, sticky), then the first candidate that is usable and
 * not rate limited or over quota; else when to ask again, or why never. */
#include "routing_priv.h"

#include "routing/e164.h"

#include <errno.h>
#include <string.h>

int routing_init(struct routing *r, const struct routing_config *cfg,
		 struct routing_sticky_entry *slots, unsigned n_slots, int64_t now_ms,
		 char *err, size_t err_len)
{
	if (!r || !cfg || (n_slots && !slots)) {
		if (err && err_len)
			err[0] = '\0';
		return -EINVAL;
	}
	int rc = routing_config_validate(cfg, err, err_len);
	if (rc)
		return rc;
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	for (unsigned i = 0; i < cfg->n_channels; i++) {
		struct routing_chan_state *s = &r->ch[i];
		s->bucket = (int64_t)cfg->channels[i].burst * ROUTING_TOKEN;
		s->bucket_ms = now_ms;
		s->quota_day = routing_day_of(r, now_ms);
		s->health = ROUTING_HEALTHY;
	}
	r->sticky = slots;
	r->sticky_cap = n_slots;
	if (slots)
		memset(slots, 0, sizeof(*slots) * n_slots);
	return 0;
}

int routing_set_utc_offset(struct routing *r, int32_t utc_offset_s)
{
	if (!r || utc_offset_s < -14 * 3600 || utc_offset_s > 14 * 3600)
		return -EINVAL;
	r->cfg.utc_offset_s = utc_offset_s;
	return 0;
}

int routing_pref_parse(const struct routing *r, const char *s, struct routing_pref *out)
{
	if (!r || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!s || s[0] == '\0' || strcmp(s, "auto") == 0) {
		out->type = ROUTING_PREF_AUTO;
		return 0;
	}
	if (routing_kind_parse(s, &out->kind) == 0) {
		out->type = ROUTING_PREF_KIND;
		return 0;
	}
	int i = routing_config_find(&r->cfg, s);
	if (i < 0)
		return -ENOENT;
	out->type = ROUTING_PREF_NAMED;
	out->channel = (unsigned)i;
	return 0;
}

static bool dest_allowed(const struct routing_config *c, const char *to, unsigned cc)
{
	for (unsigned i = 0; i < c->n_deny; i++)
		if (strncmp(to, c->deny[i], strlen(c->deny[i])) == 0)
			return false;
	if (c->allow_any)
		return true;
	for (unsigned i = 0; i < c->n_allow; i++)
		if (c->allow_cc[i] == cc)
			return true;
	return false;
}

static const struct routing_rule *rule_for(const struct routing_config *c, const char *to)
{
	const struct routing_rule *best = NULL;
	size_t best_len = 0;
	for (unsigned i = 0; i < c->n_rules; i++) {
		size_t len = strlen(c->rules[i].prefix);
		if (len > best_len && strncmp(to, c->rules[i].prefix, len) == 0) {
			best = &c->rules[i];
			best_len = len;
		}
	}
	return best;
}

static bool pref_matches(const struct routing *r, const struct routing_pref *p, unsigned ch)
{
	switch (p->type) {
	case ROUTING_PREF_AUTO:
		return true;
	case ROUTING_PREF_KIND:
		return r->cfg.channels[ch].kind == p->kind;
	case ROUTING_PREF_NAMED:
		return p->channel == ch;
	}
	return false;
}

/* Rule channels in rule order, else every channel by (priority, index);
 * disabled channels and those whose daily quota is smaller than the
 * message are left out. */
static unsigned base_candidates(const struct routing *r, const char *to, unsigned parts,
				unsigned *cand)
{
	const struct routing_config *c = &r->cfg;
	const struct routing_rule *rule = rule_for(c, to);
	unsigned n = 0;
	unsigned total = rule ? rule->n_channels : c->n_channels;
	for (unsigned i = 0; i < total; i++) {
		unsigned ch = rule ? rule->channels[i] : i;
		const struct routing_channel_cfg *cc = &c->channels[ch];
		if (!cc->enabled || (cc->daily_quota && parts > cc->daily_quota))
			continue;
		cand[n++] = ch;
	}
	if (!rule) {
		/* Insertion sort: stable, n <= ROUTING_MAX_CHANNELS. */
		for (unsigned i = 1; i < n; i++) {
			unsigned v = cand[i], j = i;
			while (j > 0 && c->channels[cand[j - 1]].priority > c->channels[v].priority) {
				cand[j] = cand[j - 1];
				j--;
			}
			cand[j] = v;
		}
	}
	return n;
}

/* Preferred channels first (stable); strict drops the others. Returns the
 * new count. */
static unsigned apply_pref(const struct routing *r, const struct routing_request *req,
			   unsigned *cand, unsigned n)
{
	unsigned out[ROUTING_MAX_CHANNELS], m = 0;
	for (unsigned i = 0; i < n; i++)
		if (pref_matches(r, &req->pref, cand[i]))
			out[m++] = cand[i];
	if (!req->strict)
		for (unsigned i = 0; i < n; i++)
			if (!pref_matches(r, &req->pref, cand[i]))
				out[m++] = cand[i];
	memcpy(cand, out, sizeof(out[0]) * m);
	return m;
}

/* Move the conversation's channel to the front if it is a candidate and
 * agrees with the preference. Returns its index or -1. */
static int apply_sticky(const struct routing *r, const struct routing_request *req,
			int64_t now_ms, unsigned *cand, unsigned n)
{
	const struct routing_sticky_entry *e = routing_sticky_get(r, req->to, now_ms);
	if (!e)
		return -1;
	int ch = routing_config_find(&r->cfg, e->channel);
	if (ch < 0 || !pref_matches(r, &req->pref, (unsigned)ch))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (cand[i] == (unsigned)ch) {
			memmove(cand + 1, cand, sizeof(cand[0]) * i);
			cand[0] = (unsigned)ch;
			return ch;
		}
	}
	return -1;
}

/* FNV-1a: the same destination gets the same number without a table. */
static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void pick_from(const struct routing *r, const struct routing_request *req,
		      int64_t now_ms, struct routing_decision *out)
{
	const struct routing_channel_cfg *c = &r->cfg.channels[out->channel];
	const struct routing_sticky_entry *e = out->sticky ? routing_sticky_get(r, req->to, now_ms)
							   : NULL;
	if (e) {
		for (unsigned i = 0; i < c->n_numbers; i++) {
			if (strcmp(c->numbers[i], e->from) == 0) {
				(void)routing_strcpy(out->from, sizeof(out->from), e->from);
				return;
			}
		}
		/* The number is gone from the config: the channel stays. */
		if (e->from[0] == '\0' && c->n_numbers == 0)
			return;
	}
	if (c->n_numbers)
		(void)routing_strcpy(out->from, sizeof(out->from),
				     c->numbers[hash_str(req->to) % c->n_numbers]);
}

static void no_route(struct routing_decision *out, enum routing_reason why, bool permanent,
		     int64_t at_ms)
{
	out->verdict = ROUTING_NO_ROUTE;
	out->reason = why;
	out->permanent = permanent;
	out->at_ms = at_ms;
}

/* When ch has room for the message: max(bucket ready, quota day over). */
static int64_t free_at(const struct routing *r, unsigned ch, unsigned parts, int64_t now_ms,
		       enum routing_reason *why)
{
	const struct routing_channel_cfg *c = &r->cfg.channels[ch];
	int64_t t = routing_bucket_ready_at(r, ch, now_ms);
	*why = ROUTING_REASON_RATE_LIMITED;
	if (c->daily_quota &&
	    (uint64_t)routing_quota_used(r, ch, now_ms) + parts > c->daily_quota) {
		int64_t next_day = routing_day_start(r, routing_day_of(r, now_ms) + 1);
		if (next_day >= t) {
			t = next_day;
			*why = ROUTING_REASON_QUOTA;
		}
	}
	return t;
}

struct wait_best {
	int64_t at;
	enum routing_reason why;
};

static void consider(struct wait_best *w, int64_t at, enum routing_reason why)
{
	if (at < w->at) {
		w->at = at;
		w->why = why;
	}
}

/* Walk the ordered candidates. Returns true when out got a ROUTE or a
 * sticky WAIT. */
static bool walk(const struct routing *r, const struct routing_request *req, unsigned parts,
		 int64_t now_ms, const unsigned *cand, unsigned n, int sticky_ch,
		 struct routing_decision *out, struct wait_best *busy, struct wait_best *probe)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned ch = cand[i];
		const struct routing_chan_state *s = &r->ch[ch];
		if (!routing_channel_usable(r, ch, now_ms)) {
			if (s->health == ROUTING_DOWN) {
				int64_t t = s->retry_at_ms;
				if (s->probe_until_ms > t)
					t = s->probe_until_ms;
				consider(probe, t, ROUTING_REASON_COOLDOWN);
			}
			continue;
		}
		enum routing_reason why;
		int64_t t = free_at(r, ch, parts, now_ms, &why);
		if (t <= now_ms) {
			out->verdict = ROUTING_ROUTE;
			out->channel = ch;
			out->probe = s->health == ROUTING_DOWN;
			out->sticky = (int)ch == sticky_ch;
			pick_from(r, req, now_ms, out);
			return true;
		}
		/* Only worth a reason of its own when there was somewhere else
		 * to go. */
		if ((int)ch == sticky_ch && n > 1 && t - now_ms <= r->cfg.sticky_max_wait_ms) {
			out->verdict = ROUTING_WAIT;
			out->reason = ROUTING_REASON_STICKY_BUSY;
			out->at_ms = t;
			return true;
		}
		consider(busy, t, why);
	}
	return false;
}

int routing_decide(const struct routing *r, const struct routing_request *req, int64_t now_ms,
		   struct routing_decision *out)
{
	if (!r || !req || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	unsigned parts = req->parts ? req->parts : 1;
	unsigned cc;
	if (routing_e164_parse(req->to, &cc) < 0) {
		no_route(out, ROUTING_REASON_MALFORMED_DEST, true, 0);
		return 0;
	}
	if (!dest_allowed(&r->cfg, req->to, cc)) {
		no_route(out, ROUTING_REASON_DEST_NOT_ALLOWED, true, 0);
		return 0;
	}
	if (req->pref.type == ROUTING_PREF_NAMED && req->pref.channel >= r->cfg.n_channels) {
		no_route(out, ROUTING_REASON_UNKNOWN_CHANNEL, true, 0);
		return 0;
	}
	unsigned cand[ROUTING_MAX_CHANNELS];
	unsigned n = base_candidates(r, req->to, parts, cand);
	n = apply_pref(r, req, cand, n);
	if (n == 0) {
		no_route(out, ROUTING_REASON_NO_CHANNEL, true, 0);
		return 0;
	}
	int sticky_ch = apply_sticky(r, req, now_ms, cand, n);
	struct wait_best busy = { INT64_MAX, ROUTING_REASON_NONE };
	struct wait_best probe = { INT64_MAX, ROUTING_REASON_NONE };
	if (walk(r, req, parts, now_ms, cand, n, sticky_ch, out, &busy, &probe))
		return 0;
	if (busy.at != INT64_MAX) {
		consider(&busy, probe.at, probe.why);
		out->verdict = ROUTING_WAIT;
		out->reason = busy.why;
		out->at_ms = busy.at;
		return 0;
	}
	no_route(out, ROUTING_REASON_ALL_UNHEALTHY, false, probe.at == INT64_MAX ? 0 : probe.at);
	return 0;
}

int routing_commit(struct routing *r, const struct routing_request *req,
		   const struct routing_decision *d, int64_t now_ms)
{
	if (!r || !req || !d || !req->to || d->verdict != ROUTING_ROUTE ||
	    d->channel >= r->cfg.n_channels)
		return -EINVAL;
	unsigned parts = req->parts ? req->parts : 1;
	struct routing_chan_state *s = &r->ch[d->channel];
	routing_limits_take(r, d->channel, parts, now_ms);
	if (s->health == ROUTING_DOWN)
		s->probe_until_ms = now_ms + r->cfg.health.probe_timeout_ms;
	/* No slots or a destination too long for one: just not sticky. */
	(void)routing_sticky_put(r, req->to, r->cfg.channels[d->channel].name, d->from, now_ms);
	return 0;
}
