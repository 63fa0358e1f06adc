/* Routing policy of the outbox: which channel (and sending number) takes a
 * message, or when to ask again, or why it cannot go anywhere.
 *
 * Pure: no I/O in the decision path, no clock reads (now_ms is a parameter,
 * wall-clock milliseconds since the Unix epoch), no randomness, no
 * allocation. All state lives in a caller-owned struct routing; the sticky
 * table's slots are a caller-owned array of fixed capacity. Health state
 * changes are logged ("modem0: healthy -> down (3 failures)").
 *
 * Use (the outbox, on the loop thread):
 *   routing_config_defaults(&cfg); ...fill from the INI config...;
 *   routing_init(&rt, &cfg, slots, N, err, sizeof(err));
 *   per message:  routing_decide(&rt, &req, now, &d);
 *                 ROUTE    -> channel_submit(...); if it returned 0,
 *                             routing_commit(&rt, &req, &d, now);
 *                 WAIT     -> leave queued until d.at_ms
 *                 NO_ROUTE -> d.permanent ? fail with d.reason : back off
 *   on outcomes:  routing_on_outcome(&rt, ch, &outcome, now)
 *   on health:    routing_on_health(&rt, ch, &health, now)
 * See docs/routing.md for the policy and every knob. */
#ifndef ROUTING_ROUTING_H
#define ROUTING_ROUTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/channel.h"

#define ROUTING_MAX_CHANNELS 8
#define ROUTING_MAX_NUMBERS 8        /* sending numbers per channel */
#define ROUTING_MAX_RULES 64
#define ROUTING_MAX_RULE_CHANNELS 4
#define ROUTING_MAX_ALLOW 64         /* allowed country calling codes */
#define ROUTING_MAX_DENY 32          /* refused prefixes inside allowed codes */
#define ROUTING_NAME_MAX 32          /* == sizeof(struct channel.name) */
#define ROUTING_PREFIX_MAX 17        /* "+" and up to 15 digits */

/* ---- config model (filled by the firmware from its INI config) ---------- */

struct routing_channel_cfg {
	char name[ROUTING_NAME_MAX];   /* "modem0", "twilio"; unique, non-empty */
	enum channel_kind kind;
	unsigned priority;             /* failover order: lower first; ties by index. default 100 */
	bool enabled;                  /* default true */
	unsigned rate_per_min;         /* token bucket refill; 0 unlimited. default 10, max 60000 */
	unsigned burst;                /* bucket size in messages; default 1, 1..1000 */
	unsigned daily_quota;          /* parts per day; 0 unlimited (default) */
	unsigned n_numbers;
	char numbers[ROUTING_MAX_NUMBERS][CHANNEL_NUMBER_MAX]; /* "" unused; none: channel default */
};

/* Destination prefix rule: numbers starting with prefix may use only these
 * channels, in this (failover) order. Longest matching prefix wins. */
struct routing_rule {
	char prefix[ROUTING_PREFIX_MAX];             /* "+49", "+4917" */
	unsigned n_channels;                          /* 1..ROUTING_MAX_RULE_CHANNELS */
	unsigned channels[ROUTING_MAX_RULE_CHANNELS]; /* indexes into channels[] */
};

struct routing_health_cfg {
	unsigned fail_threshold; /* consecutive counted failures -> down. default 3, 1..100 */
	int64_t cooldown_ms;     /* down -> one probe allowed after this. default 60 s, 1 s..1 day */
	int64_t probe_timeout_ms;/* a probe with no outcome frees the slot after. default 120 s */
};

