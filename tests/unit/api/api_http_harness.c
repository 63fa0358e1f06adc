/* The HTTP API tests' harness (api_http_harness.h). */
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
#include "api_http_harness.h"

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

void resp_free(struct resp *r)
{
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

/* One request. auth: "Bearer <tok>" / "Basic ..." / NULL. extra: one more
 * header or NULL. */
struct resp call(struct env *e, const char *method, const char *path, const char *auth,
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

char *bearer(const char *tok)
{
	static __thread char b[80];
	snprintf(b, sizeof(b), "Bearer %s", tok);
	return b;
}

/* "Basic base64(ACCT:tok)" */
char *basic_auth(const char *tok)
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
void assert_error(const struct resp *r, long status, const char *code)
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

void expect_status(const struct resp *r, long status)
{
	if (r->status != status)
		fail_msg("status %ld, want %ld: %s", r->status, status, r->body ? r->body : "");
}

int setup_cfg(void **state, const struct api_config *extra)
{
	return setup_ops(state, extra, &fake_backend_ops);
}

int setup_ops(void **state, const struct api_config *extra, const struct api_backend_ops *ops)
{
	struct env *e = calloc(1, sizeof(*e));
	struct api_config cfg = { .bind_addr = "127.0.0.1", .twilio_account_sid = ACCT,
				  .rate_per_min = 100000, .threads = 2 };

	if (extra)
		cfg = *extra;
	fake_backend_init(&e->fb);
	e->be.ops = ops;
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

int setup(void **state)
{
	return setup_cfg(state, NULL);
}

int teardown(void **state)
{
	struct env *e = *state;

	api_server_stop(e->srv);
	fake_backend_fini(&e->fb);
	free(e);
	return 0;
}

uint64_t post_msg(struct env *e, const char *tok, const char *body, long want)
{
	struct resp r = call(e, "POST", "/api/v1/messages", bearer(tok), body, NULL);
	uint64_t id = 0;

	expect_status(&r, want);
	if (want == 202)
		id = (uint64_t)json_integer_value(json_object_get(r.json, "id"));
	resp_free(&r);
	return id;
}

/* ---- raw socket cases ---- */

int raw_connect(struct env *e)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(api_server_port(e->srv)) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Send req, read the whole answer (until the server closes). */
char *raw_exchange(struct env *e, const char *req, size_t len)
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

json_t *raw_json(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");
	return b ? json_loads(b + 4, 0, NULL) : NULL;
}
