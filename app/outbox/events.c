/* What channels report back (loop thread): part references, submit
 * outcomes with retries and backoff, delivery reports, inbound messages,
 * health; and cancel. */
#include <errno.h>
#include <string.h>

#include "hal/log.h"
#include "outbox_priv.h"

LOG_MODULE(log_events, "outbox");

static void ev_part_sent(void *arg, uint64_t id, unsigned part, unsigned total, const char *ref)
{
	struct ob_slot *s = arg;
	struct outbox *ob = s->ob;
	int rc;

	/* In flight: kept, committed with its move to sent (ob_flush). */
	if (ob_flight_find(ob, id) && ob_ref_keep(ob, s, id, part, total, ref) == 0)
		return;
	rc = store_part_sent(ob->cfg.store, id, part, total, s->name, ref, ob_now(ob));
	if (rc)
		LOG_ERR(&log_events, s->name, "msg %llu part %u/%u ref %s not recorded: %d",
			(unsigned long long)id, part + 1, total, ref ? ref : "", rc);
}

static uint64_t jitter(struct outbox *ob)
{
	uint64_t r = 0;

	if (ob->cfg.rng)
		hal_rng_fill(ob->cfg.rng, &r, sizeof(r));
	return r;
}

/* A retryable failure: again later, or failed/expired when the attempts or
 * the validity are used up. */
static void retry_or_give_up(struct outbox *ob, struct ob_slot *s, uint64_t id,
			     struct store_move *mv, int64_t now)
{
	struct routing_retry rr = { .verdict = ROUTING_GIVE_UP_FAILED };
	struct store_msg m;

	if (store_msg_get(ob->cfg.store, id, &m) == 0) {
		routing_next_attempt(&ob->backoff, m.attempts ? m.attempts : 1, now, m.expires_at,
				     jitter(ob), &rr);
		store_msg_release(&m);
	}
	switch (rr.verdict) {
	case ROUTING_RETRY_AT:
		mv->event = "retry";
		mv->next_attempt_at = rr.at_ms;
		if (ob_move(ob, id, MSG_SENDING, MSG_QUEUED, mv, now) == 0) {
			pthread_mutex_lock(&ob->m_mu);
			ob->m.retries++;
			pthread_mutex_unlock(&ob->m_mu);
			CHAN_METRIC(ob, s, retried);
		}
		break;
	case ROUTING_GIVE_UP_EXPIRED:
		mv->event = "retry past validity";
		ob_move(ob, id, MSG_SENDING, MSG_EXPIRED, mv, now);
		CHAN_METRIC(ob, s, failed);
		break;
	case ROUTING_GIVE_UP_FAILED:
		mv->event = "attempts used up";
		ob_move(ob, id, MSG_SENDING, MSG_FAILED, mv, now);
		CHAN_METRIC(ob, s, failed);
		break;
	}
}

static void ev_submit_done(void *arg, uint64_t id, const struct channel_outcome *o)
{
	struct ob_slot *s = arg;
	struct outbox *ob = s->ob;
	struct ob_flight *f = ob_flight_find(ob, id);
	int64_t now = ob_now(ob), created = f ? f->created_at : 0;
	struct store_move mv = { .err_code = o->code, .err_text = o->status ? o->text : NULL };

	if (f)
		ob_flight_remove(ob, f);
	else
		LOG_WRN(&log_events, s->name, "outcome for msg %llu that is not in flight",
			(unsigned long long)id);
	if (ob->cfg.routing && s->routing_idx >= 0)
		routing_on_outcome(ob->cfg.routing, (unsigned)s->routing_idx, o, now);
	if (o->status != 0)
		ob_flush(ob); /* what was kept is recorded before this outcome */
	if (o->status == 0) {
		/* Committed with the others of this loop turn (ob_flush). */
		if (ob_sent_keep(ob, s, id, created, o->code, now) != 0) {
			mv.event = "sent";
			if (ob_move(ob, id, MSG_SENDING, MSG_SENT, &mv, now) == 0)
				ob_sent_metric(ob, s, created, now);
		}
	} else if (o->status == -ECANCELED) {
		mv.event = "canceled";
		ob_move(ob, id, MSG_SENDING, MSG_CANCELED, &mv, now);
	} else if (o->retryable) {
		retry_or_give_up(ob, s, id, &mv, now);
	} else {
		mv.event = "failed";
		ob_move(ob, id, MSG_SENDING, MSG_FAILED, &mv, now);
		CHAN_METRIC(ob, s, failed);
	}
	ob_schedule_kick(ob); /* a slot is free */
}

