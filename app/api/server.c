/* libmicrohttpd glue: listening, limits, authentication before the body,
 * body collection, dispatch through the route table, responses. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "api_internal.h"
#include "hal/log.h"

LOG_MODULE(log_api, "api");

struct api_server {
	struct MHD_Daemon *d;
	struct api_config cfg;
	char *cert, *key, *bind, *sid, *sid_prefix;
	struct api_backend be;
	struct api_ratelimit *rl;
	struct api_cb_state *cb;
	struct api_async async;
	uint16_t port;
};

struct api_cb_state *api_server_cb(struct api_server *s)
{
	return s->cb;
}

struct api_async *api_server_async(struct api_server *s)
{
	return &s->async;
}

int api_server_set_limits(struct api_server *s, unsigned rate_per_min, size_t max_body)
{
	if (!s || max_body < 1024)
		return -EINVAL;
	api_ratelimit_set(s->rl, rate_per_min);
	__atomic_store_n(&s->cfg.max_body, max_body, __ATOMIC_RELAXED);
	return 0;
}

int api_server_set_callbacks(struct api_server *s, const struct api_callbacks_config *cb)
{
	if (!s || !cb)
		return -EINVAL;
	return api_cb_state_set(s->cb, cb);
}

bool api_tls_supported(void)
{
	return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

int api_errno_status(int err)
{
	switch (err) {
	case -EINVAL:
	case -E2BIG:
		return 400;
	case -EACCES:
		return 403;
	case -ENOENT:
		return 404;
	case -EEXIST:
	case -EPERM:
		return 409;
	case -EBUSY:
	case -EAGAIN:
		return 503;
	default:
		return 500;
	}
}

/* ---- responses ---- */

struct tw_code {
	const char *code;
	int twilio;
};
/* Twilio error codes (https://www.twilio.com/docs/api/errors) for our
 * error codes; anything else falls back on the HTTP status. */
static const struct tw_code tw_codes[] = {
	{ "unauthorized", 20003 },   { "not_found", 20404 },	 { "rate_limited", 20429 },
	{ "invalid_number", 21211 }, { "missing_field", 21604 }, { "missing_body", 21602 },
	{ "too_long", 21617 },	     { "forbidden", 20003 },	 { "body_too_large", 21617 },
};

static int twilio_code(const char *code, int status)
{
	for (size_t i = 0; i < sizeof(tw_codes) / sizeof(tw_codes[0]); i++)
		if (strcmp(tw_codes[i].code, code) == 0)
			return tw_codes[i].twilio;
	return status >= 500 ? 20500 : 20001;
}

int api_err(struct api_req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(r->resp);
	r->status = status;
	if (r->twilio) {
		char more[80];
		int tc = twilio_code(code, status);
		snprintf(more, sizeof(more), "https://www.twilio.com/docs/errors/%d", tc);
		r->resp = json_pack("{s:i, s:s, s:s, s:i}", "code", tc, "message", msg,
				    "more_info", more, "status", status);
	} else {
		r->resp = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg);
	}
	return 0;
}

int api_err_errno(struct api_req *r, int err, const char *what)
{
	int st = api_errno_status(err);
	const char *code = st == 404 ? "not_found"
			 : st == 409 ? "conflict"
			 : st == 403 ? "forbidden"
			 : st == 400 ? "invalid_request"
			 : st == 503 ? "unavailable"
				     : "internal";

	if (st >= 500)
		LOG_ERR(&log_api, NULL, "%s: backend error %d", what, err);
	return api_err(r, st, code, "%s: %s", what,
		       st == 404 ? "not found" : st >= 500 ? "internal error" : strerror(-err));
}

int api_ok(struct api_req *r, int status, json_t *obj)
{
	json_decref(r->resp);
	r->status = status;
	r->resp = obj;
	if (!obj)
		return api_err(r, 500, "internal", "out of memory");
	return 0;
}

const char *api_query(struct api_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *api_header(struct api_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, key);
}

