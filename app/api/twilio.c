/* The Twilio-compatible facade: the Message resource of Twilio's API
 * 2010-04-01 (shapes from twilio/twilio-oai spec/json/twilio_api_v2010.json,
 * schema api.v2010.account.message). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_form.h"
#include "api_internal.h"
#include "sms/segment.h"

void api_twilio_sid(const struct api_config *cfg, uint64_t id, char out[35])
{
	snprintf(out, 35, "SM%s%016" PRIx64,
		 cfg->twilio_sid_prefix ? cfg->twilio_sid_prefix : "0000000000000000", id);
}

int api_twilio_sid_parse(const struct api_config *cfg, const char *sid, uint64_t *id)
{
	const char *pre = cfg->twilio_sid_prefix ? cfg->twilio_sid_prefix : "0000000000000000";
	uint64_t v = 0;

	if (strlen(sid) != 34 || strncmp(sid, "SM", 2) != 0 || strncasecmp(sid + 2, pre, 16) != 0)
		return -ENOENT;
	for (const char *p = sid + 18; *p; p++) {
		int d = (*p >= '0' && *p <= '9')   ? *p - '0'
			: (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
			: (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
						   : -1;
		if (d < 0)
			return -ENOENT;
		v = v << 4 | (uint64_t)d;
	}
	if (!v)
		return -ENOENT;
	*id = v;
	return 0;
}

const char *api_twilio_status(enum msg_status s)
{
	switch (s) {
	case MSG_ACCEPTED:
		return "accepted";
	case MSG_SCHEDULED:
		return "scheduled";
	case MSG_QUEUED:
		return "queued";
	case MSG_SENDING:
		return "sending";
	case MSG_SENT:
		return "sent";
	case MSG_DELIVERED:
		return "delivered";
	case MSG_UNDELIVERED:
		return "undelivered";
	case MSG_EXPIRED: /* Twilio has no "expired": its validity ends in failed */
	case MSG_FAILED:
		return "failed";
	case MSG_CANCELED:
		return "canceled";
	case MSG_RECEIVED:
		return "received";
	case MSG_STATUS_COUNT:
		break;
	}
	return "failed";
}

static json_t *date_or_null(int64_t ms)
{
	char d[40];

	if (!ms)
		return json_null();
	api_time_rfc2822(ms, d);
	return json_string(d);
}

json_t *api_twilio_msg_json(const struct api_config *cfg, const struct api_msg *m)
{
	char sid[35], uri[160], media[180], seg[16];
	const char *acct = cfg->twilio_account_sid;
	json_t *o = json_object();

	api_twilio_sid(cfg, m->id, sid);
	snprintf(uri, sizeof(uri), "/2010-04-01/Accounts/%s/Messages/%s.json", acct, sid);
	snprintf(media, sizeof(media), "/2010-04-01/Accounts/%s/Messages/%s/Media.json", acct,
		 sid);
	snprintf(seg, sizeof(seg), "%u", m->segments);
	json_object_set_new(o, "account_sid", json_string(acct));
	json_object_set_new(o, "api_version", json_string("2010-04-01"));
	json_object_set_new(o, "body", json_stringn(m->body, m->body_len));
	json_object_set_new(o, "date_created", date_or_null(m->created_at));
	json_object_set_new(o, "date_sent", date_or_null(m->sent_at));
	json_object_set_new(o, "date_updated", date_or_null(m->updated_at));
	json_object_set_new(o, "direction", json_string(m->inbound ? "inbound" : "outbound-api"));
	json_object_set_new(o, "error_code", m->error_code ? json_integer(m->error_code)
							    : json_null());
	json_object_set_new(o, "error_message",
			    m->error_text[0] ? json_string(m->error_text) : json_null());
	json_object_set_new(o, "from", m->from[0] ? json_string(m->from) : json_null());
	json_object_set_new(o, "messaging_service_sid", json_null());
	json_object_set_new(o, "num_media", json_string("0"));
	json_object_set_new(o, "num_segments", json_string(seg));
	json_object_set_new(o, "price", json_null());
	json_object_set_new(o, "price_unit", json_null());
	json_object_set_new(o, "sid", json_string(sid));
	json_object_set_new(o, "status", json_string(api_twilio_status(m->status)));
	json_object_set_new(o, "subresource_uris", json_pack("{s:s}", "media", media));
	json_object_set_new(o, "to", json_string(m->to));
	json_object_set_new(o, "uri", json_string(uri));
	return o;
}