struct routing_config {
	unsigned n_channels;
	struct routing_channel_cfg channels[ROUTING_MAX_CHANNELS];
	unsigned n_rules;
	struct routing_rule rules[ROUTING_MAX_RULES];
	/* Allowlist by ITU country calling code (1, 44, 49, 353...). Empty and
	 * allow_any false: every destination is refused (safe default). */
	unsigned n_allow;
	unsigned allow_cc[ROUTING_MAX_ALLOW];
	bool allow_any;                    /* default false */
	/* Refused prefixes even inside an allowed code ("+1876"). */
	unsigned n_deny;
	char deny[ROUTING_MAX_DENY][ROUTING_PREFIX_MAX];
	struct routing_health_cfg health;
	int32_t utc_offset_s;     /* quota day boundary: local midnight. default 0 (UTC), -14 h..+14 h */
	int64_t sticky_ttl_ms;    /* conversation forgotten after; 0 never. default 7 days */
	int64_t sticky_max_wait_ms; /* wait this long for a busy sticky channel before moving. default 60 s */
};

/* Defaults for everything; no channels, no rules, nothing allowed. */
void routing_config_defaults(struct routing_config *c);
/* Defaults for one channel (rate 10/min, burst 1, no quota, priority 100). */
void routing_channel_defaults(struct routing_channel_cfg *ch, const char *name,
			      enum channel_kind kind);
/* Returns 0 or -EINVAL with a short reason in err (may be NULL): names
 * empty/duplicate/too long, counts over their maximum, ranges above, rules
 * whose prefix is not "+" and 1..15 digits or that name an unknown channel,
 * duplicate rule prefixes, allowlist codes that are not valid ITU codes
 * (routing_e164_cc_valid), malformed deny prefixes. */
int routing_config_validate(const struct routing_config *c, char *err, size_t err_len);
/* Index of the channel called name, or -ENOENT. */
int routing_config_find(const struct routing_config *c, const char *name);
/* "modem", "twilio", "telesign" -> kind; returns 0 or -EINVAL. */
int routing_kind_parse(const char *s, enum channel_kind *out);
const char *routing_kind_str(enum channel_kind k);

/* ---- the sticky sender table (caller-owned LRU of fixed capacity) -------- */

struct routing_sticky_entry {
	char dest[CHANNEL_NUMBER_MAX];    /* "" free */
	char channel[ROUTING_NAME_MAX];   /* by name: survives a config reload */
	char from[CHANNEL_NUMBER_MAX];    /* "" the channel's default */
	int64_t last_ms;                  /* for the TTL */
	uint64_t tick;                    /* LRU order: bigger is more recent */
};

/* ---- per-channel state ---------------------------------------------------- */

enum routing_health {
	ROUTING_HEALTHY,
	ROUTING_DOWN,     /* failures: wait cooldown, then one probe */
	ROUTING_NOREG,    /* registration lost / can_send false: until told otherwise */
};
const char *routing_health_str(enum routing_health h);

struct routing_chan_state {
	int64_t bucket;          /* tokens * 60000; may go negative (multipart debt) */
	int64_t bucket_ms;       /* when bucket was last brought up to date */
	int64_t quota_day;       /* day number of quota_used */
	unsigned quota_used;     /* parts sent that day */
	enum routing_health health;
	unsigned fails;          /* consecutive counted failures */
	int64_t retry_at_ms;     /* DOWN: first probe allowed at */
	int64_t probe_until_ms;  /* a probe is in flight until then (0 none) */
};

struct routing {
	struct routing_config cfg;                  /* a copy */
	struct routing_chan_state ch[ROUTING_MAX_CHANNELS];
	struct routing_sticky_entry *sticky;        /* caller's slots */
	unsigned sticky_cap;
	uint64_t sticky_tick;
};

/* Copy and validate cfg, reset every channel to healthy with a full bucket
 * and an empty quota at now_ms, clear the sticky slots (n_slots may be 0:
 * no stickiness). Returns 0, or -EINVAL (config invalid: err says why; or
 * NULL arguments). */
int routing_init(struct routing *r, const struct routing_config *cfg,
		 struct routing_sticky_entry *slots, unsigned n_slots, int64_t now_ms,
		 char *err, size_t err_len);
