/* Wiring: the HTTP API (start-up step 3) and the "platform" ops the
 * composition root owns: readiness, live channel state, cancel, modem
 * metrics. Everything else of struct api_backend comes from app/crm over
 * the store (wire_crm.c), which calls these through crm_config.platform.
 *
 * The backend ops run on libmicrohttpd's threads. What must run on the
 * loop thread (cancel, channel health and enable) is handed over with
 * loop_call(): a queue under a mutex, a loop waker, and a condition
 * variable the API thread waits on. At stop the queue is closed first, so
 * no API thread can wait on a loop that no longer turns. */
#include "daemon.h"
#include "wire_api_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "drivers/channel.h"
#include "hal/fs.h"
#include "hal/log.h"
#include "outbox/outbox.h"
#include "store/store.h"

LOG_MODULE(log_wapi, "smsrelayd");

/* ---- running things on the loop thread -------------------------------- */

static void on_calls(void *arg)
{
	struct wire_api *w = arg;

	pthread_mutex_lock(&w->lock);
	struct loop_call *c = w->calls;
	w->calls = NULL;
	pthread_mutex_unlock(&w->lock);
	while (c) {
		struct loop_call *next = c->next;
		int rc = c->fn(w->d, c->arg);
		pthread_mutex_lock(&w->lock);
		c->rc = rc;
		c->done = true;
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
		c = next;
	}
}

int wire_loop_call(struct wire_api *w, int (*fn)(struct daemon *, void *), void *arg)
{
	struct loop_call c = {.fn = fn, .arg = arg};

	pthread_mutex_lock(&w->lock);
	if (w->closed) {
		pthread_mutex_unlock(&w->lock);
		return -EAGAIN; /* stopping: 503 */
	}
	c.next = w->calls;
	w->calls = &c;
	hal_loop_wake(&w->d->loop, w->waker);
	while (!c.done)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return c.rc;
}

