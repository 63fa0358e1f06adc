/* The HTTP API end to end on 127.0.0.1 (port 0) against the fake backend,
 * driven with libcurl (and a raw socket where curl would be too polite). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "api/api.h"
#include "api/api_routes.h"
#include "fake_backend.h"

#define ACCT "AC0123456789abcdef0123456789abcdef"

struct env {
	struct fake_backend fb;
	struct api_backend be;
	struct api_server *srv;
	char base[64];
	char admin[65], mgr[65], sales[65], sales2[65];
	uint64_t admin_id, mgr_id, sales_id, sales2_id;
};

struct resp {
	long status;
	char *body;
	size_t len;
	json_t *json;
	char retry_after[16];
	char ctype[80];
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct resp *r = ud;
	char *nb = realloc(r->body, r->len + sz * n + 1);

	if (!nb)
		return 0;
	r->body = nb;
	memcpy(r->body + r->len, p, sz * n);
	r->len += sz * n;
	r->body[r->len] = 0;
	return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct resp *r = ud;
	size_t l = sz * n;

	if (l > 13 && strncasecmp(p, "Retry-After: ", 13) == 0)
		snprintf(r->retry_after, sizeof(r->retry_after), "%.*s", (int)(l - 15), p + 13);
	if (l > 14 && strncasecmp(p, "Content-Type: ", 14) == 0)
		snprintf(r->ctype, sizeof(r->ctype), "%.*s", (int)(l - 16), p + 14);
	return l;
}

static void resp_free(struct resp *r)
{
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

/* One request. auth: "Bearer <tok>" / "Basic ..." / NULL. extra: one more
 * header or NULL. */
static struct resp call(struct env *e, const char *method, const char *path, const char *auth,
			const char *body, const char *extra)
{
	struct resp r = { 0 };
	struct curl_slist *h = NULL;
	char url[512], ah[160];
	CURL *c = curl_easy_init();

	snprintf(url, sizeof(url), "%s%s", e->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		h = curl_slist_append(h, strncmp(path, "/2010", 5) == 0
						 ? "Content-Type: application/x-www-form-urlencoded"
						 : "Content-Type: application/json");
	}
	if (auth) {
		snprintf(ah, sizeof(ah), "Authorization: %s", auth);
		h = curl_slist_append(h, ah);
	}
	if (extra)
		h = curl_slist_append(h, extra);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (r.body && strncmp(r.ctype, "application/json", 16) == 0)
		r.json = json_loads(r.body, 0, NULL);
	return r;
}

static char *bearer(const char *tok)
{
	static __thread char b[80];
	snprintf(b, sizeof(b), "Bearer %s", tok);
	return b;
}

/* "Basic base64(ACCT:tok)" */
static char *basic_auth(const char *tok)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static __thread char enc[200];
	char raw[120];
	size_t n, o = 6;

	n = (size_t)snprintf(raw, sizeof(raw), ACCT ":%s", tok);
	strcpy(enc, "Basic ");
	for (size_t k = 0; k < n; k += 3) {
		unsigned v = (unsigned)(unsigned char)raw[k] << 16;
		if (k + 1 < n)
			v |= (unsigned)(unsigned char)raw[k + 1] << 8;
		if (k + 2 < n)
			v |= (unsigned char)raw[k + 2];
		enc[o++] = tbl[(v >> 18) & 63];
		enc[o++] = tbl[(v >> 12) & 63];
		enc[o++] = k + 1 < n ? tbl[(v >> 6) & 63] : '=';
		enc[o++] = k + 2 < n ? tbl[v & 63] : '=';
	}
	enc[o] = 0;
	return enc;
}

/* The API error shape: {"error":{"code":"...","message":"..."}} only. */
static void assert_error(const struct resp *r, long status, const char *code)
{
	json_t *err;

	if (r->status != status)
		fail_msg("status %ld, want %ld: %s", r->status, status, r->body ? r->body : "");
	assert_non_null(r->json);
	assert_int_equal(json_object_size(r->json), 1);
	err = json_object_get(r->json, "error");
	assert_true(json_is_object(err));
	assert_int_equal(json_object_size(err), 2);
	assert_true(json_is_string(json_object_get(err, "code")));
	assert_true(json_is_string(json_object_get(err, "message")));
	if (code)
		assert_string_equal(json_string_value(json_object_get(err, "code")), code);
}

static void expect_status(const struct resp *r, long status)
{
	if (r->status != status)
		fail_msg("status %ld, want %ld: %s", r->status, status, r->body ? r->body : "");
}

static int setup_cfg(void **state, const struct api_config *extra)
{
	struct env *e = calloc(1, sizeof(*e));
	struct api_config cfg = { .bind_addr = "127.0.0.1", .twilio_account_sid = ACCT,
				  .rate_per_min = 100000, .threads = 2 };

	if (extra)
		cfg = *extra;
	fake_backend_init(&e->fb);
	e->be.ops = &fake_backend_ops;
	e->be.ctx = &e->fb;
	e->admin_id = fake_add_user(&e->fb, "root", API_ROLE_ADMINISTRATOR, "hq", e->admin);
	e->mgr_id = fake_add_user(&e->fb, "mia", API_ROLE_SALES_MANAGER, "north", e->mgr);
	e->sales_id = fake_add_user(&e->fb, "sam", API_ROLE_SALESPERSON, "north", e->sales);
	e->sales2_id = fake_add_user(&e->fb, "sue", API_ROLE_SALESPERSON, "south", e->sales2);
	assert_int_equal(api_server_start(&e->srv, &cfg, &e->be), 0);
	snprintf(e->base, sizeof(e->base), "http://127.0.0.1:%u", api_server_port(e->srv));
	*state = e;
	return 0;
}

static int setup(void **state)
{
	return setup_cfg(state, NULL);
}

static int teardown(void **state)
{
	struct env *e = *state;

	api_server_stop(e->srv);
	fake_backend_fini(&e->fb);
	free(e);
	return 0;
}

/* ---- config ---- */

