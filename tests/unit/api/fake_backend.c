/* In-memory backend for the API tests. Cursors are "c<index>". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_auth.h"
#include "fake_backend.h"

#define FB(ctx) struct fake_backend *fb = (ctx)
#define LOCK() pthread_mutex_lock(&fb->mu)
#define UNLOCK() pthread_mutex_unlock(&fb->mu)

static size_t cursor_start(const struct api_page *p)
{
	return p->cursor[0] == 'c' ? (size_t)strtoul(p->cursor + 1, NULL, 10) : 0;
}

static void cursor_next(size_t next, size_t total, char *out)
{
	if (next < total)
		snprintf(out, API_CURSOR_MAX, "c%zu", next);
	else
		out[0] = 0;
}

static int64_t fb_now(void *ctx)
{
	FB(ctx);
	return fb->now;
}

static int fb_random(void *ctx, void *buf, size_t len)
{
	FB(ctx);
	unsigned char *b = buf;
	LOCK();
	for (size_t i = 0; i < len; i++) {
		fb->rnd = fb->rnd * 1103515245u + 12345u;
		b[i] = (unsigned char)(fb->rnd >> 16);
	}
	UNLOCK();
	return 0;
}

static void fb_wake(void *ctx)
{
	FB(ctx);
	LOCK();
	fb->wakes++;
	UNLOCK();
}

static int fb_health(void *ctx, struct api_health *out)
{
	FB(ctx);
	out->ready = !fb->not_ready;
	snprintf(out->detail, sizeof(out->detail), "%s", fb->not_ready ? "store closed" : "");
	return 0;
}

static int fb_metrics(void *ctx, struct api_metrics *m)
{
	FB(ctx);
	LOCK();
	for (size_t i = 0; i < fb->n_msgs && m->n_rows < API_METRIC_ROWS_MAX; i++) {
		size_t k;
		for (k = 0; k < m->n_rows; k++)
			if (m->rows[k].status == fb->msgs[i].status &&
			    strcmp(m->rows[k].channel, fb->msgs[i].channel) == 0)
				break;
		if (k == m->n_rows) {
			m->rows[k].status = fb->msgs[i].status;
			strcpy(m->rows[k].channel, fb->msgs[i].channel);
			m->n_rows++;
		}
		m->rows[k].count++;
	}
	m->queue_depth = fb->n_msgs;
	m->latency_buckets[0] = 2;
	m->latency_buckets[3] = 1;
	m->latency_buckets[API_LATENCY_BUCKETS] = 1;
	m->latency_count = 4;
	m->latency_sum_s = 70.5;
	m->retries_total = 3;
	m->n_modems = 1;
	strcpy(m->modems[0].name, "modem0");
	m->modems[0].signal_dbm = -71;
	m->modems[0].registered = 1;
	UNLOCK();
	return 0;
}

static int fb_token_lookup(void *ctx, const uint8_t hash[API_HASH_LEN],
			   struct api_principal *out, uint8_t stored[API_HASH_LEN])
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	for (size_t i = 0; i < fb->n_tokens; i++) {
		if (fb->tokens[i].revoked || memcmp(fb->tokens[i].hash, hash, API_HASH_LEN))
			continue;
		for (size_t u = 0; u < fb->n_users; u++) {
			if (fb->users[u].id != fb->tokens[i].t.user_id)
				continue;
			out->user_id = fb->users[u].id;
			out->token_id = fb->tokens[i].t.id;
			out->role = fb->users[u].role;
			strcpy(out->username, fb->users[u].username);
			strcpy(out->business_unit, fb->users[u].business_unit);
			memcpy(stored, fb->tokens[i].hash, API_HASH_LEN);
			rc = 0;
		}
	}
	UNLOCK();
	return rc;
}

static struct api_user *find_user(struct fake_backend *fb, uint64_t id)
{
	for (size_t u = 0; u < fb->n_users; u++)
		if (fb->users[u].id == id)
			return &fb->users[u];
	return NULL;
}

static int fb_token_create(void *ctx, uint64_t user_id, const uint8_t hash[API_HASH_LEN],
			   const char *label, struct api_token *out)
{
	FB(ctx);
	int rc = 0;
	LOCK();
	if (!find_user(fb, user_id)) {
		rc = -ENOENT;
	} else if (fb->n_tokens == FB_MAX) {
		rc = -ENOSPC;
	} else {
		size_t i = fb->n_tokens++;
		fb->tokens[i].t.id = i + 1;
		fb->tokens[i].t.user_id = user_id;
		snprintf(fb->tokens[i].t.label, sizeof(fb->tokens[i].t.label), "%s", label);
		fb->tokens[i].t.created_at = fb->now;
		memcpy(fb->tokens[i].hash, hash, API_HASH_LEN);
		fb->tokens[i].revoked = false;
		*out = fb->tokens[i].t;
	}
	UNLOCK();
	return rc;
}

static int fb_token_revoke(void *ctx, uint64_t user_id, uint64_t token_id)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	for (size_t i = 0; i < fb->n_tokens; i++)
		if (fb->tokens[i].t.id == token_id && fb->tokens[i].t.user_id == user_id &&
		    !fb->tokens[i].revoked) {
			fb->tokens[i].revoked = true;
			rc = 0;
		}
	UNLOCK();
	return rc;
}

static int fb_token_list(void *ctx, uint64_t user_id, const struct api_page *page,
			 struct api_token *out, size_t *n, char *next)
{
	FB(ctx);
	size_t k = 0, i;
	LOCK();
	for (i = cursor_start(page); i < fb->n_tokens && k < page->limit; i++)
		if (fb->tokens[i].t.user_id == user_id && !fb->tokens[i].revoked)
			out[k++] = fb->tokens[i].t;
	cursor_next(i, fb->n_tokens, next);
	*n = k;
	UNLOCK();
	return 0;
}

static int fb_user_create(void *ctx, const struct api_user *in, struct api_user *out)
{
	FB(ctx);
	int rc = 0;
	LOCK();
	for (size_t u = 0; u < fb->n_users; u++)
		if (strcmp(fb->users[u].username, in->username) == 0)
			rc = -EEXIST;
	if (!rc && fb->n_users == FB_MAX)
		rc = -ENOSPC;
	if (!rc) {
		struct api_user *u = &fb->users[fb->n_users++];
		*u = *in;
		u->id = fb->n_users;
		u->created_at = fb->now;
		*out = *u;
	}
	UNLOCK();
	return rc;
}

static int fb_user_get(void *ctx, uint64_t id, struct api_user *out)
{
	FB(ctx);
	struct api_user *u;
	LOCK();
	u = find_user(fb, id);
	if (u)
		*out = *u;
	UNLOCK();
	return u ? 0 : -ENOENT;
}

static int fb_user_update(void *ctx, const struct api_user *in, struct api_user *out)
{
	FB(ctx);
	struct api_user *u;
	LOCK();
	u = find_user(fb, in->id);
	if (u) {
		u->role = in->role;
		strcpy(u->business_unit, in->business_unit);
		strcpy(u->channel, in->channel);
		*out = *u;
	}
	UNLOCK();
	return u ? 0 : -ENOENT;
}

static int fb_user_delete(void *ctx, uint64_t id)
{
	FB(ctx);
	struct api_user *u;
	LOCK();
	u = find_user(fb, id);
	if (u) {
		u->id = 0; /* tombstone */
		u->username[0] = 0;
		for (size_t i = 0; i < fb->n_tokens; i++)
			if (fb->tokens[i].t.user_id == id)
				fb->tokens[i].revoked = true;
	}
	UNLOCK();
	return u ? 0 : -ENOENT;
}