/* Apply a new config to a running r (SIGHUP). Validates cfg first (on
 * -EINVAL nothing changes, err says why). A channel of cfg whose name and
 * kind existed before keeps its state: bucket (brought up to date at now_ms
 * and capped at the new burst), quota used today, health, failures, probe
 * in flight; a new channel starts healthy with a full bucket. Sticky
 * entries whose channel is gone are dropped; the others stay (they name
 * channels, not indexes). The utc offset, rules, allowlist and every knob
 * come from cfg. Returns 0 or -EINVAL. */
int routing_reconfigure(struct routing *r, const struct routing_config *cfg, int64_t now_ms,
			char *err, size_t err_len);
/* The day boundary moves with local time (DST): the firmware sets the new
 * offset when it changes. -EINVAL outside -14 h..+14 h. */
int routing_set_utc_offset(struct routing *r, int32_t utc_offset_s);

/* ---- the per-message decision ------------------------------------------- */

enum routing_pref_type {
	ROUTING_PREF_AUTO,   /* rule / priority order */
	ROUTING_PREF_KIND,   /* "modem", "twilio", "telesign": any channel of it */
	ROUTING_PREF_NAMED,  /* "modem0": that channel */
};
struct routing_pref {
	enum routing_pref_type type;
	enum channel_kind kind;   /* KIND */
	unsigned channel;         /* NAMED: index */
};
/* "auto" (or NULL/"") -> AUTO; a kind name -> KIND; a channel name ->
 * NAMED. Returns 0, or -ENOENT for an unknown name (the message then fails
 * with ROUTING_REASON_UNKNOWN_CHANNEL). A channel named like a kind is
 * reached as that kind. */
int routing_pref_parse(const struct routing *r, const char *s, struct routing_pref *out);

struct routing_request {
	const char *to;          /* E.164 destination */
	struct routing_pref pref;
	bool strict;             /* true: only the preferred channels; false: they go first */
	unsigned parts;          /* segments (>= 1; 0 is taken as 1) */
};

enum routing_verdict {
	ROUTING_ROUTE,     /* send on channel with from */
	ROUTING_WAIT,      /* every candidate busy: ask again at at_ms */
	ROUTING_NO_ROUTE,  /* see reason; permanent says whether retrying helps */
};
const char *routing_verdict_str(enum routing_verdict v);

enum routing_reason {
	ROUTING_REASON_NONE,
	ROUTING_REASON_MALFORMED_DEST,   /* permanent: not +, 7..15 digits, assigned code */
	ROUTING_REASON_DEST_NOT_ALLOWED, /* permanent: country not allowed or prefix denied */
	ROUTING_REASON_UNKNOWN_CHANNEL,  /* permanent: pref names no channel */
	ROUTING_REASON_NO_CHANNEL,       /* permanent: no enabled channel may carry it
					  * (rule/preference/strict leave none, or
					  * the parts exceed every daily quota) */
	ROUTING_REASON_ALL_UNHEALTHY,    /* temporary: at_ms = earliest probe, 0 unknown */
	ROUTING_REASON_RATE_LIMITED,     /* WAIT: the earliest candidate is rate limited */
	ROUTING_REASON_QUOTA,            /* WAIT: ... is over its daily quota */
	ROUTING_REASON_COOLDOWN,         /* WAIT: ... is a down channel's next probe */
	ROUTING_REASON_STICKY_BUSY,      /* WAIT: the conversation's channel frees soon */
};
const char *routing_reason_str(enum routing_reason r);

struct routing_decision {
	enum routing_verdict verdict;
	enum routing_reason reason;      /* NONE for ROUTE */
	bool permanent;                  /* NO_ROUTE: retrying can never help */
	unsigned channel;                /* ROUTE: index into cfg.channels */
	char from[CHANNEL_NUMBER_MAX];   /* ROUTE: sending number; "" channel default */
	int64_t at_ms;                   /* WAIT: when; ALL_UNHEALTHY: hint or 0 */
	bool probe;                      /* ROUTE: the probe of a down channel */
	bool sticky;                     /* ROUTE: the conversation's channel kept */
};