static void test_config_refusals(void **state)
{
	struct fake_backend fb;
	struct api_backend be = { &fake_backend_ops, &fb };
	struct api_server *s = NULL;
	struct api_config c = { 0 };

	(void)state;
	fake_backend_init(&fb);
	assert_int_equal(api_server_start(&s, &c, &be), -EINVAL); /* no bind address */
	c.bind_addr = "localhost";
	assert_int_equal(api_server_start(&s, &c, &be), -EINVAL); /* not numeric */
	c.bind_addr = "192.0.2.1"; /* plain HTTP off loopback */
	assert_int_equal(api_server_start(&s, &c, &be), -EINVAL);
	c.bind_addr = "127.0.0.1";
	c.tls_cert_pem = "x";
	assert_int_equal(api_server_start(&s, &c, &be), -EINVAL); /* cert without key */
	c.tls_cert_pem = NULL;
	c.twilio_account_sid = "AC123";
	assert_int_equal(api_server_start(&s, &c, &be), -EINVAL);
	c.twilio_account_sid = NULL;
	c.bind_addr = "::1";
	assert_int_equal(api_server_start(&s, &c, &be), 0);
	assert_true(api_server_port(s) > 0);
	api_server_stop(s);
	fake_backend_fini(&fb);
	assert_true(api_tls_supported()); /* Debian's libmicrohttpd uses GnuTLS */
}

/* ---- auth, roles, ordering ---- */

static void test_auth_required(void **state)
{
	struct env *e = *state;
	struct resp r;

	r = call(e, "GET", "/api/v1/messages", NULL, NULL, NULL);
	assert_error(&r, 401, "unauthorized");
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages", "Bearer 0000000000000000000000000000000000000000000000000000000000000000", NULL, NULL);
	assert_error(&r, 401, "unauthorized");
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages", "Basic abc", NULL, NULL);
	assert_error(&r, 401, NULL);
	resp_free(&r);
	/* 401 and 403 win over 400 and 413 */
	r = call(e, "POST", "/api/v1/messages", NULL, "{bad json", NULL);
	assert_error(&r, 401, NULL);
	resp_free(&r);
	r = call(e, "POST", "/api/v1/users", bearer(e->sales), "{bad json", NULL);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	r = call(e, "GET", "/api/v1/nothing", bearer(e->admin), NULL, NULL);
	assert_error(&r, 404, "not_found");
	resp_free(&r);
	r = call(e, "DELETE", "/api/v1/messages", bearer(e->admin), NULL, NULL);
	assert_error(&r, 405, NULL);
	resp_free(&r);
	assert_int_equal(e->fb.n_msgs, 0);
}

/* A request that passes validation for each route, so the only thing that
 * decides 403 versus 2xx is the role. */
static void route_request(const struct api_route *rt, char *path, size_t pmax, const char **body)
{
	const char *p = rt->pattern;
	size_t n = 0;

	*body = NULL;
	while (*p && n + 40 < pmax) {
		if (*p == '{') {
			const char *c = strchr(p, '}');
			const char *v = strncmp(p, "{name}", 6) == 0	    ? "modem0"
					: strncmp(p, "{AccountSid}", 12) == 0 ? ACCT
					: strncmp(p, "{Sid}", 5) == 0	    ? "SM00000000000000000000000000000001"
					: strncmp(p, "{token_id}", 10) == 0 ? "5"
					: strncmp(rt->pattern, "/api/v1/users/", 14) == 0 ? "5"
					: strstr(rt->pattern, "/channels/") ? "3"
									    : "1";
			n += (size_t)snprintf(path + n, pmax - n, "%s", v);
			p = c + 1;
		} else {
			path[n++] = *p++;
		}
	}
	path[n] = 0;
	if (!rt->has_body)
		return;
	if (strstr(rt->pattern, "/2010-04-01/"))
		*body = "To=%2B14155550100&Body=hi";
	else if (!strcmp(rt->pattern, "/api/v1/messages") ||
		 !strcmp(rt->pattern, "/api/v1/messages/preview"))
		*body = "{\"to\":\"+14155550100\",\"body\":\"hi\"}";
	else if (strstr(rt->pattern, "/contacts"))
		*body = "{\"name\":\"Ann\"}";
	else if (strstr(rt->pattern, "/templates"))
		*body = "{\"name\":\"t\",\"body\":\"b\"}";
	else if (strstr(rt->pattern, "/tokens"))
		*body = "{\"label\":\"x\"}";
	else if (!strcmp(rt->pattern, "/api/v1/users/{id}"))
		*body = "{\"role\":\"salesperson\",\"business_unit\":\"hq\"}";
	else if (strstr(rt->pattern, "/users"))
		*body = "{\"username\":\"u%d\",\"role\":\"salesperson\",\"business_unit\":\"hq\"}";
	else if (strstr(rt->pattern, "/channels"))
		*body = "{\"enabled\":true}";
	else if (strstr(rt->pattern, "/webhooks"))
		*body = "{\"url\":\"https://crm.example/hook\",\"events\":[\"message.status\"]}";
}

static void test_every_role_every_route(void **state)
{
	struct env *e = *state;
	const char *toks[API_ROLE_COUNT] = { e->sales, e->mgr, e->admin };
	int uniq = 0;

	/* objects the routes refer to (id 1): a message of the salesperson,
	 * a contact, a template and a webhook */
	struct resp r = call(e, "POST", "/api/v1/messages", bearer(e->sales),
			     "{\"to\":\"+14155550100\",\"body\":\"seed\"}", NULL);
	expect_status(&r, 202);
	resp_free(&r);
	for (size_t i = 0; i < api_routes_n; i++) {
		const struct api_route *rt = &api_routes[i];
		for (int role = 0; role < API_ROLE_COUNT; role++) {
			char path[256], bodybuf[256];
			const char *body, *auth;
			bool allowed = rt->auth == API_AUTH_NONE || api_role_has(role, rt->priv);

			/* DELETE routes would remove what later roles need: skip
			 * the ones a role may use, they are covered below. */
			if (!strcmp(rt->method, "DELETE") && allowed)
				continue;
			route_request(rt, path, sizeof(path), &body);
			if (body && strstr(body, "u%d")) {
				/* unique usernames: "u<n>" */
				const char *at = strstr(body, "u%d");
				snprintf(bodybuf, sizeof(bodybuf), "%.*su%d%s", (int)(at - body), body,
					 uniq++, at + 3);
				body = bodybuf;
			}
			if (rt->auth == API_AUTH_BASIC)
				auth = basic_auth(toks[role]);
			else
				auth = rt->auth == API_AUTH_NONE ? NULL : bearer(toks[role]);
			r = call(e, rt->method, path, auth, body, NULL);
			if (!allowed) {
				if (rt->auth == API_AUTH_BASIC)
					expect_status(&r, 403);
				else
					assert_error(&r, 403, "forbidden");
			} else if (r.status < 200 || r.status > 299) {
				/* allowed by role; the object may still be another
				 * user's (404) but never a 403 from the matrix */
				if (r.status == 403 || r.status == 401)
					fail_msg("%s %s as %s: %ld %s", rt->method, path,
						 api_role_str(role), r.status, r.body);
				assert_true(r.status == 404 || r.status == 409);
			}
			resp_free(&r);
		}
	}
}


