/* Internals shared by the routing files; not part of the API. */
#ifndef ROUTING_PRIV_H
#define ROUTING_PRIV_H

#include "routing/routing.h"

#define ROUTING_MS_PER_MIN 60000
#define ROUTING_MS_PER_DAY 86400000LL
/* Bucket units: one token is 60000 units, so a rate of r per minute adds
 * exactly r units per millisecond (integer arithmetic, exact refill times). */
#define ROUTING_TOKEN ((int64_t)ROUTING_MS_PER_MIN)

/* Bucket level (units) at now_ms, without changing state. */
int64_t routing_bucket_level(const struct routing *r, unsigned ch, int64_t now_ms);
/* Earliest time >= now_ms at which the bucket holds one token. */
int64_t routing_bucket_ready_at(const struct routing *r, unsigned ch, int64_t now_ms);
/* Local day number of t (floor division, utc offset applied). */
int64_t routing_day_of(const struct routing *r, int64_t t_ms);
/* UTC ms at which local day `day` starts. */
int64_t routing_day_start(const struct routing *r, int64_t day);
/* Parts already sent on ch during the local day of now_ms. */
unsigned routing_quota_used(const struct routing *r, unsigned ch, int64_t now_ms);
/* Take parts tokens and quota parts at now_ms. */
void routing_limits_take(struct routing *r, unsigned ch, unsigned parts, int64_t now_ms);
/* Empty the bucket at now_ms (provider said 429). */
void routing_bucket_drain(struct routing *r, unsigned ch, int64_t now_ms);

/* Sticky entry index for dest (TTL applied) or -1. */
int routing_sticky_find(const struct routing *r, const char *dest, int64_t now_ms);

/* "+" then 1..15 digits. */
bool routing_prefix_ok(const char *p);
/* Bounded copy; returns 0 or -E2BIG when src (plus NUL) does not fit. */
int routing_strcpy(char *dst, size_t dst_len, const char *src);

#endif