json_t *api_body_json(struct api_req *r, const struct api_field *f, size_t n)
{
	struct api_json_err e;
	json_t *o = api_json_parse(r->body, r->body_len, &e);

	if (!o || api_json_check(o, f, n, &e)) {
		json_decref(o);
		api_err(r, 400, e.code, "%s", e.message);
		return NULL;
	}
	return o;
}

uint64_t api_param_id(struct api_req *r, size_t idx)
{
	const char *s = idx < r->n_params ? r->params[idx] : "";
	uint64_t v = 0;

	if (!*s || strlen(s) > 19 || s[0] == '0') {
		api_err(r, 404, "not_found", "no such object");
		return 0;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			api_err(r, 404, "not_found", "no such object");
			return 0;
		}
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v;
}

int api_page_from_query(struct api_req *r, struct api_page *page)
{
	const char *c = api_query(r, "cursor"), *l = api_query(r, "limit");

	memset(page, 0, sizeof(*page));
	page->limit = 50;
	if (c) {
		size_t n = strlen(c);
		if (n == 0 || n >= API_CURSOR_MAX)
			goto bad_cursor;
		for (size_t i = 0; i < n; i++) {
			char ch = c[i];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
				goto bad_cursor;
		}
		memcpy(page->cursor, c, n + 1);
	}
	if (l) {
		char *end;
		long v = strtol(l, &end, 10);
		if (!*l || *end || v < 1 || v > API_PAGE_MAX) {
			api_err(r, 400, "invalid_query", "limit must be 1..%d", API_PAGE_MAX);
			return -EINVAL;
		}
		page->limit = (unsigned)v;
	}
	return 0;
bad_cursor:
	api_err(r, 400, "invalid_query", "malformed cursor");
	return -EINVAL;
}

json_t *api_list_json(json_t *arr, const char *next_cursor)
{
	return json_pack("{s:o, s:o}", "data", arr, "next_cursor",
			 next_cursor && *next_cursor ? json_string(next_cursor) : json_null());
}

void api_audit(struct api_req *r, const char *action, const char *target_fmt, ...)
{
	struct api_audit_event ev = { 0 };
	va_list ap;
	int rc;

	ev.at = r->be->ops->now_ms(r->be->ctx);
	ev.actor_id = r->who.user_id;
	snprintf(ev.actor, sizeof(ev.actor), "%s", r->who.username);
	snprintf(ev.action, sizeof(ev.action), "%s", action);
	va_start(ap, target_fmt);
	vsnprintf(ev.target, sizeof(ev.target), target_fmt, ap);
	va_end(ap);
	rc = r->be->ops->audit_append(r->be->ctx, &ev);
	if (rc)
		LOG_ERR(&log_api, NULL, "audit %s %s by %s not recorded: %d", ev.action, ev.target,
			ev.actor, rc);
	else
		LOG_INF(&log_api, NULL, "audit: %s %s by %s", ev.action, ev.target, ev.actor);
}

