/* The outbox's loop half: claim due messages, route, mark sending, submit;
 * record what the channels report; retries, cancel, timers. Everything here
 * runs on the loop thread. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "outbox_priv.h"

LOG_MODULE(log_dispatch, "outbox");

#define DISPATCH_PASS_MAX 64

/* ---- small helpers ---- */

struct ob_flight *ob_flight_find(struct outbox *ob, uint64_t id)
{
	for (size_t i = 0; i < ob->n_flights; i++)
		if (ob->flights[i].id == id)
			return &ob->flights[i];
	return NULL;
}

void ob_flight_remove(struct outbox *ob, struct ob_flight *f)
{
	*f = ob->flights[--ob->n_flights];
}

void chan_metric(struct outbox *ob, const struct ob_slot *s, size_t field_off)
{
	size_t i = (size_t)(s - ob->slots);

	pthread_mutex_lock(&ob->m_mu);
	(*(uint64_t *)((char *)&ob->m.channels[i] + field_off))++;
	ob->m.channels[i].healthy = s->healthy;
	ob->m.in_flight = ob->n_flights;
	pthread_mutex_unlock(&ob->m_mu);
}

void ob_latency_metric(struct outbox *ob, int64_t ms)
{
	size_t b = 0;

	while (b < OUTBOX_LAT_BUCKETS - 1 && ms > outbox_latency_bounds_ms[b])
		b++;
	pthread_mutex_lock(&ob->m_mu);
	ob->m.latency[b]++;
	/* The histogram's _sum and _count (a clock step back counts 0). */
	ob->m.latency_sum_ms += (uint64_t)(ms > 0 ? ms : 0);
	ob->m.latency_count++;
	pthread_mutex_unlock(&ob->m_mu);
}

/* A move the outbox makes; logs and counts it. */
int ob_move(struct outbox *ob, uint64_t id, enum msg_status from, enum msg_status to,
		   const struct store_move *mv, int64_t now)
{
	int rc = store_msg_move(ob->cfg.store, id, from, to, mv, now);

	ob_moved(ob, id, from, to, mv, rc);
	return rc;
}

void ob_moved(struct outbox *ob, uint64_t id, enum msg_status from, enum msg_status to,
	      const struct store_move *mv, int rc)
{
	if (rc) {
		LOG_WRN(&log_dispatch, NULL, "msg %llu: %s -> %s refused: %d",
			(unsigned long long)id, msg_status_str(from), msg_status_str(to), rc);
		return;
	}
	LOG_DBG(&log_dispatch, mv && mv->channel ? mv->channel : NULL, "msg %llu: %s -> %s (%s)",
		(unsigned long long)id, msg_status_str(from), msg_status_str(to),
		mv && mv->event ? mv->event : "");
	ob_metric_status(ob, to);
	ob_notify_status(ob, id, from, to);
}

void ob_notify_status(struct outbox *ob, uint64_t id, enum msg_status from, enum msg_status to)
{
	const struct outbox_observer *o = &ob->cfg.observer;
	struct store_msg m;

	if (!o->status)
		return;
	o->status(o->arg, id, from, to);
	/* A move to sent may have settled at once (every part reported). */
	if (to == MSG_SENT && store_msg_get(ob->cfg.store, id, &m) == 0) {
		enum msg_status now_st = m.status;

		store_msg_release(&m);
		if (now_st != MSG_SENT)
			o->status(o->arg, id, MSG_SENT, now_st);
	}
}

/* ---- routing ---- */

size_t outbox_route_first_healthy(const char *pref, struct channel *const *chans,
				  const bool *healthy, size_t n, size_t *idx, size_t max)
{
	bool any = !pref || !pref[0] || strcmp(pref, "auto") == 0;
	enum channel_kind kind;
	bool by_kind = !any && routing_kind_parse(pref, &kind) == 0;
	size_t k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		if (!chans[i] || !healthy[i])
			continue;
		if (any || (by_kind && chans[i]->kind == kind) || strcmp(chans[i]->name, pref) == 0)
			idx[k++] = i;
	}
	return k;
}

struct route {
	size_t cand[OUTBOX_MAX_CHANNELS];
	size_t n;
	char from[CHANNEL_NUMBER_MAX];
	struct routing_request req;
	struct routing_decision d;
};

