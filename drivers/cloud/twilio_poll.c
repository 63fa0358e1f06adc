/* Twilio polling, for appliances the internet cannot reach: fetch each
 * accepted message until its status is final, and list inbound messages to
 * our number (every page), deduplicated by sid. One round per
 * poll_interval_ms; a round never overlaps the previous one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "drivers/msg_status.h"
#include "hal/log.h"
#include "twilio_priv.h"

LOG_MODULE(log_tpoll, "twilio");

#define TWILIO_GETS_PER_ROUND 16

/* ---- statuses -------------------------------------------------------------- */

void twilio_poll_track(struct twilio *t, const char *sid, const char *to)
{
	if (t->pending_count >= TWILIO_PENDING_MAX) {
		LOG_WRN(&log_tpoll, t->name, "%u statuses pending; not polling %s",
			t->pending_count, sid);
		return;
	}
	struct twilio_pending *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->owner = t;
	snprintf(p->sid, sizeof(p->sid), "%s", sid);
	snprintf(p->to, sizeof(p->to), "%s", to ? to : "");
	p->next = t->pending;
	t->pending = p;
	t->pending_count++;
}

/* Drop finished entries that no GET is using. */
static void twilio_pending_sweep(struct twilio *t)
{
	for (struct twilio_pending **pp = &t->pending; *pp;) {
		struct twilio_pending *p = *pp;
		if (p->done && !p->busy) {
			*pp = p->next;
			t->pending_count--;
			free(p);
		} else {
			pp = &p->next;
		}
	}
}

void twilio_poll_forget(struct twilio *t, const char *sid)
{
	for (struct twilio_pending *p = t->pending; p; p = p->next)
		if (strcmp(p->sid, sid) == 0)
			p->done = true;
	twilio_pending_sweep(t);
}

static void twilio_on_status(void *arg, int rc, long http, const char *body, size_t len)
{
	struct twilio_pending *p = arg;
	struct twilio *t = p->owner;
	p->busy = false;
	t->gets_running--;
	if (rc < 0 || http != 200) {
		LOG_DBG(&log_tpoll, t->name, "fetch %s: rc %d HTTP %ld", p->sid, rc, http);
		if (http == 404)
			p->done = true; /* gone: polling it forever helps nobody */
		twilio_pending_sweep(t);
		return;
	}
	json_t *root = json_loadb(body, len, 0, NULL);
	const char *status = json_string_value(json_object_get(root, "status"));
	json_t *ec = json_object_get(root, "error_code");
	int code = json_is_integer(ec) ? (int)json_integer_value(ec) : 0;
	struct msg_status_map m;
	if (status && msg_status_from_twilio(status, code > 0 ? code : 0, &m) == 0 &&
	    cloud_delivery_of(m.status) != CHANNEL_PENDING && !p->done) {
		struct channel_report r = { .state = cloud_delivery_of(m.status), .code = code };
		snprintf(r.ref, sizeof(r.ref), "%s", p->sid);
		snprintf(r.recipient, sizeof(r.recipient), "%s", p->to);
		p->done = true;
		t->core.stats.reports++;
		if (t->core.ev.delivery)
			t->core.ev.delivery(t->core.ev.arg, &r);
	} else if (!status) {
		LOG_WRN(&log_tpoll, t->name, "fetch %s: answer without status", p->sid);
	}
	json_decref(root);
	twilio_pending_sweep(t);
}

static void twilio_poll_statuses(struct twilio *t)
{
	unsigned started = 0;
	for (struct twilio_pending *p = t->pending; p && started < TWILIO_GETS_PER_ROUND;
	     p = p->next) {
		if (p->busy || p->done)
			continue;
		char url[512];
		int n = snprintf(url, sizeof(url), "%s/2010-04-01/Accounts/%s/Messages/%s.json",
				 t->base_url, t->account_sid, p->sid);
		if (n < 0 || (size_t)n >= sizeof(url))
			continue;
		if (cloud_core_get(&t->core, url, twilio_on_status, p) == 0) {
			p->busy = true;
			t->gets_running++;
			t->core.stats.polls++;
			started++;
		}
	}
}

/* ---- inbound --------------------------------------------------------------- */

static bool twilio_seen(const struct twilio *t, const char *sid)
{
	for (unsigned i = 0; i < TWILIO_SEEN_MAX; i++)
		if (t->seen[i][0] && strcmp(t->seen[i], sid) == 0)
			return true;
	return false;
}

static void twilio_mark_seen(struct twilio *t, const char *sid)
{
	snprintf(t->seen[t->seen_next], sizeof(t->seen[0]), "%s", sid);
	t->seen_next = (t->seen_next + 1) % TWILIO_SEEN_MAX;
}

/* "Fri, 24 May 2019 17:44:50 +0000" (RFC 2822, as in the spec's examples). */
static int64_t twilio_date_ms(const char *s)
{
	struct tm tm = { 0 };
	if (!s)
		return 0;
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S", &tm);
	if (!end)
		return 0;
	time_t secs = timegm(&tm);
	return secs < 0 ? 0 : (int64_t)secs * 1000;
}

