/* The webhook delivery worker (see webhooks.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_webhook.h"
#include "hal/log.h"
#include "webhooks/webhooks.h"
#include "webhooks_priv.h"

LOG_MODULE(log_hooks, "webhooks");

struct wh_flight {
	struct webhooks *w;
	CURL *easy;
	struct curl_slist *hdrs;
	char *body;                     /* Twilio form body */
	struct api_webhook_delivery d;
	struct wh_flight *next;
};

struct webhooks {
	struct webhooks_config cfg;
	bool own_curl;
	hal_waker_id waker;
	hal_timer_id poll_timer;
	bool pass_failed; /* the last kick_pass failed: look again soon */
	hal_timer_id kick_timer;
	struct wh_flight *flights;
	struct webhooks_metrics m;
};

static const struct api_backend_ops *ops(struct webhooks *w)
{
	return w->cfg.backend->ops;
}

static void *bctx(struct webhooks *w)
{
	return w->cfg.backend->ctx;
}

static bool in_flight(struct webhooks *w, uint64_t id)
{
	for (struct wh_flight *f = w->flights; f; f = f->next)
		if (f->d.id == id)
			return true;
	return false;
}

static void flight_free(struct webhooks *w, struct wh_flight *f)
{
	for (struct wh_flight **p = &w->flights; *p; p = &(*p)->next) {
		if (*p == f) {
			*p = f->next;
			w->m.in_flight--;
			break;
		}
	}
	curl_slist_free_all(f->hdrs);
	free(f->body);
	if (f->easy)
		curl_easy_cleanup(f->easy);
	ops(w)->webhook_release(bctx(w), &f->d);
	free(f);
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static int64_t on_kick(void *arg)
{
	struct webhooks *w = arg;

	w->kick_timer = 0;
	webhooks_kick(w);
	return HAL_TIMER_STOP;
}

/* A pass from the loop soon, never re-entrant from a curl callback. */
static void schedule_kick(struct webhooks *w)
{
	if (!w->kick_timer)
		hal_loop_add_timer(w->cfg.loop, 0, on_kick, w, &w->kick_timer);
}

static void on_done(void *arg, CURL *easy, CURLcode result)
{
	struct wh_flight *f = arg;
	struct webhooks *w = f->w;
	long code = 0;
	int64_t now = ops(w)->now_ms(bctx(w));
	int rc;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (result == CURLE_OK && code >= 200 && code < 300) {
		rc = ops(w)->webhook_mark_delivered(bctx(w), f->d.id);
		w->m.delivered++;
		LOG_DBG(&log_hooks, NULL, "delivery %" PRIu64 " delivered (%ld)", f->d.id, code);
	} else {
		bool give_up = false;
		/* d.attempts failures before this one: the first retry comes
		 * backoff_initial_ms after the first failure, then doubling. */
		int64_t next = webhooks_next_attempt(w, f->d.attempts, f->d.created_at, now,
						     &give_up);

		rc = ops(w)->webhook_mark_failed(bctx(w), f->d.id, next, give_up);
		w->m.failed_attempts++;
		w->m.dropped += give_up;
		LOG_WRN(&log_hooks, NULL, "delivery %" PRIu64 " attempt %u failed (%s, HTTP %ld)%s",
			f->d.id, f->d.attempts + 1,
			result == CURLE_OK ? "answered" : curl_easy_strerror(result), code,
			give_up ? ": dropped after the retry window" : "");
	}
	if (rc && rc != -ENOENT)
		LOG_ERR(&log_hooks, NULL, "delivery %" PRIu64 " outcome not recorded: %d", f->d.id,
			rc);
	flight_free(w, f);
	schedule_kick(w);
}

static int build_request(struct webhooks *w, struct wh_flight *f, const struct api_webhook *h,
			 int64_t now)
{
	char sig[API_WEBHOOK_SIG_MAX], line[160];
	int rc = api_webhook_sign(h->secret, f->d.payload, f->d.payload_len, now / 1000, sig);

	if (rc)
		return rc;
	f->easy = curl_easy_init();
	if (!f->easy)
		return -ENOMEM;
	f->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	snprintf(line, sizeof(line), "%s: %s", API_WEBHOOK_SIG_HEADER, sig);
	f->hdrs = f->hdrs ? curl_slist_append(f->hdrs, line) : NULL;
	snprintf(line, sizeof(line), "%s: %s", WEBHOOKS_EVENT_HEADER,
		 api_webhook_event_type_str(f->d.type));
	f->hdrs = f->hdrs ? curl_slist_append(f->hdrs, line) : NULL;
	snprintf(line, sizeof(line), "%s: %" PRIu64, WEBHOOKS_DELIVERY_HEADER, f->d.id);
	f->hdrs = f->hdrs ? curl_slist_append(f->hdrs, line) : NULL;
	f->hdrs = f->hdrs ? curl_slist_append(f->hdrs, "Expect:") : NULL;
	if (!f->hdrs)
		return -ENOMEM;
	if (curl_easy_setopt(f->easy, CURLOPT_URL, h->url) != CURLE_OK ||
	    curl_easy_setopt(f->easy, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK)
		return -EINVAL;
	curl_easy_setopt(f->easy, CURLOPT_HTTPHEADER, f->hdrs);
	curl_easy_setopt(f->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(f->easy, CURLOPT_POSTFIELDS, f->d.payload);
	curl_easy_setopt(f->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)f->d.payload_len);
	curl_easy_setopt(f->easy, CURLOPT_TIMEOUT_MS, w->cfg.timeout_ms);
	curl_easy_setopt(f->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(f->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(f->easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(f->easy, CURLOPT_USERAGENT, "smsrelay-webhooks/1");
	return 0;
}

/* Start one POST; the flight owns d from here. Returns 1 started, 0 skipped. */
static int start(struct webhooks *w, struct api_webhook_delivery *d, int64_t now)
{
	struct wh_flight *f = calloc(1, sizeof(*f));
	struct api_webhook h;
	int rc;

	if (!f) {
		ops(w)->webhook_release(bctx(w), d);
		return 0;
	}
	f->w = w;
	f->d = *d;
	if (d->webhook_id == 0) {
		/* A Twilio StatusCallback (no subscription behind it) */
		f->easy = curl_easy_init();
		rc = f->easy ? wh_twilio_request(f->easy, d->payload, d->payload_len, &f->hdrs,
						 &f->body)
			     : -ENOMEM;
		if (!rc) {
			curl_easy_setopt(f->easy, CURLOPT_TIMEOUT_MS, w->cfg.timeout_ms);
			curl_easy_setopt(f->easy, CURLOPT_NOSIGNAL, 1L);
			curl_easy_setopt(f->easy, CURLOPT_FOLLOWLOCATION, 0L);
			curl_easy_setopt(f->easy, CURLOPT_WRITEFUNCTION, discard);
		}
	} else {
		rc = ops(w)->webhook_get(bctx(w), d->webhook_id, &h);
		if (!rc && !h.enabled)
			rc = -ECANCELED;
		if (!rc)
			rc = build_request(w, f, &h, now);
	}
	if (!rc)
		rc = curl_loop_add(w->cfg.curl, f->easy, on_done, f);
	f->next = w->flights;
	w->flights = f;
	w->m.in_flight++;
	if (rc) {
		LOG_WRN(&log_hooks, NULL, "delivery %" PRIu64 " to webhook %" PRIu64 " not sent: %d",
			d->id, d->webhook_id, rc);
		/* A bad URL or a local failure backs off like a failed POST; a
		 * deleted or disabled webhook's deliveries just wait. */
		if (rc != -ENOENT && rc != -ECANCELED) {
			bool give_up = false;
			int64_t next = webhooks_next_attempt(w, d->attempts, d->created_at, now,
							     &give_up);

			ops(w)->webhook_mark_failed(bctx(w), d->id, next, give_up);
			w->m.failed_attempts++;
			w->m.dropped += give_up;
		}
		flight_free(w, f);
		return 0;
	}
	w->m.posted++;
	return 1;
}

static int64_t on_poll(void *arg);

/* With nothing queued, a look this often anyway: a delivery queued without
 * webhooks_notify (none is, today) waits at most this long. */
#define WEBHOOKS_IDLE_LOOK_MS 60000

/* While POSTs are in flight (or the last pass failed), poll_ms: their
 * on_done starts what waits behind them anyway. Otherwise every due head
 * was started, and what is due but not started waits behind a head whose
 * retry is in the future: sleep until the earliest future attempt. Without
 * the backend's webhook_next_due: every poll_ms, as before. */
int64_t webhooks_next_look_ms(struct webhooks *w)
{
	int64_t when = 0, now = ops(w)->now_ms(bctx(w));

	if (w->m.in_flight || w->pass_failed || !ops(w)->webhook_next_due ||
	    ops(w)->webhook_next_due(bctx(w), now, &when) != 0)
		return w->cfg.poll_ms;
	if (!when || when - now > WEBHOOKS_IDLE_LOOK_MS)
		return WEBHOOKS_IDLE_LOOK_MS;
	return when - now;
}

static void rearm(struct webhooks *w)
{
	if (w->poll_timer)
		hal_loop_cancel_timer(w->cfg.loop, w->poll_timer);
	w->poll_timer = 0;
	if (hal_loop_add_timer(w->cfg.loop, webhooks_next_look_ms(w), on_poll, w, &w->poll_timer))
		LOG_ERR(&log_hooks, NULL, "cannot arm the delivery timer");
}

/* Starts POSTs for due deliveries; returns how many or -errno. */
static int kick_pass(struct webhooks *w)
{
	struct api_webhook_delivery *due;
	size_t n = 0, want;
	int64_t now;
	int rc, started = 0;

	if (!w)
		return -EINVAL;
	if (w->m.in_flight >= w->cfg.max_in_flight)
		return 0;
	/* Heads already in flight come back too: ask for enough to see past
	 * them. */
	want = w->cfg.max_in_flight + w->m.in_flight;
	due = calloc(want, sizeof(*due));
	if (!due)
		return -ENOMEM;
	now = ops(w)->now_ms(bctx(w));
	rc = ops(w)->webhook_fetch_due(bctx(w), now, due, want, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		if (in_flight(w, due[i].id) || w->m.in_flight >= w->cfg.max_in_flight)
			ops(w)->webhook_release(bctx(w), &due[i]);
		else
			started += start(w, &due[i], now);
	}
	free(due);
	if (rc)
		LOG_WRN(&log_hooks, NULL, "fetching due deliveries: %d", rc);
	return rc ? rc : started;
}

int webhooks_kick(struct webhooks *w)
{
	int rc;

	if (!w)
		return -EINVAL;
	rc = kick_pass(w);
	w->pass_failed = rc < 0;
	rearm(w);
	return rc;
}

static int64_t on_poll(void *arg)
{
	struct webhooks *w = arg;

	w->poll_timer = 0; /* this one ends; the kick arms the next */
	webhooks_kick(w);
	return HAL_TIMER_STOP;
}

static void on_wake(void *arg)
{
	schedule_kick(arg);
}

void webhooks_notify(void *arg)
{
	struct webhooks *w = arg;

	if (w)
		hal_loop_wake(w->cfg.loop, w->waker);
}

int64_t webhooks_next_attempt(const struct webhooks *w, unsigned attempts, int64_t created_at,
			      int64_t now, bool *give_up)
{
	int64_t delay = w->cfg.backoff_initial_ms;

	for (unsigned i = 0; i < attempts && delay < w->cfg.backoff_max_ms; i++)
		delay *= 2;
	if (delay > w->cfg.backoff_max_ms)
		delay = w->cfg.backoff_max_ms;
	*give_up = now >= created_at + w->cfg.retry_for_ms;
	return now + delay;
}

/* The per-POST timeout and the retries, at start and on SIGHUP: zeroes
 * become the defaults; the rest must make sense together. The caps keep
 * the doubling far from overflow. */
static int timing_settings(struct webhooks_config *c)
{
	if (c->timeout_ms <= 0)
		c->timeout_ms = 10000;
	if (!c->backoff_initial_ms)
		c->backoff_initial_ms = WEBHOOKS_BACKOFF_INITIAL_MS;
	if (!c->backoff_max_ms)
		c->backoff_max_ms = WEBHOOKS_BACKOFF_MAX_MS;
	if (!c->retry_for_ms)
		c->retry_for_ms = WEBHOOKS_RETRY_MIN_MS;
	if (c->backoff_initial_ms < 0 || c->backoff_max_ms < c->backoff_initial_ms ||
	    c->backoff_max_ms > 7LL * 86400 * 1000 || c->retry_for_ms < WEBHOOKS_RETRY_MIN_MS ||
	    c->retry_for_ms > 365LL * 86400 * 1000)
		return -EINVAL;
	return 0;
}

int webhooks_new(struct webhooks **out, const struct webhooks_config *cfg)
{
	struct webhooks *w;
	const struct api_backend_ops *o;
	int rc;

	if (!out || !cfg || !cfg->loop || !cfg->backend || !(o = cfg->backend->ops) ||
	    !o->now_ms || !o->webhook_get || !o->webhook_fetch_due || !o->webhook_release ||
	    !o->webhook_mark_delivered || !o->webhook_mark_failed)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cfg = *cfg;
	if (timing_settings(&w->cfg)) {
		free(w);
		return -EINVAL;
	}
	if (!w->cfg.max_in_flight)
		w->cfg.max_in_flight = 8;
	if (w->cfg.poll_ms <= 0)
		w->cfg.poll_ms = 1000;
	if (!w->cfg.curl) {
		rc = curl_loop_new(cfg->loop, &w->cfg.curl);
		if (rc) {
			free(w);
			return rc;
		}
		w->own_curl = true;
	}
	rc = hal_loop_add_waker(cfg->loop, on_wake, w, &w->waker);
	if (!rc)
		rc = hal_loop_add_timer(cfg->loop, 0, on_poll, w, &w->poll_timer);
	if (rc) {
		webhooks_destroy(w);
		return rc;
	}
	*out = w;
	return 0;
}

void webhooks_destroy(struct webhooks *w)
{
	if (!w)
		return;
	if (w->poll_timer)
		hal_loop_cancel_timer(w->cfg.loop, w->poll_timer);
	if (w->kick_timer)
		hal_loop_cancel_timer(w->cfg.loop, w->kick_timer);
	while (w->flights) {
		struct wh_flight *f = w->flights;

		curl_loop_remove(w->cfg.curl, f->easy);
		flight_free(w, f);
	}
	if (w->own_curl)
		curl_loop_free(w->cfg.curl);
	free(w);
}

void webhooks_metrics_get(const struct webhooks *w, struct webhooks_metrics *out)
{
	if (w && out)
		*out = w->m;
}

int webhooks_set_timing(struct webhooks *w, long timeout_ms, int64_t backoff_initial_ms,
			int64_t backoff_max_ms, int64_t retry_for_ms)
{
	struct webhooks_config c;

	if (!w || timeout_ms < 0)
		return -EINVAL;
	c = w->cfg;
	c.timeout_ms = timeout_ms;
	c.backoff_initial_ms = backoff_initial_ms;
	c.backoff_max_ms = backoff_max_ms;
	c.retry_for_ms = retry_for_ms;
	if (timing_settings(&c))
		return -EINVAL;
	w->cfg = c;
	return 0;
}
