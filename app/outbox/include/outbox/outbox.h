/* outbox: the durable queue between the API and the channels.
 *
 * Enqueue (any thread): validates, hashes the payload for idempotency, and
 * hands the message to the committer thread, which batches concurrent
 * enqueues into ONE transaction and ONE fsync (group commit). Each caller
 * returns only after the batch holding its message committed; then the loop
 * is woken (hal_loop_wake).
 *
 * Dispatch (loop thread): expires what passed its validity, claims due
 * messages (queued; scheduled whose send_at passed; retries whose
 * next_attempt_at passed), asks the router for channels, marks the message
 * sending (committed) and calls channel_submit. Channel events (part_sent,
 * submit_done, delivery, inbound) come back on the loop thread and are
 * recorded as transactions; a retryable failure is retried with exponential
 * backoff and jitter, bounded by max_attempts and by the message's validity.
 *
 * At start, outbox_new applies the store's crash rule to messages left in
 * `sending` (docs/store.md) and counts possible duplicates in the metrics.
 *
 * Return values: 0 or -errno, documented per function. */
#ifndef OUTBOX_OUTBOX_H
#define OUTBOX_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/channel.h"
#include "drivers/msg_status.h"
#include "hal/loop.h"
#include "hal/rng.h"
#include "routing/backoff.h"
#include "routing/routing.h"
#include "store/store.h"

#define OUTBOX_MAX_CHANNELS 8
#define OUTBOX_LAT_BUCKETS 12

struct outbox;

/* The simple router (used when no struct routing is given): every healthy
 * channel whose name or kind matches the message's preference ("auto" or
 * empty: all), in the order they were added. Fills idx, returns the count. */
size_t outbox_route_first_healthy(const char *pref, struct channel *const *chans,
				  const bool *healthy, size_t n, size_t *idx, size_t max);

/* An observer of committed message changes (optional). Both callbacks run
 * on the loop thread, after the store committed the change, and must not
 * block (the webhook queue's enqueue is one short transaction):
 *   status:  an outbound message moved (sent, delivered, undelivered,
 *            failed, expired, canceled, queued again...). A move to sent
 *            that the stored part reports settle at once is announced as
 *            sent and then as the final status.
 *   inbound: a complete inbound message was stored (id of the received
 *            message; parts of an incomplete one are not announced).
 * A crash between the store's commit and the callback loses only the
 * callback: webhook events are queued by the store in the change's own
 * transaction (docs/webhooks.md). */
struct outbox_observer {
	void (*status)(void *arg, uint64_t id, enum msg_status from, enum msg_status to);
	void (*inbound)(void *arg, uint64_t id);
	void *arg;
};

struct outbox_config {
	struct store *store;       /* required; not owned */
	struct hal_loop *loop;     /* required; not owned */
	struct hal_rng *rng;       /* for jitter; NULL: no jitter */
	/* Retries: routing_next_attempt (exponential, full jitter, bounded by
	 * attempts and validity). NULL: routing_backoff_defaults. */
	const struct routing_backoff_cfg *backoff;
	/* The routing policy (app/routing), owned by the caller and used on the
	 * loop thread only; NULL: outbox_route_first_healthy. */
	struct routing *routing;
	int64_t busy_retry_ms;     /* every channel refused now: 0: 1000 */
	unsigned max_in_flight;    /* 0: 64 */
	unsigned max_batch;        /* group commit batch bound; 0: 256; 1: no grouping */
	int64_t default_validity_s;/* 0: 86400 (a message never waits longer) */
	/* A multipart inbound message still missing parts this long after its
	 * newest part arrived is stored as received with the parts that came
	 * (store_inbound_flush_stale: never dropped). 0: 3600000 (1 h). */
	int64_t inbound_part_timeout_ms;
	struct outbox_observer observer; /* all NULL: none */
};

/* Creates the outbox, runs the crash rule, starts the committer thread and
 * registers a waker on the loop (call from the loop's thread). Returns 0,
 * -EINVAL, -ENOMEM, or the store's/thread's -errno. */
int outbox_new(struct outbox **out, const struct outbox_config *cfg);
/* Stops the committer (enqueues already waiting are committed first; later
 * ones get -ESHUTDOWN) and cancels the timers. Call it when the loop no
 * longer runs (hal_loop cannot remove a waker). Does not destroy channels
 * or the store. */
void outbox_destroy(struct outbox *ob);

/* The events the channel called `name` must be created with (their arg
 * names this channel's slot in the outbox). Returns 0, -EINVAL, -ENOSPC
 * (OUTBOX_MAX_CHANNELS) or -EEXIST (events already handed out for name). */
int outbox_channel_events(struct outbox *ob, const char *name, struct channel_events *out);
/* Adds a channel for routing (not owned), bound to the slot of its name
 * (made now if outbox_channel_events was not called). With a routing
 * policy, the name must be one of its configured channels (-ENOENT).
 * Returns 0, -EINVAL, -ENOSPC, -EEXIST (added twice), -ENOENT. */
int outbox_add_channel(struct outbox *ob, struct channel *ch);

