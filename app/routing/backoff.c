/* Exponential backoff with full jitter, bounded by attempts and validity. */
#include "routing/backoff.h"

#include <errno.h>
#include <stdio.h>

#define MAX_CAP_MS (7LL * 86400000LL)

void routing_backoff_defaults(struct routing_backoff_cfg *c)
{
	c->base_ms = ROUTING_BACKOFF_BASE_MS;
	c->max_ms = ROUTING_BACKOFF_MAX_MS;
	c->floor_ms = ROUTING_BACKOFF_FLOOR_MS;
	c->max_attempts = ROUTING_BACKOFF_MAX_ATTEMPTS;
}

int routing_backoff_validate(const struct routing_backoff_cfg *c, char *err, size_t err_len)
{
	const char *why = NULL;
	if (!c)
		why = "no backoff config";
	else if (c->base_ms < 1 || c->max_ms < c->base_ms || c->max_ms > MAX_CAP_MS)
		why = "backoff: need 1 <= base_ms <= max_ms <= 7 days";
	else if (c->floor_ms < 0 || c->floor_ms > c->base_ms)
		why = "backoff: need 0 <= floor_ms <= base_ms";
	else if (c->max_attempts < 1 || c->max_attempts > 100)
		why = "backoff: max_attempts not in 1..100";
	if (!why)
		return 0;
	if (err && err_len)
		snprintf(err, err_len, "%s", why);
	return -EINVAL;
}

const char *routing_retry_verdict_str(enum routing_retry_verdict v)
{
	switch (v) {
	case ROUTING_RETRY_AT: return "retry";
	case ROUTING_GIVE_UP_FAILED: return "failed";
	case ROUTING_GIVE_UP_EXPIRED: return "expired";
	}
	return "?";
}

/* base * 2^(attempt-1), capped at max without overflowing. */
static int64_t backoff_cap(const struct routing_backoff_cfg *c, unsigned attempt)
{
	int64_t cap = c->base_ms;
	for (unsigned i = 1; i < attempt && cap < c->max_ms; i++)
		cap *= 2; /* cap < max <= 7 days: doubling cannot overflow */
	return cap > c->max_ms ? c->max_ms : cap;
}

int routing_next_attempt(const struct routing_backoff_cfg *c, unsigned attempt, int64_t now_ms,
			 int64_t expires_at_ms, uint64_t rnd, struct routing_retry *out)
{
	if (!out || attempt == 0 || routing_backoff_validate(c, NULL, 0))
		return -EINVAL;
	out->at_ms = 0;
	if (attempt >= c->max_attempts) {
		out->verdict = ROUTING_GIVE_UP_FAILED;
		return 0;
	}
	int64_t cap = backoff_cap(c, attempt);
	uint64_t span = (uint64_t)(cap - c->floor_ms) + 1;
	int64_t at = now_ms + c->floor_ms + (int64_t)(rnd % span);
	if (expires_at_ms > 0 && at >= expires_at_ms) {
		out->verdict = ROUTING_GIVE_UP_EXPIRED;
		return 0;
	}
	out->verdict = ROUTING_RETRY_AT;
	out->at_ms = at;
	return 0;
}
