/* Webhook events: the outbox observer turns committed message changes into
 * durable deliveries (JSON payloads), and the delivery-queue ops of the
 * api_backend that the webhook worker calls. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "crm_priv.h"
#include "hal/log.h"

LOG_MODULE(log_crm_hook, "crm");

_Static_assert((int)STORE_EV_RECEIVED == (int)API_EV_MESSAGE_RECEIVED &&
		       (int)STORE_EV_STATUS == (int)API_EV_MESSAGE_STATUS,
	       "store event types are the API's");

/* Text as a JSON string; null when it is not valid UTF-8 (jansson refuses
 * it, and a receiver could not read it either). */
static json_t *str_or_null(const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);

	return v ? v : json_null();
}

/* {"event": ..., "created_at": ms, "data": {the message}} */
static char *event_payload(const char *event, const struct store_msg *m, int64_t now)
{
	json_t *d = json_object(), *o = json_object();
	char *txt = NULL;

	if (d && o) {
		json_object_set_new(d, "id", json_integer((json_int_t)m->id));
		json_object_set_new(d, "direction",
				    json_string(m->dir == STORE_DIR_IN ? "inbound" : "outbound"));
		json_object_set_new(d, "status", json_string(msg_status_str(m->status)));
		json_object_set_new(d, "from", str_or_null(m->from[0] ? m->from : m->sender,
							   strlen(m->from[0] ? m->from : m->sender)));
		json_object_set_new(d, "to", str_or_null(m->to, strlen(m->to)));
		json_object_set_new(d, "body", str_or_null(m->body ? m->body : "", m->body_len));
		json_object_set_new(d, "segments", json_integer(m->segments));
		json_object_set_new(d, "channel", str_or_null(m->channel, strlen(m->channel)));
		json_object_set_new(d, "conversation_id",
				    json_integer((json_int_t)m->conversation_id));
		json_object_set_new(d, "contact_id", json_integer(m->contact_id));
		json_object_set_new(d, "user_id", json_integer(m->user_id));
		json_object_set_new(d, "business_unit",
				    str_or_null(m->business_unit, strlen(m->business_unit)));
		if (m->crm_type[0])
			json_object_set_new(d, "record",
					    json_pack("{s:s, s:s}", "type", m->crm_type, "id",
						      m->crm_id));
		if (m->last_error_code)
			json_object_set_new(d, "error_code", json_integer(m->last_error_code));
		json_object_set_new(d, "created_at", json_integer(m->created_at));
		json_object_set_new(d, "updated_at", json_integer(m->updated_at));
		json_object_set_new(o, "event", json_string(event));
		json_object_set_new(o, "created_at", json_integer(now));
		json_object_set_new(o, "data", d);
		d = NULL;
		txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	}
	json_decref(d);
	json_decref(o);
	return txt;
}

/* Twilio's StatusCallback form (www.twilio.com/docs/messaging/guides/
 * track-outbound-message-status: MessageSid, SmsSid, AccountSid, From, To,
 * MessageStatus, SmsStatus, ApiVersion, and ErrorCode on failed and
 * undelivered), with the URL and the account's auth token the worker signs
 * with: {"url": ..., "auth_token": ..., "params": {...}}. */
static char *twilio_payload(const struct crm *c, const struct store_event_src *ev)
{
	const struct store_msg *m = ev->msg;
	const char *pre = c->cfg.twilio_sid_prefix ? c->cfg.twilio_sid_prefix
						   : "0000000000000000";
	const char *st = msg_status_str(m->status);
	json_t *o = json_object(), *p = json_object();
	char sid[64], code[16];
	char *txt = NULL;

	/* The facade's sid (app/api/twilio.c api_twilio_sid): SM + prefix + id */
	snprintf(sid, sizeof(sid), "SM%s%016llx", pre, (unsigned long long)m->id);
	if (o && p) {
		json_object_set_new(p, "MessageSid", json_string(sid));
		json_object_set_new(p, "SmsSid", json_string(sid));
		json_object_set_new(p, "AccountSid", json_string(ev->account_sid));
		json_object_set_new(p, "From", str_or_null(m->from[0] ? m->from : m->sender,
							   strlen(m->from[0] ? m->from : m->sender)));
		json_object_set_new(p, "To", str_or_null(m->to, strlen(m->to)));
		json_object_set_new(p, "MessageStatus", json_string(st));
		json_object_set_new(p, "SmsStatus", json_string(st));
		json_object_set_new(p, "ApiVersion", json_string("2010-04-01"));
		if (m->status == MSG_FAILED || m->status == MSG_UNDELIVERED) {
			snprintf(code, sizeof(code), "%d", m->last_error_code ? m->last_error_code
									     : 30008);
			json_object_set_new(p, "ErrorCode", json_string(code));
		}
		json_object_set_new(o, "url", json_string(m->status_callback));
		json_object_set_new(o, "auth_token", json_string(ev->auth_token));
		json_object_set_new(o, "params", p);
		p = NULL;
		txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	}
	json_decref(p);
	json_decref(o);
	return txt;
}