/* 1: route found; 0: deferred or failed here; -errno. */
static int route_with_policy(struct outbox *ob, const struct store_msg *m, struct route *rt,
			     int64_t now)
{
	struct routing *r = ob->cfg.routing;
	struct store_move fail = { .event = "no route" };

	rt->req.to = m->to;
	rt->req.parts = m->segments;
	if (routing_pref_parse(r, m->channel_pref, &rt->req.pref) != 0) {
		fail.err_text = "unknown channel preference";
		ob_move(ob, m->id, m->status, MSG_FAILED, &fail, now);
		return 0;
	}
	routing_decide(r, &rt->req, now, &rt->d);
	if (rt->d.verdict == ROUTING_ROUTE) {
		for (size_t i = 0; i < ob->n_slots; i++) {
			if (ob->slots[i].ch && ob->slots[i].routing_idx == (int)rt->d.channel) {
				rt->cand[rt->n++] = i;
				snprintf(rt->from, sizeof(rt->from), "%s", rt->d.from);
				return 1;
			}
		}
		rt->d.at_ms = 0; /* configured but not attached: wait */
	}
	if (rt->d.verdict == ROUTING_NO_ROUTE && rt->d.permanent) {
		fail.err_text = routing_reason_str(rt->d.reason);
		ob_move(ob, m->id, m->status, MSG_FAILED, &fail, now);
		return 0;
	}
	store_msg_defer(ob->cfg.store, m->id,
			rt->d.at_ms > now ? rt->d.at_ms : now + ob->cfg.busy_retry_ms, now);
	return 0;
}

static int route(struct outbox *ob, const struct store_msg *m, struct route *rt, int64_t now)
{
	struct channel *chans[OUTBOX_MAX_CHANNELS];
	bool healthy[OUTBOX_MAX_CHANNELS];

	memset(rt, 0, sizeof(*rt));
	if (ob->cfg.routing)
		return route_with_policy(ob, m, rt, now);
	for (size_t i = 0; i < ob->n_slots; i++) {
		chans[i] = ob->slots[i].ch;
		healthy[i] = ob->slots[i].healthy;
	}
	rt->n = outbox_route_first_healthy(m->channel_pref, chans, healthy, ob->n_slots, rt->cand,
					   OUTBOX_MAX_CHANNELS);
	if (rt->n)
		return 1;
	store_msg_defer(ob->cfg.store, m->id, now + ob->cfg.busy_retry_ms, now);
	return 0;
}

/* ---- dispatch ---- */

static void fill_channel_msg(const struct store_msg *m, const char *from, int64_t now,
			     struct channel_msg *cm)
{
	memset(cm, 0, sizeof(*cm));
	cm->id = m->id;
	cm->to = m->to;
	cm->from = from && from[0] ? from : (m->from[0] ? m->from : NULL);
	cm->text = m->body;
	cm->text_len = m->body_len;
	cm->want_report = true;
	cm->validity_s = m->expires_at > now ? (m->expires_at - now) / 1000 : 0;
	cm->ucs2 = strcmp(m->encoding, "ucs2") == 0;
}

/* The channels refused synchronously: back to queued (the attempt does not
 * count) or failed when none could ever carry it. */
static void submit_refused(struct outbox *ob, const struct store_msg *m, bool all_invalid,
			   int64_t now)
{
	struct store_move mv = { .attempts_delta = -1 };

	if (all_invalid) {
		mv.event = "refused";
		mv.err_code = -EINVAL;
		mv.err_text = "no channel can carry this message";
		ob_move(ob, m->id, MSG_SENDING, MSG_FAILED, &mv, now);
		return;
	}
	mv.event = "busy";
	mv.next_attempt_at = now + ob->cfg.busy_retry_ms;
	ob_move(ob, m->id, MSG_SENDING, MSG_QUEUED, &mv, now);
}

static int try_submit(struct outbox *ob, const struct store_msg *m, struct route *rt,
		      int64_t now)
{
	struct channel_msg cm;
	bool all_invalid = true;

	fill_channel_msg(m, rt->from, now, &cm);
	for (size_t i = 0; i < rt->n; i++) {
		struct ob_slot *s = &ob->slots[rt->cand[i]];
		int rc = channel_submit(s->ch, &cm);

		if (rc == 0) {
			ob->flights[ob->n_flights++] = (struct ob_flight){
				.id = m->id, .slot = (int)rt->cand[i], .created_at = m->created_at,
			};
			if (i > 0)
				store_msg_set_channel(ob->cfg.store, m->id, s->name, now);
			CHAN_METRIC(ob, s, submitted);
			return 1;
		}
		LOG_DBG(&log_dispatch, s->name, "msg %llu refused: %d", (unsigned long long)m->id,
			rc);
		all_invalid = all_invalid && rc == -EINVAL;
		if (ob->cfg.routing && s->routing_idx >= 0 && (rc == -EBUSY || rc == -ENOTCONN))
			routing_on_event(ob->cfg.routing, (unsigned)s->routing_idx,
					 rc == -EBUSY ? ROUTING_EV_THROTTLED
						      : ROUTING_EV_REGISTRATION_LOST,
					 now);
	}
	submit_refused(ob, m, all_invalid, now);
	return 0;
}