/* Decide for one message at now_ms without changing any state. Returns 0
 * and fills out (every verdict is a success), or -EINVAL for NULL
 * arguments. */
int routing_decide(const struct routing *r, const struct routing_request *req, int64_t now_ms,
		   struct routing_decision *out);

/* Account a ROUTE decision the channel accepted (channel_submit returned
 * 0): take req->parts tokens and quota parts, mark a probe in flight,
 * remember the conversation (dest -> channel + from). Returns 0, or -EINVAL
 * when d is not a ROUTE for a valid channel (nothing changed). */
int routing_commit(struct routing *r, const struct routing_request *req,
		   const struct routing_decision *d, int64_t now_ms);

/* ---- health events ----------------------------------------------------- */

enum routing_event {
	ROUTING_EV_SUBMIT_OK,          /* accepted: healthy, failures reset */
	ROUTING_EV_SUBMIT_RETRYABLE,   /* counted failure (CMS 38, 503, ...) */
	ROUTING_EV_SUBMIT_PERMANENT,   /* the message's fault (invalid To): not counted */
	ROUTING_EV_PROVIDER_ERROR,     /* 5xx / timeout / connection refused: counted */
	ROUTING_EV_THROTTLED,          /* 429 / -EBUSY: not counted; bucket emptied */
	ROUTING_EV_REGISTRATION_LOST,  /* down at once, no probing */
	ROUTING_EV_REGISTRATION_REGAINED, /* healthy at once */
};
const char *routing_event_str(enum routing_event e);

/* Feed one event for channel ch. Returns 0 or -EINVAL (bad ch/event). */
int routing_on_event(struct routing *r, unsigned ch, enum routing_event ev, int64_t now_ms);

/* Classify a submit outcome (channel.h): status 0 -> SUBMIT_OK;
 * -ETIMEDOUT, -ECONNREFUSED, -ECONNRESET, -EHOSTUNREACH, -ENETUNREACH, -EIO
 * with retryable -> PROVIDER_ERROR; -EBUSY/-EAGAIN retryable -> THROTTLED;
 * other retryable -> SUBMIT_RETRYABLE; not retryable -> SUBMIT_PERMANENT. */
enum routing_event routing_event_from_outcome(const struct channel_outcome *o);
/* routing_on_event(r, ch, routing_event_from_outcome(o), now_ms). */
int routing_on_outcome(struct routing *r, unsigned ch, const struct channel_outcome *o,
		       int64_t now_ms);
/* A channel_health report: can_send false or registered false -> NOREG;
 * both true while NOREG -> healthy (the failure count reset). A healthy or
 * down channel is left alone by a good report: failures need a probe. */
int routing_on_health(struct routing *r, unsigned ch, const struct channel_health *h,
		      int64_t now_ms);

/* Whether ch may take a message at now_ms as far as health goes (healthy,
 * or down with the cool-down over and no probe in flight). */
bool routing_channel_usable(const struct routing *r, unsigned ch, int64_t now_ms);

/* ---- sticky table access (e.g. to seed it from the store at boot) ------- */

/* Remember dest -> channel name + from at now_ms (evicts the least
 * recently used entry when full). Returns 0, -EINVAL (bad strings),
 * -ENOSPC (no slots). */
int routing_sticky_put(struct routing *r, const char *dest, const char *channel,
		       const char *from, int64_t now_ms);
/* The live entry for dest (TTL applied at now_ms) or NULL. */
const struct routing_sticky_entry *routing_sticky_get(const struct routing *r, const char *dest,
						      int64_t now_ms);
/* Forget dest. Returns 0 or -ENOENT. */
int routing_sticky_forget(struct routing *r, const char *dest);

#endif
