/* The engine shared by the cloud channels: jobs with retries over
 * curl_loop, polling GETs, health. Retry rules are in cloud/cloud.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloud_core.h"
#include "drivers/msg_status.h"
#include "hal/log.h"

LOG_MODULE(log_cloud, "cloud");

#define CLOUD_UNREACHABLE_AFTER 3 /* consecutive transport failures */

struct cloud_job {
	struct cloud_core *core;
	struct cloud_job *next;
	uint64_t msg_id;
	char *to;
	char *url;
	char *body;
	unsigned attempt;   /* attempts started */
	hal_timer_id timer; /* next attempt, or the deferred done */
	CURL *easy;         /* the latest attempt's handle */
	bool on_wire;       /* a request is running now */
	bool canceled;
	struct curl_slist *hdrs;
	struct cloud_buf resp;
	struct cloud_verdict done; /* set when finished, reported by timer */
	char errbuf[CURL_ERROR_SIZE];
};

struct cloud_get {
	struct cloud_core *core;
	struct cloud_get *next;
	CURL *easy;
	struct cloud_buf resp;
	cloud_get_cb cb;
	void *arg;
};

static size_t cloud_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct cloud_buf *b = userdata;
	size_t n = size * nmemb;
	if (b->len + n > CLOUD_RESP_MAX || cloud_buf_append(b, ptr, n) < 0)
		return 0; /* CURLE_WRITE_ERROR */
	return n;
}

static CURL *cloud_easy_new(struct cloud_core *c, const char *url, struct cloud_buf *resp)
{
	CURL *e = curl_easy_init();
	if (!e)
		return NULL;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, cloud_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->http.request_timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->http.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(e, CURLOPT_USERNAME, c->username);
	curl_easy_setopt(e, CURLOPT_PASSWORD, c->password);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "smsrelay/0.1");
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	if (c->http.insecure_tls) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	c->stats.requests++;
	return e;
}

static void cloud_set_reachable(struct cloud_core *c, bool ok, const char *why)
{
	c->transport_failures = ok ? 0 : c->transport_failures + 1;
	bool reachable = c->transport_failures < CLOUD_UNREACHABLE_AFTER;
	if (reachable == c->reachable)
		return;
	LOG_WRN(&log_cloud, c->name, "provider %s -> %s (%s)",
		c->reachable ? "reachable" : "unreachable", reachable ? "reachable" : "unreachable",
		why);
	c->reachable = reachable;
	if (c->ev.health) {
		struct channel_health h;
		cloud_core_health(c, &h);
		c->ev.health(c->ev.arg, &h);
	}
}

/* ---- jobs ---------------------------------------------------------------- */

static void cloud_job_free(struct cloud_job *j)
{
	if (j->easy)
		curl_easy_cleanup(j->easy);
	curl_slist_free_all(j->hdrs);
	cloud_buf_free(&j->resp);
	free(j->to);
	free(j->url);
	free(j->body);
	free(j);
}

static void cloud_job_unlink(struct cloud_core *c, struct cloud_job *j)
{
	for (struct cloud_job **pp = &c->jobs; *pp; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			return;
		}
	}
}

/* Report the job's outcome and forget it. */
static void cloud_job_finish(struct cloud_job *j)
{
	struct cloud_core *c = j->core;
	const struct cloud_verdict *v = &j->done;
	cloud_job_unlink(c, j);
	c->in_flight--;
	struct channel_outcome o = { .status = 0, .parts_total = 1 };
	if (v->kind == CLOUD_ACCEPTED) {
		c->stats.accepted++;
		o.parts_sent = 1;
		snprintf(o.text, sizeof(o.text), "%s", v->text[0] ? v->text : "accepted");
		LOG_DBG(&log_cloud, c->name, "msg %llu accepted as %s",
			(unsigned long long)j->msg_id, v->ref);
		if (c->ev.part_sent)
			c->ev.part_sent(c->ev.arg, j->msg_id, 0, 1, v->ref);
	} else {
		c->stats.failed++;
		o.status = v->status ? v->status : -EIO;
		o.retryable = v->retryable;
		o.code = v->code;
		snprintf(o.text, sizeof(o.text), "%s", v->text);
		LOG_INF(&log_cloud, c->name, "msg %llu failed: %d code %d%s (%s)",
			(unsigned long long)j->msg_id, o.status, o.code,
			o.retryable ? " retryable" : "", o.text);
	}
	uint64_t id = j->msg_id;
	char ref[CHANNEL_REF_MAX];
	char *to = j->to;
	j->to = NULL;
	memcpy(ref, v->ref, sizeof(ref));
	bool accepted = v->kind == CLOUD_ACCEPTED;
	cloud_job_free(j);
	if (c->ev.submit_done)
		c->ev.submit_done(c->ev.arg, id, &o);
	if (accepted && c->prov.accepted)
		c->prov.accepted(c->prov.arg, id, to, ref);
	free(to);
}