static uint64_t post_msg(struct env *e, const char *tok, const char *body, long want)
{
	struct resp r = call(e, "POST", "/api/v1/messages", bearer(tok), body, NULL);
	uint64_t id = 0;

	expect_status(&r, want);
	if (want == 202)
		id = (uint64_t)json_integer_value(json_object_get(r.json, "id"));
	resp_free(&r);
	return id;
}

static void test_messages(void **state)
{
	struct env *e = *state;
	struct resp r;
	uint64_t id, id2;
	char path[128];
	const char *cur;

	r = call(e, "POST", "/api/v1/messages", bearer(e->sales),
		 "{\"to\":\"+14155550100\",\"body\":\"It's \\\"quoted\\\"; DROP TABLE messages;--\","
		 "\"record\":{\"type\":\"deal\",\"id\":\"D-1\"},\"channel\":\"modem\"}",
		 NULL);
	expect_status(&r, 202);
	id = (uint64_t)json_integer_value(json_object_get(r.json, "id"));
	assert_true(id > 0);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "queued");
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")), "gsm7");
	assert_int_equal(json_integer_value(json_object_get(r.json, "segments")), 1);
	resp_free(&r);
	/* stored byte for byte */
	assert_string_equal(e->fb.msgs[0].body, "It's \"quoted\"; DROP TABLE messages;--");
	assert_string_equal(e->fb.msgs[0].record_id, "D-1");
	assert_string_equal(e->fb.msgs[0].channel_pref, "modem");
	assert_int_equal(e->fb.wakes, 1);

	/* UCS-2 and multipart */
	r = call(e, "POST", "/api/v1/messages/preview", bearer(e->sales),
		 "{\"to\":\"+14155550100\",\"body\":\"\\u043f\\u0440\\u0438\\u0432\\u0435\\u0442 "
		 "\\ud83d\\ude00\"}",
		 NULL);
	expect_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "encoding")), "ucs2");
	assert_int_equal(json_integer_value(json_object_get(r.json, "segments")), 1);
	resp_free(&r);
	{
		char body[400] = "{\"to\":\"+14155550100\",\"body\":\"";
		for (int i = 0; i < 161; i++)
			strcat(body, "a");
		strcat(body, "\"}");
		r = call(e, "POST", "/api/v1/messages/preview", bearer(e->sales), body, NULL);
		expect_status(&r, 200);
		assert_int_equal(json_integer_value(json_object_get(r.json, "segments")), 2);
		resp_free(&r);
	}
	assert_int_equal(e->fb.n_msgs, 1); /* preview stores nothing */

	snprintf(path, sizeof(path), "/api/v1/messages/%llu", (unsigned long long)id);
	r = call(e, "GET", path, bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "to")), "+14155550100");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "record"),
							      "type")),
			    "deal");
	resp_free(&r);
	r = call(e, "GET", path, bearer(e->sales2), NULL, NULL); /* another user's */
	assert_error(&r, 404, "not_found");
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages/abc", bearer(e->sales), NULL, NULL);
	assert_error(&r, 404, NULL);
	resp_free(&r);

	/* idempotency */
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales),
		 "{\"to\":\"+14155550101\",\"body\":\"once\"}", "Idempotency-Key: k-1");
	expect_status(&r, 202);
	id2 = (uint64_t)json_integer_value(json_object_get(r.json, "id"));
	resp_free(&r);
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales),
		 "{\"to\":\"+14155550101\",\"body\":\"once\"}", "Idempotency-Key: k-1");
	expect_status(&r, 202);
	assert_int_equal(json_integer_value(json_object_get(r.json, "id")), id2);
	assert_true(json_is_true(json_object_get(r.json, "replayed")));
	resp_free(&r);
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales),
		 "{\"to\":\"+14155550101\",\"body\":\"twice\"}", "Idempotency-Key: k-1");
	assert_error(&r, 409, "idempotency_conflict");
	resp_free(&r);
	assert_int_equal(e->fb.n_msgs, 2);

	/* lists: own only, paginated, filtered; administrators see all */
	post_msg(e, e->sales2, "{\"to\":\"+14155550102\",\"body\":\"x\"}", 202);
	r = call(e, "GET", "/api/v1/messages?limit=1", bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	if (json_array_size(json_object_get(r.json, "data")) != 1)
		fail_msg("%s", r.body);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 1);
	cur = json_string_value(json_object_get(r.json, "next_cursor"));
	assert_non_null(cur);
	snprintf(path, sizeof(path), "/api/v1/messages?limit=1&cursor=%s", cur);
	resp_free(&r);
	r = call(e, "GET", path, bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 1);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages", bearer(e->sales), NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 2);
	assert_true(json_is_null(json_object_get(r.json, "next_cursor")));
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages", bearer(e->admin), NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 3);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages?status=canceled", bearer(e->admin), NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 0);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages?since=2030-01-01T00:00:00Z", bearer(e->admin), NULL,
		 NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 0);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages?status=bogus", bearer(e->admin), NULL, NULL);
	assert_error(&r, 400, NULL);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages?cursor=a%27b", bearer(e->admin), NULL, NULL);
	assert_error(&r, 400, NULL);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages?limit=1000", bearer(e->admin), NULL, NULL);
	assert_error(&r, 400, NULL);
	resp_free(&r);

	/* cancel */
	snprintf(path, sizeof(path), "/api/v1/messages/%llu/cancel", (unsigned long long)id);
	r = call(e, "POST", path, bearer(e->sales2), NULL, NULL);
	assert_error(&r, 404, NULL);
	resp_free(&r);
	r = call(e, "POST", path, bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "canceled");
	resp_free(&r);
	r = call(e, "POST", path, bearer(e->sales), NULL, NULL);
	assert_error(&r, 409, "not_cancelable");
	resp_free(&r);

	/* scheduled */
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales),
		 "{\"to\":\"+14155550100\",\"body\":\"later\",\"send_at\":\"2030-01-01T00:00:00Z\","
		 "\"validity\":3600}",
		 NULL);
	expect_status(&r, 202);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "scheduled");
	resp_free(&r);
	assert_int_equal(e->fb.msgs[e->fb.n_msgs - 1].send_at, 1893456000000LL);
	assert_int_equal(e->fb.msgs[e->fb.n_msgs - 1].expires_at, 1893456000000LL + 3600000);
}

