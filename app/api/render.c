/* JSON renderings of the backend's structs, and enum names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

static json_t *time_or_null(int64_t ms)
{
	char t[32];

	if (!ms)
		return json_null();
	api_time_format(ms, t);
	return json_string(t);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *record_json(const char *type, const char *id)
{
	if (!*type && !*id)
		return json_null();
	return json_pack("{s:s, s:s}", "type", type, "id", id);
}

json_t *api_msg_json(const struct api_msg *m)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer((json_int_t)m->id));
	json_object_set_new(o, "direction", json_string(m->inbound ? "inbound" : "outbound"));
	json_object_set_new(o, "status", json_string(msg_status_str(m->status)));
	json_object_set_new(o, "to", json_string(m->to));
	json_object_set_new(o, "from", str_or_null(m->from));
	json_object_set_new(o, "body", json_stringn(m->body, m->body_len));
	if (m->body_total > m->body_len) {
		/* Not silently: the start of a long inbound text, and its size;
		 * GET /messages/{id} gives the whole. */
		json_object_set_new(o, "body_truncated", json_true());
		json_object_set_new(o, "body_bytes", json_integer((json_int_t)m->body_total));
	}
	json_object_set_new(o, "encoding", json_string(m->encoding));
	json_object_set_new(o, "segments", json_integer(m->segments));
	json_object_set_new(o, "channel", str_or_null(m->channel));
	json_object_set_new(o, "channel_preference", str_or_null(m->channel_pref));
	json_object_set_new(o, "user_id", json_integer((json_int_t)m->user_id));
	json_object_set_new(o, "conversation_id",
			    m->conversation_id ? json_integer((json_int_t)m->conversation_id)
					       : json_null());
	json_object_set_new(o, "contact_id",
			    m->contact_id ? json_integer((json_int_t)m->contact_id) : json_null());
	json_object_set_new(o, "number_type", str_or_null(m->number_type));
	json_object_set_new(o, "record", record_json(m->record_type, m->record_id));
	json_object_set_new(o, "error_code", m->error_code ? json_integer(m->error_code)
							    : json_null());
	json_object_set_new(o, "error_message", str_or_null(m->error_text));
	json_object_set_new(o, "created_at", time_or_null(m->created_at));
	json_object_set_new(o, "updated_at", time_or_null(m->updated_at));
	json_object_set_new(o, "send_at", time_or_null(m->send_at));
	json_object_set_new(o, "sent_at", time_or_null(m->sent_at));
	json_object_set_new(o, "expires_at", time_or_null(m->expires_at));
	return o;
}

json_t *api_user_json(const struct api_user *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)u->id, "username",
			 u->username, "role", api_role_str(u->role), "business_unit",
			 u->business_unit, "channel", str_or_null(u->channel), "created_at",
			 time_or_null(u->created_at));
}

json_t *api_token_json(const struct api_token *t)
{
	return json_pack("{s:I, s:I, s:s, s:o}", "id", (json_int_t)t->id, "user_id",
			 (json_int_t)t->user_id, "label", t->label, "created_at",
			 time_or_null(t->created_at));
}

json_t *api_contact_json(const struct api_contact *c)
{
	json_t *nums = json_array();

	for (size_t i = 0; i < c->n_numbers && i < API_CONTACT_NUMBERS_MAX; i++)
		json_array_append_new(nums, json_pack("{s:s, s:s, s:b}", "type",
						      c->numbers[i].type, "number",
						      c->numbers[i].number, "do_not_text",
						      c->numbers[i].do_not_text));
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)c->id, "name",
			 c->name, "business_unit", c->business_unit, "record",
			 record_json(c->record_type, c->record_id), "numbers", nums, "created_at",
			 time_or_null(c->created_at), "updated_at", time_or_null(c->updated_at));
}

json_t *api_conv_json(const struct api_conversation *c)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)c->id, "number",
			 c->number, "business_unit", c->business_unit, "contact_id",
			 c->contact_id ? json_integer((json_int_t)c->contact_id) : json_null(),
			 "record", record_json(c->record_type, c->record_id), "last_message_at",
			 time_or_null(c->last_message_at));
}

json_t *api_tpl_json(const struct api_template *t)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)t->id,
			 "owner_id", (json_int_t)t->owner_id, "scope", api_tpl_scope_str(t->scope),
			 "business_unit", t->business_unit, "name", t->name, "body", t->body,
			 "created_at", time_or_null(t->created_at), "updated_at",
			 time_or_null(t->updated_at));
}

json_t *api_channel_json(const struct api_channel *c)
{
	json_t *o = json_pack("{s:s, s:s, s:b, s:b, s:I, s:o}", "name", c->name, "kind", c->kind,
			      "enabled", c->enabled, "healthy", c->healthy, "queue_depth",
			      (json_int_t)c->queue_depth, "health_text", str_or_null(c->health_text));

	if (o && strcmp(c->kind, "modem") == 0)
		json_object_set_new(o, "modem",
				    json_pack("{s:o, s:s, s:o}", "signal_dbm",
					      c->signal_dbm ? json_integer(c->signal_dbm)
							    : json_null(),
					      "registration",
					      c->registration[0] ? c->registration : "unknown",
					      "operator", str_or_null(c->operator_name)));
	return o;
}

json_t *api_webhook_json(const struct api_webhook *w, bool with_secret)
{
	json_t *ev = json_array();
	json_t *o;

	for (int i = 0; i < API_EV_COUNT; i++)
		if (w->events & (1u << i))
			json_array_append_new(ev, json_string(api_webhook_event_type_str(i)));
	o = json_pack("{s:I, s:s, s:o, s:b, s:o}", "id", (json_int_t)w->id, "url", w->url,
		      "events", ev, "enabled", w->enabled, "created_at",
		      time_or_null(w->created_at));
	if (o && with_secret)
		json_object_set_new(o, "secret", json_string(w->secret));
	return o;
}

json_t *api_audit_json(const struct api_audit_event *e)
{
	return json_pack("{s:I, s:o, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)e->id, "at",
			 time_or_null(e->at), "actor_id", (json_int_t)e->actor_id, "actor",
			 e->actor, "action", e->action, "target", e->target, "detail",
			 str_or_null(e->detail));
}

const char *api_tpl_scope_str(enum api_tpl_scope s)
{
	return s == API_TPL_BUSINESS_UNIT ? "business_unit" : "user";
}

const char *api_webhook_event_type_str(enum api_webhook_event_type t)
{
	switch (t) {
	case API_EV_MESSAGE_RECEIVED:
		return "message.received";
	case API_EV_MESSAGE_STATUS:
		return "message.status";
	case API_EV_COUNT:
		break;
	}
	return "?";
}

const char *api_msg_source_str(enum api_msg_source s)
{
	return s == API_SRC_TWILIO ? "twilio" : "rest";
}

int api_msg_full_body(struct api_req *r, const struct api_msg *m, json_t *o)
{
	char *body = NULL;
	size_t len = 0;
	json_t *v;
	int rc;

	if (m->body_total <= m->body_len)
		return 0;
	if (!r->be->ops->msg_body)
		return -ENOTSUP;
	rc = r->be->ops->msg_body(r->be->ctx, m->id, &body, &len);
	if (rc)
		return rc;
	v = json_stringn(body, len);
	free(body);
	if (!v)
		return -EILSEQ; /* not UTF-8: keep the cut, valid start */
	json_object_set_new(o, "body", v);
	json_object_del(o, "body_truncated");
	json_object_del(o, "body_bytes");
	return 0;
}
