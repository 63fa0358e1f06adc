/* Internals of the outbox shared by outbox.c (enqueue, group commit,
 * channels, metrics) and dispatch.c (the loop side). */
#ifndef OUTBOX_PRIV_H
#define OUTBOX_PRIV_H

#include <pthread.h>
#include <stddef.h>

#include "outbox/outbox.h"

struct outbox;

/* One channel's place in the outbox: the events' arg points here, so a
 * callback knows its channel. */
struct ob_slot {
	struct outbox *ob;
	char name[32];
	struct channel *ch;       /* NULL until outbox_add_channel */
	bool events_given;
	bool healthy;
	int routing_idx;          /* index in the routing config, or -1 */
};

/* A part reference a channel reported for a message in flight, kept until
 * its submit_done commits it with the move to sent (one transaction), or a
 * delivery report / another outcome commits it on its own. */
struct ob_ref {
	uint64_t id;
	unsigned part, total;
	const char *channel;      /* the slot's name */
	char ref[CHANNEL_REF_MAX];
};

/* A submit_done(ok) kept until ob_flush moves it to sent. */
struct ob_done {
	uint64_t id;
	const struct ob_slot *slot;
	int64_t created_at, at;
	int code;
};

struct ob_flight {
	uint64_t id;
	int slot;
	int64_t created_at;       /* wall ms, for the latency histogram */
	bool cancel_asked;
};

/* One enqueue waiting for the committer. */
struct ob_req {
	struct store_msg_new m;
	struct store_enqueue item;
	uint8_t hash[STORE_HASH_LEN]; /* m.payload_hash points here */
	struct ob_batch *batch;
	struct ob_req *next;
	/* outbox_enqueue_async: called by the committer, then the request is
	 * freed; NULL for a caller sleeping in outbox_enqueue. */
	outbox_done_cb done;
	void *done_arg;
	struct ob_req *async_next; /* answer_batch's list */
};

/* A group commit: every request that joined before the committer took it.
 * Its waiters sleep on its own condition variable; the last one frees it
 * (the committer, when every request was asynchronous). */
struct ob_batch {
	pthread_cond_t cv;
	bool done;
	unsigned waiters;
	struct ob_req *head, **tail;
	size_t n;
};

struct outbox {
	struct outbox_config cfg;
	struct routing_backoff_cfg backoff;

	/* group commit (any thread) */
	pthread_mutex_t gc_mu;
	pthread_cond_t gc_cv;          /* the committer waits for work here */
	struct ob_batch *open;         /* the batch new requests join */
	bool stopping;
	bool thread_started;
	pthread_t committer;

	/* what committed batches ask of the loop (guarded by m_mu): a dispatch
	 * pass (a message is due now) or only an earlier due timer */
	bool wake_dispatch;
	int64_t wake_next_at;          /* earliest next attempt / expiry, 0: none */

	/* metrics (any thread reads) */
	pthread_mutex_t m_mu;
	struct outbox_metrics m;

	/* loop thread only */
	struct ob_slot slots[OUTBOX_MAX_CHANNELS];
	size_t n_slots;
	struct ob_flight *flights;
	size_t n_flights;
	hal_waker_id waker;
	hal_timer_id due_timer;
	hal_timer_id stale_timer;      /* incomplete inbound messages */
	int64_t due_at;                /* when due_timer fires (0: not armed) */
	hal_timer_id kick_timer;
	struct ob_ref *refs;           /* references not committed yet */
	size_t n_refs, cap_refs;
	struct ob_done *dones;         /* moves to sent not committed yet */
	size_t n_dones, cap_dones;
	hal_timer_id flush_timer;      /* zero delay: ob_flush at the turn's end */
};

int64_t ob_now(struct outbox *ob);
void ob_metric_status(struct outbox *ob, enum msg_status st);
/* Schedule a dispatch pass from the loop soon (never re-entrant). */
void ob_schedule_kick(struct outbox *ob);
void ob_on_wake(void *arg);
/* Keep a part reference of a message in flight (0), or -ENOMEM/-EINVAL:
 * then the caller records it at once. */
int ob_ref_keep(struct outbox *ob, const struct ob_slot *s, uint64_t id, unsigned part,
		unsigned total, const char *ref);
/* Keep a submit_done(ok) for ob_flush (armed at zero delay), or -ENOMEM:
 * then the caller moves it at once. */
int ob_sent_keep(struct outbox *ob, const struct ob_slot *s, uint64_t id, int64_t created,
		 int code, int64_t now);
/* Commit every kept reference, then every kept move to sent, in ONE
 * transaction. Runs before anything that reads or changes those messages. */
void ob_flush(struct outbox *ob);
void ob_sent_metric(struct outbox *ob, const struct ob_slot *s, int64_t created, int64_t now);
void ob_events_fill(struct ob_slot *slot, struct channel_events *ev);
void ob_stop_timers(struct outbox *ob);
/* store_msg_move, logged and counted. */
int ob_move(struct outbox *ob, uint64_t id, enum msg_status from, enum msg_status to,
	    const struct store_move *mv, int64_t now);
/* Log and count a move store_batch made (rc: its outcome). */
void ob_moved(struct outbox *ob, uint64_t id, enum msg_status from, enum msg_status to,
	      const struct store_move *mv, int rc);
/* Tell the observer (if any) about a committed move. */
void ob_notify_status(struct outbox *ob, uint64_t id, enum msg_status from, enum msg_status to);
struct ob_flight *ob_flight_find(struct outbox *ob, uint64_t id);
void ob_flight_remove(struct outbox *ob, struct ob_flight *f);
void chan_metric(struct outbox *ob, const struct ob_slot *s, size_t field_off);
#define CHAN_METRIC(ob, s, field) \
	chan_metric(ob, s, offsetof(struct outbox_channel_metrics, field))
void ob_latency_metric(struct outbox *ob, int64_t ms);

#endif
