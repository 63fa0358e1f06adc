/* The fake backend's messages and conversations. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_auth.h"
#include "fake_backend_priv.h"

static struct api_conversation *conv_for(struct fake_backend *fb, const struct api_msg_new *in)
{
	for (size_t i = 0; i < fb->n_convs; i++)
		if (strcmp(fb->convs[i].number, in->to) == 0 &&
		    strcmp(fb->convs[i].business_unit, in->business_unit) == 0)
			return &fb->convs[i];
	if (fb->n_convs == FB_MAX)
		return NULL;
	struct api_conversation *c = &fb->convs[fb->n_convs++];
	memset(c, 0, sizeof(*c));
	c->id = fb->n_convs;
	strcpy(c->number, in->to);
	strcpy(c->business_unit, in->business_unit);
	c->contact_id = in->contact_id;
	strcpy(c->record_type, in->record_type);
	strcpy(c->record_id, in->record_id);
	return c;
}

int fb_msg_create(void *ctx, const struct api_msg_new *in, struct api_msg *out,
			 bool *replay)
{
	FB(ctx);
	int rc = 0;
	LOCK();
	*replay = false;
	if (in->idem_key[0]) {
		for (size_t i = 0; i < fb->n_msgs; i++) {
			if (fb->idem[i].user != in->user_id || strcmp(fb->idem[i].key, in->idem_key))
				continue;
			if (memcmp(fb->idem[i].hash, in->payload_hash, API_HASH_LEN))
				rc = -EEXIST;
			else
				*out = fb->msgs[i], *replay = true;
			UNLOCK();
			return rc;
		}
	}
	if (fb->n_msgs == FB_MSGS) {
		UNLOCK();
		return -ENOSPC;
	}
	struct api_conversation *c = conv_for(fb, in);
	struct api_msg *m = &fb->msgs[fb->n_msgs];
	memset(m, 0, sizeof(*m));
	m->id = fb->n_msgs + 1;
	m->user_id = in->user_id;
	m->conversation_id = c ? c->id : 0;
	m->contact_id = in->contact_id;
	m->status = in->send_at > fb->now ? MSG_SCHEDULED : MSG_QUEUED;
	m->source = in->source;
	strcpy(m->to, in->to);
	strcpy(m->from, in->from);
	memcpy(m->body, in->body, in->body_len);
	m->body_len = m->body_total = in->body_len;
	strcpy(m->encoding, in->encoding);
	m->segments = in->segments;
	strcpy(m->channel_pref, in->channel_pref);
	strcpy(m->number_type, in->number_type);
	strcpy(m->record_type, in->record_type);
	strcpy(m->record_id, in->record_id);
	strcpy(m->business_unit, in->business_unit);
	m->created_at = m->updated_at = fb->now;
	m->send_at = in->send_at;
	m->expires_at = in->expires_at;
	strcpy(fb->idem[fb->n_msgs].key, in->idem_key);
	memcpy(fb->idem[fb->n_msgs].hash, in->payload_hash, API_HASH_LEN);
	fb->idem[fb->n_msgs].user = in->user_id;
	if (c)
		c->last_message_at = fb->now;
	fb->n_msgs++;
	*out = *m;
	UNLOCK();
	return 0;
}

int fb_msg_get(void *ctx, uint64_t id, struct api_msg *out)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (id >= 1 && id <= fb->n_msgs) {
		*out = fb->msgs[id - 1];
		rc = 0;
	}
	UNLOCK();
	return rc;
}

int fb_msg_cancel(void *ctx, uint64_t id, struct api_msg *out)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (id >= 1 && id <= fb->n_msgs) {
		struct api_msg *m = &fb->msgs[id - 1];
		if (m->status == MSG_QUEUED || m->status == MSG_SCHEDULED ||
		    m->status == MSG_ACCEPTED) {
			m->status = MSG_CANCELED;
			rc = 0;
		} else {
			rc = -EPERM;
		}
		*out = *m;
	}
	UNLOCK();
	return rc;
}

static bool msg_matches(const struct api_msg_query *q, const struct api_msg *m)
{
	return (!q->user_id || m->user_id == q->user_id) &&
	       (q->any_status || m->status == q->status) && m->created_at >= q->since &&
	       (!q->to[0] || strcmp(q->to, m->to) == 0) &&
	       (!q->from[0] || strcmp(q->from, m->from) == 0);
}

/* Newest first: index i counts from the newest message. */
int fb_msg_list(void *ctx, const struct api_msg_query *q, const struct api_page *page,
		       struct api_msg *out, size_t *n, char *next)
{
	FB(ctx);
	size_t k = 0, i;
	LOCK();
	for (i = cursor_start(page); i < fb->n_msgs && k < page->limit; i++) {
		const struct api_msg *m = &fb->msgs[fb->n_msgs - 1 - i];
		if (msg_matches(q, m))
			out[k++] = *m;
	}
	cursor_next(i, fb->n_msgs, next);
	*n = k;
	UNLOCK();
	return 0;
}

