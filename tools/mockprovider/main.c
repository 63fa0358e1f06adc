/* mockprovider: Twilio- and Telesign-like HTTP endpoints on libmicrohttpd.
 *
 *   mockprovider [--port N] [--account AC...] [--token T]
 *                [--telesign-customer ID] [--telesign-key B64]
 *                [--callbacks] [--faults SPEC]
 *
 * Prints "mockprovider listening on http://127.0.0.1:PORT" once ready (port
 * 0 picks a free port), so callers synchronise on that line. Runs until
 * SIGINT/SIGTERM, then prints its request counts. Fault SPEC and the control
 * endpoint POST /_mock/faults take the same form fields: n429, retry_after,
 * n5xx, slow_ms, hang, malformed, status_after, final_status, final_error,
 * telesign_final. GET /_mock/stats, GET /_mock/last, POST /_mock/inbound
 * (From, To, Body), POST /_mock/reset. See docs/cloud.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "mock.h"

#define MOCK_BODY_MAX (64 * 1024)

enum MHD_Result mock_reply(struct MHD_Connection *c, unsigned status, const char *json,
			   const char *retry_after)
{
	char *copy = strdup(json);
	if (!copy)
		return MHD_NO;
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(copy), copy, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(copy);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (retry_after)
		MHD_add_response_header(r, "Retry-After", retry_after);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result mock_reply_json(struct MHD_Connection *c, unsigned status, void *root)
{
	char *s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s)
		return MHD_NO;
	enum MHD_Result ret = mock_reply(c, status, s, NULL);
	free(s);
	return ret;
}

bool mock_auth_ok(struct MHD_Connection *c, const char *user, const char *pass)
{
	char *p = NULL;
	char *u = MHD_basic_auth_get_username_password(c, &p);
	bool ok = u && p && strcmp(u, user) == 0 && (!pass || strcmp(p, pass) == 0);
	MHD_free(u);
	MHD_free(p);
	return ok;
}

static unsigned field_uint(const struct cloud_form *f, const char *name, unsigned dflt)
{
	const char *v = cloud_form_get(f, name);
	return v ? (unsigned)strtoul(v, NULL, 10) : dflt;
}

/* Lock held. Returns -EINVAL on a bad spec (nothing changed). */
static int mock_set_faults(struct mock *m, const char *spec, size_t len)
{
	struct cloud_form f;
	if (cloud_form_parse(spec, len, &f) < 0)
		return -EINVAL;
	struct mock_faults *x = &m->faults;
	x->n429 = field_uint(&f, "n429", x->n429);
	x->retry_after = field_uint(&f, "retry_after", x->retry_after);
	x->n5xx = field_uint(&f, "n5xx", x->n5xx);
	x->slow_ms = field_uint(&f, "slow_ms", x->slow_ms);
	x->hang = field_uint(&f, "hang", x->hang);
	x->malformed = field_uint(&f, "malformed", x->malformed);
	x->status_after = field_uint(&f, "status_after", x->status_after);
	x->final_error = (int)field_uint(&f, "final_error", (unsigned)x->final_error);
	x->telesign_final = (int)field_uint(&f, "telesign_final", (unsigned)x->telesign_final);
	const char *fs = cloud_form_get(&f, "final_status");
	if (fs)
		snprintf(x->final_status, sizeof(x->final_status), "%s", fs);
	cloud_form_free(&f);
	return 0;
}

static enum MHD_Result mock_stats(struct mock *m, struct MHD_Connection *c)
{
	pthread_mutex_lock(&m->lock);
	const struct mock_counts *k = &m->counts;
	json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			      "requests", (json_int_t)k->requests, "creates", (json_int_t)k->creates,
			      "fetches", (json_int_t)k->fetches, "lists", (json_int_t)k->lists,
			      "telesign_sends", (json_int_t)k->ts_sends,
			      "telesign_status", (json_int_t)k->ts_status,
			      "faults_429", (json_int_t)k->faults_429,
			      "faults_5xx", (json_int_t)k->faults_5xx,
			      "faults_hang", (json_int_t)k->faults_hang,
			      "faults_malformed", (json_int_t)k->faults_malformed,
			      "callbacks", (json_int_t)k->callbacks, "messages", (json_int_t)m->nmsgs);
	pthread_mutex_unlock(&m->lock);
	return mock_reply_json(c, 200, o);
}

