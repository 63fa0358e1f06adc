/* The outbox's thread-safe half: enqueue with idempotency keys, the group
 * committer thread, channel slots and metrics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#include "hal/log.h"
#include "outbox_priv.h"
#include "sms/segment.h"

LOG_MODULE(log_outbox, "outbox");

const int64_t outbox_latency_bounds_ms[OUTBOX_LAT_BUCKETS - 1] = {
	100, 250, 500, 1000, 2000, 5000, 10000, 30000, 60000, 300000, 3600000,
};

int64_t ob_now(struct outbox *ob)
{
	return hal_clock_wall_ms(hal_loop_clock(ob->cfg.loop));
}

void ob_metric_status(struct outbox *ob, enum msg_status st)
{
	pthread_mutex_lock(&ob->m_mu);
	if ((unsigned)st < MSG_STATUS_COUNT)
		ob->m.to_status[st]++;
	pthread_mutex_unlock(&ob->m_mu);
}

/* ---- payload hash ---- */

static void hash_field(mbedtls_sha256_context *c, const void *p, size_t len)
{
	uint8_t n[8];

	/* Length-prefixed, so ("ab","c") and ("a","bc") differ; absent != "". */
	for (int i = 0; i < 8; i++)
		n[i] = (uint8_t)((uint64_t)len >> (8 * i));
	mbedtls_sha256_update_ret(c, n, sizeof(n));
	if (p && len)
		mbedtls_sha256_update_ret(c, p, len);
}

static void hash_str(mbedtls_sha256_context *c, const char *s)
{
	hash_field(c, s, s ? strlen(s) : (size_t)-1);
}

static void hash_i64(mbedtls_sha256_context *c, int64_t v)
{
	hash_field(c, &v, sizeof(v));
}

/* SHA-256 over everything the caller sent: the same key must come with the
 * same payload. */
static void payload_hash(const struct outbox_msg *m, uint8_t out[STORE_HASH_LEN])
{
	mbedtls_sha256_context c;

	mbedtls_sha256_init(&c);
	mbedtls_sha256_starts_ret(&c, 0);
	hash_str(&c, m->to);
	hash_str(&c, m->from);
	hash_field(&c, m->body, m->body_len);
	hash_str(&c, m->encoding);
	hash_str(&c, m->channel_pref);
	hash_str(&c, m->crm_type);
	hash_str(&c, m->crm_id);
	hash_i64(&c, m->contact_id);
	hash_i64(&c, m->user_id);
	hash_i64(&c, m->send_at_ms);
	hash_i64(&c, m->validity_s);
	mbedtls_sha256_finish_ret(&c, out);
	mbedtls_sha256_free(&c);
}

/* ---- validation ---- */

static bool e164_ok(const char *to)
{
	size_t n;

	if (!to || to[0] != '+')
		return false;
	for (n = 1; to[n]; n++)
		if (to[n] < '0' || to[n] > '9')
			return false;
	return n >= 2 && n <= 16;
}

/* Fills encoding and segments with the SMS codec when the caller did not
 * say. Returns 0 or -EINVAL (not UTF-8, or not GSM-7 when gsm7 forced). */
static int count_segments(const struct outbox_msg *m, struct store_msg_new *n)
{
	struct sms_segment_opts o = { .pref = SMS_PREF_AUTO };
	struct sms_segment_info info;
	int rc;

	n->encoding = m->encoding;
	n->segments = m->segments;
	if (m->segments)
		return 0;
	if (m->encoding && strcmp(m->encoding, "gsm7") == 0)
		o.pref = SMS_PREF_GSM7;
	else if (m->encoding && strcmp(m->encoding, "ucs2") == 0)
		o.pref = SMS_PREF_UCS2;
	else if (m->encoding && strcmp(m->encoding, "auto") != 0)
		return -EINVAL;
	rc = sms_segment_count(m->body ? m->body : "", m->body_len, &o, &info);
	if (rc)
		return rc == -E2BIG ? -E2BIG : -EINVAL;
	n->encoding = sms_encoding_str(info.encoding);
	n->segments = info.parts ? info.parts : 1;
	return 0;
}