static const char *const tw_known[] = {
	"To", "From", "Body", "StatusCallback", "MessagingServiceSid", "ValidityPeriod",
};

static int tw_check_form(struct api_req *r, const struct api_form *f)
{
	static const struct api_field body =
		API_F("Body", API_FT_STRING, API_FF_TEXT | API_FF_CHARS, API_BODY_CHARS_MAX);
	static const struct api_field url =
		API_F("StatusCallback", API_FT_STRING, API_FF_NONEMPTY, API_URL_MAX - 1);
	const char *v;
	struct api_json_err e;

	for (size_t i = 0; i < f->n; i++) {
		size_t k;
		for (k = 0; k < sizeof(tw_known) / sizeof(tw_known[0]); k++)
			if (strcmp(f->pairs[i].name, tw_known[k]) == 0)
				break;
		if (k == sizeof(tw_known) / sizeof(tw_known[0]))
			return api_err(r, 400, "unknown_field", "unknown parameter '%.40s'",
				       f->pairs[i].name), -1;
	}
	v = api_form_get(f, "To");
	if (!v || !*v)
		return api_err(r, 400, "missing_field", "A 'To' phone number is required."), -1;
	if (!api_e164_valid(v))
		return api_err(r, 400, "invalid_number", "The 'To' number %.20s is not a valid "
			       "phone number.", v), -1;
	v = api_form_get(f, "From");
	if (v && !api_e164_valid(v))
		return api_err(r, 400, "invalid_from", "The 'From' number is not valid."), -1;
	v = api_form_get(f, "Body");
	if (!v || !*v)
		return api_err(r, 400, "missing_body", "Message body is required."), -1;
	if (api_json_check_string(&body, v, strlen(v), &e))
		return api_err(r, 400, e.code, "%s", e.message), -1;
	v = api_form_get(f, "StatusCallback");
	if (v && (api_json_check_string(&url, v, strlen(v), &e) ||
		  (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)))
		return api_err(r, 400, "invalid_field", "StatusCallback must be an http(s) URL"),
		       -1;
	v = api_form_get(f, "MessagingServiceSid");
	if (v && (strlen(v) != 34 || strncmp(v, "MG", 2) != 0 ||
		  strspn(v + 2, "0123456789abcdefABCDEF") != 32))
		return api_err(r, 400, "invalid_field", "MessagingServiceSid is not valid"), -1;
	v = api_form_get(f, "ValidityPeriod");
	if (v) {
		char *end;
		long p = strtol(v, &end, 10);
		if (!*v || *end || p < 1 || p > 36000)
			return api_err(r, 400, "invalid_field", "ValidityPeriod must be 1..36000"),
			       -1;
	}
	return 0;
}

static void tw_respond(struct api_req *r, int rc, bool replay, const struct api_msg *m)
{
	if (rc) {
		api_err_errno(r, rc, "message");
		return;
	}
	if (!replay)
		r->be->ops->wake(r->be->ctx);
	api_ok(r, 201, api_twilio_msg_json(r->cfg, m));
}

