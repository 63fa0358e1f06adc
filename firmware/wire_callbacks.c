/* Wiring: the providers' status callbacks. The API verifies the signature
 * on its own thread and calls deliver() (below), which copies the request
 * into a queue under the wire_api lock and wakes the loop; on the loop the
 * channel of that kind gets it (twilio_channel_status_callback /
 * telesign_channel_callback are not thread-safe) and reports to the outbox
 * through its events. The queue is bounded: a flood gets 503 and the
 * provider retries. */
#include "daemon.h"
#include "wire_api_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloud/telesign.h"
#include "cloud/twilio.h"
#include "drivers/channel.h"
#include "hal/log.h"

LOG_MODULE(log_wcb, "smsrelayd");

#define TWILIO_CB_PATH "/callbacks/twilio/status"

static void item_free(struct cb_item *it)
{
	free(it->url);
	free(it->sig);
	free(it->body);
	free(it);
}

static struct channel *find_kind(struct daemon *d, enum channel_kind k)
{
	for (size_t i = 0; i < d->n_chans; i++)
		if (d->chans[i] && d->chans[i]->kind == k)
			return d->chans[i];
	return NULL;
}

static void run_one(struct daemon *d, const struct cb_item *it)
{
	const char *what = api_callback_kind_str((enum api_callback_kind)it->kind);
	struct channel *ch;
	int rc;

	if (it->kind == API_CB_TWILIO_STATUS) {
		ch = find_kind(d, CHANNEL_TWILIO);
		rc = ch ? twilio_channel_status_callback(ch, it->url, it->body, it->len, it->sig)
			: -ENOENT;
	} else {
		ch = find_kind(d, CHANNEL_TELESIGN);
		rc = ch ? telesign_channel_callback(ch, it->sig, it->body, it->len) : -ENOENT;
	}
	if (rc)
		LOG_WRN(&log_wcb, what, "callback not applied: %s", strerror(-rc));
	else
		LOG_DBG(&log_wcb, what, "callback applied");
}

static void on_cbs(void *arg)
{
	struct wire_api *w = arg;

	pthread_mutex_lock(&w->lock);
	struct cb_item *it = w->cbs;
	w->cbs = NULL;
	w->cbs_tail = &w->cbs;
	w->n_cbs = 0;
	pthread_mutex_unlock(&w->lock);
	while (it) {
		struct cb_item *next = it->next;
		run_one(w->d, it);
		item_free(it);
		it = next;
	}
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* api_callback_sink.deliver: on an API thread. */
static int deliver(void *ctx, const struct api_callback *cb)
{
	struct wire_api *w = ctx;
	struct cb_item *it = calloc(1, sizeof(*it));
	int rc = 0;

	if (!it)
		return -ENOMEM;
	it->kind = (int)cb->kind;
	it->len = cb->body_len;
	it->url = strdup(cb->url ? cb->url : "");
	it->sig = strdup(cb->signature ? cb->signature : "");
	it->body = dup_n(cb->body, cb->body_len);
	if (!it->url || !it->sig || !it->body) {
		item_free(it);
		return -ENOMEM;
	}
	pthread_mutex_lock(&w->lock);
	if (w->closed || w->n_cbs >= WIRE_CB_QUEUE_MAX) {
		rc = -EAGAIN;
	} else {
		*w->cbs_tail = it;
		w->cbs_tail = &it->next;
		w->n_cbs++;
		hal_loop_wake(&w->d->loop, w->cb_waker);
	}
	pthread_mutex_unlock(&w->lock);
	if (rc)
		item_free(it);
	return rc;
}

int wire_callbacks_init(struct wire_api *w, char *err, size_t err_len)
{
	int rc;

	w->cbs = NULL;
	w->cbs_tail = &w->cbs;
	rc = hal_loop_add_waker(&w->d->loop, on_cbs, w, &w->cb_waker);
	if (rc)
		snprintf(err, err_len, "api: callback waker: %s", strerror(-rc));
	return rc;
}

void wire_callbacks_close(struct wire_api *w)
{
	pthread_mutex_lock(&w->lock);
	struct cb_item *it = w->cbs;
	w->cbs = NULL;
	w->cbs_tail = &w->cbs;
	w->n_cbs = 0;
	pthread_mutex_unlock(&w->lock);
	while (it) {
		struct cb_item *next = it->next;
		item_free(it);
		it = next;
	}
}

/* The public base URL: [api] public_url, else what precedes the callback
 * path in [twilio] status_callback_url. "" when neither says. */
static void public_base(const struct smsrelay_config *c, char *pub, size_t len)
{
	const char *scu = c->twilio.status_callback_url;
	size_t n = strlen(scu), pl = strlen(TWILIO_CB_PATH);

	pub[0] = '\0';
	if (c->api.public_url[0]) {
		snprintf(pub, len, "%s", c->api.public_url);
		n = strlen(pub);
		if (n && pub[n - 1] == '/')
			pub[n - 1] = '\0';
	} else if (n > pl && strcmp(scu + n - pl, TWILIO_CB_PATH) == 0 && n - pl < len) {
		memcpy(pub, scu, n - pl);
		pub[n - pl] = '\0';
	} else if (n) {
		LOG_WRN(&log_wcb, "twilio",
			"status_callback_url does not end in " TWILIO_CB_PATH
			" and [api] public_url is unset: callbacks cannot be verified (404); "
			"statuses come only if Twilio reaches another receiver");
	}
}

void wire_callbacks_config(struct daemon *d, struct api_callbacks_config *out, char *pub,
			   size_t pub_len)
{
	const struct smsrelay_config *c = &d->set.cfg;

	memset(out, 0, sizeof(*out));
	public_base(c, pub, pub_len);
	out->public_url = pub[0] ? pub : NULL;
	if (c->twilio.present)
		out->twilio_auth_token = c->twilio.auth_token;
	if (c->telesign.present) {
		out->telesign_customer_id = c->telesign.customer_id;
		out->telesign_api_key = c->telesign.api_key;
	}
	out->sink.deliver = deliver;
	out->sink.ctx = d->api;
}