static void twilio_offer_inbound(struct twilio *t, json_t *msg)
{
	const char *sid = json_string_value(json_object_get(msg, "sid"));
	const char *dir = json_string_value(json_object_get(msg, "direction"));
	const char *from = json_string_value(json_object_get(msg, "from"));
	const char *to = json_string_value(json_object_get(msg, "to"));
	const char *body = json_string_value(json_object_get(msg, "body"));
	if (!sid || !dir || strcmp(dir, "inbound") != 0 || !from || !body ||
	    strlen(sid) > TWILIO_SID_LEN || twilio_seen(t, sid))
		return;
	struct channel_inbound in = {
		.text = body,
		.text_len = strlen(body),
		.encoding = "utf8", /* the provider decoded it already */
		.sent_ms = twilio_date_ms(json_string_value(json_object_get(msg, "date_sent"))),
		.concat_total = 1,
		.concat_seq = 1,
	};
	if (cloud_copy(in.from, sizeof(in.from), from) < 0 ||
	    (to && cloud_copy(in.to, sizeof(in.to), to) < 0)) {
		LOG_WRN(&log_tpoll, t->name, "inbound %s: address too long, skipped", sid);
		twilio_mark_seen(t, sid);
		return;
	}
	snprintf(in.source_ref, sizeof(in.source_ref), "%s", sid);
	/* Only a stored message counts as seen: on failure it comes back in the
	 * next round's list. */
	if (t->core.ev.inbound && t->core.ev.inbound(t->core.ev.arg, &in) == 0) {
		twilio_mark_seen(t, sid);
		t->core.stats.inbound++;
	}
}

static int twilio_list_page(struct twilio *t, const char *url);

static void twilio_on_list(void *arg, int rc, long http, const char *body, size_t len)
{
	struct twilio *t = arg;
	t->gets_running--;
	if (rc < 0 || http != 200) {
		LOG_DBG(&log_tpoll, t->name, "list inbound: rc %d HTTP %ld", rc, http);
		return;
	}
	json_t *root = json_loadb(body, len, 0, NULL);
	json_t *msgs = json_object_get(root, "messages");
	if (!json_is_array(msgs)) {
		LOG_WRN(&log_tpoll, t->name, "list inbound: answer without messages");
		json_decref(root);
		return;
	}
	size_t i;
	json_t *m;
	json_array_foreach(msgs, i, m)
		twilio_offer_inbound(t, m);
	const char *next = json_string_value(json_object_get(root, "next_page_uri"));
	if (next && next[0] == '/' && t->pages_this_round < TWILIO_PAGES_MAX) {
		char *url = NULL;
		if (asprintf(&url, "%s%s", t->base_url, next) >= 0) {
			twilio_list_page(t, url);
			free(url);
		}
	}
	json_decref(root);
}

static int twilio_list_page(struct twilio *t, const char *url)
{
	int rc = cloud_core_get(&t->core, url, twilio_on_list, t);
	if (rc == 0) {
		t->gets_running++;
		t->pages_this_round++;
		t->core.stats.polls++;
	}
	return rc;
}

static int twilio_poll_inbound(struct twilio *t)
{
	/* DateSent>= has day granularity: ask from yesterday (UTC) on, the
	 * sid dedupe drops what we already have. */
	int64_t now_ms = hal_clock_wall_ms(hal_loop_clock(t->core.loop));
	time_t since = (time_t)(now_ms / 1000) - 86400;
	struct tm tm;
	char day[16];
	if (!gmtime_r(&since, &tm) || !strftime(day, sizeof(day), "%Y-%m-%d", &tm))
		return -EINVAL;
	struct cloud_buf q = { 0 };
	int rc = cloud_buf_add_param(&q, "To", t->from);
	if (!rc)
		rc = cloud_buf_add_param(&q, "DateSent>", day);
	if (!rc)
		rc = cloud_buf_add_param(&q, "PageSize", "50");
	char *url = NULL;
	if (!rc && asprintf(&url, "%s?%s", t->messages_url, q.data) < 0)
		rc = -ENOMEM;
	cloud_buf_free(&q);
	t->pages_this_round = 0;
	if (!rc)
		rc = twilio_list_page(t, url);
	free(url);
	return rc;
}

/* ---- the round -------------------------------------------------------------- */

int twilio_poll_now(struct twilio *t)
{
	if (t->gets_running)
		return -EBUSY; /* the previous round is still out */
	twilio_poll_statuses(t);
	if (t->poll_inbound)
		return twilio_poll_inbound(t);
	return 0;
}

static int64_t twilio_poll_timer(void *arg)
{
	struct twilio *t = arg;
	twilio_poll_now(t);
	return t->poll_interval_ms;
}

void twilio_poll_start(struct twilio *t)
{
	if (t->status_cb && !t->poll_inbound)
		return;
	if (hal_loop_add_timer(t->core.loop, t->poll_interval_ms, twilio_poll_timer, t,
			       &t->poll_timer) < 0)
		LOG_ERR(&log_tpoll, t->name, "cannot start polling");
}

void twilio_poll_stop(struct twilio *t)
{
	if (t->poll_timer)
		hal_loop_cancel_timer(t->core.loop, t->poll_timer);
	t->poll_timer = 0;
}

int twilio_channel_poll_now(struct channel *ch)
{
	if (!ch || !ch->ctx || ch->kind != CHANNEL_TWILIO)
		return -EINVAL;
	return twilio_poll_now(ch->ctx);
}
