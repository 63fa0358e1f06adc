/* Administration: users, tokens, channels, webhooks, audit; health and
 * metrics. Every change here is written to the audit log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_metrics.h"
#include "api_internal.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const roles[] = { "salesperson", "sales_manager", "administrator", NULL };
static const char *const events[] = { "message.received", "message.status", NULL };

static const struct api_field user_fields[] = {
	API_F("username", API_FT_STRING, API_FF_REQUIRED | API_FF_NONEMPTY | API_FF_TOKEN,
	      API_NAME_MAX - 1),
	API_F_ENUM("role", API_FF_REQUIRED, roles),
	API_F("business_unit", API_FT_STRING, API_FF_REQUIRED | API_FF_TOKEN, API_NAME_MAX - 1),
	API_F("channel", API_FT_STRING, API_FF_TOKEN, API_NAME_MAX - 1),
};
/* PUT /users/{id}: the username stays. */
static const struct api_field user_update_fields[] = {
	API_F_ENUM("role", API_FF_REQUIRED, roles),
	API_F("business_unit", API_FT_STRING, API_FF_REQUIRED | API_FF_TOKEN, API_NAME_MAX - 1),
	API_F("channel", API_FT_STRING, API_FF_TOKEN, API_NAME_MAX - 1),
};
static const struct api_field token_fields[] = {
	API_F("label", API_FT_STRING, 0, API_NAME_MAX - 1),
};
static const struct api_field channel_fields[] = {
	API_F_BOOL("enabled", API_FF_REQUIRED),
};
static const struct api_field webhook_fields[] = {
	API_F("url", API_FT_STRING, API_FF_REQUIRED | API_FF_NONEMPTY, API_URL_MAX - 1),
	API_F_ENUMS("events", API_FF_REQUIRED, API_EV_COUNT, events),
};

/* ---- health, metrics ---- */

int api_h_health(struct api_req *r)
{
	struct api_health h = { 0 };
	int rc = r->be->ops->health(r->be->ctx, &h);
	bool ready = rc == 0 && h.ready;

	return api_ok(r, ready ? 200 : 503,
		      json_pack("{s:s, s:b, s:b, s:s}", "status", ready ? "ok" : "unavailable",
				"live", 1, "ready", ready, "detail", h.detail));
}

int api_h_metrics(struct api_req *r)
{
	struct api_metrics *m = calloc(1, sizeof(*m));
	int rc;

	if (!m)
		return api_err(r, 500, "internal", "out of memory");
	rc = r->be->ops->metrics(r->be->ctx, m);
	if (!rc) {
		uint64_t backlog = 0;
		if (r->be->ops->webhook_backlog &&
		    r->be->ops->webhook_backlog(r->be->ctx, &backlog) == 0)
			m->webhook_backlog = backlog;
		rc = api_metrics_render(m, &r->text, &r->text_len);
	}
	free(m);
	if (rc)
		return api_err_errno(r, rc, "metrics");
	r->status = 200;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

/* ---- users ---- */

static void user_from_json(const json_t *o, struct api_user *u)
{
	snprintf(u->username, sizeof(u->username), "%s", api_json_str(o, "username", ""));
	u->role = (enum api_role)api_role_parse(api_json_str(o, "role", ""));
	snprintf(u->business_unit, sizeof(u->business_unit), "%s",
		 api_json_str(o, "business_unit", ""));
	snprintf(u->channel, sizeof(u->channel), "%s", api_json_str(o, "channel", ""));
}

int api_h_user_create(struct api_req *r)
{
	struct api_user in = { 0 }, out;
	json_t *o = api_body_json(r, user_fields, NELEM(user_fields));
	int rc;

	if (!o)
		return 0;
	user_from_json(o, &in);
	json_decref(o);
	rc = r->be->ops->user_create(r->be->ctx, &in, &out);
	if (rc)
		return api_err_errno(r, rc, "user");
	api_audit(r, "user.create", "user/%llu", (unsigned long long)out.id);
	return api_ok(r, 201, api_user_json(&out));
}

int api_h_user_update(struct api_req *r)
{
	struct api_user in = { 0 }, out;
	uint64_t id = api_param_id(r, 0);
	json_t *o;
	int rc;

	if (!id || !(o = api_body_json(r, user_update_fields, NELEM(user_update_fields))))
		return 0;
	user_from_json(o, &in);
	json_decref(o);
	in.id = id;
	rc = r->be->ops->user_update(r->be->ctx, &in, &out);
	if (rc)
		return api_err_errno(r, rc, "user");
	api_audit(r, "user.update", "user/%llu", (unsigned long long)id);
	return api_ok(r, 200, api_user_json(&out));
}

int api_h_user_get(struct api_req *r)
{
	struct api_user u;
	uint64_t id = api_param_id(r, 0);
	int rc;

	if (!id)
		return 0;
	rc = r->be->ops->user_get(r->be->ctx, id, &u);
	return rc ? api_err_errno(r, rc, "user") : api_ok(r, 200, api_user_json(&u));
}

int api_h_user_delete(struct api_req *r)
{
	uint64_t id = api_param_id(r, 0);
	int rc;

	if (!id)
		return 0;
	if (id == r->who.user_id)
		return api_err(r, 409, "conflict", "an administrator cannot delete themselves");
	rc = r->be->ops->user_delete(r->be->ctx, id);
	if (rc)
		return api_err_errno(r, rc, "user");
	api_audit(r, "user.delete", "user/%llu", (unsigned long long)id);
	return api_ok(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

static int user_fetch(struct api_req *r, const void *arg, const struct api_page *page,
		      void *out, size_t *n, char *next)
{
	(void)arg;
	return r->be->ops->user_list(r->be->ctx, page, out, n, next);
}

static json_t *user_item(const void *u)
{
	return api_user_json(u);
}

int api_h_user_list(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_user), user_fetch, user_item, "users" };

	return api_list_send(r, &l, NULL);
}

/* ---- tokens ---- */

int api_h_token_create(struct api_req *r)
{
	char tok[API_TOKEN_HEX_LEN + 1];
	uint8_t hash[API_HASH_LEN];
	struct api_token t;
	uint64_t uid = api_param_id(r, 0);
	json_t *o = NULL;
	int rc;

	if (!uid)
		return 0;
	/* The body is optional here: {"label": "..."} or nothing at all. */
	if (r->body_len && !(o = api_body_json(r, token_fields, NELEM(token_fields))))
		return 0;
	rc = api_token_generate(r->be, tok, hash);
	if (rc == 0)
		rc = r->be->ops->token_create(r->be->ctx, uid, hash, api_json_str(o, "label", ""),
					      &t);
	json_decref(o);
	if (rc)
		return api_err_errno(r, rc, "token");
	api_audit(r, "token.create", "user/%llu/token/%llu", (unsigned long long)uid,
		  (unsigned long long)t.id);
	/* The only time the token is shown. */
	api_ok(r, 201, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)t.id, "token", tok,
				 "user_id", (json_int_t)uid));
	memset(tok, 0, sizeof(tok));
	return 0;
}

