/* /api/v1/messages and /api/v1/conversations. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_text.h"
#include "api_internal.h"
#include "hal/log.h"
#include "sms/segment.h"

LOG_MODULE(log_hmsg, "api");

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const number_types[] = { "business", "mobile", "home", "other", NULL };

static const struct api_field record_fields[] = {
	API_F("type", API_FT_STRING, API_FF_REQUIRED | API_FF_NONEMPTY | API_FF_TOKEN,
	      API_NAME_MAX - 1),
	API_F("id", API_FT_STRING, API_FF_REQUIRED | API_FF_NONEMPTY, API_KEY_MAX - 1),
};

static const struct api_field msg_fields[] = {
	API_F("to", API_FT_E164, 0, API_NUMBER_MAX - 1),
	API_F_INT("contact_id", 0, 1, INT64_MAX),
	API_F_ENUM("number_type", 0, number_types),
	API_F_OBJ("record", 0, record_fields),
	API_F("body", API_FT_STRING, API_FF_TEXT | API_FF_CHARS | API_FF_NONEMPTY,
	      API_BODY_CHARS_MAX),
	API_F_INT("template_id", 0, 1, INT64_MAX),
	API_F("variables", API_FT_STRMAP, 0, 512),
	API_F("channel", API_FT_STRING, API_FF_TOKEN | API_FF_NONEMPTY, API_NAME_MAX - 1),
	API_F("send_at", API_FT_TIME, 0, 40),
	API_F_INT("validity", 0, 60, 14 * 86400),
};

static bool can_see_msg(const struct api_req *r, const struct api_msg *m)
{
	return api_role_has(r->who.role, API_P_MSG_READ_ALL) || m->user_id == r->who.user_id;
}

/* Everything POST /messages and /messages/preview share: who to, what
 * text. Fills n (to, body, encoding, segments, ...). Returns 0, or -1 with
 * the error response set. */