static void test_contacts_templates(void **state)
{
	struct env *e = *state;
	struct resp r;
	uint64_t cid, tid;
	char body[512], path[64];

	r = call(e, "POST", "/api/v1/contacts", bearer(e->sales),
		 "{\"name\":\"O'Brien\",\"record\":{\"type\":\"lead\",\"id\":\"L9\"},\"numbers\":["
		 "{\"type\":\"business\",\"number\":\"+4930111\",\"do_not_text\":true},"
		 "{\"type\":\"mobile\",\"number\":\"+4915122\"},"
		 "{\"type\":\"home\",\"number\":\"+4930333\"}]}",
		 NULL);
	expect_status(&r, 201);
	cid = (uint64_t)json_integer_value(json_object_get(r.json, "id"));
	assert_int_equal(json_array_size(json_object_get(r.json, "numbers")), 3);
	resp_free(&r);

	/* automated send: business is do-not-text, so mobile; recorded */
	snprintf(body, sizeof(body), "{\"contact_id\":%llu,\"body\":\"hi\"}",
		 (unsigned long long)cid);
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales), body, NULL);
	expect_status(&r, 202);
	assert_string_equal(json_string_value(json_object_get(r.json, "to")), "+4915122");
	assert_string_equal(json_string_value(json_object_get(r.json, "number_type")), "mobile");
	resp_free(&r);
	assert_string_equal(e->fb.msgs[0].number_type, "mobile");
	snprintf(body, sizeof(body),
		 "{\"contact_id\":%llu,\"number_type\":\"business\",\"body\":\"hi\"}",
		 (unsigned long long)cid);
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales), body, NULL);
	assert_error(&r, 422, "no_textable_number");
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"contact_id\":%llu,\"number_type\":\"home\",\"body\":\"hi\"}",
		 (unsigned long long)cid);
	post_msg(e, e->sales, body, 202);
	assert_string_equal(e->fb.msgs[1].to, "+4930333");
	/* another business unit cannot see or use the contact */
	snprintf(path, sizeof(path), "/api/v1/contacts/%llu", (unsigned long long)cid);
	r = call(e, "GET", path, bearer(e->sales2), NULL, NULL);
	assert_error(&r, 404, NULL);
	resp_free(&r);
	r = call(e, "PUT", path, bearer(e->sales), "{\"name\":\"Obi\",\"numbers\":[]}", NULL);
	expect_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "name")), "Obi");
	resp_free(&r);
	r = call(e, "GET", "/api/v1/contacts", bearer(e->sales), NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 1);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/contacts", bearer(e->sales2), NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 0);
	resp_free(&r);

	/* templates */
	r = call(e, "POST", "/api/v1/templates", bearer(e->sales),
		 "{\"name\":\"greet\",\"body\":\"Hello {{name}}, your {{thing}} is ready\"}", NULL);
	expect_status(&r, 201);
	tid = (uint64_t)json_integer_value(json_object_get(r.json, "id"));
	resp_free(&r);
	snprintf(body, sizeof(body),
		 "{\"to\":\"+14155550100\",\"template_id\":%llu,\"variables\":{\"name\":\"Ann\","
		 "\"thing\":\"car\"}}",
		 (unsigned long long)tid);
	r = call(e, "POST", "/api/v1/messages/preview", bearer(e->sales), body, NULL);
	expect_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "text")),
			    "Hello Ann, your car is ready");
	resp_free(&r);
	snprintf(body, sizeof(body),
		 "{\"to\":\"+14155550100\",\"template_id\":%llu,\"variables\":{\"name\":\"Ann\"}}",
		 (unsigned long long)tid);
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales), body, NULL);
	assert_error(&r, 400, "missing_variable");
	resp_free(&r);
	r = call(e, "POST", "/api/v1/templates", bearer(e->sales),
		 "{\"name\":\"bu\",\"body\":\"x\",\"scope\":\"business_unit\"}", NULL);
	assert_error(&r, 403, "forbidden");
	resp_free(&r);
	r = call(e, "POST", "/api/v1/templates", bearer(e->mgr),
		 "{\"name\":\"bu\",\"body\":\"x\",\"scope\":\"business_unit\"}", NULL);
	expect_status(&r, 201);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/templates", bearer(e->sales), NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 2);
	resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/templates/%llu", (unsigned long long)tid);
	r = call(e, "PUT", path, bearer(e->sales2), "{\"name\":\"x\",\"body\":\"y\"}", NULL);
	assert_error(&r, 404, NULL);
	resp_free(&r);
	r = call(e, "DELETE", path, bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);
	r = call(e, "GET", path, bearer(e->sales), NULL, NULL);
	assert_error(&r, 404, NULL);
	resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/contacts/%llu", (unsigned long long)cid);
	r = call(e, "DELETE", path, bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);
}

static void test_conversations(void **state)
{
	struct env *e = *state;
	struct resp r;
	json_t *d;

	post_msg(e, e->sales, "{\"to\":\"+14155550100\",\"body\":\"first\","
			      "\"record\":{\"type\":\"deal\",\"id\":\"D7\"}}", 202);
	e->fb.now += 1000;
	post_msg(e, e->mgr, "{\"to\":\"+14155550100\",\"body\":\"second\"}", 202);
	post_msg(e, e->sales2, "{\"to\":\"+14155550100\",\"body\":\"south\"}", 202);
	r = call(e, "GET", "/api/v1/conversations?number=%2B14155550100", bearer(e->sales), NULL,
		 NULL);
	expect_status(&r, 200);
	d = json_object_get(r.json, "data");
	assert_int_equal(json_array_size(d), 1); /* only north's */
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "number")),
			    "+14155550100");
	resp_free(&r);
	r = call(e, "GET", "/api/v1/conversations?record_type=deal&record_id=D7", bearer(e->sales),
		 NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 1);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/conversations?number=14155550100", bearer(e->sales), NULL, NULL);
	assert_error(&r, 400, "invalid_number");
	resp_free(&r);
	r = call(e, "GET", "/api/v1/conversations?record_type=deal", bearer(e->sales), NULL, NULL);
	assert_error(&r, 400, NULL);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/conversations/1/messages", bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	d = json_object_get(r.json, "data");
	assert_int_equal(json_array_size(d), 2);
	/* newest first */
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "body")),
			    "second");
	resp_free(&r);
	r = call(e, "GET", "/api/v1/conversations/1/messages", bearer(e->sales2), NULL, NULL);
	assert_error(&r, 404, NULL);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/conversations", bearer(e->admin), NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 2);
	resp_free(&r);
}

