/* The providers' status callbacks: POST /callbacks/twilio/status and POST
 * /callbacks/telesign. No token: the provider signs each request, and the
 * signature is checked here, on the API thread, before anything is acted
 * on (403 otherwise). A verified and well-formed report goes to the sink,
 * which queues it for the loop thread, where the channel maps it again and
 * tells the outbox. The keys can be swapped at SIGHUP, so they live under
 * a mutex and each request works on its own copy. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "cloud/telesign.h"
#include "cloud/twilio.h"
#include "hal/log.h"

LOG_MODULE(log_apicb, "api");

struct api_cb_state {
	pthread_mutex_t lock;
	struct api_callback_sink sink;
	char *public_url, *tw_token, *ts_cid, *ts_key;
};

/* One request's copy of the keys. */
struct cb_keys {
	struct api_callback_sink sink;
	char *public_url, *tw_token, *ts_cid, *ts_key;
};

const char *api_callback_kind_str(enum api_callback_kind k)
{
	switch (k) {
	case API_CB_TWILIO_STATUS: return "twilio_status";
	case API_CB_TELESIGN: return "telesign";
	case API_CB_COUNT: break;
	}
	return "?";
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s || !*s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static void free_keys(char **a, char **b, char **c, char **d)
{
	free(*a);
	free(*b);
	free(*c);
	free(*d);
	*a = *b = *c = *d = NULL;
}

int api_cb_state_new(struct api_cb_state **out, const struct api_callbacks_config *c)
{
	struct api_cb_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	pthread_mutex_init(&st->lock, NULL);
	st->sink = c->sink;
	*out = st;
	return api_cb_state_set(st, c);
}

int api_cb_state_set(struct api_cb_state *st, const struct api_callbacks_config *c)
{
	bool oom = false;
	char *pu, *tw, *cid, *key;

	if (!st || !c)
		return -EINVAL;
	pu = dup_or_null(c->public_url, &oom);
	/* Twilio signs public_url + path: one trailing '/' would double. */
	if (pu && pu[0] && pu[strlen(pu) - 1] == '/')
		pu[strlen(pu) - 1] = '\0';
	tw = dup_or_null(c->twilio_auth_token, &oom);
	cid = dup_or_null(c->telesign_customer_id, &oom);
	key = dup_or_null(c->telesign_api_key, &oom);
	if (oom) {
		free_keys(&pu, &tw, &cid, &key);
		return -ENOMEM;
	}
	pthread_mutex_lock(&st->lock);
	free_keys(&st->public_url, &st->tw_token, &st->ts_cid, &st->ts_key);
	st->public_url = pu;
	st->tw_token = tw;
	st->ts_cid = cid;
	st->ts_key = key;
	pthread_mutex_unlock(&st->lock);
	return 0;
}

void api_cb_state_free(struct api_cb_state *st)
{
	if (!st)
		return;
	free_keys(&st->public_url, &st->tw_token, &st->ts_cid, &st->ts_key);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static int keys_get(struct api_cb_state *st, struct cb_keys *k)
{
	bool oom = false;

	memset(k, 0, sizeof(*k));
	if (!st)
		return 0;
	pthread_mutex_lock(&st->lock);
	k->sink = st->sink;
	k->public_url = dup_or_null(st->public_url, &oom);
	k->tw_token = dup_or_null(st->tw_token, &oom);
	k->ts_cid = dup_or_null(st->ts_cid, &oom);
	k->ts_key = dup_or_null(st->ts_key, &oom);
	pthread_mutex_unlock(&st->lock);
	if (oom) {
		free_keys(&k->public_url, &k->tw_token, &k->ts_cid, &k->ts_key);
		return -ENOMEM;
	}
	return 0;
}

static void keys_drop(struct cb_keys *k)
{
	/* the token is a secret: do not leave it in freed memory */
	if (k->tw_token)
		explicit_bzero(k->tw_token, strlen(k->tw_token));
	if (k->ts_key)
		explicit_bzero(k->ts_key, strlen(k->ts_key));
	free_keys(&k->public_url, &k->tw_token, &k->ts_cid, &k->ts_key);
}

/* 204: providers only look at the status. */
static int no_content(struct api_req *r)
{
	r->text = malloc(1);
	if (!r->text)
		return api_err(r, 500, "internal", "out of memory");
	r->text[0] = '\0';
	r->text_len = 0;
	r->content_type = "text/plain";
	r->status = 204;
	return 0;
}

static int hand_over(struct api_req *r, const struct cb_keys *k, const struct api_callback *cb)
{
	int rc = k->sink.deliver(k->sink.ctx, cb);

	if (rc) {
		LOG_WRN(&log_apicb, api_callback_kind_str(cb->kind), "not queued: %d", rc);
		return api_err_errno(r, rc == -EAGAIN ? -EAGAIN : rc, "callback");
	}
	return no_content(r);
}

static const char *body_of(const struct api_req *r)
{
	return r->body ? r->body : "";
}

int api_h_cb_twilio(struct api_req *r)
{
	struct cb_keys k;
	struct cloud_form form = { 0 };
	struct channel_report rep;
	const char *sig = api_header(r, "X-Twilio-Signature");
	char *url = NULL;
	int rc = keys_get(api_server_cb(r->srv), &k);

	if (rc)
		return api_err(r, 500, "internal", "out of memory");
	if (!k.sink.deliver || !k.public_url || !k.tw_token) {
		keys_drop(&k);
		return api_err(r, 404, "not_found", "Twilio status callbacks are not configured");
	}
	if (!sig || !*sig) {
		rc = api_err(r, 403, "forbidden", "X-Twilio-Signature is missing");
		goto out;
	}
	if (cloud_form_parse(body_of(r), r->body_len, &form)) {
		rc = api_err(r, 400, "invalid_request", "the body is not a form");
		goto out;
	}
	/* What Twilio signed: the URL it called, query string included, as
	 * it went on the wire (raw_uri: the request target, still escaped). */
	if (asprintf(&url, "%s%s", k.public_url, r->raw_uri ? r->raw_uri : "") < 0) {
		url = NULL;
		rc = api_err(r, 500, "internal", "out of memory");
		goto out;
	}
	if (!twilio_signature_valid(k.tw_token, url, &form, sig)) {
		LOG_WRN(&log_apicb, "twilio", "status callback with a bad signature refused");
		rc = api_err(r, 403, "forbidden", "bad X-Twilio-Signature");
		goto out;
	}
	if (twilio_status_report(&form, &rep)) {
		rc = api_err(r, 400, "invalid_request", "not a Twilio status callback");
		goto out;
	}
	struct api_callback cb = {
		.kind = API_CB_TWILIO_STATUS,
		.url = url,
		.signature = sig,
		.body = body_of(r),
		.body_len = r->body_len,
	};
	rc = hand_over(r, &k, &cb);
out:
	cloud_form_free(&form);
	free(url);
	keys_drop(&k);
	return rc;
}

int api_h_cb_telesign(struct api_req *r)
{
	struct cb_keys k;
	struct channel_report rep;
	const char *auth = api_header(r, "Authorization");
	int rc = keys_get(api_server_cb(r->srv), &k);

	if (rc)
		return api_err(r, 500, "internal", "out of memory");
	if (!k.sink.deliver || !k.ts_cid || !k.ts_key) {
		keys_drop(&k);
		return api_err(r, 404, "not_found", "Telesign callbacks are not configured");
	}
	if (!auth || !*auth) {
		rc = api_err(r, 403, "forbidden", "Authorization (TSA) is missing");
	} else if (!telesign_callback_valid(k.ts_cid, k.ts_key, auth, body_of(r), r->body_len)) {
		LOG_WRN(&log_apicb, "telesign", "callback with a bad signature refused");
		rc = api_err(r, 403, "forbidden", "bad Telesign signature");
	} else if (telesign_status_report(body_of(r), r->body_len, &rep)) {
		rc = api_err(r, 400, "invalid_request", "not a Telesign status callback");
	} else {
		struct api_callback cb = {
			.kind = API_CB_TELESIGN,
			.url = "",
			.signature = auth,
			.body = body_of(r),
			.body_len = r->body_len,
		};
		rc = hand_over(r, &k, &cb);
	}
	keys_drop(&k);
	return rc;
}