static int build_message(struct api_req *r, const json_t *o, struct api_msg_new *n,
			 char *text, size_t text_max)
{
	const char *to = api_json_str(o, "to", NULL), *body = api_json_str(o, "body", NULL);
	int64_t contact_id = api_json_int(o, "contact_id", 0);
	int64_t tpl_id = api_json_int(o, "template_id", 0);
	const json_t *rec = json_object_get(o, "record");
	struct sms_segment_opts so = { .pref = SMS_PREF_AUTO };
	struct sms_segment_info si;
	int len, rc;

	if (!!to == !!contact_id)
		return api_err(r, 400, "invalid_request", "give exactly one of 'to' or 'contact_id'"),
		       -1;
	if (!!body == !!tpl_id)
		return api_err(r, 400, "invalid_request",
			       "give exactly one of 'body' or 'template_id'"), -1;
	if (json_object_get(o, "variables") && !tpl_id)
		return api_err(r, 400, "invalid_request", "'variables' needs 'template_id'"), -1;
	if (json_object_get(o, "number_type") && !contact_id)
		return api_err(r, 400, "invalid_request", "'number_type' needs 'contact_id'"), -1;
	if (contact_id) {
		struct api_contact c;
		int idx;
		rc = r->be->ops->contact_get(r->be->ctx, (uint64_t)contact_id, &c);
		if (rc == 0 && !api_role_has(r->who.role, API_P_CONV_READ_ALL) &&
		    strcmp(c.business_unit, r->who.business_unit) != 0)
			rc = -ENOENT;
		if (rc)
			return api_err_errno(r, rc, "contact"), -1;
		idx = api_pick_number(&c, api_json_str(o, "number_type", ""));
		if (idx < 0)
			return api_err(r, 422, "no_textable_number",
				       "the contact has no number that may be texted"), -1;
		snprintf(n->to, sizeof(n->to), "%s", c.numbers[idx].number);
		snprintf(n->number_type, sizeof(n->number_type), "%s", c.numbers[idx].type);
		n->contact_id = (uint64_t)contact_id;
	} else {
		snprintf(n->to, sizeof(n->to), "%s", to);
	}
	if (tpl_id) {
		struct api_template t;
		char missing[40];
		rc = r->be->ops->tpl_get(r->be->ctx, (uint64_t)tpl_id, &t);
		if (rc == 0 && t.owner_id != r->who.user_id &&
		    !(t.scope == API_TPL_BUSINESS_UNIT &&
		      strcmp(t.business_unit, r->who.business_unit) == 0) &&
		    r->who.role != API_ROLE_ADMINISTRATOR)
			rc = -ENOENT;
		if (rc)
			return api_err_errno(r, rc, "template"), -1;
		len = api_tpl_render(t.body, json_object_get(o, "variables"), text, text_max,
				     missing);
		if (len == -ENOENT)
			return api_err(r, 400, "missing_variable", "variable '%s' is missing",
				       missing), -1;
		if (len < 0)
			return api_err(r, 400, len == -E2BIG ? "too_long" : "invalid_template",
				       "the template cannot be rendered"), -1;
		n->template_id = (uint64_t)tpl_id;
	} else {
		len = (int)strlen(body);
		memcpy(text, body, (size_t)len + 1);
	}
	if (len == 0)
		return api_err(r, 400, "invalid_request", "the message text is empty"), -1;
	rc = sms_segment_count(text, (size_t)len, &so, &si);
	if (rc)
		return api_err(r, 400, rc == -E2BIG ? "too_long" : "invalid_field",
			       "the text cannot be sent as SMS (%s)", strerror(-rc)), -1;
	n->body = text;
	n->body_len = (size_t)len;
	snprintf(n->encoding, sizeof(n->encoding), "%s", sms_encoding_str(si.encoding));
	n->segments = si.parts;
	if (rec) {
		snprintf(n->record_type, sizeof(n->record_type), "%s", api_json_str(rec, "type", ""));
		snprintf(n->record_id, sizeof(n->record_id), "%s", api_json_str(rec, "id", ""));
	}
	return 0;
}

int api_h_msg_preview(struct api_req *r)
{
	struct api_msg_new n = { 0 };
	char *text = malloc(API_BODY_BYTES_MAX + 1);
	json_t *o = api_body_json(r, msg_fields, NELEM(msg_fields));

	if (o && text && build_message(r, o, &n, text, API_BODY_BYTES_MAX + 1) == 0)
		api_ok(r, 200, json_pack("{s:s, s:i, s:s#, s:s, s:o}", "encoding", n.encoding,
					 "segments", n.segments, "text", n.body, n.body_len, "to",
					 n.to, "number_type", n.number_type[0]
								  ? json_string(n.number_type)
								  : json_null()));
	else if (o && !text)
		api_err(r, 500, "internal", "out of memory");
	json_decref(o);
	free(text);
	return 0;
}

static void msg_respond(struct api_req *r, int rc, bool replay, const struct api_msg *m)
{
	if (rc == -EEXIST) {
		api_err(r, 409, "idempotency_conflict",
			"Idempotency-Key was used with a different request");
		return;
	}
	if (rc) {
		api_err_errno(r, rc, "message");
		return;
	}
	if (!replay)
		r->be->ops->wake(r->be->ctx);
	api_ok(r, 202, json_pack("{s:I, s:s, s:s, s:i, s:s, s:o, s:b}", "id", (json_int_t)m->id,
				 "status", msg_status_str(m->status), "encoding", m->encoding,
				 "segments", m->segments, "to", m->to, "number_type",
				 m->number_type[0] ? json_string(m->number_type) : json_null(),
				 "replayed", replay));
}

