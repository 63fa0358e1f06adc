/* The HTTP API end to end: authentication, the role matrix over every
 * route, messages, contacts, templates and conversations. */
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

/* An inbound text longer than a message view holds: lists show its start
 * and say so (body_truncated, body_bytes); GET by id and the Twilio GET
 * give every byte. Never cut silently. */
static void test_long_inbound_body(void **state)
{
	struct env *e = *state;
	size_t len = API_BODY_BYTES_MAX + 500;
	char *text = malloc(len + 1), path[160], sid[40];
	struct resp r;
	json_t *item;
	uint64_t id;

	for (size_t i = 0; i < len; i++)
		text[i] = (char)('a' + i % 26);
	text[len] = '\0';
	id = fake_add_long_inbound(&e->fb, e->sales_id, text);
	r = call(e, "GET", "/api/v1/messages", bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	item = json_array_get(json_object_get(r.json, "data"), 0);
	assert_int_equal(json_integer_value(json_object_get(item, "id")), id);
	assert_true(json_is_true(json_object_get(item, "body_truncated")));
	assert_int_equal(json_integer_value(json_object_get(item, "body_bytes")), len);
	assert_int_equal(json_string_length(json_object_get(item, "body")), API_BODY_BYTES_MAX);
	resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/messages/%llu", (unsigned long long)id);
	r = call(e, "GET", path, bearer(e->sales), NULL, NULL);
	expect_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "body")), text);
	assert_null(json_object_get(r.json, "body_truncated"));
	assert_null(json_object_get(r.json, "body_bytes"));
	resp_free(&r);
	snprintf(sid, sizeof(sid), "SM0000000000000000%016llx", (unsigned long long)id);
	snprintf(path, sizeof(path), "/2010-04-01/Accounts/" ACCT "/Messages/%s.json", sid);
	r = call(e, "GET", path, basic_auth(e->sales), NULL, NULL);
	expect_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "body")), text);
	resp_free(&r);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_auth_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_role_every_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_inbound_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contacts_templates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conversations, setup, teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
