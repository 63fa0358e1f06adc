/* Shared config for the routing tests: four channels and a decide helper. */
#ifndef ROUTING_TEST_FIXTURE_H
#define ROUTING_TEST_FIXTURE_H

#include "routing/routing.h"

enum { CH_MODEM0, CH_MODEM1, CH_TWILIO, CH_TELESIGN };

#define T0 1700000000000LL /* an arbitrary wall time (ms) */
#define STICKY_SLOTS 4

struct fx {
	struct routing_config cfg;
	struct routing rt;
	struct routing_sticky_entry slots[STICKY_SLOTS];
};

/* modem0 (prio 10, 10/min, burst 1, one number), modem1 (prio 20, 10/min),
 * twilio (prio 50, 60/min, two numbers), telesign (prio 60, unlimited);
 * allow +1 +44 +49 +353; deny +1876; threshold 3, cool-down 60 s. */
void fx_config(struct routing_config *c);
/* fx_config() unless cfg already filled, then routing_init at T0. */
void fx_init(struct fx *f);
/* routing_decide for to with a preference string and parts. */
struct routing_decision fx_decide(struct fx *f, const char *to, const char *pref, bool strict,
				  unsigned parts, int64_t now);
/* Decide and, when ROUTE, commit. */
struct routing_decision fx_send(struct fx *f, const char *to, const char *pref, bool strict,
				unsigned parts, int64_t now);
/* n events of one kind on ch. */
void fx_events(struct fx *f, unsigned ch, enum routing_event ev, unsigned n, int64_t now);

#endif