static enum MHD_Result mock_last(struct mock *m, struct MHD_Connection *c)
{
	pthread_mutex_lock(&m->lock);
	json_t *form = json_object();
	struct cloud_form f;
	if (cloud_form_parse(m->last_create, strlen(m->last_create), &f) == 0) {
		for (size_t i = 0; i < f.count; i++)
			json_object_set_new(form, f.params[i].name, json_string(f.params[i].value));
		cloud_form_free(&f);
	}
	json_t *o = json_pack("{s:s,s:s,s:o}", "path", m->last_path, "authorization",
			      m->last_auth, "form", form);
	pthread_mutex_unlock(&m->lock);
	return mock_reply_json(c, 200, o);
}

static enum MHD_Result mock_control(struct mock *m, struct MHD_Connection *c, const char *method,
				    const char *url, const struct mock_req *r)
{
	if (strcmp(url, "/_mock/stats") == 0)
		return mock_stats(m, c);
	if (strcmp(url, "/_mock/last") == 0)
		return mock_last(m, c);
	if (strcmp(method, "POST") != 0)
		return mock_reply(c, 404, "{\"error\":\"unknown control endpoint\"}", NULL);
	int rc = 0;
	pthread_mutex_lock(&m->lock);
	if (strcmp(url, "/_mock/faults") == 0) {
		rc = mock_set_faults(m, r->body ? r->body : "", r->len);
	} else if (strcmp(url, "/_mock/reset") == 0) {
		memset(&m->faults, 0, sizeof(m->faults));
		m->faults.status_after = 1;
		snprintf(m->faults.final_status, sizeof(m->faults.final_status), "delivered");
		m->faults.telesign_final = 200;
		memset(&m->counts, 0, sizeof(m->counts));
	} else if (strcmp(url, "/_mock/inbound") == 0) {
		struct cloud_form f;
		rc = cloud_form_parse(r->body ? r->body : "", r->len, &f);
		if (!rc) {
			const char *from = cloud_form_get(&f, "From");
			const char *to = cloud_form_get(&f, "To");
			const char *body = cloud_form_get(&f, "Body");
			rc = from && to && body &&
					     mock_msg_add(m, to, from, body, "inbound", false) >= 0
				     ? 0
				     : -EINVAL;
			cloud_form_free(&f);
		}
	} else {
		rc = -ENOENT;
	}
	pthread_mutex_unlock(&m->lock);
	if (rc == -ENOENT)
		return mock_reply(c, 404, "{\"error\":\"unknown control endpoint\"}", NULL);
	return rc ? mock_reply(c, 400, "{\"error\":\"bad control request\"}", NULL)
		  : mock_reply(c, 200, "{\"ok\":true}", NULL);
}

/* Apply the fault modes to a provider request. Returns true when a fault
 * answered (or hung) it; *ret is then the handler's result. */
static bool mock_fault(struct mock *m, struct MHD_Connection *c, enum MHD_Result *ret)
{
	pthread_mutex_lock(&m->lock);
	m->counts.requests++;
	struct mock_faults *x = &m->faults;
	unsigned slow = x->slow_ms;
	if (x->hang) {
		x->hang--;
		m->counts.faults_hang++;
		/* Never answer: hold this connection's thread until shutdown. */
		while (!m->stopping)
			pthread_cond_wait(&m->cond, &m->lock);
		pthread_mutex_unlock(&m->lock);
		*ret = MHD_NO;
		return true;
	}
	char ra[16] = "";
	bool f429 = false, f5xx = false;
	if (x->n429) {
		x->n429--;
		m->counts.faults_429++;
		f429 = true;
		if (x->retry_after)
			snprintf(ra, sizeof(ra), "%u", x->retry_after);
	} else if (x->n5xx) {
		x->n5xx--;
		m->counts.faults_5xx++;
		f5xx = true;
	}
	pthread_mutex_unlock(&m->lock);
	if (slow)
		usleep(slow * 1000u); /* the mock's own pacing, not a test's */
	if (f429) {
		*ret = mock_reply(c, 429,
				  "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}",
				  ra[0] ? ra : NULL);
		return true;
	}
	if (f5xx) {
		*ret = mock_reply(c, 503,
				  "{\"code\":20503,\"message\":\"Service Unavailable\",\"status\":503}",
				  NULL);
		return true;
	}
	return false;
}

