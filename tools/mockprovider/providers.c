/* The provider endpoints of mockprovider: Twilio Messages (create, fetch,
 * list with paging) and Telesign Messaging (send, status), plus Twilio
 * status callbacks signed like Twilio does.
 *
 * Twilio's magic test numbers answer as the real API does with test
 * credentials (twilio.com/docs/iam/test-credentials): To +15005550001 ->
 * 21211 invalid, +15005550002 -> 21612 cannot route, +15005550003 -> 21408
 * no permission, +15005550004 -> 21610 opted out, +15005550009 -> 21614
 * not a mobile number. The same numbers (without '+') make Telesign answer
 * status.code 230 (blocked) for ...0004 and HTTP 400 / status.code 500
 * (not attempted) for ...0001. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cloud/twilio.h"
#include "mock.h"

static void rfc2822(time_t t, char *out, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

long mock_msg_add(struct mock *m, const char *to, const char *from, const char *body,
		  const char *direction, bool telesign)
{
	if (m->nmsgs >= MOCK_MSGS_MAX)
		return -1;
	struct mock_msg *a = realloc(m->msgs, (m->nmsgs + 1) * sizeof(*a));
	if (!a)
		return -1;
	m->msgs = a;
	struct mock_msg *x = &a[m->nmsgs];
	memset(x, 0, sizeof(*x));
	m->seq++;
	if (telesign)
		snprintf(x->sid, sizeof(x->sid), "%032lX", m->seq);
	else
		snprintf(x->sid, sizeof(x->sid), "SM%032lx", m->seq);
	snprintf(x->to, sizeof(x->to), "%s", to);
	snprintf(x->from, sizeof(x->from), "%s", from ? from : "");
	snprintf(x->direction, sizeof(x->direction), "%s", direction);
	x->body = strdup(body);
	x->created = time(NULL);
	x->telesign = telesign;
	return x->body ? (long)m->nmsgs++ : -1;
}

static struct mock_msg *mock_find(struct mock *m, const char *sid, size_t n)
{
	for (size_t i = m->nmsgs; i-- > 0;)
		if (strlen(m->msgs[i].sid) == n && strncmp(m->msgs[i].sid, sid, n) == 0)
			return &m->msgs[i];
	return NULL;
}

/* ---- Twilio ---------------------------------------------------------------- */

static unsigned segments(const char *body)
{
	size_t n = strlen(body);
	return n <= 160 ? 1 : (unsigned)((n + 152) / 153);
}

/* The Message resource's fields (components.schemas.api.v2010.account.message). */
static json_t *twilio_resource(const struct mock *m, const struct mock_msg *x,
			       const char *status, int error_code)
{
	char date[64], segs[16], uri[160];
	rfc2822(x->created, date, sizeof(date));
	snprintf(segs, sizeof(segs), "%u", segments(x->body));
	snprintf(uri, sizeof(uri), "/2010-04-01/Accounts/%s/Messages/%s.json", m->account_sid,
		 x->sid);
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			      "account_sid", m->account_sid, "api_version", "2010-04-01", "body",
			      x->body, "date_created", date, "date_sent", date, "date_updated",
			      date, "direction", x->direction, "from", x->from, "to", x->to,
			      "num_media", "0", "num_segments", segs, "sid", x->sid, "uri", uri);
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "error_code", error_code ? json_integer(error_code) : json_null());
	json_object_set_new(o, "error_message",
			    error_code ? json_string("mock error") : json_null());
	json_object_set_new(o, "price", json_null());
	json_object_set_new(o, "price_unit", json_string("USD"));
	json_object_set_new(o, "messaging_service_sid", json_null());
	return o;
}

static enum MHD_Result twilio_error(struct MHD_Connection *c, unsigned http, int code,
				    const char *msg)
{
	json_t *o = json_pack("{s:i,s:s,s:s,s:i}", "code", code, "message", msg, "more_info",
			      "https://www.twilio.com/docs/errors", "status", (int)http);
	return mock_reply_json(c, http, o);
}

static bool malformed_now(struct mock *m)
{
	pthread_mutex_lock(&m->lock);
	bool b = m->faults.malformed > 0;
	if (b) {
		m->faults.malformed--;
		m->counts.faults_malformed++;
	}
	pthread_mutex_unlock(&m->lock);
	return b;
}

struct callback_job {
	struct mock *m;
	char *url;
	char *body;
	char sig[29];
};