int api_h_msg_create(struct api_req *r)
{
	struct api_msg_new n = { 0 };
	char *text = malloc(API_BODY_BYTES_MAX + 1);
	const char *key = api_header(r, "Idempotency-Key");
	json_t *o = NULL;
	int64_t now = r->be->ops->now_ms(r->be->ctx);

	if (!text) {
		api_err(r, 500, "internal", "out of memory");
		goto out;
	}
	if (key && (strlen(key) == 0 || strlen(key) >= API_KEY_MAX)) {
		api_err(r, 400, "invalid_request", "Idempotency-Key must be 1..%d bytes",
			API_KEY_MAX - 1);
		goto out;
	}
	o = api_body_json(r, msg_fields, NELEM(msg_fields));
	if (!o || build_message(r, o, &n, text, API_BODY_BYTES_MAX + 1))
		goto out;
	n.user_id = r->who.user_id;
	snprintf(n.business_unit, sizeof(n.business_unit), "%s", r->who.business_unit);
	n.source = API_SRC_REST;
	snprintf(n.channel_pref, sizeof(n.channel_pref), "%s", api_json_str(o, "channel", "auto"));
	if (json_object_get(o, "send_at"))
		api_time_parse(api_json_str(o, "send_at", ""), &n.send_at);
	if (json_object_get(o, "validity"))
		n.expires_at = (n.send_at > now ? n.send_at : now) +
			       api_json_int(o, "validity", 0) * 1000;
	if (key)
		snprintf(n.idem_key, sizeof(n.idem_key), "%s", key);
	/* The request as asked (raw body) identifies an idempotent replay. */
	api_sha256(r->body, r->body_len, n.payload_hash);
	api_msg_submit(r, &n, msg_respond); /* copies the text */
out:
	json_decref(o);
	free(text);
	return 0;
}

/* The message of path id 0, read for the caller: NULL with the response
 * set when the id is bad or memory short; else a malloc'd message (free
 * it) and *rc from the read, -ENOENT for one the caller may not see. */
static struct api_msg *msg_load(struct api_req *r, uint64_t *id, int *rc)
{
	struct api_msg *m;

	*id = api_param_id(r, 0);
	if (!*id)
		return NULL;
	m = malloc(sizeof(*m));
	if (!m) {
		api_err(r, 500, "internal", "out of memory");
		return NULL;
	}
	*rc = r->be->ops->msg_get(r->be->ctx, *id, m);
	if (*rc == 0 && !can_see_msg(r, m))
		*rc = -ENOENT;
	return m;
}

int api_h_msg_get(struct api_req *r)
{
	uint64_t id;
	int rc;
	struct api_msg *m = msg_load(r, &id, &rc);
	json_t *o;

	if (!m)
		return 0;
	if (rc) {
		api_err_errno(r, rc, "message");
	} else {
		o = api_msg_json(m);
		/* The whole text here; lists show the start of a long one. */
		if (o && api_msg_full_body(r, m, o))
			LOG_WRN(&log_hmsg, NULL, "msg %llu: whole body not read; its start is shown",
				(unsigned long long)m->id);
		api_ok(r, 200, o);
	}
	free(m);
	return 0;
}

int api_h_msg_cancel(struct api_req *r)
{
	uint64_t id;
	int rc;
	struct api_msg *m = msg_load(r, &id, &rc);

	if (!m)
		return 0;
	if (rc == 0 && m->user_id != r->who.user_id && r->who.role != API_ROLE_ADMINISTRATOR)
		rc = -EACCES;
	if (rc == 0)
		rc = r->be->ops->msg_cancel(r->be->ctx, id, m);
	if (rc == -EPERM)
		api_err(r, 409, "not_cancelable", "the message is no longer waiting");
	else if (rc)
		api_err_errno(r, rc, "message");
	else {
		r->be->ops->wake(r->be->ctx);
		api_ok(r, 200, api_msg_json(m));
	}
	free(m);
	return 0;
}

static json_t *msg_item(const void *m)
{
	return api_msg_json(m);
}