static void test_admin_routes(void **state)
{
	struct env *e = *state;
	struct resp r;
	char path[96], tok[80], body[128];
	uint64_t uid, tid;
	size_t audits = e->fb.n_audit;

	r = call(e, "POST", "/api/v1/users", bearer(e->admin),
		 "{\"username\":\"newbie\",\"role\":\"salesperson\",\"business_unit\":\"north\"}",
		 NULL);
	expect_status(&r, 201);
	uid = (uint64_t)json_integer_value(json_object_get(r.json, "id"));
	resp_free(&r);
	r = call(e, "POST", "/api/v1/users", bearer(e->admin),
		 "{\"username\":\"newbie\",\"role\":\"salesperson\",\"business_unit\":\"north\"}",
		 NULL);
	assert_error(&r, 409, NULL);
	resp_free(&r);
	r = call(e, "POST", "/api/v1/users", bearer(e->admin),
		 "{\"username\":\"x\",\"role\":\"root\",\"business_unit\":\"north\"}", NULL);
	assert_error(&r, 400, NULL);
	resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%llu/tokens", (unsigned long long)uid);
	r = call(e, "POST", path, bearer(e->admin), NULL, NULL); /* body optional */
	expect_status(&r, 201);
	tid = (uint64_t)json_integer_value(json_object_get(r.json, "id"));
	snprintf(tok, sizeof(tok), "%s", json_string_value(json_object_get(r.json, "token")));
	assert_int_equal(strlen(tok), 64);
	resp_free(&r);
	r = call(e, "GET", path, bearer(e->admin), NULL, NULL);
	expect_status(&r, 200);
	assert_null(strstr(r.body, tok)); /* shown once only */
	resp_free(&r);
	post_msg(e, tok, "{\"to\":\"+14155550100\",\"body\":\"from the new token\"}", 202);
	snprintf(path, sizeof(path), "/api/v1/users/%llu/tokens/%llu", (unsigned long long)uid,
		 (unsigned long long)tid);
	r = call(e, "DELETE", path, bearer(e->admin), NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/messages", bearer(tok), NULL, NULL); /* revoked at once */
	assert_error(&r, 401, NULL);
	resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%llu", (unsigned long long)uid);
	r = call(e, "PUT", path, bearer(e->admin),
		 "{\"role\":\"sales_manager\",\"business_unit\":\"south\"}", NULL);
	expect_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "role")), "sales_manager");
	resp_free(&r);
	r = call(e, "GET", path, bearer(e->admin), NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/users", bearer(e->admin), NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 5);
	resp_free(&r);

	/* channels: live modem fields; managers assign in their own unit */
	r = call(e, "GET", "/api/v1/channels", bearer(e->mgr), NULL, NULL);
	expect_status(&r, 200);
	{
		json_t *m = json_array_get(json_object_get(r.json, "data"), 0);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(m, "modem"),
								    "signal_dbm")),
				 -71);
		assert_string_equal(json_string_value(json_object_get(json_object_get(m, "modem"),
								      "operator")),
				    "Test Operator");
		assert_int_equal(json_integer_value(json_object_get(
					 json_array_get(json_object_get(r.json, "data"), 1),
					 "queue_depth")),
				 4);
	}
	resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/channels/modem0/users/%llu",
		 (unsigned long long)e->sales_id);
	r = call(e, "PUT", path, bearer(e->mgr), NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/channels/modem0/users/%llu",
		 (unsigned long long)e->sales2_id);
	r = call(e, "PUT", path, bearer(e->mgr), NULL, NULL);
	assert_error(&r, 403, NULL);
	resp_free(&r);
	r = call(e, "PATCH", "/api/v1/channels/modem0", bearer(e->admin), "{\"enabled\":false}",
		 NULL);
	expect_status(&r, 200);
	assert_false(e->fb.channels[0].enabled);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/channels/nope", bearer(e->admin), NULL, NULL);
	assert_error(&r, 404, NULL);
	resp_free(&r);

	/* webhooks: secret shown at creation only */
	r = call(e, "POST", "/api/v1/webhooks", bearer(e->admin),
		 "{\"url\":\"https://crm.example/hook\",\"events\":[\"message.received\","
		 "\"message.status\"]}",
		 NULL);
	expect_status(&r, 201);
	assert_int_equal(strlen(json_string_value(json_object_get(r.json, "secret"))), 64);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/webhooks/1", bearer(e->admin), NULL, NULL);
	expect_status(&r, 200);
	assert_null(json_object_get(r.json, "secret"));
	assert_int_equal(json_array_size(json_object_get(r.json, "events")), 2);
	resp_free(&r);
	r = call(e, "POST", "/api/v1/webhooks", bearer(e->admin),
		 "{\"url\":\"ftp://x\",\"events\":[\"message.status\"]}", NULL);
	assert_error(&r, 400, NULL);
	resp_free(&r);
	r = call(e, "POST", "/api/v1/webhooks", bearer(e->admin),
		 "{\"url\":\"https://x\",\"events\":[\"message.deleted\"]}", NULL);
	assert_error(&r, 400, NULL);
	resp_free(&r);
	r = call(e, "GET", "/api/v1/webhooks", bearer(e->admin), NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "data")), 1);
	resp_free(&r);
	r = call(e, "DELETE", "/api/v1/webhooks/1", bearer(e->admin), NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%llu", (unsigned long long)uid);
	r = call(e, "DELETE", path, bearer(e->admin), NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);

	/* every change above is in the audit log, newest first */
	assert_int_equal(e->fb.n_audit - audits, 9);
	r = call(e, "GET", "/api/v1/audit?limit=2", bearer(e->admin), NULL, NULL);
	expect_status(&r, 200);
	{
		json_t *a = json_array_get(json_object_get(r.json, "data"), 0);
		assert_string_equal(json_string_value(json_object_get(a, "action")), "user.delete");
		assert_string_equal(json_string_value(json_object_get(a, "actor")), "root");
		assert_true(json_is_string(json_object_get(a, "at")));
		assert_true(json_is_string(json_object_get(r.json, "next_cursor")));
	}
	resp_free(&r);
	snprintf(body, sizeof(body), "x");
	(void)body;
}