static void ev_delivery(void *arg, const struct channel_report *r)
{
	struct ob_slot *s = arg;
	struct outbox *ob = s->ob;
	struct store_report_result res;
	enum msg_status ps = r->state == CHANNEL_DELIVERED     ? MSG_DELIVERED
			     : r->state == CHANNEL_UNDELIVERED ? MSG_UNDELIVERED
							       : MSG_SENT;
	int rc;

	ob_flush(ob); /* the report's part and message must be recorded */
	if (r->ref_prefix)
		rc = store_part_report_prefix(ob->cfg.store, s->name, r->ref, r->sent_after_ms,
					      r->recipient, ps, r->code, r->at_ms, ob_now(ob), &res);
	else
		rc = store_part_report(ob->cfg.store, s->name, r->ref, r->recipient, ps, r->code,
				       r->at_ms, ob_now(ob), &res);
	if (rc || !res.msg_id) {
		LOG_WRN(&log_events, s->name, "report for ref %s (%s): %s", r->ref,
			msg_status_str(ps), rc ? "not recorded" : "no such part");
		return;
	}
	if (res.msg_changed) {
		LOG_INF(&log_events, s->name, "msg %llu: sent -> %s (report for %s)",
			(unsigned long long)res.msg_id, msg_status_str(res.msg_status), r->ref);
		ob_metric_status(ob, res.msg_status);
		ob_notify_status(ob, res.msg_id, MSG_SENT, res.msg_status);
		if (res.msg_status == MSG_DELIVERED)
			CHAN_METRIC(ob, s, delivered);
		else
			CHAN_METRIC(ob, s, undelivered);
	}
}

static int ev_inbound(void *arg, const struct channel_inbound *m)
{
	struct ob_slot *s = arg;
	struct outbox *ob = s->ob;
	struct store_inbound in = {
		.channel = s->name,
		.from = m->from,
		.to = m->to,
		.body = m->text,
		.body_len = m->text_len,
		.encoding = m->encoding,
		.sent_at = m->sent_ms,
		.concat_ref = m->concat_ref,
		.concat_total = m->concat_total,
		.concat_seq = m->concat_seq,
		.source_ref = m->source_ref,
	};
	uint64_t id = 0;
	int rc = store_inbound_add(ob->cfg.store, &in, ob_now(ob), &id);

	if (rc) {
		LOG_ERR(&log_events, s->name, "inbound from %s not stored: %d", m->from, rc);
		return rc;
	}
	if (id) {
		ob_metric_status(ob, MSG_RECEIVED);
		if (ob->cfg.observer.inbound)
			ob->cfg.observer.inbound(ob->cfg.observer.arg, id);
		pthread_mutex_lock(&ob->m_mu);
		ob->m.inbound++;
		pthread_mutex_unlock(&ob->m_mu);
		CHAN_METRIC(ob, s, inbound);
	}
	return 0;
}

static void ev_health(void *arg, const struct channel_health *h)
{
	struct ob_slot *s = arg;
	bool was = s->healthy;

	s->healthy = h->can_send;
	if (s->ob->cfg.routing && s->routing_idx >= 0)
		routing_on_health(s->ob->cfg.routing, (unsigned)s->routing_idx, h, ob_now(s->ob));
	if (was != s->healthy)
		LOG_INF(&log_events, s->name, "%s -> %s (%s)", was ? "healthy" : "down",
			s->healthy ? "healthy" : "down", h->detail);
	if (s->healthy)
		ob_schedule_kick(s->ob);
}

void ob_events_fill(struct ob_slot *slot, struct channel_events *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->part_sent = ev_part_sent;
	ev->submit_done = ev_submit_done;
	ev->delivery = ev_delivery;
	ev->inbound = ev_inbound;
	ev->health = ev_health;
	ev->arg = slot;
}

int outbox_cancel(struct outbox *ob, uint64_t id)
{
	struct store_move mv = { .event = "cancel" };
	struct store_msg m;
	struct ob_flight *f;
	struct channel *ch;
	int rc;

	if (!ob)
		return -EINVAL;
	ob_flush(ob);
	rc = store_msg_get(ob->cfg.store, id, &m);
	if (rc)
		return rc;
	store_msg_release(&m);
	switch (m.status) {
	case MSG_ACCEPTED:
	case MSG_QUEUED:
	case MSG_SCHEDULED:
		return ob_move(ob, id, m.status, MSG_CANCELED, &mv, ob_now(ob));
	case MSG_SENDING:
		f = ob_flight_find(ob, id);
		ch = f ? ob->slots[f->slot].ch : NULL;
		if (!ch || !ch->ops->cancel || f->cancel_asked)
			return f && f->cancel_asked ? -EINPROGRESS : -EPERM;
		rc = ch->ops->cancel(ch->ctx, id);
		if (rc)
			return -EPERM; /* already with the network */
		f->cancel_asked = true;
		return -EINPROGRESS;
	default:
		return -EPERM;
	}
}