/* The store's payload builder: runs inside the transaction of the change
 * (store_set_payload_builder), so it must not call the store. */
static char *build_payload(void *arg, const struct store_event_src *ev, size_t *len)
{
	struct crm *c = arg;
	char *txt;

	if (ev->type == STORE_EV_TWILIO_STATUS)
		txt = twilio_payload(c, ev);
	else
		txt = event_payload(store_event_type_str(ev->type), ev->msg, ev->now);
	*len = txt ? strlen(txt) : 0;
	return txt;
}

void crm_hooks_attach(struct crm *c)
{
	store_set_payload_builder(c->cfg.store, build_payload, c);
}

void crm_hooks_detach(struct crm *c)
{
	store_set_payload_builder(c->cfg.store, NULL, NULL);
}

/* The events are already queued (in the change's own transaction): the
 * observer only wakes the worker. */
static void on_status(void *arg, uint64_t id, enum msg_status from, enum msg_status to)
{
	(void)id;
	(void)from;
	switch (to) {
	case MSG_SENT:
	case MSG_DELIVERED:
	case MSG_UNDELIVERED:
	case MSG_FAILED:
		crm_notify(arg);
		break;
	default:
		break;
	}
}

static void on_inbound(void *arg, uint64_t id)
{
	(void)id;
	crm_notify(arg);
}

struct outbox_observer crm_outbox_observer(struct crm *c)
{
	return (struct outbox_observer){ .status = on_status, .inbound = on_inbound, .arg = c };
}

/* ---- the delivery queue ops ---- */

static int op_enqueue(void *ctx, enum api_webhook_event_type type, uint64_t conversation_id,
		      const char *payload, size_t len)
{
	struct crm *c = ctx;
	size_t queued = 0;
	int rc;

	if ((unsigned)type >= API_EV_COUNT)
		return -EINVAL;
	rc = store_delivery_enqueue(c->cfg.store, (int)type, conversation_id, payload, len,
				    crm_now(c), &queued);
	if (!rc && queued)
		crm_notify(c);
	return rc;
}

static int op_fetch_due(void *ctx, int64_t now, struct api_webhook_delivery *out, size_t max,
			size_t *n)
{
	struct crm *c = ctx;
	struct store_delivery *rows;
	int k;

	*n = 0;
	if (!max)
		return 0;
	rows = calloc(max, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	k = store_delivery_due(c->cfg.store, now, rows, max);
	for (int i = 0; i < k; i++) {
		struct api_webhook_delivery *d = &out[i];

		memset(d, 0, sizeof(*d));
		d->id = rows[i].id;
		d->webhook_id = rows[i].webhook_id;
		d->conversation_id = rows[i].conversation_id;
		d->type = (unsigned)rows[i].event_type < API_EV_COUNT
				  ? (enum api_webhook_event_type)rows[i].event_type
				  : API_EV_MESSAGE_STATUS;
		d->payload = rows[i].payload; /* ownership moves to the caller */
		d->payload_len = rows[i].payload_len;
		d->attempts = rows[i].attempts;
		d->created_at = rows[i].created_at;
		d->next_attempt_at = rows[i].next_attempt_at;
	}
	free(rows);
	if (k < 0)
		return k;
	*n = (size_t)k;
	return 0;
}

static void op_release(void *ctx, struct api_webhook_delivery *d)
{
	(void)ctx;
	if (d) {
		free(d->payload);
		d->payload = NULL;
		d->payload_len = 0;
	}
}

static int op_mark_delivered(void *ctx, uint64_t id)
{
	struct crm *c = ctx;

	return store_delivery_done(c->cfg.store, id);
}

static int op_mark_failed(void *ctx, uint64_t id, int64_t next, bool give_up)
{
	struct crm *c = ctx;

	return store_delivery_failed(c->cfg.store, id, next, give_up);
}

static int op_backlog(void *ctx, uint64_t *n)
{
	struct crm *c = ctx;

	return store_delivery_backlog(c->cfg.store, n, NULL);
}

static int op_next_due(void *ctx, int64_t after, int64_t *when)
{
	struct crm *c = ctx;

	return store_delivery_next_due(c->cfg.store, after, when);
}

void crm_ops_hooks(struct api_backend_ops *ops)
{
	ops->webhook_enqueue = op_enqueue;
	ops->webhook_fetch_due = op_fetch_due;
	ops->webhook_release = op_release;
	ops->webhook_mark_delivered = op_mark_delivered;
	ops->webhook_mark_failed = op_mark_failed;
	ops->webhook_backlog = op_backlog;
	ops->webhook_next_due = op_next_due;
}