static enum MHD_Result queue(struct api_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *txt;
	size_t len;

	if (r->text) {
		txt = r->text;
		len = r->text_len;
		r->text = NULL;
	} else {
		if (!r->resp)
			api_err(r, 500, "internal", "no response");
		txt = r->resp ? json_dumps(r->resp, JSON_COMPACT) : NULL;
		if (!txt)
			return MHD_NO;
		len = strlen(txt);
		r->content_type = "application/json";
	}
	resp = MHD_create_response_from_buffer(len, txt, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(txt);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", r->content_type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->retry_after[0])
		MHD_add_response_header(resp, "Retry-After", r->retry_after);
	if (r->status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate",
					r->twilio ? "Basic realm=\"Twilio API\""
						  : "Bearer realm=\"smsrelay\"");
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->done = true;
	return ret;
}

/* ---- the checks before the body ---- */

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static int authenticate(struct api_req *r)
{
	const char *h = api_header(r, "Authorization");
	int rc;

	if (r->route->auth == API_AUTH_BEARER) {
		if (!h || strncasecmp(h, "Bearer ", 7) != 0)
			return api_err(r, 401, "unauthorized", "a Bearer token is required"), -1;
		rc = api_token_authenticate(r->be, h + 7, strlen(h + 7), &r->who);
	} else {
		char user[64], pass[80];
		const char *acct = r->n_params ? r->params[0] : "";
		if (!r->cfg->twilio_account_sid)
			return api_err(r, 404, "not_found", "the Twilio facade is disabled"), -1;
		if (!h || api_basic_parse(h, user, sizeof(user), pass, sizeof(pass)))
			return api_err(r, 401, "unauthorized", "Authenticate"), -1;
		if (strcmp(user, r->cfg->twilio_account_sid) != 0)
			return api_err(r, 401, "unauthorized", "Authenticate"), -1;
		rc = api_token_authenticate(r->be, pass, strlen(pass), &r->who);
		if (rc == 0 && strcmp(acct, r->cfg->twilio_account_sid) != 0)
			return api_err(r, 404, "not_found", "The requested resource %s was not found",
				       acct), -1;
	}
	if (rc == -EACCES)
		return api_err(r, 401, "unauthorized", "invalid or revoked token"), -1;
	if (rc)
		return api_err_errno(r, rc, "authentication"), -1;
	return 0;
}

/* Everything decided from the request line and headers: route, header
 * size, authentication, privilege, rate, declared body size. Returns 0 to
 * go on reading the body, -1 when a response is set. */
static int precheck(struct api_req *r, const char *method, const char *url)
{
	bool known;
	size_t hdr = 0;
	const char *cl;

	r->twilio = strncmp(url, "/2010-04-01/", 12) == 0;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_header, &hdr);
	if (hdr > r->cfg->max_header_bytes)
		return api_err(r, 431, "headers_too_large", "request headers exceed %zu bytes",
			       r->cfg->max_header_bytes), -1;
	r->route = api_route_match(method, url, r->path_buf, sizeof(r->path_buf), r->params,
				   &r->n_params, &known);
	if (!r->route && known)
		return api_err(r, 405, "method_not_allowed", "method %.10s not allowed here",
			       method), -1;
	if (!r->route)
		return api_err(r, 404, "not_found", "no such route"), -1;
	if (r->route->auth == API_AUTH_NONE && r->route->fn == api_h_metrics &&
	    r->cfg->metrics_need_auth) {
		static const struct api_route metrics_auth = { "GET", "/metrics", API_AUTH_BEARER,
							       API_P_NONE, false, api_h_metrics };
		r->route = &metrics_auth;
	}
	if (r->route->auth != API_AUTH_NONE) {
		unsigned wait;
		if (authenticate(r))
			return -1;
		if (!api_role_has(r->who.role, r->route->priv))
			return api_err(r, 403, "forbidden", "role %s lacks privilege %s",
				       api_role_str(r->who.role), api_priv_str(r->route->priv)), -1;
		wait = api_ratelimit_take(r->srv->rl, r->who.token_id,
					  r->be->ops->now_ms(r->be->ctx));
		if (wait) {
			snprintf(r->retry_after, sizeof(r->retry_after), "%u", wait);
			return api_err(r, 429, "rate_limited", "too many requests; retry in %u s",
				       wait), -1;
		}
	}
	cl = api_header(r, "Content-Length");
	if (cl) {
		char *end;
		unsigned long long n;
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno || *end || end == cl)
			return api_err(r, 400, "invalid_request", "bad Content-Length"), -1;
		if (n > r->max_body)
			return api_err(r, 413, "body_too_large", "body exceeds %zu bytes",
				       r->max_body), -1;
	}
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct api_server *s = cls;
	struct api_req *r = *con_cls;

	(void)version;
	if (!r || !r->started) {
		if (!r)
			r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		r->started = true;
		r->srv = s;
		r->be = &s->be;
		r->cfg = &s->cfg;
		r->conn = conn;
		r->content_type = "application/json";
		r->max_body = __atomic_load_n(&s->cfg.max_body, __ATOMIC_RELAXED);
		*con_cls = r;
		if (precheck(r, method, url))
			return queue(r);
		return MHD_YES;
	}
	if (r->done) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->async != API_ASYNC_NONE) /* resumed: the backend has answered */
		return api_async_step(r) ? MHD_YES : queue(r);
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (r->too_big)
			return MHD_YES;
		if (r->body_len + n > r->max_body) {
			/* chunked bodies have no Content-Length: count */
			r->too_big = true;
			return MHD_YES;
		}
		if (r->body_len + n + 1 > r->body_cap) {
			size_t cap = (r->body_len + n + 1) * 2;
			char *nb;
			if (cap > r->max_body + 1)
				cap = r->max_body + 1;
			nb = realloc(r->body, cap);
			if (!nb)
				return MHD_NO;
			r->body = nb;
			r->body_cap = cap;
		}
		memcpy(r->body + r->body_len, upload_data, n);
		r->body_len += n;
		r->body[r->body_len] = 0;
		return MHD_YES;
	}
	if (r->too_big)
		api_err(r, 413, "body_too_large", "body exceeds %zu bytes", r->max_body);
	else if (r->route->fn(r) || (!r->status && r->async == API_ASYNC_NONE))
		api_err(r, 500, "internal", "handler failed");
	if (r->async != API_ASYNC_NONE && api_async_step(r))
		return MHD_YES; /* suspended until the commit answers */
	return queue(r);
}