int api_h_tw_create(struct api_req *r)
{
	const char *ct = api_header(r, "Content-Type");
	const char *key = api_header(r, "I-Twilio-Idempotency-Token");
	struct sms_segment_opts so = { .pref = SMS_PREF_AUTO };
	struct sms_segment_info si;
	struct api_msg_new n = { 0 };
	struct api_form f;
	const char *v;
	int rc;

	if (!key)
		key = api_header(r, "Idempotency-Key");
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return api_err(r, 400, "invalid_request",
			       "Content-Type must be application/x-www-form-urlencoded");
	rc = api_form_decode(r->body, r->body_len, &f);
	if (rc) {
		api_form_free(&f);
		return api_err(r, 400, "invalid_request", "malformed form body");
	}
	if (tw_check_form(r, &f))
		goto out;
	v = api_form_get(&f, "Body");
	rc = sms_segment_count(v, strlen(v), &so, &si);
	if (rc) {
		api_err(r, 400, "too_long", "The message body cannot be sent as SMS.");
		goto out;
	}
	n.user_id = r->who.user_id;
	snprintf(n.business_unit, sizeof(n.business_unit), "%s", r->who.business_unit);
	n.source = API_SRC_TWILIO;
	snprintf(n.to, sizeof(n.to), "%s", api_form_get(&f, "To"));
	snprintf(n.from, sizeof(n.from), "%s", api_form_get(&f, "From") ? api_form_get(&f, "From") : "");
	n.body = v;
	n.body_len = strlen(v);
	snprintf(n.encoding, sizeof(n.encoding), "%s", sms_encoding_str(si.encoding));
	n.segments = si.parts;
	snprintf(n.channel_pref, sizeof(n.channel_pref), "auto");
	if ((v = api_form_get(&f, "StatusCallback")))
		snprintf(n.status_callback, sizeof(n.status_callback), "%s", v);
	if ((v = api_form_get(&f, "ValidityPeriod")))
		n.expires_at = r->be->ops->now_ms(r->be->ctx) + strtol(v, NULL, 10) * 1000;
	if (key && *key && strlen(key) < API_KEY_MAX)
		snprintf(n.idem_key, sizeof(n.idem_key), "%s", key);
	api_sha256(r->body, r->body_len, n.payload_hash);
	api_msg_submit(r, &n, tw_respond); /* copies the body out of the form */
out:
	api_form_free(&f);
	return 0;
}

int api_h_tw_get(struct api_req *r)
{
	struct api_msg *m;
	uint64_t id;
	int rc;

	if (api_twilio_sid_parse(r->cfg, r->params[1], &id))
		return api_err(r, 404, "not_found", "The requested resource was not found");
	m = malloc(sizeof(*m));
	if (!m)
		return api_err(r, 500, "internal", "out of memory");
	rc = r->be->ops->msg_get(r->be->ctx, id, m);
	if (rc == 0 && m->user_id != r->who.user_id &&
	    !api_role_has(r->who.role, API_P_MSG_READ_ALL))
		rc = -ENOENT;
	if (rc == -ENOENT)
		api_err(r, 404, "not_found", "The requested resource %s was not found",
			r->params[1]);
	else if (rc)
		api_err_errno(r, rc, "message");
	else {
		json_t *o = api_twilio_msg_json(r->cfg, m);

		if (o)
			api_msg_full_body(r, m, o); /* a failure leaves the start */
		api_ok(r, 200, o);
	}
	free(m);
	return 0;
}

static json_t *page_uri(const struct api_req *r, unsigned size, long page, const char *token,
			const char *to, const char *from)
{
	char buf[512], eto[64] = "", efrom[64] = "";
	int n;

	if (to) {
		strcpy(eto, "&To=");
		api_form_escape(to, eto + 4, sizeof(eto) - 4);
	}
	if (from) {
		strcpy(efrom, "&From=");
		api_form_escape(from, efrom + 6, sizeof(efrom) - 6);
	}
	n = snprintf(buf, sizeof(buf),
		     "/2010-04-01/Accounts/%s/Messages.json?PageSize=%u&Page=%ld%s%s%s%s",
		     r->cfg->twilio_account_sid, size, page, eto, efrom, token ? "&PageToken=" : "",
		     token ? token : "");
	return n > 0 && (size_t)n < sizeof(buf) ? json_string(buf) : json_null();
}

/* Up to size messages into a (Twilio allows PageSize 1000; one backend
 * page holds at most API_PAGE_MAX), chunk by chunk from page->cursor.
 * next gets the cursor after the last message taken, "" at the end.
 * Returns 0 or the backend's -errno. */
