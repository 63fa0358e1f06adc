/* The Twilio channel (see cloud/twilio.h): configuration, submit, the
 * create answer's classification, status callbacks. Polling lives in
 * twilio_poll.c, signatures in twilio_sig.c. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "drivers/msg_status.h"
#include "hal/log.h"
#include "twilio_priv.h"

LOG_MODULE(log_twilio, "twilio");

#define TWILIO_BODY_MAX_CHARS 1600 /* Twilio error 21617 beyond */
#define TWILIO_VALIDITY_MAX_S 36000

static bool sid_valid(const char *s, const char *prefix)
{
	if (!s || strlen(s) != TWILIO_SID_LEN || strncmp(s, prefix, 2) != 0)
		return false;
	for (int i = 2; i < TWILIO_SID_LEN; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool e164_valid(const char *s)
{
	if (!s || s[0] != '+')
		return false;
	size_t n = strlen(s + 1);
	if (n < 1 || n > 15)
		return false;
	for (size_t i = 1; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Characters (code points) in UTF-8 text; -1 when not UTF-8 or NUL inside. */
static long utf8_chars(const char *s, size_t len)
{
	long n = 0;
	for (size_t i = 0; i < len; n++) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!k || i + k > len || c == 0)
			return -1;
		for (size_t j = 1; j < k; j++)
			if (((unsigned char)s[i + j] >> 6) != 2)
				return -1;
		i += k;
	}
	return n;
}

/* ---- the create answer ---------------------------------------------------- */

static void twilio_classify_error(long http, json_t *root, struct cloud_verdict *v)
{
	json_t *code = json_object_get(root, "code");
	const char *msg = json_string_value(json_object_get(root, "message"));
	v->kind = CLOUD_FAILED;
	v->status = -EREMOTEIO;
	if (!json_is_integer(code) || json_integer_value(code) <= 0 ||
	    json_integer_value(code) > 999999) {
		v->status = -EBADMSG;
		v->code = (int)http;
		snprintf(v->text, sizeof(v->text), "HTTP %ld without an error code", http);
		return;
	}
	v->code = (int)json_integer_value(code);
	struct msg_status_map m;
	msg_status_from_twilio_error(v->code, &m);
	v->retryable = m.retryable;
	snprintf(v->text, sizeof(v->text), "%.120s", msg ? msg : m.text);
}

static void twilio_classify(void *arg, long http, const char *body, size_t len,
			    struct cloud_verdict *v)
{
	(void)arg;
	json_error_t jerr;
	json_t *root = json_loadb(body, len, 0, &jerr);
	if (!json_is_object(root)) {
		/* A 2xx we cannot read: the message may exist. Retryable, and
		 * -EBADMSG tells the outbox it may be a duplicate. */
		v->kind = CLOUD_FAILED;
		v->status = -EBADMSG;
		v->retryable = http >= 200 && http < 300;
		v->code = (int)http;
		snprintf(v->text, sizeof(v->text), "malformed JSON (HTTP %ld)", http);
		json_decref(root);
		return;
	}
	if (http < 200 || http >= 300) {
		twilio_classify_error(http, root, v);
		json_decref(root);
		return;
	}
	const char *sid = json_string_value(json_object_get(root, "sid"));
	const char *status = json_string_value(json_object_get(root, "status"));
	json_t *ec = json_object_get(root, "error_code");
	const char *em = json_string_value(json_object_get(root, "error_message"));
	const char *segs = json_string_value(json_object_get(root, "num_segments"));
	int code = json_is_integer(ec) ? (int)json_integer_value(ec) : 0;
	struct msg_status_map m;
	if (!sid || !*sid || strlen(sid) >= sizeof(v->ref) || !status ||
	    msg_status_from_twilio(status, code > 0 ? code : 0, &m) < 0) {
		v->kind = CLOUD_FAILED;
		v->status = -EBADMSG;
		v->retryable = true;
		snprintf(v->text, sizeof(v->text), "answer without sid/status (HTTP %ld)", http);
	} else if (m.status == MSG_FAILED || m.status == MSG_UNDELIVERED ||
		   m.status == MSG_CANCELED) {
		v->kind = CLOUD_FAILED;
		v->status = -EREMOTEIO;
		v->code = code;
		v->retryable = m.retryable;
		snprintf(v->text, sizeof(v->text), "%.120s", em ? em : m.text);
	} else {
		v->kind = CLOUD_ACCEPTED;
		snprintf(v->ref, sizeof(v->ref), "%s", sid);
		snprintf(v->text, sizeof(v->text), "%.40s (%.8s segments)", status, segs ? segs : "?");
	}
	json_decref(root);
}

static void twilio_on_accepted(void *arg, uint64_t msg_id, const char *to, const char *ref)
{
	struct twilio *t = arg;
	(void)msg_id;
	if (!t->status_cb)
		twilio_poll_track(t, ref, to);
}

/* ---- channel ops ---------------------------------------------------------- */

static int twilio_build_form(struct twilio *t, const struct channel_msg *m, char *text,
			     struct cloud_buf *form)
{
	const char *from = m->from ? m->from : t->from;
	int rc = cloud_buf_add_param(form, "To", m->to);
	if (!rc && from)
		rc = cloud_buf_add_param(form, "From", from);
	else if (!rc)
		rc = cloud_buf_add_param(form, "MessagingServiceSid", t->mss);
	if (!rc)
		rc = cloud_buf_add_param(form, "Body", text);
	if (!rc && t->status_cb)
		rc = cloud_buf_add_param(form, "StatusCallback", t->status_cb);
	if (!rc && m->validity_s > 0 && m->validity_s < TWILIO_VALIDITY_MAX_S) {
		char v[24];
		snprintf(v, sizeof(v), "%lld", (long long)m->validity_s);
		rc = cloud_buf_add_param(form, "ValidityPeriod", v);
	}
	return rc;
}

static int twilio_submit(void *ctx, const struct channel_msg *m)
{
	struct twilio *t = ctx;
	if (!m || !e164_valid(m->to) || !m->text || m->validity_s < 0) {
		LOG_WRN(&log_twilio, t->name, "submit: bad To or text");
		return -EINVAL;
	}
	long chars = utf8_chars(m->text, m->text_len);
	if (chars <= 0 || chars > TWILIO_BODY_MAX_CHARS) {
		LOG_WRN(&log_twilio, t->name, "submit: body empty, not UTF-8 or over %d chars",
			TWILIO_BODY_MAX_CHARS);
		return -EINVAL;
	}
	if (m->from && !*m->from)
		return -EINVAL;
	char *text = strndup(m->text, m->text_len);
	if (!text)
		return -ENOMEM;
	struct cloud_buf form = { 0 };
	int rc = twilio_build_form(t, m, text, &form);
	free(text);
	if (!rc)
		rc = cloud_core_submit(&t->core, m->id, m->to, t->messages_url, form.data);
	cloud_buf_free(&form);
	return rc;
}

static int twilio_cancel(void *ctx, uint64_t msg_id)
{
	struct twilio *t = ctx;
	return cloud_core_cancel(&t->core, msg_id);
}

static int twilio_get_health(void *ctx, struct channel_health *out)
{
	struct twilio *t = ctx;
	return cloud_core_health(&t->core, out);
}

static void twilio_free(struct twilio *t)
{
	free(t->base_url);
	free(t->account_sid);
	if (t->auth_token)
		memset(t->auth_token, 0, strlen(t->auth_token));
	free(t->auth_token);
	free(t->from);
	free(t->mss);
	free(t->status_cb);
	free(t->messages_url);
	free(t);
}

static void twilio_destroy(void *ctx)
{
	struct twilio *t = ctx;
	twilio_poll_stop(t);
	cloud_core_fini(&t->core);
	while (t->pending) {
		struct twilio_pending *p = t->pending;
		t->pending = p->next;
		free(p);
	}
	twilio_free(t);
}

static const struct channel_ops twilio_ops = {
	.submit = twilio_submit,
	.cancel = twilio_cancel,
	.get_health = twilio_get_health,
	.destroy = twilio_destroy,
};

/* ---- configuration -------------------------------------------------------- */

static int dup_opt(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static int twilio_check(const struct twilio_config *c, const char *name)
{
	const char *bad = NULL;
	if (!sid_valid(c->account_sid, "AC"))
		bad = "account_sid (AC + 32 hex)";
	else if (!c->auth_token && !(c->api_key_sid && c->api_key_secret))
		bad = "auth_token (or api_key_sid + api_key_secret)";
	else if (c->messaging_service_sid && !sid_valid(c->messaging_service_sid, "MG"))
		bad = "messaging_service_sid (MG + 32 hex)";
	else if (!c->from && !c->messaging_service_sid)
		bad = "from or messaging_service_sid";
	else if (c->base_url && strncmp(c->base_url, "http://", 7) != 0 &&
		 strncmp(c->base_url, "https://", 8) != 0)
		bad = "base_url (http:// or https://)";
	else if (c->poll_inbound && !c->from)
		bad = "from (needed to list inbound messages)";
	else if (c->poll_interval_ms < 0)
		bad = "poll_interval_ms";
	if (bad)
		LOG_ERR(&log_twilio, name, "config: bad or missing %s", bad);
	return bad ? -EINVAL : 0;
}

int twilio_channel_new(struct hal_loop *loop, const struct twilio_config *cfg,
		       const struct channel_events *ev, struct channel *out)
{
	if (!loop || !cfg || !ev || !out)
		return -EINVAL;
	const char *name = cfg->name ? cfg->name : "twilio";
	int rc = twilio_check(cfg, name);
	if (rc < 0)
		return rc;
	struct twilio *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	snprintf(t->name, sizeof(t->name), "%s", name);
	const char *base = cfg->base_url ? cfg->base_url : "https://api.twilio.com";
	rc = dup_opt(&t->base_url, base);
	if (!rc) {
		size_t n = strlen(t->base_url);
		while (n > 0 && t->base_url[n - 1] == '/')
			t->base_url[--n] = '\0';
		rc = asprintf(&t->messages_url, "%s/2010-04-01/Accounts/%s/Messages.json",
			      t->base_url, cfg->account_sid) < 0 ? -ENOMEM : 0;
		if (rc)
			t->messages_url = NULL;
	}
	if (!rc)
		rc = dup_opt(&t->account_sid, cfg->account_sid);
	if (!rc)
		rc = dup_opt(&t->auth_token, cfg->auth_token);
	if (!rc)
		rc = dup_opt(&t->from, cfg->from);
	if (!rc)
		rc = dup_opt(&t->mss, cfg->messaging_service_sid);
	if (!rc)
		rc = dup_opt(&t->status_cb, cfg->status_callback_url);
	t->poll_inbound = cfg->poll_inbound;
	t->poll_interval_ms = cfg->poll_interval_ms > 0 ? cfg->poll_interval_ms : 30000;
	struct cloud_provider prov = { .arg = t, .classify = twilio_classify,
				       .accepted = twilio_on_accepted };
	bool key = cfg->api_key_sid && cfg->api_key_secret;
	if (!rc)
		rc = cloud_core_init(&t->core, loop, t->name, &cfg->http, ev, &prov,
				     key ? cfg->api_key_sid : cfg->account_sid,
				     key ? cfg->api_key_secret : cfg->auth_token);
	if (rc < 0) {
		twilio_free(t);
		return rc;
	}
	twilio_poll_start(t);
	*out = (struct channel){ .ops = &twilio_ops, .ctx = t, .kind = CHANNEL_TWILIO };
	snprintf(out->name, sizeof(out->name), "%s", t->name);
	LOG_INF(&log_twilio, t->name, "ready: %s, statuses by %s%s", t->base_url,
		t->status_cb ? "callback" : "polling", t->poll_inbound ? ", inbound by polling" : "");
	return 0;
}

static struct twilio *twilio_of(struct channel *ch)
{
	return ch && ch->ops == &twilio_ops ? ch->ctx : NULL;
}

int twilio_channel_status_callback(struct channel *ch, const char *url, const char *body,
				   size_t len, const char *signature)
{
	struct twilio *t = twilio_of(ch);
	if (!t || !url || (!body && len))
		return -EINVAL;
	struct cloud_form f;
	int rc = cloud_form_parse(body, len, &f);
	if (rc < 0)
		return rc;
	if (!t->auth_token || !twilio_signature_valid(t->auth_token, url, &f, signature)) {
		LOG_WRN(&log_twilio, t->name, "status callback: bad X-Twilio-Signature");
		cloud_form_free(&f);
		return -EPERM;
	}
	struct channel_report r;
	rc = twilio_status_report(&f, &r);
	cloud_form_free(&f);
	if (rc < 0)
		return rc;
	t->core.stats.reports++;
	if (r.state != CHANNEL_PENDING)
		twilio_poll_forget(t, r.ref);
	if (t->core.ev.delivery)
		t->core.ev.delivery(t->core.ev.arg, &r);
	return 0;
}

int twilio_channel_stats(struct channel *ch, struct cloud_stats *out)
{
	struct twilio *t = twilio_of(ch);
	if (!t || !out)
		return -EINVAL;
	*out = t->core.stats;
	out->polls_running = t->gets_running;
	return 0;
}
