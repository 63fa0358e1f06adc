/* Message ops of the api_backend: create through the outbox (durable before
 * return, or answered after the group commit with msg_create_async), get,
 * cancel, list; conversations; the metrics snapshot. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_metrics.h"
#include "crm_priv.h"
#include "hal/log.h"

LOG_MODULE(log_crm_msg, "crm");

static void cp_cut(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void crm_msg_to_api(const struct store_msg *s, struct api_msg *a)
{
	memset(a, 0, sizeof(*a));
	a->id = s->id;
	a->user_id = (uint64_t)s->user_id;
	a->conversation_id = s->conversation_id;
	a->contact_id = (uint64_t)s->contact_id;
	a->inbound = s->dir == STORE_DIR_IN;
	a->status = s->status;
	a->source = s->source == API_SRC_TWILIO ? API_SRC_TWILIO : API_SRC_REST;
	cp_cut(a->to, sizeof(a->to), s->to);
	cp_cut(a->from, sizeof(a->from), s->from[0] ? s->from : s->sender);
	/* The API validated outbound bodies; an inbound multipart message can
	 * be longer than the API's array: its start, cut on a UTF-8 boundary,
	 * with body_total saying so (op_msg_body gives the whole). */
	a->body_total = s->body_len;
	a->body_len = s->body_len;
	if (a->body_len > API_BODY_BYTES_MAX) {
		a->body_len = API_BODY_BYTES_MAX;
		while (a->body_len && ((uint8_t)s->body[a->body_len] & 0xC0) == 0x80)
			a->body_len--;
	}
	if (s->body && a->body_len)
		memcpy(a->body, s->body, a->body_len);
	cp_cut(a->encoding, sizeof(a->encoding), s->encoding);
	a->segments = s->segments;
	cp_cut(a->channel_pref, sizeof(a->channel_pref), s->channel_pref);
	cp_cut(a->channel, sizeof(a->channel), s->channel);
	cp_cut(a->number_type, sizeof(a->number_type), s->number_type);
	cp_cut(a->record_type, sizeof(a->record_type), s->crm_type);
	cp_cut(a->record_id, sizeof(a->record_id), s->crm_id);
	cp_cut(a->business_unit, sizeof(a->business_unit), s->business_unit);
	a->error_code = s->last_error_code;
	cp_cut(a->error_text, sizeof(a->error_text), s->last_error_text);
	a->created_at = s->created_at;
	a->updated_at = s->updated_at;
	a->send_at = s->send_at;
	a->sent_at = s->sent_at;
	a->expires_at = s->expires_at;
}

int crm_msg_get(struct crm *c, uint64_t id, struct api_msg *out)
{
	struct store_msg m;
	int rc = store_msg_get(c->cfg.store, id, &m);

	if (rc)
		return rc;
	crm_msg_to_api(&m, out);
	store_msg_release(&m);
	return 0;
}