/* A message to send. Strings are copied; NULL means absent. */
struct outbox_msg {
	const char *to;            /* required, "+" and 1..15 digits */
	const char *from;
	const char *body;          /* UTF-8 as given, stored byte for byte */
	size_t body_len;
	const char *encoding;      /* NULL: "auto" */
	unsigned segments;         /* 0: counted with the SMS codec */
	const char *channel_pref;  /* NULL: "auto" */
	const char *crm_type, *crm_id;
	int64_t contact_id, user_id;
	const char *idem_key;
	int64_t send_at_ms;        /* wall ms; later than now: scheduled */
	int64_t validity_s;        /* 0: default_validity_s */
	/* Passed to the store as given (store_msg_new): the conversation is
	 * keyed by (to, business_unit). NULL/0: none. */
	const char *business_unit;
	int source;
	const char *number_type;
	int64_t template_id;
	const char *status_callback;
};

struct outbox_result {
	uint64_t id;
	enum msg_status status;    /* queued, scheduled, or a replay's status */
	bool replay;               /* same key and payload: the earlier message */
	/* a new message (not a replay): what was committed, so the caller can
	 * answer without reading the row back */
	uint64_t conversation_id;
	int64_t created_at;        /* = updated_at */
	int64_t send_at, expires_at;
	char encoding[16];         /* as stored ("" when none was given) */
	unsigned segments;
	char channel_pref[STORE_NAME_MAX]; /* as stored ("auto" when none was given) */
};

/* Thread-safe; blocks until the message is committed (fsync'd).
 * Returns 0, -EINVAL (bad input: nothing stored), -E2BIG (body too long),
 * -EEXIST (the key was used with another payload; res->id is that
 * message), -ESHUTDOWN, or the store's -errno (-EIO, -ENOSPC, -EBUSY). */
int outbox_enqueue(struct outbox *ob, const struct outbox_msg *m, struct outbox_result *res);

/* The outcome of an asynchronous enqueue: rc and res as outbox_enqueue
 * would have returned them. Runs on the committer thread right after the
 * commit: it must not block (hand the result over and return). */
typedef void (*outbox_done_cb)(void *arg, int rc, const struct outbox_result *res);

/* Thread-safe; joins the next group commit and returns at once, so a
 * server thread can take other requests meanwhile (a group then holds
 * every request in flight, not one per server thread). Returns 0 when
 * done(arg, ...) will be called exactly once, after the commit; until
 * then m and every string it points to must stay valid. Otherwise the
 * -errno of outbox_enqueue for what is refused before the commit
 * (-EINVAL, -E2BIG, -ESHUTDOWN, -ENOMEM), and done is never called. A
 * request taken before outbox_destroy is committed and answered before
 * it returns. */
int outbox_enqueue_async(struct outbox *ob, const struct outbox_msg *m, outbox_done_cb done,
			 void *arg);

/* Loop thread. Cancels a message that is not yet sent: accepted, queued or
 * scheduled move to canceled now; a message being sent is asked to cancel
 * through its channel (when the channel can) and -EINPROGRESS is returned.
 * Returns 0, -EINPROGRESS, -ENOENT, -EPERM (already sent or final). */
int outbox_cancel(struct outbox *ob, uint64_t id);

/* Loop thread (smsrelayd's SIGHUP): new retry settings, checked as in
 * outbox_new (-EINVAL changes nothing); the default validity and the group
 * commit's size (0 keeps what runs). A message already waiting keeps the
 * next attempt and expiry it has; the next failure uses the new backoff. */
int outbox_set_limits(struct outbox *ob, const struct routing_backoff_cfg *backoff,
		      int64_t default_validity_s, size_t max_batch);

/* Loop thread: run one dispatch pass now (the waker and timers do it
 * anyway). Returns the number of messages handed to channels or -errno. */
int outbox_kick(struct outbox *ob);

struct outbox_channel_metrics {
	char name[32];
	uint64_t submitted, sent, failed, retried, delivered, undelivered, inbound;
	bool healthy;
};

/* Plain counters the API reads (a copy, thread-safe). */
struct outbox_metrics {
	uint64_t enqueued, replays, conflicts, enqueue_errors;
	uint64_t batches;               /* group commits */
	uint64_t to_status[MSG_STATUS_COUNT]; /* moves into each status */
	uint64_t queue_depth;           /* waiting: accepted/queued/scheduled */
	uint64_t in_flight;
	uint64_t retries;
	uint64_t possible_duplicates;   /* crash rule requeues */
	uint64_t inbound;
	size_t n_channels;
	struct outbox_channel_metrics channels[OUTBOX_MAX_CHANNELS];
	/* Send latency (enqueue -> sent), bucket i counts <= bounds[i] ms; the
	 * last bucket counts everything slower. */
	uint64_t latency[OUTBOX_LAT_BUCKETS];
	uint64_t latency_sum_ms;        /* sum of every observed latency */
	uint64_t latency_count;         /* observations (= sum of latency[]) */
};
extern const int64_t outbox_latency_bounds_ms[OUTBOX_LAT_BUCKETS - 1];
void outbox_metrics_get(struct outbox *ob, struct outbox_metrics *out);

#endif