/* A message of this pass that routing let through, waiting for its claim. */
struct claim {
	struct store_msg m;
	struct route rt;
	size_t op;                 /* its claim op in the batch */
};

/* Reads and routes one due message. 1: to be claimed (c filled, release
 * c->m); 0: not now (moved, deferred or no longer waiting); -errno. */
static int prepare_one(struct outbox *ob, uint64_t id, struct claim *c, int64_t now)
{
	int rc = store_msg_get(ob->cfg.store, id, &c->m);

	if (rc)
		return rc;
	if (c->m.status != MSG_QUEUED && c->m.status != MSG_SCHEDULED) {
		store_msg_release(&c->m);
		return 0;
	}
	rc = route(ob, &c->m, &c->rt, now);
	if (rc != 1) {
		store_msg_release(&c->m);
		return rc;
	}
	/* Taken now, before the next message is routed: the decisions of one
	 * pass see each other's tokens and quota as one at a time did. A
	 * channel that then refuses synchronously has used its tokens. */
	if (ob->cfg.routing)
		routing_commit(ob->cfg.routing, &c->rt.req, &c->rt.d, now);
	return 1;
}

/* The claim ops of one message: scheduled -> queued when due, then
 * queued -> sending (attempts +1, channel, sender). */
static size_t claim_ops(struct outbox *ob, struct claim *c, struct store_op *ops)
{
	size_t k = 0;

	if (c->m.status == MSG_SCHEDULED)
		ops[k++] = (struct store_op){ .kind = STORE_OP_MOVE, .id = c->m.id,
					      .from = MSG_SCHEDULED, .to = MSG_QUEUED,
					      .mv = { .event = "due" } };
	ops[k++] = (struct store_op){
		.kind = STORE_OP_MOVE, .id = c->m.id, .from = MSG_QUEUED, .to = MSG_SENDING,
		.mv = { .event = "claim", .attempts_delta = 1,
			.channel = ob->slots[c->rt.cand[0]].name,
			.sender = c->rt.from[0] ? c->rt.from : NULL },
	};
	return k;
}

/* Claims every routed message of the pass in ONE transaction, committed
 * before any channel sees one of them (the crash rule relies on it), then
 * submits those claimed. Returns how many were handed to a channel. */
static int claim_and_submit(struct outbox *ob, struct claim *cl, size_t n, int64_t now)
{
	struct store_op *ops = calloc(2 * n, sizeof(*ops));
	size_t k = 0;
	int sent = 0, rc;

	if (!ops)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		k += claim_ops(ob, &cl[i], ops + k);
		cl[i].op = k - 1;
	}
	rc = store_batch(ob->cfg.store, ops, k, now);
	if (rc)
		LOG_WRN(&log_dispatch, NULL, "claim of %zu message(s) not committed: %d", n, rc);
	for (size_t i = 0; i < k; i++)
		if (!rc)
			ob_moved(ob, ops[i].id, ops[i].from, ops[i].to, &ops[i].mv, ops[i].rc);
	for (size_t i = 0; i < n && !rc; i++)
		if (ops[cl[i].op].rc == 0)
			sent += try_submit(ob, &cl[i].m, &cl[i].rt, now) == 1;
	free(ops);
	return rc ? rc : sent;
}

/* Routes the due ids, claims them in one transaction and submits them.
 * Returns how many were handed to a channel. */
static int dispatch_ids(struct outbox *ob, const uint64_t *ids, size_t n, int64_t now)
{
	struct claim *cl = calloc(n ? n : 1, sizeof(*cl));
	size_t k = 0;
	int sent = 0;

	if (!cl)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		k += prepare_one(ob, ids[i], &cl[k], now) == 1;
	if (k)
		sent = claim_and_submit(ob, cl, k, now);
	for (size_t i = 0; i < k; i++)
		store_msg_release(&cl[i].m);
	free(cl);
	return sent;
}