static int build_new(struct outbox *ob, const struct outbox_msg *m, struct store_msg_new *n,
		     uint8_t hash[STORE_HASH_LEN], int64_t now)
{
	int64_t validity = m->validity_s ? m->validity_s
					 : __atomic_load_n(&ob->cfg.default_validity_s, __ATOMIC_RELAXED);
	int64_t start;
	int rc;

	if (!e164_ok(m->to) || (m->body_len && !m->body) || m->validity_s < 0 ||
	    m->send_at_ms < 0 || m->segments > 255)
		return -EINVAL;
	if (m->body_len > STORE_BODY_MAX)
		return -E2BIG;
	memset(n, 0, sizeof(*n));
	rc = count_segments(m, n);
	if (rc)
		return rc;
	n->to = m->to;
	n->from = m->from;
	n->body = m->body;
	n->body_len = m->body_len;
	n->channel_pref = m->channel_pref ? m->channel_pref : "auto";
	n->crm_type = m->crm_type;
	n->crm_id = m->crm_id;
	n->contact_id = m->contact_id;
	n->user_id = m->user_id;
	n->send_at = m->send_at_ms;
	n->business_unit = m->business_unit;
	n->source = m->source;
	n->number_type = m->number_type;
	n->template_id = m->template_id;
	n->status_callback = m->status_callback;
	start = m->send_at_ms > now ? m->send_at_ms : now;
	n->expires_at = validity > 0 ? start + validity * 1000 : 0;
	if (m->idem_key) {
		payload_hash(m, hash);
		n->idem_key = m->idem_key;
		n->payload_hash = hash;
	}
	return 0;
}

/* ---- group commit ---- */

static struct ob_batch *batch_new(void)
{
	struct ob_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	pthread_cond_init(&b->cv, NULL);
	b->tail = &b->head;
	return b;
}

static void batch_free(struct ob_batch *b)
{
	pthread_cond_destroy(&b->cv);
	free(b);
}

static void commit_chunk(struct outbox *ob, struct ob_req *first, size_t k,
			 struct store_enqueue *items)
{
	struct ob_req *r = first;
	int64_t now = ob_now(ob);

	for (size_t i = 0; i < k; i++, r = r->next)
		items[i] = r->item;
	store_enqueue_batch(ob->cfg.store, items, k, now);
	r = first;
	for (size_t i = 0; i < k; i++, r = r->next)
		r->item = items[i];
}

/* What a new message asks of the loop: a dispatch pass when it is due now
 * (queued), else a due timer no later than its send time or expiry. The
 * loop then needs no store query to re-arm (docs/benchmarks.md). */
static void note_due(const struct store_enqueue *it, bool *due_now, int64_t *next_at)
{
	int64_t t[2] = { it->status == MSG_SCHEDULED ? it->m->send_at : 0, it->m->expires_at };

	if (it->status == MSG_QUEUED)
		*due_now = true;
	for (size_t i = 0; i < 2; i++)
		if (t[i] > 0 && (!*next_at || t[i] < *next_at))
			*next_at = t[i];
}

static void fill_result(const struct ob_req *req, struct outbox_result *res)
{
	memset(res, 0, sizeof(*res));
	res->id = req->item.id;
	res->status = req->item.status;
	res->replay = req->item.replay;
	if (req->item.rc == 0 && !req->item.replay) {
		res->conversation_id = req->item.conversation_id;
		res->created_at = req->item.created_at;
		res->send_at = req->m.send_at;
		res->expires_at = req->m.expires_at;
		snprintf(res->encoding, sizeof(res->encoding), "%s",
			 req->m.encoding ? req->m.encoding : "");
		res->segments = req->m.segments;
		snprintf(res->channel_pref, sizeof(res->channel_pref), "%s", req->m.channel_pref);
	}
}

/* Wakes the sleeping callers and answers the asynchronous ones. A sleeping
 * caller's request lives on its stack and may be gone once b->done is set,
 * so the asynchronous ones are taken out of the list first. */
static void answer_batch(struct outbox *ob, struct ob_batch *b)
{
	struct ob_req *async = NULL, **tail = &async;
	bool free_batch;

	for (struct ob_req *r = b->head; r; r = r->next)
		if (r->done) {
			*tail = r;
			tail = &r->async_next;
		}
	*tail = NULL;
	pthread_mutex_lock(&ob->gc_mu);
	b->done = true;
	pthread_cond_broadcast(&b->cv);
	free_batch = b->waiters == 0;
	pthread_mutex_unlock(&ob->gc_mu);
	if (free_batch)
		batch_free(b);
	while (async) {
		struct ob_req *r = async;
		struct outbox_result res;

		async = r->async_next;
		fill_result(r, &res);
		r->done(r->done_arg, r->item.rc, &res);
		free(r);
	}
}

/* Commits a taken batch in transactions of at most max_batch messages
 * (normally one), then wakes its callers and the loop. */
