/* Callback authentication and form handling, pure.
 *
 * Twilio vector: Twilio's documented request-validation example
 * (twilio.com/docs/usage/webhooks/webhooks-security; the same vector is in
 * the official SDKs' RequestValidator tests, e.g. twilio/twilio-php
 * tests/Twilio/Unit/Security/RequestValidatorTest.php): auth token "12345",
 * URL https://mycompany.com/myapp.php?foo=1&bar=2, five parameters,
 * signature RSOYDt4T1cUTdK1PDd93/VVr8B8=. The repeated-parameter vector
 * IK+Dwps556ElfBT0I3Rgjkr1wJU= is from twilio/twilio-python
 * tests/unit/test_request_validator.py.
 *
 * Telesign vector: computed independently with Python's hmac module,
 * base64(HMAC-SHA256(base64decode("dGVzdGtleS1mb3ItdGVsZXNpZ24="), body)),
 * per developer.telesign.com/enterprise/docs/authenticate-callbacks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cloud/telesign.h"
#include "cloud/twilio.h"

#define TW_URL "https://mycompany.com/myapp.php?foo=1&bar=2"
#define TW_BODY                                                                              \
	"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&"  \
	"To=%2B18005551212"
#define TW_SIG "RSOYDt4T1cUTdK1PDd93/VVr8B8="

static bool tw_valid(const char *token, const char *url, const char *body, const char *sig)
{
	struct cloud_form f;
	assert_int_equal(cloud_form_parse(body, strlen(body), &f), 0);
	bool ok = twilio_signature_valid(token, url, &f, sig);
	cloud_form_free(&f);
	return ok;
}

static void test_twilio_documented(void **state)
{
	(void)state;
	assert_true(tw_valid("12345", TW_URL, TW_BODY, TW_SIG));
	/* Order of the POST parameters does not matter. */
	assert_true(tw_valid("12345", TW_URL,
			     "To=%2B18005551212&Digits=1234&From=%2B14158675309&"
			     "CallSid=CA1234567890ABCDE&Caller=%2B14158675309",
			     TW_SIG));
	struct cloud_form f;
	const char *rep = "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234";
	assert_int_equal(cloud_form_parse(rep, strlen(rep), &f), 0);
	assert_true(twilio_signature_valid("12345", TW_URL, &f, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
	char sig[29];
	assert_int_equal(twilio_signature_compute("12345", TW_URL, &f, sig), 0);
	assert_string_equal(sig, "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
	cloud_form_free(&f);
}

static void test_twilio_tampered(void **state)
{
	(void)state;
	assert_false(tw_valid("12346", TW_URL, TW_BODY, TW_SIG));               /* token */
	assert_false(tw_valid("12345", TW_URL "&x=1", TW_BODY, TW_SIG));        /* url */
	assert_false(tw_valid("12345", "http://mycompany.com/myapp.php?foo=1&bar=2", TW_BODY,
			      TW_SIG));                                          /* scheme */
	assert_false(tw_valid("12345", TW_URL, TW_BODY "&Extra=1", TW_SIG));     /* extra */
	assert_false(tw_valid("12345", TW_URL,
			      "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=9999&"
			      "From=%2B14158675309&To=%2B18005551212",
			      TW_SIG));                                          /* value */
	assert_false(tw_valid("12345", TW_URL, TW_BODY, "RSOYDt4T1cUTdK1PDd93/VVr8B9="));
	assert_false(tw_valid("12345", TW_URL, TW_BODY, "RSOYDt4T1cUTdK1PDd93/VVr8B8"));
	assert_false(tw_valid("12345", TW_URL, TW_BODY, ""));
	assert_false(tw_valid("12345", TW_URL, TW_BODY, NULL));
}

static void test_form_parse(void **state)
{
	(void)state;
	struct cloud_form f;
	const char *b = "a=1+2&b=%2B%41&c=&d&=x";
	assert_int_equal(cloud_form_parse(b, strlen(b), &f), -EINVAL); /* empty name */
	assert_int_equal(f.count, 0);
	b = "a=1+2&b=%2B%41&c=&d&&e=%c3%a9";
	assert_int_equal(cloud_form_parse(b, strlen(b), &f), 0);
	assert_int_equal(f.count, 5);
	assert_string_equal(cloud_form_get(&f, "a"), "1 2");
	assert_string_equal(cloud_form_get(&f, "b"), "+A");
	assert_string_equal(cloud_form_get(&f, "c"), "");
	assert_string_equal(cloud_form_get(&f, "d"), "");
	assert_string_equal(cloud_form_get(&f, "e"), "\xc3\xa9");
	assert_null(cloud_form_get(&f, "z"));
	cloud_form_free(&f);
	assert_int_equal(cloud_form_parse("a=%4", 4, &f), -EINVAL);
	assert_int_equal(cloud_form_parse("a=%zz", 5, &f), -EINVAL);
	assert_int_equal(cloud_form_parse("a=%00b", 6, &f), -EINVAL); /* NUL inside */
	assert_int_equal(cloud_form_parse("", 0, &f), 0);
	assert_int_equal(f.count, 0);
	assert_true(cloud_str_equal_ct("abc", "abc"));
	assert_false(cloud_str_equal_ct("abc", "abd"));
	assert_false(cloud_str_equal_ct("abc", "abcd"));
	assert_false(cloud_str_equal_ct("", "a"));
	assert_false(cloud_str_equal_ct(NULL, "a"));
}

static void test_twilio_status_report(void **state)
{
	(void)state;
	struct cloud_form f;
	struct channel_report r;
	const char *b = "MessageSid=SM0123&MessageStatus=delivered&To=%2B15551234567";
	assert_int_equal(cloud_form_parse(b, strlen(b), &f), 0);
	assert_int_equal(twilio_status_report(&f, &r), 0);
	assert_string_equal(r.ref, "SM0123");
	assert_string_equal(r.recipient, "+15551234567");
	assert_int_equal(r.state, CHANNEL_DELIVERED);
	assert_int_equal(r.code, 0);
	cloud_form_free(&f);
	b = "SmsSid=SM9&SmsStatus=undelivered&ErrorCode=30003";
	assert_int_equal(cloud_form_parse(b, strlen(b), &f), 0);
	assert_int_equal(twilio_status_report(&f, &r), 0);
	assert_int_equal(r.state, CHANNEL_UNDELIVERED);
	assert_int_equal(r.code, 30003);
	cloud_form_free(&f);
	b = "MessageSid=SM9&MessageStatus=sent";
	assert_int_equal(cloud_form_parse(b, strlen(b), &f), 0);
	assert_int_equal(twilio_status_report(&f, &r), 0);
	assert_int_equal(r.state, CHANNEL_PENDING);
	cloud_form_free(&f);
	static const char *const bad[] = {
		"MessageStatus=delivered",
		"MessageSid=SM1&MessageStatus=bogus",
		"MessageSid=SM1&MessageStatus=failed&ErrorCode=12x",
		"MessageSid=SM1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cloud_form_parse(bad[i], strlen(bad[i]), &f), 0);
		assert_int_equal(twilio_status_report(&f, &r), -EINVAL);
		cloud_form_free(&f);
	}
}

#define TS_KEY "dGVzdGtleS1mb3ItdGVsZXNpZ24="
#define TS_CID "FFFFFFFF-EEEE-DDDD-1234-AB1234567890"
#define TS_BODY                                                                              \
	"{\"reference_id\":\"0123456789ABCDEF0123456789ABCDEF\",\"status\":{\"code\":200,"  \
	"\"description\":\"Delivered to handset\"}}"
#define TS_SIG "xfwWFZ3XZDJpFbbaIKOtwL9sattfVgBT05rHrbZCYuc="

static void test_telesign_sig(void **state)
{
	(void)state;
	char sig[45];
	assert_int_equal(telesign_signature_compute(TS_KEY, TS_BODY, strlen(TS_BODY), sig), 0);
	assert_string_equal(sig, TS_SIG);
	const char *auth = "TSA " TS_CID ":" TS_SIG;
	assert_true(telesign_callback_valid(TS_CID, TS_KEY, auth, TS_BODY, strlen(TS_BODY)));
	assert_true(telesign_callback_valid(TS_CID, TS_KEY, TS_SIG, TS_BODY, strlen(TS_BODY)));
	/* tampered body, customer id, signature, key */
	assert_false(telesign_callback_valid(TS_CID, TS_KEY, auth, TS_BODY, strlen(TS_BODY) - 1));
	assert_false(telesign_callback_valid("OTHER", TS_KEY, auth, TS_BODY, strlen(TS_BODY)));
	assert_false(telesign_callback_valid(TS_CID, TS_KEY, "TSA " TS_CID ":AAAA", TS_BODY,
					     strlen(TS_BODY)));
	assert_false(telesign_callback_valid(TS_CID, "b3RoZXJrZXk=", auth, TS_BODY,
					     strlen(TS_BODY)));
	assert_false(telesign_callback_valid(TS_CID, TS_KEY, NULL, TS_BODY, strlen(TS_BODY)));
	assert_int_equal(telesign_signature_compute("not base64!", "x", 1, sig), -EINVAL);

	struct channel_report r;
	assert_int_equal(telesign_status_report(TS_BODY, strlen(TS_BODY), &r), 0);
	assert_string_equal(r.ref, "0123456789ABCDEF0123456789ABCDEF");
	assert_int_equal(r.state, CHANNEL_DELIVERED);
	assert_int_equal(r.code, 200);
	const char *pend = "{\"reference_id\":\"AB\",\"status\":{\"code\":290}}";
	assert_int_equal(telesign_status_report(pend, strlen(pend), &r), 0);
	assert_int_equal(r.state, CHANNEL_PENDING);
	const char *fail = "{\"reference_id\":\"AB\",\"status\":{\"code\":211}}";
	assert_int_equal(telesign_status_report(fail, strlen(fail), &r), 0);
	assert_int_equal(r.state, CHANNEL_UNDELIVERED);
	const char *bad[] = { "{\"status\":{\"code\":200}}", "{\"reference_id\":\"AB\"}",
			      "{\"reference_id\":\"AB\",\"status\":{\"code\":\"200\"}}", "[",
			      "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(telesign_status_report(bad[i], strlen(bad[i]), &r), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twilio_documented),   cmocka_unit_test(test_twilio_tampered),
		cmocka_unit_test(test_form_parse),          cmocka_unit_test(test_twilio_status_report),
		cmocka_unit_test(test_telesign_sig),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
