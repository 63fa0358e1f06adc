/* Per-channel rate limit (token bucket on now_ms) and daily quota (day
 * boundary at local midnight: UTC plus cfg.utc_offset_s). */
#include "routing_priv.h"

static int64_t bucket_cap(const struct routing_channel_cfg *c)
{
	return (int64_t)c->burst * ROUTING_TOKEN;
}

int64_t routing_bucket_level(const struct routing *r, unsigned ch, int64_t now_ms)
{
	const struct routing_channel_cfg *c = &r->cfg.channels[ch];
	const struct routing_chan_state *s = &r->ch[ch];
	int64_t cap = bucket_cap(c);
	if (c->rate_per_min == 0)
		return cap;
	/* A clock that stepped back refills nothing (never a negative refill). */
	int64_t dt = now_ms > s->bucket_ms ? now_ms - s->bucket_ms : 0;
	int64_t missing = cap - s->bucket;
	if (missing <= 0)
		return s->bucket;
	/* Compare before multiplying: dt may be years after a long idle. */
	if (dt >= missing / c->rate_per_min + 1)
		return cap;
	int64_t level = s->bucket + dt * (int64_t)c->rate_per_min;
	return level > cap ? cap : level;
}

int64_t routing_bucket_ready_at(const struct routing *r, unsigned ch, int64_t now_ms)
{
	const struct routing_channel_cfg *c = &r->cfg.channels[ch];
	int64_t level = routing_bucket_level(r, ch, now_ms);
	if (level >= ROUTING_TOKEN || c->rate_per_min == 0)
		return now_ms;
	int64_t need = ROUTING_TOKEN - level;
	int64_t rate = c->rate_per_min;
	return now_ms + (need + rate - 1) / rate;
}

void routing_bucket_drain(struct routing *r, unsigned ch, int64_t now_ms)
{
	struct routing_chan_state *s = &r->ch[ch];
	int64_t level = routing_bucket_level(r, ch, now_ms);
	if (level > 0)
		s->bucket = 0;
	else
		s->bucket = level;
	if (now_ms > s->bucket_ms)
		s->bucket_ms = now_ms;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t routing_day_of(const struct routing *r, int64_t t_ms)
{
	return floor_div(t_ms + (int64_t)r->cfg.utc_offset_s * 1000, ROUTING_MS_PER_DAY);
}

int64_t routing_day_start(const struct routing *r, int64_t day)
{
	return day * ROUTING_MS_PER_DAY - (int64_t)r->cfg.utc_offset_s * 1000;
}

unsigned routing_quota_used(const struct routing *r, unsigned ch, int64_t now_ms)
{
	const struct routing_chan_state *s = &r->ch[ch];
	return s->quota_day == routing_day_of(r, now_ms) ? s->quota_used : 0;
}

void routing_limits_take(struct routing *r, unsigned ch, unsigned parts, int64_t now_ms)
{
	struct routing_chan_state *s = &r->ch[ch];
	const struct routing_channel_cfg *c = &r->cfg.channels[ch];
	if (c->rate_per_min) {
		/* May go below zero: a multipart message is never refused for
		 * its size, the following ones wait off the debt instead. */
		s->bucket = routing_bucket_level(r, ch, now_ms) - (int64_t)parts * ROUTING_TOKEN;
		if (now_ms > s->bucket_ms)
			s->bucket_ms = now_ms;
	}
	int64_t day = routing_day_of(r, now_ms);
	if (s->quota_day != day) {
		s->quota_day = day;
		s->quota_used = 0;
	}
	s->quota_used += parts;
}
