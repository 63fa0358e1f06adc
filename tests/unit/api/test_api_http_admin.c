/* The HTTP API end to end: administrative routes, bad input that must
 * store nothing, health and metrics. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_admin_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_health_metrics, setup, teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