/* Each bad body gets a 4xx with the error shape and stores nothing. */
static void test_bad_input(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"{",
		"{\"to\":\"+14155550100\",\"body\":\"x\"",
		"{\"to\":\"+14155550100\",\"body\":\"x\"}garbage",
		"[\"to\"]",
		"null",
		"{\"to\":\"+14155550100\",\"to\":\"+14155550101\",\"body\":\"x\"}",
		"{\"to\":14155550100,\"body\":\"x\"}",
		"{\"to\":\"+14155550100\",\"body\":7}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"channel\":1}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"validity\":\"60\"}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"validity\":1}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"priority\":1}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"record\":{\"type\":\"a\",\"id\":\"b\",\"x\":1}}",
		"{\"to\":\"14155550100\",\"body\":\"x\"}",
		"{\"to\":\"+1415555010012345\",\"body\":\"x\"}",
		"{\"to\":\"+\",\"body\":\"x\"}",
		"{\"to\":\"+1 415 555 0100\",\"body\":\"x\"}",
		"{\"to\":\"+14155550100'; DROP TABLE messages;--\",\"body\":\"x\"}",
		"{\"to\":\"+14155550100\"}",
		"{\"body\":\"x\"}",
		"{\"to\":\"+14155550100\",\"body\":\"\"}",
		"{\"to\":\"+14155550100\",\"body\":\"a\\u0000b\"}",
		"{\"to\":\"+14155550100\",\"body\":\"a\\u0007b\"}",
		"{\"to\":\"+14155550100\",\"body\":\"a\\u007fb\"}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"channel\":\"modem\\n0\"}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"channel\":\"modem'; --\"}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"record\":{\"type\":\"de\\u0001al\",\"id\":\"1\"}}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"record\":{\"type\":\"deal\",\"id\":\"1\\u001b\"}}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"record\":{\"type\":\"d'; DROP--\",\"id\":\"1\"}}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"send_at\":\"tomorrow\"}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"send_at\":\"2030-01-01T00:00:00Z\\u0000\"}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"number_type\":\"mobile\"}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"variables\":{\"a\":\"b\"}}",
		"{\"to\":\"+14155550100\",\"contact_id\":1,\"body\":\"x\"}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"template_id\":1}",
		"{\"to\":\"+14155550100\",\"contact_id\":-1,\"body\":\"x\"}",
		"{\"to\":\"+14155550100\",\"body\":\"x\",\"channel\":\"\"}",
		"{\"to\":\"+14155550100\",\"body\":\"\\ud800\"}",
	};
	struct env *e = *state;
	size_t stored = fake_stored(&e->fb);
	char *longbody;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct resp r = call(e, "POST", "/api/v1/messages", bearer(e->sales), bad[i], NULL);
		if (r.status < 400 || r.status > 499)
			fail_msg("body #%zu %s: %ld", i, bad[i], r.status);
		assert_error(&r, r.status, NULL);
		resp_free(&r);
	}
	/* 1601 characters: refused, not truncated */
	longbody = malloc(1700);
	strcpy(longbody, "{\"to\":\"+14155550100\",\"body\":\"");
	for (int i = 0; i < 1601; i++)
		strcat(longbody, "a");
	strcat(longbody, "\"}");
	{
		struct resp r = call(e, "POST", "/api/v1/messages", bearer(e->sales), longbody,
				     NULL);
		assert_error(&r, 400, "too_long");
		resp_free(&r);
	}
	free(longbody);
	/* other routes' string fields */
	{
		static const struct {
			const char *path, *body;
		} more[] = {
			{ "/api/v1/contacts", "{\"name\":\"a\\u0002\"}" },
			{ "/api/v1/contacts", "{\"name\":\"a\",\"numbers\":[{\"type\":\"fax\",\"number\":\"+1555\"}]}" },
			{ "/api/v1/contacts", "{\"name\":\"a\",\"numbers\":[{\"type\":\"mobile\",\"number\":\"+1555x\"}]}" },
			{ "/api/v1/contacts", "{\"name\":\"a\",\"numbers\":[{\"type\":\"mobile\",\"number\":\"+1555\",\"dnt\":true}]}" },
			{ "/api/v1/contacts", "{\"name\":\"a\",\"numbers\":{}}" },
			{ "/api/v1/templates", "{\"name\":\"a\",\"body\":\"b\\u0003\"}" },
			{ "/api/v1/templates", "{\"name\":\"a\",\"body\":\"b\",\"scope\":\"global\"}" },
			{ "/api/v1/templates", "{\"name\":\"a\"}" },
			{ "/api/v1/messages/preview", "{\"to\":\"+1555\",\"body\":\"\\u0005\"}" },
		};
		for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
			struct resp r = call(e, "POST", more[i].path, bearer(e->sales), more[i].body,
					     NULL);
			if (r.status != 400)
				fail_msg("%s %s: %ld", more[i].path, more[i].body, r.status);
			assert_error(&r, 400, NULL);
			resp_free(&r);
		}
	}
	{
		static const char *const ubad[] = {
			"{\"username\":\"a b\",\"role\":\"salesperson\",\"business_unit\":\"n\"}",
			"{\"username\":\"a';--\",\"role\":\"salesperson\",\"business_unit\":\"n\"}",
			"{\"username\":\"a\",\"role\":\"salesperson\",\"business_unit\":\"n\\r\"}",
			"{\"username\":\"a\",\"role\":\"salesperson\"}",
		};
		for (size_t i = 0; i < sizeof(ubad) / sizeof(ubad[0]); i++) {
			struct resp r = call(e, "POST", "/api/v1/users", bearer(e->admin), ubad[i],
					     NULL);
			assert_error(&r, 400, NULL);
			resp_free(&r);
		}
	}
	assert_int_equal(fake_stored(&e->fb), stored);
	assert_int_equal(e->fb.wakes, 0);
}

/* ---- raw socket cases ---- */