static void *callback_thread(void *arg)
{
	struct callback_job *j = arg;
	CURL *e = curl_easy_init();
	if (e) {
		char hdr[64];
		snprintf(hdr, sizeof(hdr), "X-Twilio-Signature: %s", j->sig);
		struct curl_slist *h = curl_slist_append(NULL, hdr);
		curl_easy_setopt(e, CURLOPT_URL, j->url);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->body);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_perform(e);
		curl_slist_free_all(h);
		curl_easy_cleanup(e);
	}
	pthread_mutex_lock(&j->m->lock);
	j->m->callbacks_running--;
	j->m->counts.callbacks++;
	pthread_mutex_unlock(&j->m->lock);
	free(j->url);
	free(j->body);
	free(j);
	return NULL;
}

/* POST the final status to url, signed with the auth token. */
static void twilio_send_callback(struct mock *m, const char *url, const struct mock_msg *x)
{
	struct cloud_form f = { 0 };
	struct cloud_param p[6];
	char err[16];
	snprintf(err, sizeof(err), "%d", m->faults.final_error);
	p[0] = (struct cloud_param){ "MessageSid", (char *)(uintptr_t)x->sid };
	p[1] = (struct cloud_param){ "MessageStatus", m->faults.final_status };
	p[2] = (struct cloud_param){ "To", (char *)(uintptr_t)x->to };
	p[3] = (struct cloud_param){ "From", (char *)(uintptr_t)x->from };
	p[4] = (struct cloud_param){ "AccountSid", (char *)(uintptr_t)m->account_sid };
	p[5] = (struct cloud_param){ "ErrorCode", err };
	f.params = p;
	f.count = m->faults.final_error ? 6 : 5;
	struct callback_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->m = m;
	j->url = strdup(url);
	char *body = NULL;
	size_t blen = 0;
	FILE *fp = open_memstream(&body, &blen);
	for (size_t i = 0; fp && i < f.count; i++) {
		char *v = curl_easy_escape(NULL, p[i].value, 0);
		fprintf(fp, "%s%s=%s", i ? "&" : "", p[i].name, v ? v : "");
		curl_free(v);
	}
	if (fp)
		fclose(fp);
	j->body = body;
	pthread_t th;
	if (!j->url || !j->body || twilio_signature_compute(m->auth_token, url, &f, j->sig) < 0 ||
	    pthread_create(&th, NULL, callback_thread, j) != 0) {
		free(j->url);
		free(j->body);
		free(j);
		return;
	}
	m->callbacks_running++;
	pthread_detach(th);
}

static enum MHD_Result twilio_create(struct mock *m, struct MHD_Connection *c, const char *url,
				     const struct mock_req *r)
{
	struct cloud_form f;
	if (cloud_form_parse(r->body ? r->body : "", r->len, &f) < 0)
		return twilio_error(c, 400, 21000, "malformed form body");
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	pthread_mutex_lock(&m->lock);
	m->counts.creates++;
	snprintf(m->last_create, sizeof(m->last_create), "%s", r->body ? r->body : "");
	snprintf(m->last_auth, sizeof(m->last_auth), "%s", auth ? auth : "");
	snprintf(m->last_path, sizeof(m->last_path), "%s", url);
	pthread_mutex_unlock(&m->lock);
	const char *to = cloud_form_get(&f, "To");
	const char *from = cloud_form_get(&f, "From");
	const char *mss = cloud_form_get(&f, "MessagingServiceSid");
	const char *body = cloud_form_get(&f, "Body");
	const char *cb = cloud_form_get(&f, "StatusCallback");
	static const struct { const char *to; int code; const char *text; } magic[] = {
		{ "+15005550001", 21211, "The 'To' number is not a valid phone number." },
		{ "+15005550002", 21612, "The 'To' phone number is not currently reachable." },
		{ "+15005550003", 21408, "Permission to send an SMS has not been enabled." },
		{ "+15005550004", 21610, "Attempt to send to unsubscribed recipient" },
		{ "+15005550009", 21614, "'To' number is not a valid mobile number" },
	};
	enum MHD_Result ret;
	if (!to || !*to) {
		ret = twilio_error(c, 400, 21604, "A 'To' phone number is required.");
		goto out;
	}
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++) {
		if (strcmp(to, magic[i].to) == 0) {
			ret = twilio_error(c, 400, magic[i].code, magic[i].text);
			goto out;
		}
	}
	if (to[0] != '+' || strspn(to + 1, "0123456789") != strlen(to + 1) || strlen(to) < 3) {
		ret = twilio_error(c, 400, 21211, "The 'To' number is not a valid phone number.");
		goto out;
	}
	if (!from && !mss) {
		ret = twilio_error(c, 400, 21603, "A 'From' phone number is required.");
		goto out;
	}
	if (!body || !*body) {
		ret = twilio_error(c, 400, 21602, "Message body is required.");
		goto out;
	}
	if (malformed_now(m)) {
		ret = mock_reply(c, 201, "{\"sid\": \"SM123\", \"status\": ", NULL);
		goto out;
	}
	pthread_mutex_lock(&m->lock);
	long idx = mock_msg_add(m, to, from ? from : "+15005550006", body, "outbound-api", false);
	json_t *o = idx >= 0 ? twilio_resource(m, &m->msgs[idx], "queued", 0) : NULL;
	if (idx >= 0 && cb && m->callbacks)
		twilio_send_callback(m, cb, &m->msgs[idx]);
	pthread_mutex_unlock(&m->lock);
	ret = o ? mock_reply_json(c, 201, o) : twilio_error(c, 500, 20500, "mock store full");
