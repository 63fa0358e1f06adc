/* Internals shared by the fake backend's files (fake_backend.c: clock,
 * tokens, users, the ops table; fake_backend_msgs.c: messages and
 * conversations; fake_backend_crm.c: contacts, templates, channels,
 * webhooks, audit). Cursors are "c<index>". */
#ifndef FAKE_BACKEND_PRIV_H
#define FAKE_BACKEND_PRIV_H

#include <stdio.h>
#include <stdlib.h>

#include "fake_backend.h"

#define FB(ctx)	 struct fake_backend *fb = (ctx)
#define LOCK()	 pthread_mutex_lock(&fb->mu)
#define UNLOCK() pthread_mutex_unlock(&fb->mu)

static inline size_t cursor_start(const struct api_page *p)
{
	return p->cursor[0] == 'c' ? (size_t)strtoul(p->cursor + 1, NULL, 10) : 0;
}

static inline void cursor_next(size_t next, size_t total, char *out)
{
	if (next < total)
		snprintf(out, API_CURSOR_MAX, "c%zu", next);
	else
		out[0] = 0;
}

/* Called with fb->mu held. */
struct api_user *fb_find_user(struct fake_backend *fb, uint64_t id);

/* fake_backend_msgs.c */
int fb_msg_create(void *ctx, const struct api_msg_new *in, struct api_msg *out, bool *replay);
int fb_msg_body(void *ctx, uint64_t id, char **body, size_t *len);
int fb_msg_get(void *ctx, uint64_t id, struct api_msg *out);
int fb_msg_cancel(void *ctx, uint64_t id, struct api_msg *out);
int fb_msg_list(void *ctx, const struct api_msg_query *q, const struct api_page *page,
		struct api_msg *out, size_t *n, char *next);
int fb_conv_list(void *ctx, const struct api_conv_query *q, const struct api_page *page,
		 struct api_conversation *out, size_t *n, char *next);
int fb_conv_get(void *ctx, uint64_t id, struct api_conversation *out);
int fb_conv_messages(void *ctx, uint64_t conv_id, const struct api_page *page, struct api_msg *out,
		     size_t *n, char *next);

/* fake_backend_crm.c */
int fb_contact_create(void *ctx, const struct api_contact *in, struct api_contact *out);
int fb_contact_get(void *ctx, uint64_t id, struct api_contact *out);
int fb_contact_update(void *ctx, const struct api_contact *in, struct api_contact *out);
int fb_contact_delete(void *ctx, uint64_t id);
int fb_contact_list(void *ctx, const char *bu, const struct api_page *page, struct api_contact *out,
		    size_t *n, char *next);
int fb_tpl_create(void *ctx, const struct api_template *in, struct api_template *out);
int fb_tpl_get(void *ctx, uint64_t id, struct api_template *out);
int fb_tpl_update(void *ctx, const struct api_template *in, struct api_template *out);
int fb_tpl_delete(void *ctx, uint64_t id);
int fb_tpl_list(void *ctx, uint64_t owner, const char *bu, const struct api_page *page,
		struct api_template *out, size_t *n, char *next);
int fb_channel_list(void *ctx, struct api_channel *out, size_t max, size_t *n);
int fb_channel_get(void *ctx, const char *name, struct api_channel *out);
int fb_channel_set_enabled(void *ctx, const char *name, bool en);
int fb_channel_assign(void *ctx, const char *name, uint64_t user_id);
int fb_webhook_create(void *ctx, const struct api_webhook *in, struct api_webhook *out);
int fb_webhook_get(void *ctx, uint64_t id, struct api_webhook *out);
int fb_webhook_delete(void *ctx, uint64_t id);
int fb_webhook_list(void *ctx, const struct api_page *page, struct api_webhook *out, size_t *n,
		    char *next);
int fb_webhook_backlog(void *ctx, uint64_t *n);
int fb_audit_append(void *ctx, const struct api_audit_event *ev);
int fb_audit_list(void *ctx, const struct api_page *page, struct api_audit_event *out, size_t *n,
		  char *next);

#endif
