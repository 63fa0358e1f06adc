/* The Telesign channel (see cloud/telesign.h): submit, the answer's
 * status.code, status polling, signed callbacks. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <mbedtls/base64.h>
#include <mbedtls/md.h>

#include "cloud/telesign.h"
#include "cloud_core.h"
#include "drivers/msg_status.h"
#include "hal/log.h"

LOG_MODULE(log_telesign, "telesign");

#define TELESIGN_PENDING_MAX 4096
#define TELESIGN_GETS_PER_ROUND 16
#define TELESIGN_TEXT_MAX 1600

struct ts_pending {
	struct ts_pending *next;
	struct telesign *owner;
	char ref[CHANNEL_REF_MAX];
	char to[CHANNEL_NUMBER_MAX];
	bool busy;
	bool done;
};

struct telesign {
	struct cloud_core core;
	char name[32];
	char *base_url;
	char *send_url;
	char *customer_id;
	char *api_key;
	char *message_type;
	bool poll_status;
	int64_t poll_interval_ms;
	hal_timer_id poll_timer;
	struct ts_pending *pending;
	unsigned pending_count;
};

/* ---- pure helpers ---------------------------------------------------------- */

int telesign_signature_compute(const char *api_key, const char *body, size_t len, char out[45])
{
	if (!api_key || (!body && len) || !out)
		return -EINVAL;
	unsigned char key[256];
	size_t klen = 0;
	if (mbedtls_base64_decode(key, sizeof(key), &klen, (const unsigned char *)api_key,
				  strlen(api_key)) != 0 ||
	    klen == 0)
		return -EINVAL;
	unsigned char mac[32];
	int rc = mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, klen,
				 (const unsigned char *)(body ? body : ""), len, mac);
	memset(key, 0, sizeof(key));
	size_t olen;
	if (rc || mbedtls_base64_encode((unsigned char *)out, 45, &olen, mac, sizeof(mac)) != 0)
		return -EINVAL;
	return 0;
}

bool telesign_callback_valid(const char *customer_id, const char *api_key, const char *auth,
			     const char *body, size_t len)
{
	char want[45];
	if (!auth || telesign_signature_compute(api_key, body, len, want) < 0)
		return false;
	const char *sig = auth;
	if (strncmp(auth, "TSA ", 4) == 0) {
		const char *colon = strrchr(auth + 4, ':');
		size_t cid_len = colon ? (size_t)(colon - (auth + 4)) : 0;
		if (!colon || !customer_id || strlen(customer_id) != cid_len ||
		    strncmp(auth + 4, customer_id, cid_len) != 0)
			return false;
		sig = colon + 1;
	}
	return cloud_str_equal_ct(sig, want);
}

static int ts_code_of(json_t *root)
{
	json_t *code = json_object_get(json_object_get(root, "status"), "code");
	if (!json_is_integer(code) || json_integer_value(code) <= 0 ||
	    json_integer_value(code) > 999999)
		return -1;
	return (int)json_integer_value(code);
}