static int raw_connect(struct env *e)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(api_server_port(e->srv)) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Send req, read the whole answer (until the server closes). */
static char *raw_exchange(struct env *e, const char *req, size_t len)
{
	int fd = raw_connect(e);
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	ssize_t k;

	assert_int_equal(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
	while ((k = recv(fd, buf + n, cap - n - 1, 0)) > 0) {
		n += (size_t)k;
		if (n + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		/* one response is enough; the server closes after it */
	}
	buf[n] = 0;
	close(fd);
	return buf;
}

static json_t *raw_json(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");
	return b ? json_loads(b + 4, 0, NULL) : NULL;
}

static void test_body_limits(void **state)
{
	struct env *e = *state;
	char req[1024], *resp;
	json_t *j;

	/* declared huge: 413 before a byte of body is read */
	snprintf(req, sizeof(req),
		 "POST /api/v1/messages HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n"
		 "Content-Type: application/json\r\nContent-Length: 100000000\r\n"
		 "Connection: close\r\n\r\n",
		 e->sales);
	resp = raw_exchange(e, req, strlen(req));
	assert_int_equal(strncmp(resp, "HTTP/1.1 413", 12), 0);
	j = raw_json(resp);
	assert_non_null(json_object_get(json_object_get(j, "error"), "code"));
	json_decref(j);
	free(resp);
	/* without a token: 401 wins over 413 */
	snprintf(req, sizeof(req),
		 "POST /api/v1/messages HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n"
		 "Connection: close\r\n\r\n");
	resp = raw_exchange(e, req, strlen(req));
	assert_int_equal(strncmp(resp, "HTTP/1.1 401", 12), 0);
	free(resp);
	/* chunked, no Content-Length, too long: counted, 413 */
	{
		size_t big = 70000, n;
		char *r2 = malloc(big + 1024);
		n = (size_t)sprintf(r2,
				    "POST /api/v1/messages HTTP/1.1\r\nHost: t\r\nAuthorization: "
				    "Bearer %s\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
				    "\r\n%zx\r\n",
				    e->sales, big);
		memset(r2 + n, 'a', big);
		n += big;
		n += (size_t)sprintf(r2 + n, "\r\n0\r\n\r\n");
		resp = raw_exchange(e, r2, n);
		assert_int_equal(strncmp(resp, "HTTP/1.1 413", 12), 0);
		free(resp);
		free(r2);
	}
	/* truncated body: the client gives up; nothing is stored */
	snprintf(req, sizeof(req),
		 "POST /api/v1/messages HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n"
		 "Content-Type: application/json\r\nContent-Length: 60\r\n\r\n"
		 "{\"to\":\"+14155550100\",\"body\":\"x\"}",
		 e->sales);
	{
		/* the client sends part of the body and goes away; the handler
		 * only ever runs on a complete body, so nothing can be stored */
		int fd = raw_connect(e);
		assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
		close(fd);
		struct resp r2 = call(e, "GET", "/api/v1/messages", bearer(e->sales), NULL, NULL);
		expect_status(&r2, 200);
		assert_int_equal(json_array_size(json_object_get(r2.json, "data")), 0);
		resp_free(&r2);
	}
	/* too many header bytes: 431 with the error shape */
	{
		char *r3 = malloc(20000);
		int n = sprintf(r3, "GET /api/v1/messages HTTP/1.1\r\nHost: t\r\nX-Big: ");
		memset(r3 + n, 'b', 10000);
		sprintf(r3 + n + 10000, "\r\nConnection: close\r\n\r\n");
		resp = raw_exchange(e, r3, strlen(r3));
		assert_int_equal(strncmp(resp, "HTTP/1.1 431", 12), 0);
		j = raw_json(resp);
		assert_non_null(json_object_get(json_object_get(j, "error"), "message"));
		json_decref(j);
		free(resp);
		free(r3);
	}
	assert_int_equal(e->fb.n_msgs, 0);
}

static int setup_ratelimited(void **state)
{
	struct api_config cfg = { .bind_addr = "127.0.0.1", .rate_per_min = 3, .threads = 1 };
	return setup_cfg(state, &cfg);
}

static void test_rate_limit(void **state)
{
	struct env *e = *state;
	struct resp r;

	for (int i = 0; i < 3; i++) {
		r = call(e, "GET", "/api/v1/messages", bearer(e->sales), NULL, NULL);
		expect_status(&r, 200);
		resp_free(&r);
	}
	r = call(e, "GET", "/api/v1/messages", bearer(e->sales), NULL, NULL);
	assert_error(&r, 429, "rate_limited");
	assert_string_equal(r.retry_after, "20");
	resp_free(&r);
	/* per token: another token still passes */
	r = call(e, "GET", "/api/v1/messages", bearer(e->sales2), NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);
	/* 429 never stores: a POST is refused before its body */
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales),
		 "{\"to\":\"+14155550100\",\"body\":\"x\"}", NULL);
	assert_error(&r, 429, NULL);
	resp_free(&r);
	assert_int_equal(e->fb.n_msgs, 0);
	e->fb.now += 20000; /* the virtual clock, not a sleep */
	r = call(e, "GET", "/api/v1/messages", bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);
}

static void test_health_metrics(void **state)
{
	struct env *e = *state;
	struct resp r;

	r = call(e, "GET", "/health", NULL, NULL, NULL);
	expect_status(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "ready")));
	resp_free(&r);
	e->fb.not_ready = true;
	r = call(e, "GET", "/health", NULL, NULL, NULL);
	expect_status(&r, 503);
	assert_true(json_is_true(json_object_get(r.json, "live")));
	assert_false(json_is_true(json_object_get(r.json, "ready")));
	resp_free(&r);
	post_msg(e, e->sales, "{\"to\":\"+14155550100\",\"body\":\"x\"}", 202);
	e->fb.backlog = 7;
	r = call(e, "GET", "/metrics", NULL, NULL, NULL);
	expect_status(&r, 200);
	assert_int_equal(strncmp(r.ctype, "text/plain; version=0.0.4", 25), 0);
	assert_non_null(strstr(r.body, "smsrelay_messages{status=\"queued\",channel=\"\"} 1\n"));
	assert_non_null(strstr(r.body, "smsrelay_queue_depth 1\n"));
	assert_non_null(strstr(r.body, "smsrelay_send_latency_seconds_count 4\n"));
	assert_non_null(strstr(r.body, "smsrelay_retries_total 3\n"));
	assert_non_null(strstr(r.body, "smsrelay_modem_signal_dbm{modem=\"modem0\"} -71\n"));
	assert_non_null(strstr(r.body, "smsrelay_webhook_backlog 7\n"));
	resp_free(&r);
}

/* ---- the Twilio facade ---- */

static json_t *spec_message_schema(json_t **spec)
{
	json_error_t je;

	*spec = json_load_file(TWILIO_SPEC, 0, &je);
	if (!*spec)
		return NULL;
	return json_object_get(json_object_get(json_object_get(*spec, "components"), "schemas"),
			       "api.v2010.account.message");
}