int api_h_token_revoke(struct api_req *r)
{
	uint64_t uid = api_param_id(r, 0), tid;
	int rc;

	if (!uid || !(tid = api_param_id(r, 1)))
		return 0;
	rc = r->be->ops->token_revoke(r->be->ctx, uid, tid);
	if (rc)
		return api_err_errno(r, rc, "token");
	api_audit(r, "token.revoke", "user/%llu/token/%llu", (unsigned long long)uid,
		  (unsigned long long)tid);
	return api_ok(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)tid, "revoked", 1));
}

static int token_fetch(struct api_req *r, const void *uid, const struct api_page *page,
		       void *out, size_t *n, char *next)
{
	return r->be->ops->token_list(r->be->ctx, *(const uint64_t *)uid, page, out, n, next);
}

static json_t *token_item(const void *t)
{
	return api_token_json(t);
}

int api_h_token_list(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_token), token_fetch, token_item,
					   "tokens" };
	uint64_t uid = api_param_id(r, 0);

	return uid ? api_list_send(r, &l, &uid) : 0;
}

/* ---- channels ---- */

static bool channel_name_ok(struct api_req *r, const char *name)
{
	static const struct api_field f =
		API_F("name", API_FT_STRING, API_FF_TOKEN | API_FF_NONEMPTY, API_NAME_MAX - 1);
	if (api_json_check_string(&f, name, strlen(name), NULL)) {
		api_err(r, 404, "not_found", "no such channel");
		return false;
	}
	return true;
}

/* Channels are few: one page of at most 32, no cursor. */
static int channel_fetch(struct api_req *r, const void *arg, const struct api_page *page,
			 void *out, size_t *n, char *next)
{
	(void)arg;
	(void)next;
	return r->be->ops->channel_list(r->be->ctx, out, page->limit, n);
}

static json_t *channel_item(const void *c)
{
	return api_channel_json(c);
}

int api_h_channel_list(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_channel), channel_fetch, channel_item,
					   "channels" };
	const struct api_page page = { .limit = 32 };

	return api_list_run(r, &page, &l, NULL);
}

int api_h_channel_get(struct api_req *r)
{
	struct api_channel c;
	int rc;

	if (!channel_name_ok(r, r->params[0]))
		return 0;
	rc = r->be->ops->channel_get(r->be->ctx, r->params[0], &c);
	return rc ? api_err_errno(r, rc, "channel") : api_ok(r, 200, api_channel_json(&c));
}