static void commit_batch(struct outbox *ob, struct ob_batch *b)
{
	size_t max = __atomic_load_n(&ob->cfg.max_batch, __ATOMIC_RELAXED);
	struct store_enqueue *items = calloc(b->n < max ? b->n : max, sizeof(*items));
	struct ob_req *r = b->head;
	uint64_t ok = 0, replays = 0, conflicts = 0, errors = 0, batches = 0;

	while (r) {
		size_t k = 0;
		struct ob_req *first = r;

		for (; r && k < max; r = r->next)
			k++;
		if (items) {
			commit_chunk(ob, first, k, items);
		} else {
			for (struct ob_req *q = first; q != r; q = q->next)
				q->item.rc = -ENOMEM;
		}
		batches++;
	}
	free(items);
	int64_t next_at = 0;
	bool due_now = false;

	for (r = b->head; r; r = r->next) {
		if (r->item.rc == 0 && !r->item.replay)
			note_due(&r->item, &due_now, &next_at);
		if (r->item.rc == 0)
			r->item.replay ? replays++ : ok++;
		else if (r->item.rc == -EEXIST)
			conflicts++;
		else
			errors++;
	}
	pthread_mutex_lock(&ob->m_mu);
	ob->m.enqueued += ok;
	ob->m.replays += replays;
	ob->m.conflicts += conflicts;
	ob->m.enqueue_errors += errors;
	ob->m.batches += batches;
	ob->m.to_status[MSG_ACCEPTED] += ok;
	ob->wake_dispatch = ob->wake_dispatch || due_now;
	if (next_at > 0 && (!ob->wake_next_at || next_at < ob->wake_next_at))
		ob->wake_next_at = next_at;
	pthread_mutex_unlock(&ob->m_mu);

	/* Wake the loop before the callers return, so a caller that then runs
	 * the loop finds its message due. */
	if (ok)
		hal_loop_wake(ob->cfg.loop, ob->waker);
	answer_batch(ob, b);
}

static void *committer_main(void *arg)
{
	struct outbox *ob = arg;

	pthread_mutex_lock(&ob->gc_mu);
	for (;;) {
		struct ob_batch *b;

		while (!ob->stopping && (!ob->open || ob->open->n == 0))
			pthread_cond_wait(&ob->gc_cv, &ob->gc_mu);
		if (!ob->open || ob->open->n == 0)
			break; /* stopping, nothing left */
		b = ob->open;
		ob->open = NULL; /* later callers start the next batch */
		pthread_mutex_unlock(&ob->gc_mu);
		commit_batch(ob, b);
		pthread_mutex_lock(&ob->gc_mu);
	}
	pthread_mutex_unlock(&ob->gc_mu);
	return NULL;
}

/* Joins the open batch; a caller without a done callback sleeps until the
 * committer is done with it. */
static int submit(struct outbox *ob, struct ob_req *req)
{
	struct ob_batch *b;

	pthread_mutex_lock(&ob->gc_mu);
	if (ob->stopping) {
		pthread_mutex_unlock(&ob->gc_mu);
		return -ESHUTDOWN;
	}
	if (!ob->open) {
		ob->open = batch_new();
		if (!ob->open) {
			pthread_mutex_unlock(&ob->gc_mu);
			return -ENOMEM;
		}
	}
	b = ob->open;
	req->batch = b;
	req->next = NULL;
	*b->tail = req;
	b->tail = &req->next;
	b->n++;
	pthread_cond_signal(&ob->gc_cv);
	if (req->done) {
		pthread_mutex_unlock(&ob->gc_mu);
		return 0;
	}
	b->waiters++;
	while (!b->done)
		pthread_cond_wait(&b->cv, &ob->gc_mu);
	if (--b->waiters == 0)
		batch_free(b);
	pthread_mutex_unlock(&ob->gc_mu);
	return 0;
}