static int64_t due_cb(void *arg);
static void arm_due_at(struct outbox *ob, int64_t when, int64_t now);

static void arm_due_timer(struct outbox *ob, int64_t now)
{
	int64_t when = 0;

	if (ob->due_timer) {
		hal_loop_cancel_timer(ob->cfg.loop, ob->due_timer);
		ob->due_timer = 0;
	}
	ob->due_at = 0;
	if (store_next_due(ob->cfg.store, now, &when) != 0 || when <= 0)
		return;
	arm_due_at(ob, when, now);
}

/* The due timer for when (absolute), replacing an armed one. */
static void arm_due_at(struct outbox *ob, int64_t when, int64_t now)
{
	if (ob->due_timer)
		hal_loop_cancel_timer(ob->cfg.loop, ob->due_timer);
	ob->due_timer = 0;
	ob->due_at = when;
	hal_loop_add_timer(ob->cfg.loop, when > now ? when - now : 0, due_cb, ob, &ob->due_timer);
}

/* sweep: also expire what is past its validity (the kick and due-timer
 * passes; the pass after an enqueue skips it: the due timer is armed for the
 * earliest expiry too). */
static int dispatch(struct outbox *ob, bool sweep)
{
	uint64_t ids[DISPATCH_PASS_MAX];
	int64_t now = ob_now(ob);
	size_t room = ob->cfg.max_in_flight - ob->n_flights;
	int n, sent = 0, expired;

	ob_flush(ob); /* completions first: their slots are free */
	expired = sweep ? store_expire_due(ob->cfg.store, now) : 0;
	if (expired > 0) {
		pthread_mutex_lock(&ob->m_mu);
		ob->m.to_status[MSG_EXPIRED] += (uint64_t)expired;
		pthread_mutex_unlock(&ob->m_mu);
	}
	if (room > DISPATCH_PASS_MAX)
		room = DISPATCH_PASS_MAX;
	n = room ? store_due(ob->cfg.store, now, ids, room) : 0;
	if (n > 0)
		sent = dispatch_ids(ob, ids, (size_t)n, now);
	if (n > 0 && (size_t)n == room && ob->n_flights < ob->cfg.max_in_flight)
		ob_schedule_kick(ob); /* more may be due */
	arm_due_timer(ob, now);
	pthread_mutex_lock(&ob->m_mu);
	ob->m.in_flight = ob->n_flights;
	pthread_mutex_unlock(&ob->m_mu);
	return n < 0 ? n : sent;
}

static int64_t due_cb(void *arg)
{
	struct outbox *ob = arg;

	ob->due_timer = 0;
	ob->due_at = 0;
	dispatch(ob, true);
	return HAL_TIMER_STOP;
}

static int64_t kick_cb(void *arg)
{
	struct outbox *ob = arg;

	ob->kick_timer = 0;
	dispatch(ob, true);
	return HAL_TIMER_STOP;
}

void ob_schedule_kick(struct outbox *ob)
{
	if (!ob->kick_timer)
		hal_loop_add_timer(ob->cfg.loop, 0, kick_cb, ob, &ob->kick_timer);
}

/* After a group commit: a dispatch pass only when a new message is due now;
 * for scheduled ones, at most an earlier due timer, with no store query. */
void ob_on_wake(void *arg)
{
	struct outbox *ob = arg;
	bool pass;
	int64_t next_at;

	pthread_mutex_lock(&ob->m_mu);
	pass = ob->wake_dispatch;
	next_at = ob->wake_next_at;
	ob->wake_dispatch = false;
	ob->wake_next_at = 0;
	pthread_mutex_unlock(&ob->m_mu);
	if (pass) {
		dispatch(ob, false);
		return;
	}
	if (next_at > 0 && (!ob->due_timer || next_at < ob->due_at))
		arm_due_at(ob, next_at, ob_now(ob));
}

void ob_stop_timers(struct outbox *ob)
{
	ob_flush(ob);
	if (ob->kick_timer)
		hal_loop_cancel_timer(ob->cfg.loop, ob->kick_timer);
	if (ob->due_timer)
		hal_loop_cancel_timer(ob->cfg.loop, ob->due_timer);
	if (ob->stale_timer)
		hal_loop_cancel_timer(ob->cfg.loop, ob->stale_timer);
	ob->kick_timer = ob->due_timer = ob->stale_timer = 0;
	ob->due_at = 0;
}

int outbox_kick(struct outbox *ob)
{
	return ob ? dispatch(ob, true) : -EINVAL;
}
