/* The fake backend's contacts, templates, channels, webhooks and audit
 * log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_auth.h"
#include "fake_backend_priv.h"

int fb_contact_create(void *ctx, const struct api_contact *in, struct api_contact *out)
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

int fb_contact_get(void *ctx, uint64_t id, struct api_contact *out)
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

int fb_contact_update(void *ctx, const struct api_contact *in, struct api_contact *out)
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

int fb_contact_delete(void *ctx, uint64_t id)
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

int fb_contact_list(void *ctx, const char *bu, const struct api_page *page,
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

int fb_tpl_create(void *ctx, const struct api_template *in, struct api_template *out)
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

int fb_tpl_get(void *ctx, uint64_t id, struct api_template *out)
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

int fb_tpl_update(void *ctx, const struct api_template *in, struct api_template *out)
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

int fb_tpl_delete(void *ctx, uint64_t id)
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

int fb_tpl_list(void *ctx, uint64_t owner, const char *bu, const struct api_page *page,
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

int fb_channel_list(void *ctx, struct api_channel *out, size_t max, size_t *n)
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

int fb_channel_get(void *ctx, const char *name, struct api_channel *out)
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

int fb_channel_set_enabled(void *ctx, const char *name, bool en)
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

int fb_channel_assign(void *ctx, const char *name, uint64_t user_id)
{
	FB(ctx);
	struct api_user *u;
	LOCK();
	u = fb_find_user(fb, user_id);
	if (u)
		snprintf(u->channel, sizeof(u->channel), "%s", name);
	UNLOCK();
	return u ? 0 : -ENOENT;
}

int fb_webhook_create(void *ctx, const struct api_webhook *in, struct api_webhook *out)
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

int fb_webhook_get(void *ctx, uint64_t id, struct api_webhook *out)
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

int fb_webhook_delete(void *ctx, uint64_t id)
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

int fb_webhook_list(void *ctx, const struct api_page *page, struct api_webhook *out,
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

int fb_webhook_backlog(void *ctx, uint64_t *n)
{
	FB(ctx);
	*n = fb->backlog;
	return 0;
}

int fb_audit_append(void *ctx, const struct api_audit_event *ev)
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

int fb_audit_list(void *ctx, const struct api_page *page, struct api_audit_event *out,
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