static int tw_collect(struct api_req *r, const struct api_msg_query *q, struct api_page *page,
		      unsigned size, json_t *a, char next[API_CURSOR_MAX], size_t *total)
{
	struct api_msg *arr = calloc(API_PAGE_MAX, sizeof(*arr));
	int rc = 0;

	if (!arr)
		return -ENOMEM;
	*total = 0;
	next[0] = 0;
	while (*total < size) {
		size_t n = 0;
		page->limit = size - *total > API_PAGE_MAX ? API_PAGE_MAX : size - (unsigned)*total;
		rc = r->be->ops->msg_list(r->be->ctx, q, page, arr, &n, next);
		if (rc)
			break;
		for (size_t i = 0; i < n && i < page->limit; i++)
			json_array_append_new(a, api_twilio_msg_json(r->cfg, &arr[i]));
		*total += n < page->limit ? n : page->limit;
		/* the end, or a backend that made no progress: stop with its
		 * cursor so the client can go on from there */
		if (!next[0] || n == 0)
			break;
		snprintf(page->cursor, sizeof(page->cursor), "%s", next);
	}
	free(arr);
	return rc;
}

int api_h_tw_list(struct api_req *r)
{
	const char *ps = api_query(r, "PageSize"), *pg = api_query(r, "Page"),
		   *tok = api_query(r, "PageToken"), *to = api_query(r, "To"),
		   *from = api_query(r, "From");
	struct api_msg_query q = { .any_status = true };
	struct api_page page = { .limit = 0 };
	char next[API_CURSOR_MAX] = "";
	unsigned size = 50;
	long pageno = 0;
	size_t n = 0;
	int rc;
	json_t *a, *o;

	if (ps) {
		char *end;
		long v = strtol(ps, &end, 10);
		if (!*ps || *end || v < 1 || v > 1000)
			return api_err(r, 400, "invalid_query", "PageSize must be 1..1000");
		size = (unsigned)v;
	}
	if (pg) {
		char *end;
		pageno = strtol(pg, &end, 10);
		if (!*pg || *end || pageno < 0 || pageno > 1000000)
			return api_err(r, 400, "invalid_query", "Page must be >= 0");
	}
	if (tok) {
		if (!*tok || strlen(tok) >= API_CURSOR_MAX ||
		    strspn(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
			    strlen(tok))
			return api_err(r, 400, "invalid_query", "malformed PageToken");
		snprintf(page.cursor, sizeof(page.cursor), "%s", tok);
	}
	if ((to && !api_e164_valid(to)) || (from && !api_e164_valid(from)))
		return api_err(r, 400, "invalid_number", "To/From filters must be E.164");
	snprintf(q.to, sizeof(q.to), "%s", to ? to : "");
	snprintf(q.from, sizeof(q.from), "%s", from ? from : "");
	q.user_id = api_role_has(r->who.role, API_P_MSG_READ_ALL) ? 0 : r->who.user_id;
	a = json_array();
	if (!a)
		return api_err(r, 500, "internal", "out of memory");
	rc = tw_collect(r, &q, &page, size, a, next, &n);
	if (rc) {
		json_decref(a);
		return api_err_errno(r, rc, "messages");
	}
	o = json_object();
	json_object_set_new(o, "messages", a);
	json_object_set_new(o, "page", json_integer(pageno));
	json_object_set_new(o, "page_size", json_integer(size));
	json_object_set_new(o, "start", json_integer(pageno * size));
	json_object_set_new(o, "end", json_integer(pageno * size + (long)n - (n ? 1 : 0)));
	json_object_set_new(o, "uri", page_uri(r, size, pageno, tok, to, from));
	json_object_set_new(o, "first_page_uri", page_uri(r, size, 0, NULL, to, from));
	json_object_set_new(o, "next_page_uri",
			    next[0] ? page_uri(r, size, pageno + 1, next, to, from)
				    : json_null());
	json_object_set_new(o, "previous_page_uri", json_null());
	return api_ok(r, 200, o);
}