/* arg: the api_msg_query of GET /messages. */
static int msg_fetch(struct api_req *r, const void *q, const struct api_page *page, void *out,
		     size_t *n, char *next)
{
	return r->be->ops->msg_list(r->be->ctx, q, page, out, n, next);
}

int api_h_msg_list(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_msg), msg_fetch, msg_item,
					   "messages" };
	struct api_msg_query q = { .any_status = true };
	struct api_page page;
	const char *st = api_query(r, "status"), *since = api_query(r, "since");

	if (api_page_from_query(r, &page))
		return 0;
	if (st) {
		int s = msg_status_parse(st);
		if (s < 0)
			return api_err(r, 400, "invalid_query", "unknown status");
		q.any_status = false;
		q.status = (enum msg_status)s;
	}
	if (since && api_time_parse(since, &q.since))
		return api_err(r, 400, "invalid_query", "since must be an RFC 3339 time");
	/* An administrator lists every user's messages; others their own. */
	q.user_id = api_role_has(r->who.role, API_P_MSG_READ_ALL) ? 0 : r->who.user_id;
	return api_list_run(r, &page, &l, &q);
}

static bool can_see_conv(const struct api_req *r, const struct api_conversation *c)
{
	return api_role_has(r->who.role, API_P_CONV_READ_ALL) ||
	       strcmp(c->business_unit, r->who.business_unit) == 0;
}

/* arg: the api_conv_query of GET /conversations. */
static int conv_fetch(struct api_req *r, const void *q, const struct api_page *page, void *out,
		      size_t *n, char *next)
{
	return r->be->ops->conv_list(r->be->ctx, q, page, out, n, next);
}

static json_t *conv_item(const void *c)
{
	return api_conv_json(c);
}

int api_h_conv_list(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_conversation), conv_fetch,
					   conv_item, "conversations" };
	struct api_conv_query q = { 0 };
	struct api_page page;
	const char *num = api_query(r, "number"), *rt = api_query(r, "record_type"),
		   *rid = api_query(r, "record_id");

	if (api_page_from_query(r, &page))
		return 0;
	if (num && !api_e164_valid(num))
		return api_err(r, 400, "invalid_number",
			       "number must be E.164 (send '+' as %%2B in a query)");
	if (!!rt != !!rid || (num && rt))
		return api_err(r, 400, "invalid_query",
			       "give number, or record_type with record_id");
	if (rt && (strlen(rt) >= API_NAME_MAX || strlen(rid) >= API_KEY_MAX || !*rt || !*rid))
		return api_err(r, 400, "invalid_query", "record_type or record_id too long");
	snprintf(q.number, sizeof(q.number), "%s", num ? num : "");
	snprintf(q.record_type, sizeof(q.record_type), "%s", rt ? rt : "");
	snprintf(q.record_id, sizeof(q.record_id), "%s", rid ? rid : "");
	if (!api_role_has(r->who.role, API_P_CONV_READ_ALL))
		snprintf(q.business_unit, sizeof(q.business_unit), "%s", r->who.business_unit);
	return api_list_run(r, &page, &l, &q);
}

/* arg: the conversation id. */
static int conv_msg_fetch(struct api_req *r, const void *id, const struct api_page *page,
			  void *out, size_t *n, char *next)
{
	return r->be->ops->conv_messages(r->be->ctx, *(const uint64_t *)id, page, out, n, next);
}

int api_h_conv_messages(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_msg), conv_msg_fetch, msg_item,
					   "messages" };
	uint64_t id = api_param_id(r, 0);
	struct api_conversation c;
	struct api_page page;
	int rc;

	if (!id || api_page_from_query(r, &page))
		return 0;
	rc = r->be->ops->conv_get(r->be->ctx, id, &c);
	if (rc == 0 && !can_see_conv(r, &c))
		rc = -ENOENT;
	if (rc)
		return api_err_errno(r, rc, "conversation");
	return api_list_run(r, &page, &l, &id);
}