int fb_conv_list(void *ctx, const struct api_conv_query *q, const struct api_page *page,
			struct api_conversation *out, size_t *n, char *next)
{
	FB(ctx);
	size_t k = 0, i;
	LOCK();
	for (i = cursor_start(page); i < fb->n_convs && k < page->limit; i++) {
		const struct api_conversation *c = &fb->convs[i];
		if ((q->number[0] && strcmp(q->number, c->number)) ||
		    (q->record_type[0] && (strcmp(q->record_type, c->record_type) ||
					   strcmp(q->record_id, c->record_id))) ||
		    (q->business_unit[0] && strcmp(q->business_unit, c->business_unit)))
			continue;
		out[k++] = *c;
	}
	cursor_next(i, fb->n_convs, next);
	*n = k;
	UNLOCK();
	return 0;
}

int fb_conv_get(void *ctx, uint64_t id, struct api_conversation *out)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (id >= 1 && id <= fb->n_convs) {
		*out = fb->convs[id - 1];
		rc = 0;
	}
	UNLOCK();
	return rc;
}

int fb_conv_messages(void *ctx, uint64_t conv_id, const struct api_page *page,
			    struct api_msg *out, size_t *n, char *next)
{
	FB(ctx);
	size_t k = 0, i;
	LOCK();
	for (i = cursor_start(page); i < fb->n_msgs && k < page->limit; i++) {
		const struct api_msg *m = &fb->msgs[fb->n_msgs - 1 - i];
		if (m->conversation_id == conv_id)
			out[k++] = *m;
	}
	cursor_next(i, fb->n_msgs, next);
	*n = k;
	UNLOCK();
	return 0;
}

/* ---- msg_create_async ---- */

static void answer(struct fake_backend *fb, struct api_msg_job *job)
{
	job->rc = fb_msg_create(fb, &job->in, job->out, &job->replay);
	job->done(job);
}

static int fb_msg_create_async(void *ctx, struct api_msg_job *job)
{
	FB(ctx);
	LOCK();
	int refuse = fb->refuse;
	bool hold = fb->hold && fb->n_held < FB_MAX;
	if (!refuse && hold) {
		fb->held[fb->n_held++] = job;
		pthread_cond_broadcast(&fb->held_cv);
	}
	UNLOCK();
	if (refuse)
		return refuse;
	if (!hold)
		answer(fb, job); /* before the handler has returned */
	return 0;
}

const struct api_backend_ops *fake_backend_async_ops(void)
{
	static struct api_backend_ops ops;

	if (!ops.msg_create_async) {
		ops = fake_backend_ops;
		ops.msg_create_async = fb_msg_create_async;
	}
	return &ops;
}

void fake_async_wait_held(struct fake_backend *fb, size_t n)
{
	LOCK();
	while (fb->n_held < n)
		pthread_cond_wait(&fb->held_cv, &fb->mu);
	UNLOCK();
}

void fake_async_release(struct fake_backend *fb)
{
	struct api_msg_job *jobs[FB_MAX];
	size_t n;

	LOCK();
	n = fb->n_held;
	memcpy(jobs, fb->held, n * sizeof(jobs[0]));
	fb->n_held = 0;
	fb->hold = false;
	UNLOCK();
	for (size_t i = 0; i < n; i++)
		answer(fb, jobs[i]);
}

/* ---- long inbound texts ---- */

uint64_t fake_add_long_inbound(struct fake_backend *fb, uint64_t user, const char *text)
{
	size_t len = strlen(text);
	struct api_msg *m;

	LOCK();
	m = &fb->msgs[fb->n_msgs];
	memset(m, 0, sizeof(*m));
	m->id = ++fb->n_msgs;
	m->user_id = user;
	m->inbound = true;
	m->status = MSG_RECEIVED;
	strcpy(m->to, "+14155550999");
	strcpy(m->from, "+14155550100");
	strcpy(m->encoding, "gsm7");
	m->segments = (unsigned)(len / 153 + 1);
	m->body_len = len < API_BODY_BYTES_MAX ? len : API_BODY_BYTES_MAX;
	memcpy(m->body, text, m->body_len);
	m->body_total = len;
	free(fb->long_text);
	fb->long_text = strdup(text);
	fb->long_id = m->id;
	UNLOCK();
	return m->id;
}

int fb_msg_body(void *ctx, uint64_t id, char **body, size_t *len)
{
	FB(ctx);
	int rc = 0;

	LOCK();
	if (id && id == fb->long_id) {
		*len = strlen(fb->long_text);
		*body = strdup(fb->long_text);
	} else if (id && id <= fb->n_msgs) {
		*len = fb->msgs[id - 1].body_len;
		*body = strndup(fb->msgs[id - 1].body, *len);
	} else {
		rc = -ENOENT;
	}
	UNLOCK();
	return rc ? rc : (*body ? 0 : -ENOMEM);
}