static void check_against_spec(json_t *msg, json_t *schema)
{
	json_t *props = json_object_get(schema, "properties");
	const char *k;
	json_t *v;

	assert_true(json_object_size(props) > 10);
	json_object_foreach(props, k, v) {
		if (!json_object_get(msg, k))
			fail_msg("response lacks the spec's property '%s'", k);
	}
	json_object_foreach(msg, k, v) {
		const json_t *p = json_object_get(props, k);
		const char *type;
		if (!p)
			fail_msg("response has '%s', which the spec does not declare", k);
		type = json_string_value(json_object_get(p, "type"));
		if (type && !json_is_null(v)) {
			if (!strcmp(type, "string"))
				assert_true(json_is_string(v));
			if (!strcmp(type, "integer"))
				assert_true(json_is_integer(v));
			if (!strcmp(type, "object"))
				assert_true(json_is_object(v));
		}
	}
}

static void test_twilio(void **state)
{
	struct env *e = *state;
	const char *base = "/2010-04-01/Accounts/" ACCT "/Messages";
	json_t *spec = NULL, *schema = spec_message_schema(&spec), *enums;
	char path[200], sid[40];
	struct resp r;
	bool found = false;
	size_t i;
	json_t *v;

	if (!schema) {
		json_decref(spec);
		fail_msg("cannot load the Twilio spec at %s", TWILIO_SPEC);
	}
	snprintf(path, sizeof(path), "%s.json", base);
	r = call(e, "POST", path, basic_auth(e->sales),
		 "To=%2B14155550100&From=%2B14155550999&Body=Hello+big%20world%21&StatusCallback="
		 "https%3A%2F%2Fcrm.example%2Fcb",
		 NULL);
	expect_status(&r, 201);
	check_against_spec(r.json, schema);
	snprintf(sid, sizeof(sid), "%s", json_string_value(json_object_get(r.json, "sid")));
	assert_int_equal(strlen(sid), 34);
	assert_int_equal(strncmp(sid, "SM", 2), 0);
	assert_int_equal(strspn(sid + 2, "0123456789abcdef"), 32);
	assert_string_equal(json_string_value(json_object_get(r.json, "num_segments")), "1");
	assert_string_equal(json_string_value(json_object_get(r.json, "direction")), "outbound-api");
	assert_string_equal(json_string_value(json_object_get(r.json, "body")), "Hello big world!");
	assert_string_equal(json_string_value(json_object_get(r.json, "account_sid")), ACCT);
	assert_string_equal(json_string_value(json_object_get(r.json, "date_created")),
			    "Tue, 14 Nov 2023 22:13:20 +0000");
	enums = json_object_get(json_object_get(json_object_get(json_object_get(spec, "components"),
								"schemas"),
						"message_enum_status"),
				"enum");
	json_array_foreach(enums, i, v)
		found |= !strcmp(json_string_value(v),
				 json_string_value(json_object_get(r.json, "status")));
	assert_true(found);
	resp_free(&r);
	assert_string_equal(e->fb.msgs[0].body, "Hello big world!");
	assert_string_equal(e->fb.msgs[0].from, "+14155550999");

	snprintf(path, sizeof(path), "%s/%s.json", base, sid);
	r = call(e, "GET", path, basic_auth(e->sales), NULL, NULL);
	expect_status(&r, 200);
	check_against_spec(r.json, schema);
	resp_free(&r);
	r = call(e, "GET", path, basic_auth(e->sales2), NULL, NULL);
	expect_status(&r, 404);
	assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 20404);
	resp_free(&r);

	snprintf(path, sizeof(path), "%s.json", base);
	post_msg(e, e->sales, "{\"to\":\"+14155550100\",\"body\":\"second\"}", 202);
	snprintf(path, sizeof(path), "%s.json?PageSize=1&To=%%2B14155550100", base);
	r = call(e, "GET", path, basic_auth(e->sales), NULL, NULL);
	expect_status(&r, 200);
	{
		static const char *const keys[] = { "end", "first_page_uri", "next_page_uri", "page",
						    "page_size", "previous_page_uri", "start", "uri",
						    "messages" };
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			assert_non_null(json_object_get(r.json, keys[k]));
		assert_int_equal(json_array_size(json_object_get(r.json, "messages")), 1);
		assert_int_equal(json_integer_value(json_object_get(r.json, "page_size")), 1);
		assert_non_null(strstr(json_string_value(json_object_get(r.json, "next_page_uri")),
				       "PageToken="));
		check_against_spec(json_array_get(json_object_get(r.json, "messages"), 0), schema);
	}
	resp_free(&r);

	/* Twilio's error JSON */
	snprintf(path, sizeof(path), "%s.json", base);
	r = call(e, "POST", path, basic_auth(e->sales), "To=4155550100&Body=x", NULL);
	expect_status(&r, 400);
	assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 21211);
	assert_int_equal(json_integer_value(json_object_get(r.json, "status")), 400);
	assert_true(json_is_string(json_object_get(r.json, "message")));
	assert_true(json_is_string(json_object_get(r.json, "more_info")));
	resp_free(&r);
	r = call(e, "POST", path, basic_auth(e->sales), "To=%2B14155550100", NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 21602);
	resp_free(&r);
	r = call(e, "POST", path, basic_auth(e->sales), "To=%2B14155550100&Body=x&Evil=1", NULL);
	expect_status(&r, 400);
	resp_free(&r);
	r = call(e, "POST", path, basic_auth(e->sales), "To=%2B14155550100&Body=a%01b", NULL);
	expect_status(&r, 400);
	resp_free(&r);
	r = call(e, "POST", path, basic_auth(e->sales), "To=%2B14155550100&Body=x%zz", NULL);
	expect_status(&r, 400);
	resp_free(&r);
	r = call(e, "POST", path, bearer(e->sales), "To=%2B14155550100&Body=x", NULL);
	expect_status(&r, 401);
	assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 20003);
	resp_free(&r);
	r = call(e, "POST", "/2010-04-01/Accounts/ACffffffffffffffffffffffffffffffff/Messages.json",
		 basic_auth(e->sales), "To=%2B14155550100&Body=x", NULL);
	expect_status(&r, 404);
	resp_free(&r);
	assert_int_equal(e->fb.n_msgs, 2);
	json_decref(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_refusals),
		cmocka_unit_test_setup_teardown(test_auth_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_role_every_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contacts_templates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conversations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup_ratelimited, teardown),
		cmocka_unit_test_setup_teardown(test_health_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twilio, setup, teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