int api_h_channel_update(struct api_req *r)
{
	struct api_channel c;
	json_t *o;
	bool en;
	int rc;

	if (!channel_name_ok(r, r->params[0]) ||
	    !(o = api_body_json(r, channel_fields, NELEM(channel_fields))))
		return 0;
	en = api_json_bool(o, "enabled", true);
	json_decref(o);
	rc = r->be->ops->channel_set_enabled(r->be->ctx, r->params[0], en);
	if (rc == 0)
		rc = r->be->ops->channel_get(r->be->ctx, r->params[0], &c);
	if (rc)
		return api_err_errno(r, rc, "channel");
	api_audit(r, en ? "channel.enable" : "channel.disable", "channel/%s", r->params[0]);
	return api_ok(r, 200, api_channel_json(&c));
}

int api_h_channel_assign(struct api_req *r)
{
	struct api_channel c;
	struct api_user u;
	uint64_t uid;
	int rc;

	if (!channel_name_ok(r, r->params[0]) || !(uid = api_param_id(r, 1)))
		return 0;
	rc = r->be->ops->channel_get(r->be->ctx, r->params[0], &c);
	if (rc == 0)
		rc = r->be->ops->user_get(r->be->ctx, uid, &u);
	/* A sales manager assigns numbers within their own business unit. */
	if (rc == 0 && !api_role_has(r->who.role, API_P_CHANNEL_ADMIN) &&
	    strcmp(u.business_unit, r->who.business_unit) != 0)
		rc = -EACCES;
	if (rc == 0)
		rc = r->be->ops->channel_assign(r->be->ctx, r->params[0], uid);
	if (rc)
		return api_err_errno(r, rc, "channel assignment");
	api_audit(r, "channel.assign", "channel/%s/user/%llu", r->params[0],
		  (unsigned long long)uid);
	return api_ok(r, 200, json_pack("{s:s, s:I}", "channel", r->params[0], "user_id",
					(json_int_t)uid));
}

/* ---- webhooks ---- */

int api_h_webhook_create(struct api_req *r)
{
	struct api_webhook in = { .enabled = true }, out;
	unsigned char raw[32];
	json_t *o = api_body_json(r, webhook_fields, NELEM(webhook_fields)), *it;
	const char *url;
	size_t i;
	int rc;

	if (!o)
		return 0;
	url = api_json_str(o, "url", "");
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
		json_decref(o);
		return api_err(r, 400, "invalid_field", "field 'url': must be http(s)://");
	}
	snprintf(in.url, sizeof(in.url), "%s", url);
	json_array_foreach(json_object_get(o, "events"), i, it)
		in.events |= strcmp(json_string_value(it), "message.received") == 0
				     ? 1u << API_EV_MESSAGE_RECEIVED
				     : 1u << API_EV_MESSAGE_STATUS;
	json_decref(o);
	if (!in.events)
		return api_err(r, 400, "invalid_field", "field 'events': at least one event");
	rc = r->be->ops->random(r->be->ctx, raw, sizeof(raw));
	for (i = 0; rc == 0 && i < sizeof(raw); i++)
		snprintf(in.secret + 2 * i, 3, "%02x", raw[i]);
	if (rc == 0)
		rc = r->be->ops->webhook_create(r->be->ctx, &in, &out);
	if (rc)
		return api_err_errno(r, rc, "webhook");
	api_audit(r, "webhook.create", "webhook/%llu", (unsigned long long)out.id);
	return api_ok(r, 201, api_webhook_json(&out, true));
}

int api_h_webhook_get(struct api_req *r)
{
	struct api_webhook w;
	uint64_t id = api_param_id(r, 0);
	int rc;

	if (!id)
		return 0;
	rc = r->be->ops->webhook_get(r->be->ctx, id, &w);
	return rc ? api_err_errno(r, rc, "webhook") : api_ok(r, 200, api_webhook_json(&w, false));
}

int api_h_webhook_delete(struct api_req *r)
{
	uint64_t id = api_param_id(r, 0);
	int rc;

	if (!id)
		return 0;
	rc = r->be->ops->webhook_delete(r->be->ctx, id);
	if (rc)
		return api_err_errno(r, rc, "webhook");
	api_audit(r, "webhook.delete", "webhook/%llu", (unsigned long long)id);
	return api_ok(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

static int webhook_fetch(struct api_req *r, const void *arg, const struct api_page *page,
			 void *out, size_t *n, char *next)
{
	(void)arg;
	return r->be->ops->webhook_list(r->be->ctx, page, out, n, next);
}

/* Listed without the secret: it is shown once, at creation. */
static json_t *webhook_item(const void *w)
{
	return api_webhook_json(w, false);
}

int api_h_webhook_list(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_webhook), webhook_fetch,
					   webhook_item, "webhooks" };

	return api_list_send(r, &l, NULL);
}

static int audit_fetch(struct api_req *r, const void *arg, const struct api_page *page,
		       void *out, size_t *n, char *next)
{
	(void)arg;
	return r->be->ops->audit_list(r->be->ctx, page, out, n, next);
}

static json_t *audit_item(const void *e)
{
	return api_audit_json(e);
}

int api_h_audit_list(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_audit_event), audit_fetch,
					   audit_item, "audit" };

	return api_list_send(r, &l, NULL);
}