static int64_t cloud_job_done_timer(void *arg)
{
	struct cloud_job *j = arg;
	j->timer = 0;
	cloud_job_finish(j);
	return HAL_TIMER_STOP;
}

static void cloud_job_attempt(struct cloud_job *j);

static int64_t cloud_job_retry_timer(void *arg)
{
	struct cloud_job *j = arg;
	j->timer = 0;
	cloud_job_attempt(j);
	return HAL_TIMER_STOP;
}

/* Finish from a callback context that is not submit(): report at once. */
static void cloud_job_fail(struct cloud_job *j, int status, bool retryable, const char *text)
{
	j->done = (struct cloud_verdict){ .kind = CLOUD_FAILED, .status = status,
					  .retryable = retryable };
	snprintf(j->done.text, sizeof(j->done.text), "%s", text);
	cloud_job_finish(j);
}

static int64_t cloud_backoff_ms(const struct cloud_core *c, unsigned attempt)
{
	int64_t d = c->http.backoff_base_ms;
	for (unsigned i = 1; i < attempt && d < c->http.backoff_max_ms; i++)
		d *= 2;
	return d < c->http.backoff_max_ms ? d : c->http.backoff_max_ms;
}

/* Retry when attempts and the provider's Retry-After allow, else fail
 * retryable with the verdict's code. */
static void cloud_job_retry_or_fail(struct cloud_job *j, struct cloud_verdict *v,
				    int64_t retry_after_ms)
{
	struct cloud_core *c = j->core;
	int64_t delay = retry_after_ms >= 0 ? retry_after_ms : cloud_backoff_ms(c, j->attempt);
	bool too_long = retry_after_ms > c->http.retry_after_max_ms;
	if (j->attempt < c->http.max_attempts && !too_long &&
	    hal_loop_add_timer(c->loop, delay, cloud_job_retry_timer, j, &j->timer) == 0) {
		c->stats.retries++;
		c->stats.last_retry_delay_ms = delay;
		LOG_INF(&log_cloud, c->name, "msg %llu attempt %u: %s; retry in %lld ms",
			(unsigned long long)j->msg_id, j->attempt, v->text, (long long)delay);
		return;
	}
	v->kind = CLOUD_FAILED;
	v->retryable = true;
	if (!v->status)
		v->status = -EAGAIN;
	j->done = *v;
	cloud_job_finish(j);
}

static void cloud_job_transport_error(struct cloud_job *j, CURLcode rc)
{
	struct cloud_core *c = j->core;
	struct cloud_verdict v = { .kind = CLOUD_RETRY, .retryable = true };
	snprintf(v.text, sizeof(v.text), "%.120s", j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
	cloud_set_reachable(c, false, v.text);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		/* Nothing reached the provider: safe to try again. */
		v.status = -ECONNREFUSED;
		cloud_job_retry_or_fail(j, &v, -1);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		/* The provider may have acted: the outbox decides. */
		v.kind = CLOUD_FAILED;
		v.status = -ETIMEDOUT;
		break;
	case CURLE_WRITE_ERROR:
		v.kind = CLOUD_FAILED;
		v.status = -EMSGSIZE;
		snprintf(v.text, sizeof(v.text), "answer larger than %d bytes", CLOUD_RESP_MAX);
		break;
	default:
		v.kind = CLOUD_FAILED;
		v.status = -EIO;
		break;
	}
	j->done = v;
	cloud_job_finish(j);
}

