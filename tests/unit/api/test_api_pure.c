/* Pure parts of app/api: strict JSON and field specs, roles, tokens, basic
 * auth, webhook signatures and backoff, form decoding, templates, number
 * choice, metrics text, and the route table against docs/openapi.yaml. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/api_auth.h"
#include "api_internal.h"
#include "api/api_form.h"
#include "api/api_json.h"
#include "api/api_metrics.h"
#include "api/api_routes.h"
#include "api/api_text.h"
#include "api/api_webhook.h"
#include "fake_backend.h"

static const char *const colors[] = { "red", "blue", NULL };
static const struct api_field sub_fields[] = {
	API_F("id", API_FT_STRING, API_FF_REQUIRED, 8),
};
static const struct api_field fields[] = {
	API_F("to", API_FT_E164, 0, 16),
	API_F("body", API_FT_STRING, API_FF_TEXT | API_FF_CHARS, 5),
	API_F("name", API_FT_STRING, API_FF_TOKEN, 10),
	API_F_INT("n", 0, 1, 10),
	API_F_BOOL("b", 0),
	API_F_ENUM("color", 0, colors),
	API_F_OBJ("rec", 0, sub_fields),
	API_F("at", API_FT_TIME, 0, 40),
	API_F("vars", API_FT_STRMAP, 0, 4),
	API_F("req", API_FT_STRING, API_FF_REQUIRED, 10),
};

static int check(const char *json, char *code)
{
	struct api_json_err e = { 0 };
	json_t *o = api_json_parse(json, strlen(json), &e);
	int rc = -EINVAL;

	if (o)
		rc = api_json_check(o, fields, sizeof(fields) / sizeof(fields[0]), &e);
	json_decref(o);
	if (code)
		strcpy(code, rc ? e.code : "");
	return rc;
}

static void test_json_strict(void **state)
{
	char code[32];
	struct api_json_err e;

	(void)state;
	assert_int_equal(check("{\"req\":\"x\",\"to\":\"+4915112345678\",\"body\":\"h\\u00e9llo\","
			       "\"n\":3,\"b\":true,\"color\":\"red\",\"rec\":{\"id\":\"a\"},"
			       "\"at\":\"2024-02-29T10:00:00Z\",\"vars\":{\"a\":\"1\"}}",
			       code),
			 0);
	assert_null(api_json_parse("", 0, &e));
	assert_string_equal(e.code, "empty_body");
	assert_int_equal(check("{\"req\":\"x\",\"req\":\"y\"}", code), -EINVAL);
	assert_string_equal(code, "invalid_json");
	assert_int_equal(check("{\"req\":\"x\"", code), -EINVAL);
	assert_int_equal(check("[1]", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\"} x", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\",\"zzz\":1}", code), -EINVAL);
	assert_string_equal(code, "unknown_field");
	assert_int_equal(check("{\"req\":\"x\",\"rec\":{\"id\":\"a\",\"q\":1}}", code), -EINVAL);
	assert_string_equal(code, "unknown_field");
	assert_int_equal(check("{}", code), -EINVAL);
	assert_string_equal(code, "missing_field");
	assert_int_equal(check("{\"req\":1}", code), -EINVAL);
	assert_string_equal(code, "invalid_type");
	assert_int_equal(check("{\"req\":\"x\",\"n\":\"3\"}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\",\"n\":3.0}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\",\"n\":11}", code), -EINVAL);
	assert_string_equal(code, "out_of_range");
	assert_int_equal(check("{\"req\":\"x\",\"b\":1}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\",\"color\":\"green\"}", code), -EINVAL);
	/* 5 code points fit, 6 do not: refused, never truncated */
	assert_int_equal(check("{\"req\":\"x\",\"body\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"}",
			       code),
			 0);
	assert_int_equal(check("{\"req\":\"x\",\"body\":\"abcdef\"}", code), -EINVAL);
	assert_string_equal(code, "too_long");
	/* control characters: body allows \n, not \u0001; names allow none */
	assert_int_equal(check("{\"req\":\"x\",\"body\":\"a\\nb\"}", code), 0);
	assert_int_equal(check("{\"req\":\"x\",\"body\":\"a\\u0001\"}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"a\\nb\"}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"a\\u0000b\"}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\",\"name\":\"a'b\"}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\",\"at\":\"2024-02-30T10:00:00Z\"}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\",\"vars\":{\"a\":1}}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\",\"vars\":{\"a\":\"12345\"}}", code), -EINVAL);
	assert_int_equal(check("{\"req\":\"x\",\"to\":\"+12 34\"}", code), -EINVAL);
	assert_string_equal(code, "invalid_number");
	/* nesting limit */
	assert_int_equal(check("{\"req\":\"x\",\"rec\":{\"id\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}}}}",
			       code),
			 -EINVAL);
}