static enum MHD_Result mock_handler(void *cls, struct MHD_Connection *c, const char *url,
				    const char *method, const char *version,
				    const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct mock *m = cls;
	struct mock_req *r = *con_cls;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (r->too_big || r->len + n + 1 > MOCK_BODY_MAX) {
			r->too_big = true;
			return MHD_YES;
		}
		if (r->len + n + 1 > r->cap) {
			size_t cap = (r->len + n + 1) * 2;
			char *b = realloc(r->body, cap);
			if (!b)
				return MHD_NO;
			r->body = b;
			r->cap = cap;
		}
		memcpy(r->body + r->len, upload_data, n);
		r->len += n;
		r->body[r->len] = '\0';
		return MHD_YES;
	}
	if (r->too_big)
		return mock_reply(c, 413, "{\"code\":413,\"message\":\"body too large\"}", NULL);
	if (strncmp(url, "/_mock/", 7) == 0)
		return mock_control(m, c, method, url, r);
	enum MHD_Result ret;
	if (mock_fault(m, c, &ret))
		return ret;
	if (strncmp(url, "/2010-04-01/", 12) == 0)
		return mock_twilio(m, c, method, url, r);
	if (strncmp(url, "/v1/messaging", 13) == 0)
		return mock_telesign(m, c, method, url, r);
	return mock_reply(c, 404, "{\"code\":20404,\"message\":\"not found\",\"status\":404}", NULL);
}

static void mock_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct mock_req *r = *con_cls;
	if (r) {
		free(r->body);
		free(r);
	}
	*con_cls = NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: mockprovider [--port N] [--account AC...] [--token T]\n"
			"       [--telesign-customer ID] [--telesign-key B64] [--callbacks]\n"
			"       [--faults n429=2&retry_after=1&n5xx=0&slow_ms=0&hang=0&malformed=0]\n");
}

int main(int argc, char **argv)
{
	static struct mock m = { .lock = PTHREAD_MUTEX_INITIALIZER,
				 .cond = PTHREAD_COND_INITIALIZER };
	m.account_sid = "AC00000000000000000000000000000000";
	m.auth_token = "mocktoken";
	m.ts_customer = "MOCKCUSTOMER";
	m.ts_key = "bW9ja2tleQ==";
	m.faults.status_after = 1;
	snprintf(m.faults.final_status, sizeof(m.faults.final_status), "delivered");
	m.faults.telesign_final = 200;
	unsigned long port = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		if (strcmp(a, "--callbacks") == 0) {
			m.callbacks = true;
			continue;
		}
		if (!v) {
			usage();
			return 2;
		}
		i++;
		if (strcmp(a, "--port") == 0) {
			port = strtoul(v, &end, 10);
			if (*end || port > 65535) {
				fprintf(stderr, "mockprovider: bad port '%s'\n", v);
				return 2;
			}
		} else if (strcmp(a, "--account") == 0) {
			m.account_sid = v;
		} else if (strcmp(a, "--token") == 0) {
			m.auth_token = v;
		} else if (strcmp(a, "--telesign-customer") == 0) {
			m.ts_customer = v;
		} else if (strcmp(a, "--telesign-key") == 0) {
			m.ts_key = v;
		} else if (strcmp(a, "--faults") == 0) {
			if (mock_set_faults(&m, v, strlen(v)) < 0) {
				fprintf(stderr, "mockprovider: bad --faults '%s'\n", v);
				return 2;
			}
		} else {
			usage();
			return 2;
		}
	}
	/* Signals are taken by sigwait below; every thread inherits the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Loopback only: the mock is never reachable from elsewhere. */
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			MHD_USE_ERROR_LOG,
		(uint16_t)port, NULL, NULL, mock_handler, &m, MHD_OPTION_NOTIFY_COMPLETED,
		mock_completed, &m, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "mockprovider: cannot listen on port %lu\n", port);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("mockprovider listening on http://127.0.0.1:%u\n", info ? info->port : 0);
	fflush(stdout);

	int sig = 0;
	sigwait(&set, &sig);
	pthread_mutex_lock(&m.lock);
	m.stopping = true;
	pthread_cond_broadcast(&m.cond);
	pthread_mutex_unlock(&m.lock);
	MHD_stop_daemon(d);
	printf("mockprovider: %lu requests, %lu creates, %lu fetches, %lu lists, "
	       "%lu telesign sends\n",
	       m.counts.requests, m.counts.creates, m.counts.fetches, m.counts.lists,
	       m.counts.ts_sends);
	for (size_t i = 0; i < m.nmsgs; i++)
		free(m.msgs[i].body);
	free(m.msgs);
	return 0;
}
