/* Retry backoff for the outbox: exponential with full jitter, bounded by a
 * maximum number of attempts and by the message's validity.
 *
 * Pure: the caller supplies now_ms and the random value (hal_rng in the
 * firmware, a constant in tests). */
#ifndef ROUTING_BACKOFF_H
#define ROUTING_BACKOFF_H

#include <stddef.h>
#include <stdint.h>

struct routing_backoff_cfg {
	int64_t base_ms;       /* cap of the first retry's delay; default 30 s */
	int64_t max_ms;        /* the cap never grows beyond this; default 1 h */
	int64_t floor_ms;      /* minimum delay (jitter is above it); default 1 s */
	unsigned max_attempts; /* attempts in all, first one included; default 8 */
};

#define ROUTING_BACKOFF_BASE_MS 30000
#define ROUTING_BACKOFF_MAX_MS 3600000
#define ROUTING_BACKOFF_FLOOR_MS 1000
#define ROUTING_BACKOFF_MAX_ATTEMPTS 8

enum routing_retry_verdict {
	ROUTING_RETRY_AT,       /* try again at at_ms */
	ROUTING_GIVE_UP_FAILED, /* attempts used up: the message fails */
	ROUTING_GIVE_UP_EXPIRED /* the next try would be at or after expiry */
};
const char *routing_retry_verdict_str(enum routing_retry_verdict v);

struct routing_retry {
	enum routing_retry_verdict verdict;
	int64_t at_ms; /* ROUTING_RETRY_AT only; 0 otherwise */
};

/* The defaults above. */
void routing_backoff_defaults(struct routing_backoff_cfg *c);

/* Returns 0, or -EINVAL (and leaves c alone) unless
 * 0 <= floor_ms <= base_ms <= max_ms, base_ms >= 1, max_ms <= 7 days and
 * 1 <= max_attempts <= 100. err (may be NULL) gets a short reason. */
int routing_backoff_validate(const struct routing_backoff_cfg *c, char *err, size_t err_len);

/* When to try again after `attempt` failed attempts (attempt >= 1).
 *
 *   attempt >= max_attempts              -> GIVE_UP_FAILED
 *   cap   = min(max_ms, base_ms * 2^(attempt-1))
 *   delay = floor_ms + rnd % (cap - floor_ms + 1)     (full jitter)
 *   at    = now_ms + delay
 *   expires_at_ms > 0 and at >= expires_at_ms -> GIVE_UP_EXPIRED
 *
 * expires_at_ms == 0 means no validity limit. Returns 0 and fills out, or
 * -EINVAL for NULL pointers, attempt 0 or an invalid config. */
int routing_next_attempt(const struct routing_backoff_cfg *c, unsigned attempt, int64_t now_ms,
			 int64_t expires_at_ms, uint64_t rnd, struct routing_retry *out);

#endif