static void cloud_job_on_done(void *arg, CURL *easy, CURLcode rc)
{
	struct cloud_job *j = arg;
	struct cloud_core *c = j->core;
	(void)easy;
	j->on_wire = false;
	if (rc != CURLE_OK) {
		cloud_job_transport_error(j, rc);
		return;
	}
	long http = 0;
	curl_off_t retry_after = -1;
	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &http);
	if (curl_easy_getinfo(j->easy, CURLINFO_RETRY_AFTER, &retry_after) != CURLE_OK)
		retry_after = -1;
	struct cloud_verdict v = { 0 };
	c->prov.classify(c->prov.arg, http, j->resp.data ? j->resp.data : "", j->resp.len, &v);
	cloud_set_reachable(c, http < 500, "HTTP 5xx");
	if (http == 429 || http >= 500) {
		v.kind = CLOUD_RETRY;
		v.status = -EAGAIN;
	}
	if (v.kind == CLOUD_RETRY) {
		if (!v.text[0])
			snprintf(v.text, sizeof(v.text), "HTTP %ld", http);
		cloud_job_retry_or_fail(j, &v, retry_after > 0 ? (int64_t)retry_after * 1000 : -1);
		return;
	}
	j->done = v;
	cloud_job_finish(j);
}

static void cloud_job_attempt(struct cloud_job *j)
{
	struct cloud_core *c = j->core;
	if (j->easy) {
		curl_easy_cleanup(j->easy);
		j->easy = NULL;
	}
	j->resp.len = 0;
	j->errbuf[0] = '\0';
	j->attempt++;
	j->easy = cloud_easy_new(c, j->url, &j->resp);
	if (!j->easy) {
		cloud_job_fail(j, -ENOMEM, true, "curl_easy_init failed");
		return;
	}
	curl_easy_setopt(j->easy, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(j->easy, CURLOPT_POSTFIELDS, j->body);
	curl_easy_setopt(j->easy, CURLOPT_HTTPHEADER, j->hdrs);
	int rc = curl_loop_add(c->cl, j->easy, cloud_job_on_done, j);
	if (rc < 0)
		cloud_job_fail(j, rc, true, "cannot start the request");
	else
		j->on_wire = true;
}

int cloud_core_submit(struct cloud_core *c, uint64_t msg_id, const char *to, const char *url,
		      const char *body)
{
	if (c->in_flight >= c->http.max_in_flight)
		return -EBUSY;
	struct cloud_job *j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->core = c;
	j->msg_id = msg_id;
	j->to = strdup(to);
	j->url = strdup(url);
	j->body = strdup(body);
	j->hdrs = curl_slist_append(NULL, "Accept: application/json");
	if (!j->to || !j->url || !j->body || !j->hdrs) {
		cloud_job_free(j);
		return -ENOMEM;
	}
	/* The first attempt starts from the loop, so submit() never blocks
	 * and submit_done can never run inside it. */
	if (hal_loop_add_timer(c->loop, 0, cloud_job_retry_timer, j, &j->timer) < 0) {
		cloud_job_free(j);
		return -ENOMEM;
	}
	j->next = c->jobs;
	c->jobs = j;
	c->in_flight++;
	return 0;
}

int cloud_core_cancel(struct cloud_core *c, uint64_t msg_id)
{
	for (struct cloud_job *j = c->jobs; j; j = j->next) {
		if (j->msg_id != msg_id)
			continue;
		if (j->canceled)
			return -EALREADY;
		/* A POST on the wire may already have reached the provider. */
		if (j->on_wire)
			return -EINPROGRESS;
		hal_loop_cancel_timer(c->loop, j->timer);
		j->canceled = true;
		j->done = (struct cloud_verdict){ .kind = CLOUD_FAILED, .status = -ECANCELED };
		snprintf(j->done.text, sizeof(j->done.text), "canceled");
		/* submit_done from the loop, not from inside cancel(). */
		if (hal_loop_add_timer(c->loop, 0, cloud_job_done_timer, j, &j->timer) < 0) {
			j->timer = 0;
			cloud_job_finish(j);
		}
		return 0;
	}
	return -ENOENT;
}

/* ---- GETs ---------------------------------------------------------------- */

static void cloud_get_free(struct cloud_core *c, struct cloud_get *g)
{
	for (struct cloud_get **pp = &c->gets; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	}
	curl_easy_cleanup(g->easy);
	cloud_buf_free(&g->resp);
	free(g);
}

static void cloud_get_on_done(void *arg, CURL *easy, CURLcode rc)
{
	struct cloud_get *g = arg;
	struct cloud_core *c = g->core;
	long http = 0;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &http);
	if (rc != CURLE_OK)
		cloud_set_reachable(c, false, curl_easy_strerror(rc));
	else
		cloud_set_reachable(c, http < 500, "HTTP 5xx");
	cloud_get_cb cb = g->cb;
	void *cb_arg = g->arg;
	/* Detach the body so the callback may start new GETs freely. */
	struct cloud_buf body = g->resp;
	g->resp = (struct cloud_buf){ 0 };
	cloud_get_free(c, g);
	int err = rc == CURLE_OK ? 0 : rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
	cb(cb_arg, err, http, err ? NULL : (body.data ? body.data : ""), err ? 0 : body.len);
	cloud_buf_free(&body);
}