static void test_e164_and_time(void **state)
{
	int64_t ms;
	char buf[40];

	(void)state;
	assert_true(api_e164_valid("+14155550123"));
	assert_true(api_e164_valid("+123456789012345"));
	assert_false(api_e164_valid("+1234567890123456")); /* 16 digits */
	assert_false(api_e164_valid("14155550123"));
	assert_false(api_e164_valid("+"));
	assert_false(api_e164_valid("+0123"));
	assert_false(api_e164_valid("+1415 555"));
	assert_false(api_e164_valid("+1415'; DROP"));
	assert_false(api_e164_valid(""));
	assert_int_equal(api_time_parse("1970-01-01T00:00:00Z", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(api_time_parse("2023-11-14T22:13:20.5Z", &ms), 0);
	assert_int_equal(ms, 1700000000500LL);
	assert_int_equal(api_time_parse("2023-11-15T00:13:20+02:00", &ms), 0);
	assert_int_equal(ms, 1700000000000LL);
	assert_int_equal(api_time_parse("2023-11-14 22:13:20Z", &ms), -EINVAL);
	assert_int_equal(api_time_parse("2023-11-14T22:13:20", &ms), -EINVAL);
	api_time_rfc2822(1558719886000LL, buf); /* Twilio spec example date */
	assert_string_equal(buf, "Fri, 24 May 2019 17:44:46 +0000");
	api_time_format(1700000000123LL, buf);
	assert_string_equal(buf, "2023-11-14T22:13:20.123Z");
}

/* The matrix as issue 6 item 2 words it, written out independently. */
static void test_role_matrix(void **state)
{
	static const enum api_priv sp[] = { API_P_MSG_SEND, API_P_MSG_READ_OWN,
					    API_P_MSG_WRITE_OWN, API_P_CONV_READ_BU,
					    API_P_TPL_OWN, API_P_CONTACT_RW };
	static const enum api_priv mgr_extra[] = { API_P_TPL_BU, API_P_SEQUENCES,
						   API_P_CHANNEL_ASSIGN };
	static const enum api_priv admin_only[] = {
		API_P_CHANNEL_ADMIN, API_P_USER_ADMIN,	 API_P_TOKEN_ADMIN,  API_P_WEBHOOK_ADMIN,
		API_P_CONFIG_ADMIN,  API_P_AUDIT_READ, API_P_MSG_READ_ALL, API_P_CONV_READ_ALL,
	};
	(void)state;
	for (size_t i = 0; i < sizeof(sp) / sizeof(sp[0]); i++)
		for (int r = 0; r < API_ROLE_COUNT; r++)
			assert_true(api_role_has(r, sp[i]));
	for (size_t i = 0; i < sizeof(mgr_extra) / sizeof(mgr_extra[0]); i++) {
		assert_false(api_role_has(API_ROLE_SALESPERSON, mgr_extra[i]));
		assert_true(api_role_has(API_ROLE_SALES_MANAGER, mgr_extra[i]));
		assert_true(api_role_has(API_ROLE_ADMINISTRATOR, mgr_extra[i]));
	}
	for (size_t i = 0; i < sizeof(admin_only) / sizeof(admin_only[0]); i++) {
		assert_false(api_role_has(API_ROLE_SALESPERSON, admin_only[i]));
		assert_false(api_role_has(API_ROLE_SALES_MANAGER, admin_only[i]));
		assert_true(api_role_has(API_ROLE_ADMINISTRATOR, admin_only[i]));
	}
	assert_false(api_role_has(API_ROLE_COUNT, API_P_MSG_SEND));
	for (int p = 0; p < API_P_COUNT; p++)
		assert_string_not_equal(api_priv_str(p), "?");
	assert_int_equal(api_role_parse("sales_manager"), API_ROLE_SALES_MANAGER);
	assert_int_equal(api_role_parse("root"), -EINVAL);
}

static void test_tokens(void **state)
{
	struct fake_backend fb;
	struct api_backend be = { &fake_backend_ops, &fb };
	struct api_principal p;
	char tok[65], tok2[65];
	uint64_t uid;

	(void)state;
	fake_backend_init(&fb);
	uid = fake_add_user(&fb, "ann", API_ROLE_SALESPERSON, "north", tok);
	assert_true(uid > 0);
	assert_int_equal(strlen(tok), 64);
	assert_int_equal(strspn(tok, "0123456789abcdef"), 64);
	/* only the hash is stored */
	assert_memory_not_equal(fb.tokens[0].hash, tok, 32);
	assert_int_equal(api_token_authenticate(&be, tok, 64, &p), 0);
	assert_int_equal(p.user_id, uid);
	assert_string_equal(p.business_unit, "north");
	tok[10] ^= 1;
	assert_int_equal(api_token_authenticate(&be, tok, 64, &p), -EACCES);
	assert_int_equal(api_token_authenticate(&be, tok, 63, &p), -EACCES);
	fake_add_user(&fb, "bob", API_ROLE_ADMINISTRATOR, "north", tok2);
	assert_string_not_equal(tok, tok2);
	assert_true(api_ct_equal("abc", "abc", 3));
	assert_false(api_ct_equal("abc", "abd", 3));
	fake_backend_fini(&fb);
}

static void test_basic_auth(void **state)
{
	char u[40], p[80];

	(void)state;
	/* base64("ACx:secret") */
	assert_int_equal(api_basic_parse("Basic QUN4OnNlY3JldA==", u, sizeof(u), p, sizeof(p)), 0);
	assert_string_equal(u, "ACx");
	assert_string_equal(p, "secret");
	assert_int_equal(api_basic_parse("Bearer QUN4OnNlY3JldA==", u, sizeof(u), p, sizeof(p)),
			 -EINVAL);
	assert_int_equal(api_basic_parse("Basic !!!", u, sizeof(u), p, sizeof(p)), -EINVAL);
	/* base64("nocolon") */
	assert_int_equal(api_basic_parse("Basic bm9jb2xvbg==", u, sizeof(u), p, sizeof(p)),
			 -EINVAL);
}

static void test_webhook_sig(void **state)
{
	const char *body = "{\"event\":\"message.status\",\"id\":7}";
	char sig[API_WEBHOOK_SIG_MAX], bad[API_WEBHOOK_SIG_MAX];
	int64_t t = 1700000000;
	bool give_up;
	int64_t at, total = 0, created = 0;

	(void)state;
	assert_int_equal(api_webhook_sign("s3cret", body, strlen(body), t, sig), 0);
	assert_int_equal(strncmp(sig, "t=1700000000,v1=", 16), 0);
	assert_int_equal(strlen(sig), 16 + 64);
	assert_int_equal(api_webhook_verify("s3cret", body, strlen(body), sig, t), 0);
	assert_int_equal(api_webhook_verify("s3cret", body, strlen(body), sig, t + 300), 0);
	assert_int_equal(api_webhook_verify("s3cret", body, strlen(body), sig, t + 301), -ETIMEDOUT);
	assert_int_equal(api_webhook_verify("s3cret", body, strlen(body), sig, t - 301), -ETIMEDOUT);
	assert_int_equal(api_webhook_verify("other", body, strlen(body), sig, t), -EACCES);
	assert_int_equal(api_webhook_verify("s3cret", "{\"event\":\"x\"}", 13, sig, t), -EACCES);
	strcpy(bad, sig);
	bad[20] = bad[20] == 'a' ? 'b' : 'a';
	assert_int_equal(api_webhook_verify("s3cret", body, strlen(body), bad, t), -EACCES);
	/* a replayed signature with a rewritten timestamp fails the MAC */
	strcpy(bad, sig);
	bad[2] = '2';
	assert_int_equal(api_webhook_verify("s3cret", body, strlen(body), bad, 2700000000), -EACCES);
	assert_int_equal(api_webhook_verify("s3cret", body, strlen(body), "v1=abc", t), -EINVAL);
	assert_int_equal(api_webhook_verify("s3cret", body, strlen(body), "t=1,v1=zz", t), -EINVAL);
	/* retries go on for at least 24 h, then stop */
	for (unsigned a = 0;; a++) {
		at = api_webhook_next_attempt(a, created, total, &give_up);
		if (give_up)
			break;
		assert_true(at > total);
		assert_true(at - total <= 3600000);
		total = at;
	}
	assert_true(total >= API_WEBHOOK_RETRY_WINDOW_MS);
}

static void test_twilio_signature(void **state)
{
	/* Twilio's documented example ("Validating Requests are coming from
	 * Twilio", twilio.com/docs/usage/security): token 12345, this URL and
	 * these parameters give 0/KCTR6DLpKmkAf8muzZqo1nDgQ=. */
	static const char *const pairs[] = {
		"CallSid", "CA1234567890ABCDE", "Caller", "+12349013030",
		"Digits", "1234", "From", "+12349013030", "To", "+18005551212",
	};
	char out[64];

	(void)state;
	assert_int_equal(api_twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
					      pairs, 5, out, sizeof(out)),
			 0);
	assert_string_equal(out, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
}

static void test_form(void **state)
{
	struct api_form f;
	char esc[64];

	(void)state;
	assert_int_equal(api_form_decode("To=%2B14155550123&Body=Hello+big%20world&From=", 45,
					 &f), 0);
	assert_string_equal(api_form_get(&f, "To"), "+14155550123");
	assert_string_equal(api_form_get(&f, "Body"), "Hello big world");
	assert_string_equal(api_form_get(&f, "From"), "");
	assert_null(api_form_get(&f, "X"));
	api_form_free(&f);
	assert_int_equal(api_form_decode("a=%zz", 5, &f), -EINVAL);
	api_form_free(&f);
	assert_int_equal(api_form_decode("a=%2", 4, &f), -EINVAL);
	api_form_free(&f);
	assert_int_equal(api_form_decode("a=%00", 5, &f), -EINVAL);
	api_form_free(&f);
	assert_int_equal(api_form_decode("a=%C3%28", 8, &f), -EINVAL); /* bad UTF-8 */
	api_form_free(&f);
	assert_int_equal(api_form_decode("a=1&a=2", 7, &f), -EINVAL);
	api_form_free(&f);
	assert_int_equal(api_form_decode("=1", 2, &f), -EINVAL);
	api_form_free(&f);
	assert_int_equal(api_form_decode("a=%C3%A9&&b", 11, &f), 0);
	assert_string_equal(api_form_get(&f, "a"), "\xc3\xa9");
	assert_string_equal(api_form_get(&f, "b"), "");
	api_form_free(&f);
	{
		char big[40 * 4 + 1] = "";
		for (int i = 0; i < 40; i++)
			sprintf(big + strlen(big), "%c%c&", 'A' + (i % 26), 'a' + (i / 26));
		assert_int_equal(api_form_decode(big, strlen(big), &f), -E2BIG);
		api_form_free(&f);
	}
	assert_int_equal(api_form_escape("+1 a&b", esc, sizeof(esc)), 0);
	assert_string_equal(esc, "%2B1%20a%26b");
	assert_int_equal(api_form_escape("+1 a&b", esc, 5), -E2BIG);
}

static void test_template_and_numbers(void **state)
{
	json_t *vars = json_pack("{s:s, s:s}", "name", "Ann", "day", "Tuesday");
	struct api_contact c = { .n_numbers = 3 };
	char out[64], missing[40];

	(void)state;
	assert_int_equal(api_tpl_render("Hi {{name}}, see you {{ day }}.", vars, out, sizeof(out),
					missing),
			 (int)strlen("Hi Ann, see you Tuesday."));
	assert_string_equal(out, "Hi Ann, see you Tuesday.");
	assert_int_equal(api_tpl_render("Hi {{who}}", vars, out, sizeof(out), missing), -ENOENT);
	assert_string_equal(missing, "who");
	assert_int_equal(api_tpl_render("Hi {{name", vars, out, sizeof(out), missing), -EINVAL);
	assert_int_equal(api_tpl_render("{{day}}{{day}}{{day}}", vars, out, 10, missing), -E2BIG);
	json_decref(vars);

	strcpy(c.numbers[0].type, "mobile");
	strcpy(c.numbers[0].number, "+4915100000001");
	strcpy(c.numbers[1].type, "business");
	strcpy(c.numbers[1].number, "+4930000000002");
	strcpy(c.numbers[2].type, "home");
	strcpy(c.numbers[2].number, "+4930000000003");
	assert_int_equal(api_pick_number(&c, NULL), 1);        /* business first */
	c.numbers[1].do_not_text = true;
	assert_int_equal(api_pick_number(&c, ""), 0);          /* then mobile */
	assert_int_equal(api_pick_number(&c, "business"), -ENOENT); /* never do-not-text */
	assert_int_equal(api_pick_number(&c, "home"), 2);
	c.numbers[0].do_not_text = true;
	assert_int_equal(api_pick_number(&c, NULL), -ENOENT);  /* home is not automatic */
}

static void test_metrics_text(void **state)
{
	struct api_metrics *m = calloc(1, sizeof(*m));
	char *txt;
	size_t len;

	(void)state;
	m->n_rows = 2;
	strcpy(m->rows[0].channel, "modem0");
	m->rows[0].status = MSG_DELIVERED;
	m->rows[0].count = 5;
	strcpy(m->rows[1].channel, "tw\"x");
	m->rows[1].status = MSG_FAILED;
	m->rows[1].count = 1;
	m->queue_depth = 9;
	m->latency_buckets[0] = 2;
	m->latency_buckets[2] = 3;
	m->latency_buckets[API_LATENCY_BUCKETS] = 1;
	m->latency_count = 6;
	m->n_modems = 1;
	strcpy(m->modems[0].name, "modem0");
	m->modems[0].signal_dbm = -80;
	m->modems[0].registered = 1;
	m->webhook_backlog = 12;
	m->possible_duplicates = 4;
	assert_int_equal(api_metrics_render(m, &txt, &len), 0);
	assert_int_equal(strlen(txt), len);
	assert_non_null(strstr(txt, "smsrelay_messages{status=\"delivered\",channel=\"modem0\"} 5\n"));
	assert_non_null(strstr(txt, "channel=\"tw\\\"x\"} 1\n"));
	assert_non_null(strstr(txt, "smsrelay_queue_depth 9\n"));
	assert_non_null(strstr(txt, "smsrelay_send_latency_seconds_bucket{le=\"0.1\"} 2\n"));
	assert_non_null(strstr(txt, "smsrelay_send_latency_seconds_bucket{le=\"0.5\"} 5\n"));
	assert_non_null(strstr(txt, "smsrelay_send_latency_seconds_bucket{le=\"+Inf\"} 6\n"));
	assert_non_null(strstr(txt, "smsrelay_modem_signal_dbm{modem=\"modem0\"} -80\n"));
	assert_non_null(strstr(txt, "smsrelay_modem_registered{modem=\"modem0\"} 1\n"));
	assert_non_null(strstr(txt, "smsrelay_webhook_backlog 12\n"));
	assert_non_null(strstr(txt, "# TYPE smsrelay_possible_duplicates_total counter\n"
				    "smsrelay_possible_duplicates_total 4\n"));
	assert_non_null(strstr(txt, "# TYPE smsrelay_send_latency_seconds histogram\n"));
	free(txt);
	free(m);
}

/* docs/openapi.yaml: every "  /path:" under "paths:" and its methods
 * ("    get:") must be exactly the route table. */
static void test_openapi_matches_routes(void **state)
{
	FILE *f = fopen(OPENAPI_PATH, "r");
	char line[512], path[512] = "";
	bool in_paths = false;
	size_t found = 0;
	bool seen[256] = { false };

	(void)state;
	assert_non_null(f);
	assert_true(api_routes_n < 256);
	while (fgets(line, sizeof(line), f)) {
		char m[16];
		if (strncmp(line, "paths:", 6) == 0) {
			in_paths = true;
			continue;
		}
		if (in_paths && line[0] != ' ' && line[0] != '\n' && line[0] != '#')
			in_paths = false;
		if (!in_paths)
			continue;
		if (strncmp(line, "  /", 3) == 0) {
			char *c = strrchr(line, ':');
			assert_non_null(c);
			*c = 0;
			snprintf(path, sizeof(path), "%s", line + 2);
			continue;
		}
		if (strncmp(line, "    ", 4) == 0 && line[4] != ' ' &&
		    sscanf(line + 4, "%15[a-z]:", m) == 1 &&
		    (!strcmp(m, "get") || !strcmp(m, "post") || !strcmp(m, "put") ||
		     !strcmp(m, "patch") || !strcmp(m, "delete"))) {
			size_t i;
			for (char *p = m; *p; p++)
				*p = (char)(*p - 'a' + 'A');
			for (i = 0; i < api_routes_n; i++)
				if (!strcmp(api_routes[i].pattern, path) &&
				    !strcmp(api_routes[i].method, m))
					break;
			if (i == api_routes_n)
				fail_msg("openapi.yaml has %s %s, the route table does not", m, path);
			assert_false(seen[i]);
			seen[i] = true;
			found++;
		}
	}
	fclose(f);
	for (size_t i = 0; i < api_routes_n; i++)
		if (!seen[i])
			fail_msg("route %s %s is missing from docs/openapi.yaml", api_routes[i].method,
				 api_routes[i].pattern);
	assert_int_equal(found, api_routes_n);
}

/* [api] token_rate_per_min = 0 is documented as unlimited (docs/config.md):
 * the limiter never asks to wait; a limit of 2 per minute still refills at
 * its rate. */
static void test_ratelimit_zero_is_unlimited(void **state)
{
	struct api_ratelimit *rl;

	(void)state;
	assert_int_equal(api_ratelimit_new(&rl, 0), 0);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(api_ratelimit_take(rl, 7, 1000), 0);
	api_ratelimit_free(rl);
	assert_int_equal(api_ratelimit_new(&rl, 2), 0);
	assert_int_equal(api_ratelimit_take(rl, 7, 1000), 0);
	assert_int_equal(api_ratelimit_take(rl, 7, 1000), 0);
	assert_int_equal(api_ratelimit_take(rl, 7, 1000), 30); /* one token per 30 s */
	assert_int_equal(api_ratelimit_take(rl, 7, 31000), 0);
	api_ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratelimit_zero_is_unlimited),
		cmocka_unit_test(test_json_strict),
		cmocka_unit_test(test_e164_and_time),
		cmocka_unit_test(test_role_matrix),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_basic_auth),
		cmocka_unit_test(test_webhook_sig),
		cmocka_unit_test(test_twilio_signature),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_template_and_numbers),
		cmocka_unit_test(test_metrics_text),
		cmocka_unit_test(test_openapi_matches_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
