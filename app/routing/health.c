/* Channel health: fed by submit outcomes and health reports; decides
 * failover (down after N counted failures, at once on registration loss) and
 * return (a probe after the cool-down, or registration regained). */
#include "routing_priv.h"

#include <errno.h>

#include "hal/log.h"

LOG_MODULE(log_routing, "routing");

static void set_health(struct routing *r, unsigned ch, enum routing_health to,
		       enum routing_event ev)
{
	struct routing_chan_state *s = &r->ch[ch];
	if (s->health == to)
		return;
	LOG_INF(&log_routing, r->cfg.channels[ch].name, "%s -> %s (%s, %u failures)",
		routing_health_str(s->health), routing_health_str(to), routing_event_str(ev),
		s->fails);
	s->health = to;
}

bool routing_channel_usable(const struct routing *r, unsigned ch, int64_t now_ms)
{
	if (!r || ch >= r->cfg.n_channels)
		return false;
	const struct routing_chan_state *s = &r->ch[ch];
	switch (s->health) {
	case ROUTING_HEALTHY:
		return true;
	case ROUTING_NOREG:
		return false;
	case ROUTING_DOWN:
		/* One probe at a time; a lost probe outcome frees the slot. */
		return now_ms >= s->retry_at_ms &&
		       (s->probe_until_ms == 0 || now_ms >= s->probe_until_ms);
	}
	return false;
}

static void count_failure(struct routing *r, unsigned ch, enum routing_event ev, int64_t now_ms)
{
	struct routing_chan_state *s = &r->ch[ch];
	s->fails++;
	if (s->health == ROUTING_HEALTHY && s->fails >= r->cfg.health.fail_threshold) {
		s->retry_at_ms = now_ms + r->cfg.health.cooldown_ms;
		s->probe_until_ms = 0;
		set_health(r, ch, ROUTING_DOWN, ev);
	} else if (s->health == ROUTING_DOWN) {
		/* The probe (or a late straggler) failed: another cool-down. */
		s->retry_at_ms = now_ms + r->cfg.health.cooldown_ms;
		s->probe_until_ms = 0;
	}
}

int routing_on_event(struct routing *r, unsigned ch, enum routing_event ev, int64_t now_ms)
{
	if (!r || ch >= r->cfg.n_channels)
		return -EINVAL;
	struct routing_chan_state *s = &r->ch[ch];
	switch (ev) {
	case ROUTING_EV_SUBMIT_OK:
		s->fails = 0;
		s->probe_until_ms = 0;
		set_health(r, ch, ROUTING_HEALTHY, ev);
		return 0;
	case ROUTING_EV_SUBMIT_RETRYABLE:
	case ROUTING_EV_PROVIDER_ERROR:
		count_failure(r, ch, ev, now_ms);
		return 0;
	case ROUTING_EV_SUBMIT_PERMANENT:
		/* The message's fault: says nothing about the channel, but a
		 * probe that ends this way frees the probe slot. */
		s->probe_until_ms = 0;
		return 0;
	case ROUTING_EV_THROTTLED:
		routing_bucket_drain(r, ch, now_ms);
		s->probe_until_ms = 0;
		return 0;
	case ROUTING_EV_REGISTRATION_LOST:
		s->probe_until_ms = 0;
		set_health(r, ch, ROUTING_NOREG, ev);
		return 0;
	case ROUTING_EV_REGISTRATION_REGAINED:
		if (s->health == ROUTING_NOREG) {
			s->fails = 0;
			set_health(r, ch, ROUTING_HEALTHY, ev);
		}
		return 0;
	}
	return -EINVAL;
}

enum routing_event routing_event_from_outcome(const struct channel_outcome *o)
{
	if (!o || o->status == 0)
		return ROUTING_EV_SUBMIT_OK;
	if (!o->retryable)
		return ROUTING_EV_SUBMIT_PERMANENT;
	switch (-o->status) {
	case ETIMEDOUT:
	case ECONNREFUSED:
	case ECONNRESET:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EIO:
		return ROUTING_EV_PROVIDER_ERROR;
	case EBUSY:
	case EAGAIN:
		return ROUTING_EV_THROTTLED;
	default:
		return ROUTING_EV_SUBMIT_RETRYABLE;
	}
}

int routing_on_outcome(struct routing *r, unsigned ch, const struct channel_outcome *o,
		       int64_t now_ms)
{
	if (!o)
		return -EINVAL;
	return routing_on_event(r, ch, routing_event_from_outcome(o), now_ms);
}

int routing_on_health(struct routing *r, unsigned ch, const struct channel_health *h,
		      int64_t now_ms)
{
	if (!h)
		return -EINVAL;
	bool good = h->can_send && h->registered;
	return routing_on_event(r, ch,
				good ? ROUTING_EV_REGISTRATION_REGAINED
				     : ROUTING_EV_REGISTRATION_LOST,
				now_ms);
}