static int fb_user_list(void *ctx, const struct api_page *page, struct api_user *out, size_t *n,
			char *next)
{
	FB(ctx);
	size_t k = 0, i;
	LOCK();
	for (i = cursor_start(page); i < fb->n_users && k < page->limit; i++)
		if (fb->users[i].id)
			out[k++] = fb->users[i];
	cursor_next(i, fb->n_users, next);
	*n = k;
	UNLOCK();
	return 0;
}

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

static int fb_msg_create(void *ctx, const struct api_msg_new *in, struct api_msg *out,
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
	m->body_len = in->body_len;
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

static int fb_msg_get(void *ctx, uint64_t id, struct api_msg *out)
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

static int fb_msg_cancel(void *ctx, uint64_t id, struct api_msg *out)
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
static int fb_msg_list(void *ctx, const struct api_msg_query *q, const struct api_page *page,
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

static int fb_conv_list(void *ctx, const struct api_conv_query *q, const struct api_page *page,
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

static int fb_conv_get(void *ctx, uint64_t id, struct api_conversation *out)
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

static int fb_conv_messages(void *ctx, uint64_t conv_id, const struct api_page *page,
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

static int fb_contact_create(void *ctx, const struct api_contact *in, struct api_contact *out)
{
	FB(ctx);
	int rc = -ENOSPC;
	LOCK();
	if (fb->n_contacts < FB_MAX) {
		struct api_contact *c = &fb->contacts[fb->n_contacts++];
		*c = *in;
		c->id = fb->n_contacts;
		c->created_at = c->updated_at = fb->now;
		*out = *c;
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_contact_get(void *ctx, uint64_t id, struct api_contact *out)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (id >= 1 && id <= fb->n_contacts && fb->contacts[id - 1].id) {
		*out = fb->contacts[id - 1];
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_contact_update(void *ctx, const struct api_contact *in, struct api_contact *out)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (in->id >= 1 && in->id <= fb->n_contacts && fb->contacts[in->id - 1].id) {
		struct api_contact *c = &fb->contacts[in->id - 1];
		int64_t created = c->created_at;
		*c = *in;
		c->created_at = created;
		c->updated_at = fb->now;
		*out = *c;
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_contact_delete(void *ctx, uint64_t id)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (id >= 1 && id <= fb->n_contacts && fb->contacts[id - 1].id) {
		fb->contacts[id - 1].id = 0;
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_contact_list(void *ctx, const char *bu, const struct api_page *page,
			   struct api_contact *out, size_t *n, char *next)
{
	FB(ctx);
	size_t k = 0, i;
	LOCK();
	for (i = cursor_start(page); i < fb->n_contacts && k < page->limit; i++)
		if (fb->contacts[i].id && (!*bu || strcmp(bu, fb->contacts[i].business_unit) == 0))
			out[k++] = fb->contacts[i];
	cursor_next(i, fb->n_contacts, next);
	*n = k;
	UNLOCK();
	return 0;
}

static int fb_tpl_create(void *ctx, const struct api_template *in, struct api_template *out)
{
	FB(ctx);
	int rc = -ENOSPC;
	LOCK();
	if (fb->n_tpls < FB_MAX) {
		struct api_template *t = &fb->tpls[fb->n_tpls++];
		*t = *in;
		t->id = fb->n_tpls;
		t->created_at = t->updated_at = fb->now;
		*out = *t;
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_tpl_get(void *ctx, uint64_t id, struct api_template *out)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (id >= 1 && id <= fb->n_tpls && fb->tpls[id - 1].id) {
		*out = fb->tpls[id - 1];
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_tpl_update(void *ctx, const struct api_template *in, struct api_template *out)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (in->id >= 1 && in->id <= fb->n_tpls && fb->tpls[in->id - 1].id) {
		struct api_template *t = &fb->tpls[in->id - 1];
		int64_t created = t->created_at;
		*t = *in;
		t->created_at = created;
		t->updated_at = fb->now;
		*out = *t;
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_tpl_delete(void *ctx, uint64_t id)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (id >= 1 && id <= fb->n_tpls && fb->tpls[id - 1].id) {
		fb->tpls[id - 1].id = 0;
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_tpl_list(void *ctx, uint64_t owner, const char *bu, const struct api_page *page,
		       struct api_template *out, size_t *n, char *next)
{
	FB(ctx);
	size_t k = 0, i;
	LOCK();
	for (i = cursor_start(page); i < fb->n_tpls && k < page->limit; i++) {
		const struct api_template *t = &fb->tpls[i];
		if (t->id && (t->owner_id == owner ||
			      (t->scope == API_TPL_BUSINESS_UNIT && strcmp(t->business_unit, bu) == 0)))
			out[k++] = *t;
	}
	cursor_next(i, fb->n_tpls, next);
	*n = k;
	UNLOCK();
	return 0;
}

static int fb_channel_list(void *ctx, struct api_channel *out, size_t max, size_t *n)
{
	FB(ctx);
	LOCK();
	*n = 0;
	for (size_t i = 0; i < fb->n_channels && i < max; i++)
		out[(*n)++] = fb->channels[i];
	UNLOCK();
	return 0;
}

static struct api_channel *find_channel(struct fake_backend *fb, const char *name)
{
	for (size_t i = 0; i < fb->n_channels; i++)
		if (strcmp(fb->channels[i].name, name) == 0)
			return &fb->channels[i];
	return NULL;
}

static int fb_channel_get(void *ctx, const char *name, struct api_channel *out)
{
	FB(ctx);
	struct api_channel *c;
	LOCK();
	c = find_channel(fb, name);
	if (c)
		*out = *c;
	UNLOCK();
	return c ? 0 : -ENOENT;
}

static int fb_channel_set_enabled(void *ctx, const char *name, bool en)
{
	FB(ctx);
	struct api_channel *c;
	LOCK();
	c = find_channel(fb, name);
	if (c)
		c->enabled = en;
	UNLOCK();
	return c ? 0 : -ENOENT;
}

static int fb_channel_assign(void *ctx, const char *name, uint64_t user_id)
{
	FB(ctx);
	struct api_user *u;
	LOCK();
	u = find_user(fb, user_id);
	if (u)
		snprintf(u->channel, sizeof(u->channel), "%s", name);
	UNLOCK();
	return u ? 0 : -ENOENT;
}

static int fb_webhook_create(void *ctx, const struct api_webhook *in, struct api_webhook *out)
{
	FB(ctx);
	int rc = -ENOSPC;
	LOCK();
	if (fb->n_webhooks < FB_MAX) {
		struct api_webhook *w = &fb->webhooks[fb->n_webhooks++];
		*w = *in;
		w->id = fb->n_webhooks;
		w->created_at = fb->now;
		*out = *w;
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_webhook_get(void *ctx, uint64_t id, struct api_webhook *out)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (id >= 1 && id <= fb->n_webhooks && fb->webhooks[id - 1].id) {
		*out = fb->webhooks[id - 1];
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_webhook_delete(void *ctx, uint64_t id)
{
	FB(ctx);
	int rc = -ENOENT;
	LOCK();
	if (id >= 1 && id <= fb->n_webhooks && fb->webhooks[id - 1].id) {
		fb->webhooks[id - 1].id = 0;
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_webhook_list(void *ctx, const struct api_page *page, struct api_webhook *out,
			   size_t *n, char *next)
{
	FB(ctx);
	size_t k = 0, i;
	LOCK();
	for (i = cursor_start(page); i < fb->n_webhooks && k < page->limit; i++)
		if (fb->webhooks[i].id)
			out[k++] = fb->webhooks[i];
	cursor_next(i, fb->n_webhooks, next);
	*n = k;
	UNLOCK();
	return 0;
}

static int fb_webhook_backlog(void *ctx, uint64_t *n)
{
	FB(ctx);
	*n = fb->backlog;
	return 0;
}

static int fb_audit_append(void *ctx, const struct api_audit_event *ev)
{
	FB(ctx);
	int rc = -ENOSPC;
	LOCK();
	if (fb->n_audit < FB_MAX * 4) {
		fb->audit[fb->n_audit] = *ev;
		fb->audit[fb->n_audit].id = fb->n_audit + 1;
		fb->n_audit++;
		rc = 0;
	}
	UNLOCK();
	return rc;
}

static int fb_audit_list(void *ctx, const struct api_page *page, struct api_audit_event *out,
			 size_t *n, char *next)
{
	FB(ctx);
	size_t k = 0, i;
	LOCK();
	for (i = cursor_start(page); i < fb->n_audit && k < page->limit; i++)
		out[k++] = fb->audit[fb->n_audit - 1 - i];
	cursor_next(i, fb->n_audit, next);
	*n = k;
	UNLOCK();
	return 0;
}

const struct api_backend_ops fake_backend_ops = {
	.now_ms = fb_now,
	.random = fb_random,
	.wake = fb_wake,
	.health = fb_health,
	.metrics = fb_metrics,
	.token_lookup = fb_token_lookup,
	.token_create = fb_token_create,
	.token_revoke = fb_token_revoke,
	.token_list = fb_token_list,
	.user_create = fb_user_create,
	.user_get = fb_user_get,
	.user_update = fb_user_update,
	.user_delete = fb_user_delete,
	.user_list = fb_user_list,
	.msg_create = fb_msg_create,
	.msg_get = fb_msg_get,
	.msg_cancel = fb_msg_cancel,
	.msg_list = fb_msg_list,
	.conv_list = fb_conv_list,
	.conv_get = fb_conv_get,
	.conv_messages = fb_conv_messages,
	.contact_create = fb_contact_create,
	.contact_get = fb_contact_get,
	.contact_update = fb_contact_update,
	.contact_delete = fb_contact_delete,
	.contact_list = fb_contact_list,
	.tpl_create = fb_tpl_create,
	.tpl_get = fb_tpl_get,
	.tpl_update = fb_tpl_update,
	.tpl_delete = fb_tpl_delete,
	.tpl_list = fb_tpl_list,
	.channel_list = fb_channel_list,
	.channel_get = fb_channel_get,
	.channel_set_enabled = fb_channel_set_enabled,
	.channel_assign = fb_channel_assign,
	.webhook_create = fb_webhook_create,
	.webhook_get = fb_webhook_get,
	.webhook_delete = fb_webhook_delete,
	.webhook_list = fb_webhook_list,
	.webhook_backlog = fb_webhook_backlog,
	.audit_append = fb_audit_append,
	.audit_list = fb_audit_list,
};

void fake_backend_init(struct fake_backend *fb)
{
	memset(fb, 0, sizeof(*fb));
	pthread_mutex_init(&fb->mu, NULL);
	fb->now = 1700000000000LL; /* 2023-11-14T22:13:20Z */
	fb->rnd = 12345;
	fb->msgs = calloc(FB_MSGS, sizeof(*fb->msgs));
	fb->tpls = calloc(FB_MAX, sizeof(*fb->tpls));
	fb->n_channels = 2;
	strcpy(fb->channels[0].name, "modem0");
	strcpy(fb->channels[0].kind, "modem");
	fb->channels[0].enabled = fb->channels[0].healthy = true;
	fb->channels[0].signal_dbm = -71;
	strcpy(fb->channels[0].registration, "home");
	strcpy(fb->channels[0].operator_name, "Test Operator");
	strcpy(fb->channels[1].name, "twilio");
	strcpy(fb->channels[1].kind, "twilio");
	fb->channels[1].enabled = true;
	fb->channels[1].queue_depth = 4;
}

void fake_backend_fini(struct fake_backend *fb)
{
	free(fb->msgs);
	free(fb->tpls);
	pthread_mutex_destroy(&fb->mu);
}

uint64_t fake_add_user(struct fake_backend *fb, const char *name, enum api_role role,
		       const char *bu, char token_out[65])
{
	struct api_user in = { .role = role }, out;
	struct api_backend be = { &fake_backend_ops, fb };
	uint8_t hash[API_HASH_LEN];
	struct api_token t;

	snprintf(in.username, sizeof(in.username), "%s", name);
	snprintf(in.business_unit, sizeof(in.business_unit), "%s", bu);
	if (fb_user_create(fb, &in, &out) || api_token_generate(&be, token_out, hash) ||
	    fb_token_create(fb, out.id, hash, "test", &t))
		return 0;
	return out.id;
}

size_t fake_stored(struct fake_backend *fb)
{
	size_t n;
	LOCK();
	n = fb->n_msgs + fb->n_contacts + fb->n_tpls + fb->n_users + fb->n_webhooks +
	    fb->n_tokens;
	UNLOCK();
	return n;
}