out:
	cloud_form_free(&f);
	return ret;
}

static enum MHD_Result twilio_fetch(struct mock *m, struct MHD_Connection *c, const char *sid,
				    size_t n)
{
	if (malformed_now(m))
		return mock_reply(c, 200, "{\"sid\": [", NULL);
	pthread_mutex_lock(&m->lock);
	m->counts.fetches++;
	struct mock_msg *x = mock_find(m, sid, n);
	json_t *o = NULL;
	if (x) {
		x->fetches++;
		bool final = x->fetches >= m->faults.status_after;
		o = twilio_resource(m, x, final ? m->faults.final_status : "sent",
				    final ? m->faults.final_error : 0);
	}
	pthread_mutex_unlock(&m->lock);
	if (!o)
		return twilio_error(c, 404, 20404, "The requested resource was not found");
	return mock_reply_json(c, 200, o);
}

/* GET Messages.json?To=&DateSent>=&PageSize=&Page= (newest first, as Twilio). */
static enum MHD_Result twilio_list(struct mock *m, struct MHD_Connection *c, const char *url)
{
	const char *to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "To");
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "DateSent>");
	const char *ps = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "PageSize");
	const char *pg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "Page");
	long size = ps ? strtol(ps, NULL, 10) : 50;
	long page = pg ? strtol(pg, NULL, 10) : 0;
	if (size < 1 || size > 1000 || page < 0)
		return twilio_error(c, 400, 20001, "bad paging");
	time_t since_t = 0;
	if (since) {
		struct tm tm = { 0 };
		if (!strptime(since, "%Y-%m-%d", &tm))
			return twilio_error(c, 400, 20001, "bad DateSent>");
		since_t = timegm(&tm);
	}
	json_t *arr = json_array();
	pthread_mutex_lock(&m->lock);
	m->counts.lists++;
	long matched = 0;
	bool more = false;
	for (size_t i = m->nmsgs; i-- > 0;) {
		const struct mock_msg *x = &m->msgs[i];
		if (x->telesign || (to && strcmp(x->to, to) != 0) || x->created < since_t)
			continue;
		if (matched >= page * size && matched < (page + 1) * size)
			json_array_append_new(arr, twilio_resource(m, x, strcmp(x->direction, "inbound") ? "sent" : "received", 0));
		else if (matched >= (page + 1) * size)
			more = true;
		matched++;
	}
	pthread_mutex_unlock(&m->lock);
	json_t *o = json_pack("{s:o,s:i,s:i,s:s}", "messages", arr, "page", (int)page,
			      "page_size", (int)size, "uri", url);
	if (more) {
		char next[512];
		char *eto = curl_easy_escape(NULL, to ? to : "", 0);
		snprintf(next, sizeof(next), "%s?To=%s&DateSent%%3E=%s&PageSize=%ld&Page=%ld&PageToken=PA%ld",
			 url, eto ? eto : "", since ? since : "1970-01-01", size, page + 1, page + 1);
		curl_free(eto);
		json_object_set_new(o, "next_page_uri", json_string(next));
	} else {
		json_object_set_new(o, "next_page_uri", json_null());
	}
	return mock_reply_json(c, 200, o);
}