static const char *opt(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* A send to a contact: choose the number when the API did not, and never
 * text a number the contact marked do-not-text. */
static int contact_target(struct crm *c, struct api_msg_new *n)
{
	struct store_contact sc;
	struct api_contact ac = { .n_numbers = 0 };
	int rc = store_contact_get(c->cfg.store, n->contact_id, &sc);

	if (rc)
		return rc;
	for (size_t i = 0; i < sc.n_numbers && i < API_CONTACT_NUMBERS_MAX; i++) {
		crm_cp(ac.numbers[i].type, sizeof(ac.numbers[i].type), sc.numbers[i].type);
		crm_cp(ac.numbers[i].number, sizeof(ac.numbers[i].number), sc.numbers[i].number);
		ac.numbers[i].do_not_text = sc.numbers[i].do_not_text;
		ac.n_numbers = i + 1;
	}
	if (n->to[0]) {
		for (size_t i = 0; i < ac.n_numbers; i++)
			if (ac.numbers[i].do_not_text && strcmp(ac.numbers[i].number, n->to) == 0)
				return -EACCES;
		return 0;
	}
	rc = crm_contact_pick(&ac, n->number_type);
	if (rc < 0)
		return -ENOENT;
	crm_cp(n->to, sizeof(n->to), ac.numbers[rc].number);
	crm_cp(n->number_type, sizeof(n->number_type), ac.numbers[rc].type);
	return 0;
}

/* The 202's message from what was committed (the request as the outbox
 * stored it plus what the enqueue returned), without reading the row back:
 * the same fields crm_msg_to_api gives a GET right after. */
static void committed_to_api(const struct api_msg_new *n, const struct outbox_msg *m,
			     const struct outbox_result *res, struct api_msg *a)
{
	memset(a, 0, sizeof(*a));
	a->id = res->id;
	a->user_id = n->user_id;
	a->conversation_id = res->conversation_id;
	a->contact_id = n->contact_id;
	a->status = res->status;
	a->source = n->source == API_SRC_TWILIO ? API_SRC_TWILIO : API_SRC_REST;
	cp_cut(a->to, sizeof(a->to), n->to);
	cp_cut(a->from, sizeof(a->from), n->from);
	a->body_len = n->body_len < API_BODY_BYTES_MAX ? n->body_len : API_BODY_BYTES_MAX;
	a->body_total = a->body_len; /* the API refuses longer texts */
	if (n->body && a->body_len)
		memcpy(a->body, n->body, a->body_len);
	cp_cut(a->encoding, sizeof(a->encoding), res->encoding);
	a->segments = res->segments;
	cp_cut(a->channel_pref, sizeof(a->channel_pref), res->channel_pref);
	cp_cut(a->number_type, sizeof(a->number_type), m->number_type ? m->number_type : "");
	if (m->crm_type) {
		cp_cut(a->record_type, sizeof(a->record_type), m->crm_type);
		cp_cut(a->record_id, sizeof(a->record_id), m->crm_id ? m->crm_id : "");
	}
	cp_cut(a->business_unit, sizeof(a->business_unit), n->business_unit);
	a->created_at = a->updated_at = res->created_at;
	a->send_at = res->send_at;
	a->expires_at = res->expires_at;
}

/* Completes n (the contact's number, the user's channel) and makes the
 * outbox's view of it, whose strings point into n. */
static int prepare(struct crm *c, struct api_msg_new *n, struct outbox_msg *m)
{
	struct store_user u;
	int64_t now = crm_now(c);
	int rc;

	if (n->contact_id && (rc = contact_target(c, n)) != 0)
		return rc;
	/* A user's assigned sending channel applies when the request left the
	 * choice open. */
	if (n->user_id && (!n->channel_pref[0] || strcmp(n->channel_pref, "auto") == 0) &&
	    store_user_get(c->cfg.store, n->user_id, &u) == 0 && u.channel[0])
		crm_cp(n->channel_pref, sizeof(n->channel_pref), u.channel);
	*m = (struct outbox_msg){
		.to = n->to,
		.from = opt(n->from),
		.body = n->body,
		.body_len = n->body_len,
		.encoding = opt(n->encoding),
		.segments = n->segments,
		.channel_pref = opt(n->channel_pref),
		.crm_type = opt(n->record_type),
		.crm_id = opt(n->record_type) ? n->record_id : NULL,
		.contact_id = (int64_t)n->contact_id,
		.user_id = (int64_t)n->user_id,
		.idem_key = opt(n->idem_key),
		.send_at_ms = n->send_at,
		.validity_s = n->expires_at > now ? (n->expires_at - now + 999) / 1000 : 0,
		.business_unit = n->business_unit,
		.source = (int)n->source,
		.number_type = opt(n->number_type),
		.template_id = (int64_t)n->template_id,
		.status_callback = opt(n->status_callback),
	};
	return 0;
}

static int op_msg_create(void *ctx, const struct api_msg_new *in, struct api_msg *out,
			 bool *replay)
{
	struct crm *c = ctx;
	struct outbox *ob = crm_outbox(c);
	struct api_msg_new n = *in;
	struct outbox_result res = { 0 };
	struct outbox_msg m;
	int rc;

	*replay = false;
	if (!ob)
		return -EAGAIN;
	rc = prepare(c, &n, &m);
	if (rc)
		return rc;
	rc = outbox_enqueue(ob, &m, &res);
	if (rc == -ESHUTDOWN)
		return -EAGAIN;
	if (rc)
		return rc;
	*replay = res.replay;
	if (res.replay)
		return crm_msg_get(c, res.id, out); /* the earlier message, as it is now */
	committed_to_api(&n, &m, &res, out);
	return 0;
}

/* An asynchronous create: the outbox's view lives until the commit. */
struct crm_create {
	struct api_msg_job *job;
	struct outbox_msg m;
};

/* On the outbox's committer thread: hand the outcome over, read nothing
 * (a replay's message is read by the API on its own thread). */
static void on_committed(void *arg, int rc, const struct outbox_result *res)
{
	struct crm_create *cc = arg;
	struct api_msg_job *job = cc->job;

	job->rc = rc;
	job->replay = rc == 0 && res->replay;
	if (job->replay) {
		memset(job->out, 0, sizeof(*job->out));
		job->out->id = res->id;
	} else if (rc == 0) {
		committed_to_api(&job->in, &cc->m, res, job->out);
	}
	free(cc);
	job->done(job);
}

static int op_msg_create_async(void *ctx, struct api_msg_job *job)
{
	struct crm *c = ctx;
	struct outbox *ob = crm_outbox(c);
	struct crm_create *cc;
	int rc;

	if (!ob)
		return -EAGAIN;
	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return -ENOMEM;
	cc->job = job;
	rc = prepare(c, &job->in, &cc->m);
	if (!rc)
		rc = outbox_enqueue_async(ob, &cc->m, on_committed, cc);
	if (rc) {
		free(cc);
		return rc == -ESHUTDOWN ? -EAGAIN : rc;
	}
	return 0;
}

static int op_msg_get(void *ctx, uint64_t id, struct api_msg *out)
{
	return crm_msg_get(ctx, id, out);
}

static int op_msg_body(void *ctx, uint64_t id, char **body, size_t *len)
{
	struct crm *c = ctx;
	struct store_msg m;
	int rc = store_msg_get(c->cfg.store, id, &m);

	if (rc)
		return rc;
	*len = m.body_len;
	*body = malloc(m.body_len + 1);
	if (*body) {
		if (m.body_len)
			memcpy(*body, m.body, m.body_len);
		(*body)[m.body_len] = '\0';
	}
	store_msg_release(&m);
	return *body ? 0 : -ENOMEM;
}

/* Without the platform's loop-thread cancel: what has not been claimed is
 * canceled in the store; the status check in the move makes a race with
 * the dispatcher's claim an -EPERM, never a double state. */
static int op_msg_cancel(void *ctx, uint64_t id, struct api_msg *out)
{
	struct crm *c = ctx;
	const struct api_backend *p = c->cfg.platform;
	struct store_move mv = { .event = "cancel" };
	struct store_msg m;
	int rc;

	if (p && p->ops && p->ops->msg_cancel)
		return p->ops->msg_cancel(p->ctx, id, out);
	rc = store_msg_get(c->cfg.store, id, &m);
	if (rc)
		return rc;
	store_msg_release(&m);
	if (m.status != MSG_ACCEPTED && m.status != MSG_QUEUED && m.status != MSG_SCHEDULED)
		return -EPERM;
	rc = store_msg_move(c->cfg.store, id, m.status, MSG_CANCELED, &mv, crm_now(c));
	return rc ? rc : crm_msg_get(c, id, out);
}

/* Ids from the store, then each message: one page is at most
 * API_PAGE_MAX short reads. */
static int list_msgs(struct crm *c, const struct store_msg_filter *f, const struct api_page *page,
		     struct api_msg *out, size_t *n, char *next_cursor)
{
	uint64_t before, ids[API_PAGE_MAX];
	size_t k = 0;
	bool more = false;
	int rc = crm_cursor_parse(page->cursor, &before);

	*n = 0;
	if (rc || !page->limit || page->limit > API_PAGE_MAX)
		return -EINVAL;
	rc = store_msg_list(c->cfg.store, f, before, ids, page->limit, &k, &more);
	for (size_t i = 0; !rc && i < k; i++)
		rc = crm_msg_get(c, ids[i], &out[i]);
	if (rc)
		return rc;
	*n = k;
	crm_cursor_make(more, k ? ids[k - 1] : 0, next_cursor);
	return 0;
}

static int op_msg_list(void *ctx, const struct api_msg_query *q, const struct api_page *page,
		       struct api_msg *out, size_t *n, char *next_cursor)
{
	struct store_msg_filter f = {
		.user_id = q->user_id,
		.status = q->any_status ? -1 : (int)q->status,
		.since = q->since,
		.to = q->to,
		.from = q->from,
	};

	return list_msgs(ctx, &f, page, out, n, next_cursor);
}

/* void pointers: also crm_list's to_api. */
static void conv_to_api(const void *row, void *item)
{
	const struct store_conversation *s = row;
	struct api_conversation *a = item;

	memset(a, 0, sizeof(*a));
	a->id = s->id;
	crm_cp(a->number, sizeof(a->number), s->number);
	crm_cp(a->business_unit, sizeof(a->business_unit), s->business_unit);
	a->contact_id = s->contact_id;
	crm_cp(a->record_type, sizeof(a->record_type), s->crm_type);
	crm_cp(a->record_id, sizeof(a->record_id), s->crm_id);
	a->last_message_at = s->last_message_at;
}

/* arg: the store_conv_filter. */
static int conv_fetch(struct crm *c, const void *f, uint64_t before, void *rows, size_t max,
		      size_t *n, bool *more)
{
	return store_conv_list(c->cfg.store, f, before, rows, max, n, more);
}

static int op_conv_list(void *ctx, const struct api_conv_query *q, const struct api_page *page,
			struct api_conversation *out, size_t *n, char *next_cursor)
{
	static const struct crm_list l = { sizeof(struct store_conversation),
					   offsetof(struct store_conversation, id),
					   sizeof(struct api_conversation), conv_fetch,
					   conv_to_api };
	const struct store_conv_filter f = {
		.number = q->number,
		.crm_type = q->record_type,
		.crm_id = q->record_id,
		.business_unit = q->business_unit,
	};

	return crm_list_page(ctx, &l, &f, page, out, n, next_cursor);
}

static int op_conv_get(void *ctx, uint64_t id, struct api_conversation *out)
{
	struct crm *c = ctx;
	struct store_conversation s;
	int rc = store_conv_get(c->cfg.store, id, &s);

	if (!rc)
		conv_to_api(&s, out);
	return rc;
}

static int op_conv_messages(void *ctx, uint64_t conv_id, const struct api_page *page,
			    struct api_msg *out, size_t *n, char *next_cursor)
{
	struct crm *c = ctx;
	struct store_conversation s;
	struct store_msg_filter f = { .conversation_id = conv_id, .status = -1 };
	int rc = store_conv_get(c->cfg.store, conv_id, &s);

	*n = 0;
	return rc ? rc : list_msgs(c, &f, page, out, n, next_cursor);
}

/* ---- metrics ---- */

/* Outbox latency buckets (ms) into the API's (s): each into the first API
 * bucket whose bound holds the outbox bucket's bound. */
static void latency_into(const struct outbox_metrics *m, struct api_metrics *out)
{
	for (int i = 0; i < OUTBOX_LAT_BUCKETS; i++) {
		int k = API_LATENCY_BUCKETS;

		if (i < OUTBOX_LAT_BUCKETS - 1)
			for (k = 0; k < API_LATENCY_BUCKETS; k++)
				if ((double)outbox_latency_bounds_ms[i] <=
				    api_metrics_latency_bounds[k] * 1000)
					break;
		out->latency_buckets[k] += m->latency[i];
	}
	out->latency_count = m->latency_count;
	out->latency_sum_s = (double)m->latency_sum_ms / 1000.0;
}

static void platform_modems(struct crm *c, struct api_metrics *out)
{
	const struct api_backend *p = c->cfg.platform;
	struct api_metrics *pm;

	if (!p || !p->ops || !p->ops->metrics || !(pm = calloc(1, sizeof(*pm))))
		return;
	if (p->ops->metrics(p->ctx, pm) == 0) {
		out->n_modems = pm->n_modems < API_MODEMS_MAX ? pm->n_modems : API_MODEMS_MAX;
		memcpy(out->modems, pm->modems, out->n_modems * sizeof(out->modems[0]));
	}
	free(pm);
}

static int op_metrics(void *ctx, struct api_metrics *out)
{
	struct crm *c = ctx;
	struct store_status_count rows[API_METRIC_ROWS_MAX];
	struct outbox *ob = crm_outbox(c);
	int k = store_count_by_channel(c->cfg.store, rows, API_METRIC_ROWS_MAX);
	int rc;

	if (k < 0)
		return k;
	for (int i = 0; i < k; i++) {
		crm_cp(out->rows[i].channel, sizeof(out->rows[i].channel), rows[i].channel);
		out->rows[i].status = rows[i].status;
		out->rows[i].count = rows[i].count;
	}
	out->n_rows = (size_t)k;
	rc = store_queue_depth(c->cfg.store, &out->queue_depth);
	if (!rc)
		rc = store_delivery_backlog(c->cfg.store, &out->webhook_backlog, NULL);
	if (rc)
		return rc;
	if (ob) {
		struct outbox_metrics *m = calloc(1, sizeof(*m));

		if (!m)
			return -ENOMEM;
		outbox_metrics_get(ob, m);
		out->retries_total = m->retries;
		out->possible_duplicates = m->possible_duplicates;
		latency_into(m, out);
		free(m);
	}
	platform_modems(c, out);
	return 0;
}

void crm_ops_msgs(struct api_backend_ops *ops)
{
	ops->msg_create = op_msg_create;
	ops->msg_create_async = op_msg_create_async;
	ops->msg_get = op_msg_get;
	ops->msg_body = op_msg_body;
	ops->msg_cancel = op_msg_cancel;
	ops->msg_list = op_msg_list;
	ops->conv_list = op_conv_list;
	ops->conv_get = op_conv_get;
	ops->conv_messages = op_conv_messages;
	ops->metrics = op_metrics;
}