static void close_calls(struct wire_api *w)
{
	pthread_mutex_lock(&w->lock);
	w->closed = true;
	for (struct loop_call *c = w->calls; c; c = c->next) {
		c->rc = -EAGAIN;
		c->done = true;
	}
	w->calls = NULL;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* ---- helpers -------------------------------------------------------------- */

void wire_cp(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- platform ops ------------------------------------------------------- */

static int op_health(void *ctx, struct api_health *out)
{
	struct wire_api *w = ctx;

	pthread_mutex_lock(&w->lock);
	out->ready = w->ready;
	wire_cp(out->detail, sizeof(out->detail), w->detail);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

static void op_wake(void *ctx)
{
	(void)ctx; /* outbox_enqueue and outbox_cancel wake the loop themselves */
}

static int do_modems(struct daemon *d, void *arg)
{
	struct api_metrics *m = arg;

	for (size_t i = 0; i < d->n_chans && m->n_modems < API_MODEMS_MAX; i++) {
		struct channel *ch = d->chans[i];
		struct channel_health h;

		if (ch->kind != CHANNEL_MODEM)
			continue;
		memset(&h, 0, sizeof(h));
		ch->ops->get_health(ch->ctx, &h);
		struct api_modem_metrics *mm = &m->modems[m->n_modems++];
		wire_cp(mm->name, sizeof(mm->name), ch->name);
		mm->signal_dbm = h.signal_dbm;
		mm->registered = h.registered ? 1 : 0;
	}
	return 0;
}

int wire_op_metrics_modems(void *ctx, struct api_metrics *out)
{
	return wire_loop_call(ctx, do_modems, out);
}

static int do_cancel(struct daemon *d, void *arg)
{
	int rc = outbox_cancel(d->outbox, *(uint64_t *)arg);
	/* Being sent: the channel was asked to cancel; the message shows the
	 * outcome later. */
	return rc == -EINPROGRESS ? 0 : rc;
}

/* Fills out from the store after the move. */
static int op_msg_cancel(void *ctx, uint64_t id, struct api_msg *out)
{
	struct wire_api *w = ctx;
	int rc = wire_loop_call(w, do_cancel, &id);

	return rc ? rc : wire_msg_get(w->d, id, out);
}

struct chan_query {
	const char *name; /* NULL: all */
	struct api_channel *out;
	size_t max, n;
	bool enabled; /* for set_enabled */
};

static void fill_channel(struct daemon *d, struct channel *ch, struct api_channel *a)
{
	struct channel_health h;
	int idx = routing_config_find(&d->routing.cfg, ch->name);
	int64_t now = hal_clock_wall_ms(hal_loop_clock(&d->loop));

	memset(a, 0, sizeof(*a));
	memset(&h, 0, sizeof(h));
	wire_cp(a->name, sizeof(a->name), ch->name);
	wire_cp(a->kind, sizeof(a->kind), channel_kind_str(ch->kind));
	a->enabled = idx >= 0 && d->routing.cfg.channels[idx].enabled;
	a->healthy = idx >= 0 && routing_channel_usable(&d->routing, (unsigned)idx, now);
	if (ch->ops->get_health(ch->ctx, &h) == 0) {
		a->healthy = a->healthy && h.can_send;
		wire_cp(a->health_text, sizeof(a->health_text), h.detail);
		if (ch->kind == CHANNEL_MODEM) {
			a->signal_dbm = h.signal_dbm;
			wire_cp(a->registration, sizeof(a->registration),
				h.registered ? "registered" : "unknown");
			wire_cp(a->operator_name, sizeof(a->operator_name), h.operator_name);
		}
	}
}

static int do_channels(struct daemon *d, void *arg)
{
	struct chan_query *q = arg;

	for (size_t i = 0; i < d->n_chans && q->n < q->max; i++) {
		if (q->name && strcmp(q->name, d->chans[i]->name) != 0)
			continue;
		fill_channel(d, d->chans[i], &q->out[q->n++]);
	}
	return q->name && q->n == 0 ? -ENOENT : 0;
}

static int op_channel_list(void *ctx, struct api_channel *out, size_t max, size_t *n)
{
	struct chan_query q = {.out = out, .max = max};
	int rc = wire_loop_call(ctx, do_channels, &q);

	*n = q.n;
	return rc;
}

static int op_channel_get(void *ctx, const char *name, struct api_channel *out)
{
	struct chan_query q = {.name = name, .out = out, .max = 1};
	return wire_loop_call(ctx, do_channels, &q);
}

/* Routing's config copy is the live one; a SIGHUP sets it from the file
 * again (the file wins). */
static int do_enable(struct daemon *d, void *arg)
{
	struct chan_query *q = arg;
	int idx = routing_config_find(&d->routing.cfg, q->name);

	if (idx < 0)
		return -ENOENT;
	d->routing.cfg.channels[idx].enabled = q->enabled;
	LOG_INF(&log_wapi, q->name, "%s through the API", q->enabled ? "enabled" : "disabled");
	outbox_kick(d->outbox);
	return 0;
}

static int op_channel_set_enabled(void *ctx, const char *name, bool enabled)
{
	struct chan_query q = {.name = name, .enabled = enabled};
	return wire_loop_call(ctx, do_enable, &q);
}

void wire_api_platform_ops(struct api_backend_ops *ops)
{
	ops->health = op_health;
	ops->wake = op_wake;
	ops->metrics = wire_op_metrics_modems;
	ops->msg_cancel = op_msg_cancel;
	ops->channel_list = op_channel_list;
	ops->channel_get = op_channel_get;
	ops->channel_set_enabled = op_channel_set_enabled;
}

void wire_msg_to_api(const struct store_msg *s, struct api_msg *a)
{
	memset(a, 0, sizeof(*a));
	a->id = s->id;
	a->user_id = (uint64_t)s->user_id;
	a->conversation_id = s->conversation_id;
	a->contact_id = (uint64_t)s->contact_id;
	a->inbound = s->dir == STORE_DIR_IN;
	a->status = s->status;
	a->source = s->source == API_SRC_TWILIO ? API_SRC_TWILIO : API_SRC_REST;
	wire_cp(a->to, sizeof(a->to), s->to);
	wire_cp(a->from, sizeof(a->from), s->from[0] ? s->from : s->sender);
	a->body_len = s->body_len < API_BODY_BYTES_MAX ? s->body_len : API_BODY_BYTES_MAX;
	if (s->body)
		memcpy(a->body, s->body, a->body_len);
	wire_cp(a->encoding, sizeof(a->encoding), s->encoding);
	a->segments = s->segments;
	wire_cp(a->channel_pref, sizeof(a->channel_pref), s->channel_pref);
	wire_cp(a->channel, sizeof(a->channel), s->channel);
	wire_cp(a->number_type, sizeof(a->number_type), s->number_type);
	wire_cp(a->record_type, sizeof(a->record_type), s->crm_type);
	wire_cp(a->record_id, sizeof(a->record_id), s->crm_id);
	wire_cp(a->business_unit, sizeof(a->business_unit), s->business_unit);
	a->error_code = s->last_error_code;
	wire_cp(a->error_text, sizeof(a->error_text), s->last_error_text);
	a->created_at = s->created_at;
	a->updated_at = s->updated_at;
	a->send_at = s->send_at;
	a->sent_at = s->sent_at;
	a->expires_at = s->expires_at;
}

int wire_msg_get(struct daemon *d, uint64_t id, struct api_msg *out)
{
	struct store_msg m;
	int rc = store_msg_get(d->store, id, &m);

	if (rc)
		return rc;
	wire_msg_to_api(&m, out);
	store_msg_release(&m);
	return 0;
}

/* ---- init / start / stop ------------------------------------------------- */

static int read_pem(const char *path, char **out, char *err, size_t err_len)
{
	struct hal_fs fs;
	size_t len;
	int rc;

	*out = NULL;
	if (!path[0])
		return 0;
	rc = hal_fs_linux_new(&fs, NULL);
	if (rc == 0) {
		rc = hal_fs_read_file(&fs, path, 1 << 20, out, &len);
		hal_fs_destroy(&fs);
	}
	if (rc)
		snprintf(err, err_len, "[api] %s: %s", path, strerror(-rc));
	return rc;
}

int wire_api_init(struct daemon *d, char *err, size_t err_len)
{
	struct wire_api *w = calloc(1, sizeof(*w));
	int rc;

	if (!w)
		return -ENOMEM;
	w->d = d;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	wire_cp(w->detail, sizeof(w->detail), "starting");
	d->api = w;
	w->platform_ops = (struct api_backend_ops){0};
	wire_api_platform_ops(&w->platform_ops);
	w->platform.ops = &w->platform_ops;
	w->platform.ctx = w;
	rc = hal_loop_add_waker(&d->loop, on_calls, w, &w->waker);
	if (rc) {
		snprintf(err, err_len, "api: waker: %s", strerror(-rc));
		return rc;
	}
	return wire_callbacks_init(w, err, err_len);
}

int wire_api_start(struct daemon *d, char *err, size_t err_len)
{
	const struct config_api *ca = &d->set.cfg.api;
	struct wire_api *w = d->api;
	char *cert = NULL, *key = NULL;
	char pub[CONFIG_URL_LEN];
	struct api_callbacks_config cb;
	int rc;

	rc = wire_backend_start(d, &w->be, w->sid, err, err_len);
	if (rc)
		return rc;
	wire_callbacks_config(d, &cb, pub, sizeof(pub));
	rc = read_pem(ca->tls_cert, &cert, err, err_len);
	if (rc == 0)
		rc = read_pem(ca->tls_key, &key, err, err_len);
	if (rc == 0) {
		struct api_config ac = {
		    .bind_addr = ca->bind,
		    .port = (uint16_t)ca->port,
		    .tls_cert_pem = cert,
		    .tls_key_pem = key,
		    .allow_plain_http = ca->allow_plain_http,
		    .max_body = ca->max_body_bytes,
		    .max_connections = ca->max_connections,
		    .per_ip_connections = ca->max_per_ip,
		    .timeout_s = ca->connection_timeout_s,
		    .threads = ca->threads,
		    .rate_per_min = ca->token_rate_per_min,
		    .twilio_account_sid = w->sid[0] ? w->sid : NULL,
		    .callbacks = cb,
		};
		rc = api_server_start(&w->srv, &ac, &w->be);
		if (rc)
			snprintf(err, err_len, "%s: [api] %s:%u: %s%s", d->set.cfg.source, ca->bind,
				 ca->port, strerror(-rc),
				 rc == -EADDRINUSE ? " (another process listens there: change "
						     "[api] port or stop it)"
						   : " (see the log line above)");
	}
	free(cert);
	free(key);
	if (rc)
		return rc;
	d->api_port = api_server_port(w->srv);
	LOG_INF(&log_wapi, NULL, "API on %s port %u (Twilio facade AccountSid %s)", ca->bind,
		d->api_port, w->sid[0] ? w->sid : "none");
	return 0;
}

int wire_api_set_limits(struct daemon *d, unsigned rate_per_min, size_t max_body)
{
	if (!d->api || !d->api->srv)
		return -ENODEV;
	return api_server_set_limits(d->api->srv, rate_per_min, max_body);
}

void wire_api_set_ready(struct daemon *d, bool ready, const char *detail)
{
	struct wire_api *w = d->api;

	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->ready = ready;
	wire_cp(w->detail, sizeof(w->detail), detail);
	pthread_mutex_unlock(&w->lock);
}

void wire_api_stop(struct daemon *d)
{
	struct wire_api *w = d->api;

	if (!w)
		return;
	close_calls(w);
	if (w->srv) {
		api_server_stop(w->srv);
		w->srv = NULL;
		LOG_INF(&log_wapi, NULL, "API stopped");
	}
	wire_callbacks_close(w); /* unapplied reports: the provider's retry or polling */
}

void wire_api_free(struct daemon *d)
{
	struct wire_api *w = d->api;

	if (!w)
		return;
	wire_api_stop(d);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
	d->api = NULL;
}