enum MHD_Result mock_twilio(struct mock *m, struct MHD_Connection *c, const char *method,
			    const char *url, const struct mock_req *r)
{
	char prefix[128];
	snprintf(prefix, sizeof(prefix), "/2010-04-01/Accounts/%s/Messages", m->account_sid);
	size_t pl = strlen(prefix);
	if (strncmp(url, prefix, pl) != 0)
		return twilio_error(c, 404, 20404, "The requested resource was not found");
	if (!mock_auth_ok(c, m->account_sid, m->auth_token))
		return twilio_error(c, 401, 20003, "Authenticate");
	const char *rest = url + pl;
	if (strcmp(rest, ".json") == 0) {
		if (strcmp(method, "POST") == 0)
			return twilio_create(m, c, url, r);
		if (strcmp(method, "GET") == 0)
			return twilio_list(m, c, url);
	} else if (rest[0] == '/' && strlen(rest) > 6 &&
		   strcmp(rest + strlen(rest) - 5, ".json") == 0 && strcmp(method, "GET") == 0) {
		return twilio_fetch(m, c, rest + 1, strlen(rest) - 6);
	}
	return twilio_error(c, 405, 20004, "Method not allowed");
}

/* ---- Telesign --------------------------------------------------------------- */

static enum MHD_Result telesign_status(struct MHD_Connection *c, unsigned http, const char *ref,
				       int code, const char *text)
{
	json_t *o = json_pack("{s:s,s:{s:i,s:s,s:s}}", "reference_id", ref, "status", "code", code,
			      "description", text, "updated_on", "2024-01-01T00:00:00.000000Z");
	return mock_reply_json(c, http, o);
}

static enum MHD_Result telesign_send(struct mock *m, struct MHD_Connection *c,
				     const struct mock_req *r)
{
	struct cloud_form f;
	if (cloud_form_parse(r->body ? r->body : "", r->len, &f) < 0)
		return telesign_status(c, 400, "", 500, "Transaction not attempted");
	const char *phone = cloud_form_get(&f, "phone_number");
	const char *msg = cloud_form_get(&f, "message");
	const char *type = cloud_form_get(&f, "message_type");
	pthread_mutex_lock(&m->lock);
	m->counts.ts_sends++;
	snprintf(m->last_create, sizeof(m->last_create), "%s", r->body ? r->body : "");
	snprintf(m->last_path, sizeof(m->last_path), "/v1/messaging");
	pthread_mutex_unlock(&m->lock);
	enum MHD_Result ret;
	bool digits = phone && *phone && strspn(phone, "0123456789") == strlen(phone);
	if (!digits || !msg || !*msg || !type || strcmp(phone, "15005550001") == 0) {
		ret = telesign_status(c, 400, "", 500, "Transaction not attempted");
	} else if (strcmp(phone, "15005550004") == 0) {
		ret = telesign_status(c, 200, "0123456789ABCDEF0123456789ABCDEF", 230,
				      "Message blocked by Telesign");
	} else if (malformed_now(m)) {
		ret = mock_reply(c, 200, "{\"reference_id\": \"0123\", \"status\": {", NULL);
	} else {
		pthread_mutex_lock(&m->lock);
		long idx = mock_msg_add(m, phone, "", msg, "outbound-api", true);
		char ref[40] = "";
		if (idx >= 0)
			snprintf(ref, sizeof(ref), "%s", m->msgs[idx].sid);
		pthread_mutex_unlock(&m->lock);
		ret = idx >= 0 ? telesign_status(c, 200, ref, 290, "Message in progress")
			       : telesign_status(c, 503, "", 10000, "mock store full");
	}
	cloud_form_free(&f);
	return ret;
}

enum MHD_Result mock_telesign(struct mock *m, struct MHD_Connection *c, const char *method,
			      const char *url, const struct mock_req *r)
{
	if (!mock_auth_ok(c, m->ts_customer, m->ts_key))
		return telesign_status(c, 401, "", 10000, "Invalid credentials");
	if (strcmp(url, "/v1/messaging") == 0 && strcmp(method, "POST") == 0)
		return telesign_send(m, c, r);
	if (strncmp(url, "/v1/messaging/", 14) == 0 && strcmp(method, "GET") == 0) {
		const char *ref = url + 14;
		if (malformed_now(m))
			return mock_reply(c, 200, "{\"status\": 2", NULL);
		pthread_mutex_lock(&m->lock);
		m->counts.ts_status++;
		struct mock_msg *x = mock_find(m, ref, strlen(ref));
		int code = 0;
		if (x && x->telesign) {
			x->fetches++;
			code = x->fetches >= m->faults.status_after ? m->faults.telesign_final : 290;
		}
		pthread_mutex_unlock(&m->lock);
		if (!code)
			return telesign_status(c, 404, ref, 500, "Transaction not found");
		return telesign_status(c, 200, ref, code, code == 290 ? "Message in progress"
								      : "Final status");
	}
	return telesign_status(c, 404, "", 500, "Unknown endpoint");
}