/* Called before on_request with the request target as received: the
 * Twilio callback's signature covers the query string exactly as sent. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct api_req *r = calloc(1, sizeof(*r));

	(void)cls, (void)conn;
	if (r && uri)
		r->raw_uri = strdup(uri); /* NULL on OOM: a signature then fails */
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct api_req *r = *con_cls;

	(void)cls, (void)conn, (void)toe;
	if (!r)
		return;
	api_async_free(r);
	json_decref(r->resp);
	free(r->text);
	free(r->body);
	free(r->raw_uri);
	free(r);
	*con_cls = NULL;
}

/* MHD's format strings are its own: forward them as they are. */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	if (log_enabled(&log_api, LOG_LEVEL_WRN))
		log_vwrite(&log_api, "mhd", LOG_LEVEL_WRN, fmt, ap);
}

static bool sid_valid(const char *s, const char *prefix, size_t hex)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0 || strlen(s) != strlen(prefix) + hex)
		return false;
	for (s += strlen(prefix); *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

static int check_config(const struct api_config *c, struct sockaddr_storage *ss, bool *v6)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	bool loopback, tls = c->tls_cert_pem || c->tls_key_pem;

	memset(ss, 0, sizeof(*ss));
	if (!c->bind_addr) {
		LOG_ERR(&log_api, NULL, "no bind address: refusing to listen on every interface");
		return -EINVAL;
	}
	if (inet_pton(AF_INET, c->bind_addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(c->port);
		loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
		*v6 = false;
	} else if (inet_pton(AF_INET6, c->bind_addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(c->port);
		loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
		*v6 = true;
	} else {
		LOG_ERR(&log_api, NULL, "bind address '%s' is not a numeric IP address",
			c->bind_addr);
		return -EINVAL;
	}
	if (tls && !(c->tls_cert_pem && c->tls_key_pem)) {
		LOG_ERR(&log_api, NULL, "HTTPS needs both a certificate and a key");
		return -EINVAL;
	}
	if (tls && !api_tls_supported()) {
		LOG_ERR(&log_api, NULL, "HTTPS configured but libmicrohttpd was built without TLS");
		return -ENOTSUP;
	}
	if (tls && api_tls_check(c->tls_cert_pem, c->tls_key_pem))
		return -EINVAL;
	if (!tls && !loopback && !c->allow_plain_http) {
		LOG_ERR(&log_api, NULL,
			"plain HTTP on %s (not loopback) needs allow_plain_http; configure a "
			"certificate and key instead",
			c->bind_addr);
		return -EINVAL;
	}
	if (c->twilio_account_sid && !sid_valid(c->twilio_account_sid, "AC", 32)) {
		LOG_ERR(&log_api, NULL, "twilio account sid must be AC + 32 hex digits");
		return -EINVAL;
	}
	if (c->twilio_sid_prefix && !sid_valid(c->twilio_sid_prefix, "", 16)) {
		LOG_ERR(&log_api, NULL, "twilio sid prefix must be 16 hex digits");
		return -EINVAL;
	}
	return 0;
}

static char *dup_opt(const char *s, bool *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

int api_server_start(struct api_server **out, const struct api_config *cfg,
		     const struct api_backend *be)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	struct api_server *s;
	bool v6, oom = false;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
	int rc;

	if (!out || !cfg || !be || !be->ops)
		return -EINVAL;
	rc = check_config(cfg, &ss, &v6);
	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	s->be = *be;
	if (api_async_init(&s->async))
		oom = true;
	s->cert = dup_opt(cfg->tls_cert_pem, &oom);
	s->key = dup_opt(cfg->tls_key_pem, &oom);
	s->bind = dup_opt(cfg->bind_addr, &oom);
	s->sid = dup_opt(cfg->twilio_account_sid, &oom);
	s->sid_prefix = dup_opt(cfg->twilio_sid_prefix, &oom);
	s->cfg.tls_cert_pem = s->cert;
	s->cfg.tls_key_pem = s->key;
	s->cfg.bind_addr = s->bind;
	s->cfg.twilio_account_sid = s->sid;
	s->cfg.twilio_sid_prefix = s->sid_prefix;
#define DFLT(f, v)                                                                           \
	if (!s->cfg.f)                                                                       \
	s->cfg.f = (v)
	DFLT(max_body, 65536);
	DFLT(max_header_bytes, 8192);
	DFLT(max_connections, 256);
	DFLT(per_ip_connections, 64);
	DFLT(timeout_s, 30);
	DFLT(threads, 4);
	/* rate_per_min 0 stays 0: unlimited, as [api] token_rate_per_min = 0
	 * is documented (docs/config.md); the config's own default is 6000. */
#undef DFLT
	/* the callback keys are copied (and swapped) by callbacks.c */
	rc = api_cb_state_new(&s->cb, &cfg->callbacks);
	memset(&s->cfg.callbacks, 0, sizeof(s->cfg.callbacks));
	if (rc || oom || api_ratelimit_new(&s->rl, s->cfg.rate_per_min)) {
		api_server_stop(s);
		return -ENOMEM;
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	if (s->cert)
		flags |= MHD_USE_TLS;
	/* The connection memory pool holds the request headers: leave room
	 * above max_header_bytes so our own 431 (with the error shape) is
	 * what a client sees for moderately large headers. */
	size_t pool = s->cfg.max_header_bytes * 4 < API_POOL_MIN ? API_POOL_MIN
								    : s->cfg.max_header_bytes * 4;
	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, s->key },
		{ MHD_OPTION_END, 0, NULL },
	};
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->cfg.max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s->cfg.per_ip_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg.timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)s->cfg.threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		MHD_OPTION_ARRAY,
		s->cert ? tls_opts : &tls_opts[2], MHD_OPTION_END);
	if (!s->d) {
		LOG_ERR(&log_api, NULL, "cannot listen on %s port %u%s", s->bind, cfg->port,
			s->cert ? " (or GnuTLS refused the certificate/key)" : "");
		api_server_stop(s);
		return -EADDRINUSE;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : cfg->port;
	LOG_INF(&log_api, NULL, "listening on %s port %u (%s)", s->bind, s->port,
		s->cert ? "https" : "http");
	*out = s;
	return 0;
}

uint16_t api_server_port(const struct api_server *s)
{
	return s->port;
}

void api_server_stop(struct api_server *s)
{
	if (!s)
		return;
	if (s->d) {
		api_async_drain(&s->async);
		MHD_stop_daemon(s->d);
	}
	api_async_destroy(&s->async);
	api_ratelimit_free(s->rl);
	api_cb_state_free(s->cb);
	free(s->cert);
	free(s->key);
	free(s->bind);
	free(s->sid);
	free(s->sid_prefix);
	free(s);
}