int cloud_core_get(struct cloud_core *c, const char *url, cloud_get_cb cb, void *arg)
{
	struct cloud_get *g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->core = c;
	g->cb = cb;
	g->arg = arg;
	g->easy = cloud_easy_new(c, url, &g->resp);
	if (!g->easy) {
		free(g);
		return -ENOMEM;
	}
	g->next = c->gets;
	c->gets = g;
	int rc = curl_loop_add(c->cl, g->easy, cloud_get_on_done, g);
	if (rc < 0)
		cloud_get_free(c, g);
	return rc;
}

/* ---- life ---------------------------------------------------------------- */

static int64_t cfg_or(int64_t v, int64_t dflt)
{
	return v > 0 ? v : dflt;
}

int cloud_core_init(struct cloud_core *c, struct hal_loop *loop, const char *name,
		    const struct cloud_http_config *http, const struct channel_events *ev,
		    const struct cloud_provider *prov, const char *username, const char *password)
{
	memset(c, 0, sizeof(*c));
	c->loop = loop;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->http = *http;
	c->http.request_timeout_ms = cfg_or(http->request_timeout_ms, 15000);
	c->http.connect_timeout_ms = cfg_or(http->connect_timeout_ms, 5000);
	c->http.max_attempts = http->max_attempts ? http->max_attempts : 3;
	c->http.backoff_base_ms = cfg_or(http->backoff_base_ms, 500);
	c->http.backoff_max_ms = cfg_or(http->backoff_max_ms, 30000);
	c->http.retry_after_max_ms = cfg_or(http->retry_after_max_ms, 60000);
	c->http.max_in_flight = http->max_in_flight ? http->max_in_flight : 64;
	c->ev = *ev;
	c->prov = *prov;
	c->reachable = true;
	c->username = strdup(username);
	c->password = strdup(password);
	if (!c->username || !c->password) {
		cloud_core_fini(c);
		return -ENOMEM;
	}
	int rc = curl_loop_new(loop, &c->cl);
	if (rc < 0)
		cloud_core_fini(c);
	return rc;
}

void cloud_core_fini(struct cloud_core *c)
{
	/* Transfers first: curl_loop_free would leave them pointing at us. */
	while (c->jobs) {
		struct cloud_job *j = c->jobs;
		c->jobs = j->next;
		if (j->on_wire)
			curl_loop_remove(c->cl, j->easy);
		if (j->timer)
			hal_loop_cancel_timer(c->loop, j->timer);
		cloud_job_free(j);
	}
	while (c->gets) {
		curl_loop_remove(c->cl, c->gets->easy);
		cloud_get_free(c, c->gets);
	}
	curl_loop_free(c->cl);
	c->cl = NULL;
	if (c->password)
		memset(c->password, 0, strlen(c->password));
	free(c->username);
	free(c->password);
	c->username = c->password = NULL;
}

int cloud_core_health(struct cloud_core *c, struct channel_health *out)
{
	memset(out, 0, sizeof(*out));
	out->registered = c->reachable;
	out->can_send = c->reachable && c->in_flight < c->http.max_in_flight;
	snprintf(out->detail, sizeof(out->detail), "%s, %u in flight",
		 c->reachable ? "reachable" : "unreachable", c->in_flight);
	return 0;
}

enum channel_delivery cloud_delivery_of(int s)
{
	switch (s) {
	case MSG_DELIVERED:
		return CHANNEL_DELIVERED;
	case MSG_UNDELIVERED:
	case MSG_FAILED:
	case MSG_EXPIRED:
	case MSG_CANCELED:
		return CHANNEL_UNDELIVERED;
	default:
		return CHANNEL_PENDING;
	}
}