int telesign_status_report(const char *body, size_t len, struct channel_report *out)
{
	if (!body || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	json_t *root = json_loadb(body, len, 0, NULL);
	const char *ref = json_string_value(json_object_get(root, "reference_id"));
	int code = ts_code_of(root);
	struct msg_status_map m;
	int rc = -EINVAL;
	if (ref && *ref && code > 0 && cloud_copy(out->ref, sizeof(out->ref), ref) == 0 &&
	    msg_status_from_telesign(code, &m) == 0) {
		out->state = cloud_delivery_of(m.status);
		out->code = code;
		rc = 0;
	}
	json_decref(root);
	return rc;
}

/* ---- submit answer ---------------------------------------------------------- */

static void telesign_classify(void *arg, long http, const char *body, size_t len,
			      struct cloud_verdict *v)
{
	(void)arg;
	json_t *root = json_loadb(body, len, 0, NULL);
	int code = ts_code_of(root);
	const char *ref = json_string_value(json_object_get(root, "reference_id"));
	const char *desc =
		json_string_value(json_object_get(json_object_get(root, "status"), "description"));
	struct msg_status_map m;
	if (code < 0 || msg_status_from_telesign(code, &m) < 0) {
		/* Act on status.code: without one we cannot tell. A 2xx may
		 * have sent it (retryable, -EBADMSG flags a possible duplicate). */
		v->kind = CLOUD_FAILED;
		v->status = -EBADMSG;
		v->code = (int)http;
		v->retryable = http >= 200 && http < 300;
		snprintf(v->text, sizeof(v->text), "answer without status.code (HTTP %ld)", http);
	} else if ((m.status == MSG_SENT || m.status == MSG_DELIVERED) && ref && *ref &&
		   strlen(ref) < sizeof(v->ref)) {
		v->kind = CLOUD_ACCEPTED;
		snprintf(v->ref, sizeof(v->ref), "%s", ref);
		snprintf(v->text, sizeof(v->text), "%d %.100s", code, desc ? desc : m.text);
	} else {
		v->kind = CLOUD_FAILED;
		v->status = -EREMOTEIO;
		v->code = code;
		v->retryable = m.retryable;
		snprintf(v->text, sizeof(v->text), "%.120s", desc ? desc : m.text);
	}
	json_decref(root);
}

/* ---- status polling ---------------------------------------------------------- */

static void ts_sweep(struct telesign *t)
{
	for (struct ts_pending **pp = &t->pending; *pp;) {
		struct ts_pending *p = *pp;
		if (p->done && !p->busy) {
			*pp = p->next;
			t->pending_count--;
			free(p);
		} else {
			pp = &p->next;
		}
	}
}

static void ts_forget(struct telesign *t, const char *ref)
{
	for (struct ts_pending *p = t->pending; p; p = p->next)
		if (strcmp(p->ref, ref) == 0)
			p->done = true;
	ts_sweep(t);
}

static void telesign_on_accepted(void *arg, uint64_t msg_id, const char *to, const char *ref)
{
	struct telesign *t = arg;
	(void)msg_id;
	if (!t->poll_status || t->pending_count >= TELESIGN_PENDING_MAX)
		return;
	struct ts_pending *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->owner = t;
	snprintf(p->ref, sizeof(p->ref), "%s", ref);
	snprintf(p->to, sizeof(p->to), "%s", to ? to : "");
	p->next = t->pending;
	t->pending = p;
	t->pending_count++;
}

static void ts_on_status(void *arg, int rc, long http, const char *body, size_t len)
{
	struct ts_pending *p = arg;
	struct telesign *t = p->owner;
	p->busy = false;
	struct channel_report r;
	if (rc == 0 && http == 404)
		p->done = true;
	if (rc == 0 && !p->done && telesign_status_report(body, len, &r) == 0 &&
	    r.state != CHANNEL_PENDING) {
		snprintf(r.recipient, sizeof(r.recipient), "%s", p->to);
		p->done = true;
		t->core.stats.reports++;
		if (t->core.ev.delivery)
			t->core.ev.delivery(t->core.ev.arg, &r);
	}
	ts_sweep(t);
}

static int telesign_poll_round(struct telesign *t)
{
	unsigned started = 0;
	for (struct ts_pending *p = t->pending; p && started < TELESIGN_GETS_PER_ROUND;
	     p = p->next) {
		if (p->busy || p->done)
			continue;
		char url[512];
		int n = snprintf(url, sizeof(url), "%s/v1/messaging/%s", t->base_url, p->ref);
		if (n < 0 || (size_t)n >= sizeof(url))
			continue;
		if (cloud_core_get(&t->core, url, ts_on_status, p) == 0) {
			p->busy = true;
			t->core.stats.polls++;
			started++;
		}
	}
	return 0;
}

static int64_t telesign_poll_timer(void *arg)
{
	struct telesign *t = arg;
	telesign_poll_round(t);
	return t->poll_interval_ms;
}

/* ---- channel ops -------------------------------------------------------------- */

static int telesign_submit(void *ctx, const struct channel_msg *m)
{
	struct telesign *t = ctx;
	if (!m || !m->to || m->to[0] != '+' || !m->text || m->text_len == 0 ||
	    m->text_len > TELESIGN_TEXT_MAX * 4 || memchr(m->text, 0, m->text_len))
		return -EINVAL;
	size_t dl = strlen(m->to + 1);
	if (dl < 1 || dl > 15 || strspn(m->to + 1, "0123456789") != dl)
		return -EINVAL;
	char *text = strndup(m->text, m->text_len);
	if (!text)
		return -ENOMEM;
	struct cloud_buf form = { 0 };
	int rc = cloud_buf_add_param(&form, "phone_number", m->to + 1);
	if (!rc)
		rc = cloud_buf_add_param(&form, "message", text);
	if (!rc)
		rc = cloud_buf_add_param(&form, "message_type", t->message_type);
	free(text);
	if (!rc)
		rc = cloud_core_submit(&t->core, m->id, m->to, t->send_url, form.data);
	cloud_buf_free(&form);
	return rc;
}

static int telesign_cancel(void *ctx, uint64_t msg_id)
{
	struct telesign *t = ctx;
	return cloud_core_cancel(&t->core, msg_id);
}

static int telesign_get_health(void *ctx, struct channel_health *out)
{
	struct telesign *t = ctx;
	return cloud_core_health(&t->core, out);
}

static void telesign_free(struct telesign *t)
{
	free(t->base_url);
	free(t->send_url);
	free(t->customer_id);
	if (t->api_key)
		memset(t->api_key, 0, strlen(t->api_key));
	free(t->api_key);
	free(t->message_type);
	free(t);
}

static void telesign_destroy(void *ctx)
{
	struct telesign *t = ctx;
	if (t->poll_timer)
		hal_loop_cancel_timer(t->core.loop, t->poll_timer);
	cloud_core_fini(&t->core);
	while (t->pending) {
		struct ts_pending *p = t->pending;
		t->pending = p->next;
		free(p);
	}
	telesign_free(t);
}

static const struct channel_ops telesign_ops = {
	.submit = telesign_submit,
	.cancel = telesign_cancel,
	.get_health = telesign_get_health,
	.destroy = telesign_destroy,
};

int telesign_channel_new(struct hal_loop *loop, const struct telesign_config *cfg,
			 const struct channel_events *ev, struct channel *out)
{
	if (!loop || !cfg || !ev || !out)
		return -EINVAL;
	const char *name = cfg->name ? cfg->name : "telesign";
	char probe[45];
	const char *bad = NULL;
	if (!cfg->customer_id || !*cfg->customer_id)
		bad = "customer_id";
	else if (!cfg->api_key || telesign_signature_compute(cfg->api_key, "", 0, probe) < 0)
		bad = "api_key (base64)";
	else if (cfg->base_url && strncmp(cfg->base_url, "http://", 7) != 0 &&
		 strncmp(cfg->base_url, "https://", 8) != 0)
		bad = "base_url (http:// or https://)";
	else if (cfg->poll_interval_ms < 0)
		bad = "poll_interval_ms";
	if (bad) {
		LOG_ERR(&log_telesign, name, "config: bad or missing %s", bad);
		return -EINVAL;
	}
	struct telesign *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->base_url = strdup(cfg->base_url ? cfg->base_url : "https://rest-ww.telesign.com");
	t->customer_id = strdup(cfg->customer_id);
	t->api_key = strdup(cfg->api_key);
	t->message_type = strdup(cfg->message_type ? cfg->message_type : "ARN");
	int rc = t->base_url && t->customer_id && t->api_key && t->message_type ? 0 : -ENOMEM;
	if (!rc) {
		size_t n = strlen(t->base_url);
		while (n > 0 && t->base_url[n - 1] == '/')
			t->base_url[--n] = '\0';
		if (asprintf(&t->send_url, "%s/v1/messaging", t->base_url) < 0) {
			t->send_url = NULL;
			rc = -ENOMEM;
		}
	}
	t->poll_status = cfg->poll_status;
	t->poll_interval_ms = cfg->poll_interval_ms > 0 ? cfg->poll_interval_ms : 30000;
	struct cloud_provider prov = { .arg = t, .classify = telesign_classify,
				       .accepted = telesign_on_accepted };
	if (!rc)
		rc = cloud_core_init(&t->core, loop, t->name, &cfg->http, ev, &prov,
				     cfg->customer_id, cfg->api_key);
	if (!rc && t->poll_status &&
	    hal_loop_add_timer(loop, t->poll_interval_ms, telesign_poll_timer, t,
			       &t->poll_timer) < 0) {
		cloud_core_fini(&t->core);
		rc = -ENOMEM;
	}
	if (rc < 0) {
		telesign_free(t);
		return rc;
	}
	*out = (struct channel){ .ops = &telesign_ops, .ctx = t, .kind = CHANNEL_TELESIGN };
	snprintf(out->name, sizeof(out->name), "%s", t->name);
	return 0;
}

static struct telesign *telesign_of(struct channel *ch)
{
	return ch && ch->ops == &telesign_ops ? ch->ctx : NULL;
}

int telesign_channel_callback(struct channel *ch, const char *auth, const char *body,
			      size_t len)
{
	struct telesign *t = telesign_of(ch);
	if (!t || !body)
		return -EINVAL;
	if (!telesign_callback_valid(t->customer_id, t->api_key, auth, body, len)) {
		LOG_WRN(&log_telesign, t->name, "callback: bad signature");
		return -EPERM;
	}
	struct channel_report r;
	int rc = telesign_status_report(body, len, &r);
	if (rc < 0)
		return rc;
	t->core.stats.reports++;
	if (r.state != CHANNEL_PENDING)
		ts_forget(t, r.ref);
	if (t->core.ev.delivery)
		t->core.ev.delivery(t->core.ev.arg, &r);
	return 0;
}

int telesign_channel_poll_now(struct channel *ch)
{
	struct telesign *t = telesign_of(ch);
	return t ? telesign_poll_round(t) : -EINVAL;
}

int telesign_channel_stats(struct channel *ch, struct cloud_stats *out)
{
	struct telesign *t = telesign_of(ch);
	if (!t || !out)
		return -EINVAL;
	*out = t->core.stats;
	out->polls_running = 0;
	for (struct ts_pending *p = t->pending; p; p = p->next)
		out->polls_running += p->busy;
	return 0;
}