int outbox_enqueue(struct outbox *ob, const struct outbox_msg *m, struct outbox_result *res)
{
	struct ob_req req;
	int rc;

	if (!ob || !m || !res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	memset(&req, 0, sizeof(req));
	rc = build_new(ob, m, &req.m, req.hash, ob_now(ob));
	if (rc)
		return rc;
	req.item.m = &req.m;
	rc = submit(ob, &req);
	if (rc)
		return rc;
	fill_result(&req, res);
	return req.item.rc;
}

int outbox_enqueue_async(struct outbox *ob, const struct outbox_msg *m, outbox_done_cb done,
			 void *arg)
{
	struct ob_req *req;
	int rc;

	if (!ob || !m || !done)
		return -EINVAL;
	req = calloc(1, sizeof(*req));
	if (!req)
		return -ENOMEM;
	rc = build_new(ob, m, &req->m, req->hash, ob_now(ob));
	if (!rc) {
		req->item.m = &req->m;
		req->done = done;
		req->done_arg = arg;
		rc = submit(ob, req);
	}
	if (rc)
		free(req);
	return rc;
}

/* ---- channels ---- */

static struct ob_slot *slot_find(struct outbox *ob, const char *name)
{
	for (size_t i = 0; i < ob->n_slots; i++)
		if (strcmp(ob->slots[i].name, name) == 0)
			return &ob->slots[i];
	return NULL;
}

static struct ob_slot *slot_make(struct outbox *ob, const char *name)
{
	struct ob_slot *s;

	if (ob->n_slots == OUTBOX_MAX_CHANNELS)
		return NULL;
	s = &ob->slots[ob->n_slots++];
	memset(s, 0, sizeof(*s));
	s->ob = ob;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->routing_idx = ob->cfg.routing ? routing_config_find(&ob->cfg.routing->cfg, name) : -1;
	pthread_mutex_lock(&ob->m_mu);
	snprintf(ob->m.channels[ob->n_slots - 1].name, sizeof(ob->m.channels[0].name), "%s", name);
	ob->m.n_channels = ob->n_slots;
	pthread_mutex_unlock(&ob->m_mu);
	return s;
}

int outbox_channel_events(struct outbox *ob, const char *name, struct channel_events *out)
{
	struct ob_slot *s;

	if (!ob || !name || !name[0] || strlen(name) >= sizeof(s->name) || !out)
		return -EINVAL;
	s = slot_find(ob, name);
	if (s && s->events_given)
		return -EEXIST;
	if (!s && !(s = slot_make(ob, name)))
		return -ENOSPC;
	s->events_given = true;
	ob_events_fill(s, out);
	return 0;
}

int outbox_add_channel(struct outbox *ob, struct channel *ch)
{
	struct channel_health h;
	struct ob_slot *s;

	if (!ob || !ch || !ch->ops || !ch->ops->submit || !ch->name[0])
		return -EINVAL;
	s = slot_find(ob, ch->name);
	if (s && s->ch)
		return -EEXIST;
	if (!s && !(s = slot_make(ob, ch->name)))
		return -ENOSPC;
	if (ob->cfg.routing && s->routing_idx < 0) {
		LOG_ERR(&log_outbox, ch->name, "channel not in the routing config");
		return -ENOENT;
	}
	s->ch = ch;
	s->healthy = true;
	if (ch->ops->get_health && ch->ops->get_health(ch->ctx, &h) == 0)
		s->healthy = h.can_send;
	ob_schedule_kick(ob);
	return 0;
}

/* ---- life ---- */

static int apply_defaults(struct outbox *ob, const struct outbox_config *cfg)
{
	ob->cfg = *cfg;
	if (!ob->cfg.busy_retry_ms)
		ob->cfg.busy_retry_ms = 1000;
	if (!ob->cfg.max_in_flight)
		ob->cfg.max_in_flight = 64;
	if (!ob->cfg.max_batch)
		ob->cfg.max_batch = 256;
	if (!ob->cfg.default_validity_s)
		ob->cfg.default_validity_s = 86400;
	if (!ob->cfg.inbound_part_timeout_ms)
		ob->cfg.inbound_part_timeout_ms = 3600000;
	if (cfg->backoff)
		ob->backoff = *cfg->backoff;
	else
		routing_backoff_defaults(&ob->backoff);
	return routing_backoff_validate(&ob->backoff, NULL, 0);
}

static int recover(struct outbox *ob)
{
	struct store_recovery r;
	int rc = store_recover_sending(ob->cfg.store, ob_now(ob), &r);

	if (rc)
		return rc;
	pthread_mutex_lock(&ob->m_mu);
	ob->m.possible_duplicates += r.requeued;
	ob->m.to_status[MSG_SENT] += r.to_sent;
	ob->m.to_status[MSG_QUEUED] += r.requeued;
	ob->m.to_status[MSG_EXPIRED] += r.expired;
	pthread_mutex_unlock(&ob->m_mu);
	return 0;
}

/* How often incomplete inbound messages are looked at: a quarter of the
 * timeout, between 1 s and 60 s. */
static int64_t stale_period(const struct outbox *ob)
{
	int64_t p = ob->cfg.inbound_part_timeout_ms / 4;
	return p < 1000 ? 1000 : p > 60000 ? 60000 : p;
}

static int64_t stale_cb(void *arg)
{
	struct outbox *ob = arg;
	int64_t now = ob_now(ob);
	unsigned flushed = 0;
	int rc = store_inbound_flush_stale(ob->cfg.store, now - ob->cfg.inbound_part_timeout_ms,
					   now, &flushed);

	if (rc)
		LOG_WRN(&log_outbox, NULL, "incomplete inbound messages: %s", strerror(-rc));
	else if (flushed)
		LOG_WRN(&log_outbox, NULL,
			"%u inbound message(s) stored incomplete: parts missing after %lld ms",
			flushed, (long long)ob->cfg.inbound_part_timeout_ms);
	if (flushed) {
		pthread_mutex_lock(&ob->m_mu);
		ob->m.inbound += flushed;
		pthread_mutex_unlock(&ob->m_mu);
	}
	/* More may be waiting (16 per call): come back at once. */
	return flushed == 16 ? 0 : stale_period(ob);
}

int outbox_new(struct outbox **out, const struct outbox_config *cfg)
{
	struct outbox *ob;
	int rc;

	if (!out || !cfg || !cfg->store || !cfg->loop || cfg->busy_retry_ms < 0 ||
	    cfg->default_validity_s < 0 || cfg->inbound_part_timeout_ms < 0)
		return -EINVAL;
	ob = calloc(1, sizeof(*ob));
	if (!ob)
		return -ENOMEM;
	pthread_mutex_init(&ob->gc_mu, NULL);
	pthread_cond_init(&ob->gc_cv, NULL);
	pthread_mutex_init(&ob->m_mu, NULL);
	rc = apply_defaults(ob, cfg);
	if (!rc) {
		ob->flights = calloc(ob->cfg.max_in_flight, sizeof(*ob->flights));
		rc = ob->flights ? 0 : -ENOMEM;
	}
	if (!rc)
		rc = hal_loop_add_waker(cfg->loop, ob_on_wake, ob, &ob->waker);
	if (!rc)
		rc = recover(ob);
	if (!rc)
		rc = hal_loop_add_timer(cfg->loop, stale_period(ob), stale_cb, ob,
					&ob->stale_timer);
	if (!rc) {
		rc = -pthread_create(&ob->committer, NULL, committer_main, ob);
		ob->thread_started = rc == 0;
	}
	if (rc) {
		outbox_destroy(ob);
		return rc;
	}
	ob_schedule_kick(ob);
	*out = ob;
	return 0;
}

void outbox_destroy(struct outbox *ob)
{
	if (!ob)
		return;
	pthread_mutex_lock(&ob->gc_mu);
	ob->stopping = true;
	pthread_cond_broadcast(&ob->gc_cv);
	pthread_mutex_unlock(&ob->gc_mu);
	if (ob->thread_started)
		pthread_join(ob->committer, NULL);
	ob_stop_timers(ob); /* commits what is kept (ob_flush) */
	free(ob->refs);
	free(ob->dones);
	free(ob->flights);
	pthread_mutex_destroy(&ob->gc_mu);
	pthread_cond_destroy(&ob->gc_cv);
	pthread_mutex_destroy(&ob->m_mu);
	free(ob);
}

void outbox_metrics_get(struct outbox *ob, struct outbox_metrics *out)
{
	uint64_t depth = 0;

	if (!ob || !out)
		return;
	store_queue_depth(ob->cfg.store, &depth);
	pthread_mutex_lock(&ob->m_mu);
	ob->m.queue_depth = depth;
	*out = ob->m;
	pthread_mutex_unlock(&ob->m_mu);
}

/* The validity and the batch size are read by other threads (enqueue,
 * committer): stored atomically. The backoff is the loop thread's own. */
int outbox_set_limits(struct outbox *ob, const struct routing_backoff_cfg *backoff,
		      int64_t default_validity_s, size_t max_batch)
{
	char why[120];

	if (!ob || !backoff || default_validity_s < 0)
		return -EINVAL;
	if (routing_backoff_validate(backoff, why, sizeof(why))) {
		LOG_WRN(&log_outbox, NULL, "retry settings refused: %s", why);
		return -EINVAL;
	}
	ob->backoff = *backoff;
	if (default_validity_s)
		__atomic_store_n(&ob->cfg.default_validity_s, default_validity_s, __ATOMIC_RELAXED);
	if (max_batch)
		__atomic_store_n(&ob->cfg.max_batch, max_batch, __ATOMIC_RELAXED);
	return 0;
}
