/* The Twilio-compatible facade end to end, checked against Twilio's
 * OpenAPI description (tests/fixtures/twilio). */
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

/* GET the facade's list at path (Basic auth as sam); sids into seen. */
static size_t tw_page(struct env *e, const char *path, char seen[][40], size_t n_seen,
		      char *next, size_t next_max)
{
	struct resp r = call(e, "GET", path, basic_auth(e->sales), NULL, NULL);
	json_t *msgs, *v;
	const char *nx;
	size_t i;

	expect_status(&r, 200);
	msgs = json_object_get(r.json, "messages");
	json_array_foreach(msgs, i, v) {
		const char *sid = json_string_value(json_object_get(v, "sid"));
		assert_non_null(sid);
		for (size_t k = 0; k < n_seen + i; k++)
			if (!strcmp(seen[k], sid))
				fail_msg("%s listed twice", sid);
		snprintf(seen[n_seen + i], 40, "%s", sid);
	}
	nx = json_string_value(json_object_get(r.json, "next_page_uri"));
	snprintf(next, next_max, "%s", nx ? nx : "");
	i = json_array_size(msgs);
	resp_free(&r);
	return i;
}

/* PageSize up to 1000 like Twilio: the facade pages through the backend
 * API_PAGE_MAX at a time; the next page token carries on exactly. */
static void test_twilio_page_size(void **state)
{
	struct env *e = *state;
	const char *base = "/2010-04-01/Accounts/" ACCT "/Messages.json";
	enum { N = API_PAGE_MAX + 20 };
	static char seen[N + 8][40];
	char path[400], next[400];
	struct resp r;
	size_t got;

	assert_true(N <= FB_MSGS);
	for (int i = 0; i < N; i++) {
		struct api_msg_new in = { .user_id = e->sales_id, .body = "m", .body_len = 1,
					  .segments = 1 };
		struct api_msg out;
		bool replay = false;
		strcpy(in.business_unit, "north");
		strcpy(in.encoding, "gsm7");
		snprintf(in.to, sizeof(in.to), "+1415555%04d", i);
		assert_int_equal(fake_backend_ops.msg_create(&e->fb, &in, &out, &replay), 0);
	}
	/* another user's message is never listed for sam */
	post_msg(e, e->sales2, "{\"to\":\"+14155550100\",\"body\":\"not sam's\"}", 202);

	snprintf(path, sizeof(path), "%s?PageSize=1000", base);
	got = tw_page(e, path, seen, 0, next, sizeof(next));
	assert_int_equal(got, N);
	assert_string_equal(next, "");
	r = call(e, "GET", path, basic_auth(e->sales), NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "page_size")), 1000);
	assert_int_equal(json_integer_value(json_object_get(r.json, "end")), N - 1);
	resp_free(&r);

	/* more than one backend page, then the rest through PageToken */
	snprintf(path, sizeof(path), "%s?PageSize=%d", base, API_PAGE_MAX + 10);
	got = tw_page(e, path, seen, 0, next, sizeof(next));
	assert_int_equal(got, API_PAGE_MAX + 10);
	assert_non_null(strstr(next, "PageToken="));
	assert_non_null(strstr(next, "Page=1"));
	got += tw_page(e, next, seen, got, next, sizeof(next));
	assert_int_equal(got, N);
	assert_string_equal(next, "");

	/* Twilio's bounds */
	snprintf(path, sizeof(path), "%s?PageSize=1001", base);
	r = call(e, "GET", path, basic_auth(e->sales), NULL, NULL);
	expect_status(&r, 400);
	resp_free(&r);
	snprintf(path, sizeof(path), "%s?PageSize=0", base);
	r = call(e, "GET", path, basic_auth(e->sales), NULL, NULL);
	expect_status(&r, 400);
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_twilio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twilio_page_size, setup, teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
