/* In-memory backend for the API tests: clock, randomness, health,
 * metrics, tokens, users and the ops table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_auth.h"
#include "fake_backend_priv.h"

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

struct api_user *fb_find_user(struct fake_backend *fb, uint64_t id)
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
	if (!fb_find_user(fb, user_id)) {
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
	u = fb_find_user(fb, id);
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
	u = fb_find_user(fb, in->id);
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
	u = fb_find_user(fb, id);
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
	.msg_body = fb_msg_body,
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
	pthread_cond_init(&fb->held_cv, NULL);
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
	free(fb->long_text);
	pthread_cond_destroy(&fb->held_cv);
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