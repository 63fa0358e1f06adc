/* The sticky sender table: destination -> channel + sending number, an LRU
 * of fixed capacity in caller-owned slots, entries expire after a TTL. */
#include "routing_priv.h"

#include <errno.h>
#include <string.h>

static bool live(const struct routing *r, const struct routing_sticky_entry *e, int64_t now_ms)
{
	if (e->dest[0] == '\0')
		return false;
	int64_t ttl = r->cfg.sticky_ttl_ms;
	return ttl == 0 || now_ms - e->last_ms < ttl;
}

int routing_sticky_find(const struct routing *r, const char *dest, int64_t now_ms)
{
	if (!r || !dest || !r->sticky)
		return -1;
	for (unsigned i = 0; i < r->sticky_cap; i++) {
		const struct routing_sticky_entry *e = &r->sticky[i];
		if (live(r, e, now_ms) && strcmp(e->dest, dest) == 0)
			return (int)i;
	}
	return -1;
}

const struct routing_sticky_entry *routing_sticky_get(const struct routing *r, const char *dest,
						      int64_t now_ms)
{
	int i = routing_sticky_find(r, dest, now_ms);
	return i < 0 ? NULL : &r->sticky[i];
}

/* The slot for dest: its own, else a free or expired one, else the least
 * recently used. */
static struct routing_sticky_entry *slot_for(struct routing *r, const char *dest, int64_t now_ms)
{
	struct routing_sticky_entry *victim = NULL;
	for (unsigned i = 0; i < r->sticky_cap; i++) {
		struct routing_sticky_entry *e = &r->sticky[i];
		if (e->dest[0] != '\0' && strcmp(e->dest, dest) == 0)
			return e;
	}
	for (unsigned i = 0; i < r->sticky_cap; i++) {
		struct routing_sticky_entry *e = &r->sticky[i];
		if (!live(r, e, now_ms))
			return e;
		if (!victim || e->tick < victim->tick)
			victim = e;
	}
	return victim;
}

int routing_sticky_put(struct routing *r, const char *dest, const char *channel,
		       const char *from, int64_t now_ms)
{
	if (!r || !dest || !channel)
		return -EINVAL;
	if (!from)
		from = "";
	/* strnlen: a caller's fixed buffer may lack its NUL. */
	if (dest[0] == '\0' || strnlen(dest, CHANNEL_NUMBER_MAX) >= CHANNEL_NUMBER_MAX ||
	    channel[0] == '\0' || strnlen(channel, ROUTING_NAME_MAX) >= ROUTING_NAME_MAX ||
	    strnlen(from, CHANNEL_NUMBER_MAX) >= CHANNEL_NUMBER_MAX)
		return -EINVAL;
	if (!r->sticky || r->sticky_cap == 0)
		return -ENOSPC;
	struct routing_sticky_entry *e = slot_for(r, dest, now_ms);
	memset(e, 0, sizeof(*e));
	(void)routing_strcpy(e->dest, sizeof(e->dest), dest);
	(void)routing_strcpy(e->channel, sizeof(e->channel), channel);
	(void)routing_strcpy(e->from, sizeof(e->from), from);
	e->last_ms = now_ms;
	e->tick = ++r->sticky_tick;
	return 0;
}

int routing_sticky_forget(struct routing *r, const char *dest)
{
	if (!r || !dest || !r->sticky)
		return -ENOENT;
	for (unsigned i = 0; i < r->sticky_cap; i++) {
		struct routing_sticky_entry *e = &r->sticky[i];
		if (e->dest[0] != '\0' && strcmp(e->dest, dest) == 0) {
			memset(e, 0, sizeof(*e));
			return 0;
		}
	}
	return -ENOENT;
}
