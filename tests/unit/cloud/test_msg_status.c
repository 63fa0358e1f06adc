/* The one status table: every listed TP-ST, Twilio status and error code,
 * and Telesign code, plus the reserved and SC-specific TP-ST ranges and the
 * lifecycle rules. Expected values come from the sources cited in
 * drivers/cloud/msg_status.c (3GPP TS 23.040 9.2.3.15; Twilio's status enum
 * in twilio_api_v2010.json and error dictionary; Telesign's status codes). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/msg_status.h"

struct exp {
	int code;
	enum msg_status status;
	bool retryable;
};

static void test_names(void **state)
{
	(void)state;
	for (int s = 0; s < MSG_STATUS_COUNT; s++)
		assert_int_equal(msg_status_parse(msg_status_str(s)), s);
	assert_string_equal(msg_status_str(MSG_UNDELIVERED), "undelivered");
	assert_string_equal(msg_status_str(MSG_STATUS_COUNT), "unknown");
	assert_int_equal(msg_status_parse("Delivered"), -EINVAL);
	assert_int_equal(msg_status_parse(NULL), -EINVAL);
	assert_int_equal(msg_status_parse(""), -EINVAL);
}

static void test_lifecycle(void **state)
{
	(void)state;
	static const enum msg_status path[] = { MSG_ACCEPTED, MSG_QUEUED, MSG_SENDING, MSG_SENT,
						MSG_DELIVERED };
	for (size_t i = 0; i + 1 < sizeof(path) / sizeof(path[0]); i++)
		assert_true(msg_status_can_move(path[i], path[i + 1]));
	assert_true(msg_status_can_move(MSG_ACCEPTED, MSG_SCHEDULED));
	assert_true(msg_status_can_move(MSG_SCHEDULED, MSG_QUEUED));
	assert_true(msg_status_can_move(MSG_SENDING, MSG_QUEUED)); /* retry */
	assert_true(msg_status_can_move(MSG_SENT, MSG_UNDELIVERED));
	assert_true(msg_status_can_move(MSG_QUEUED, MSG_CANCELED));
	assert_false(msg_status_can_move(MSG_QUEUED, MSG_DELIVERED));
	assert_false(msg_status_can_move(MSG_SENT, MSG_SENT));
	assert_false(msg_status_can_move(MSG_ACCEPTED, MSG_RECEIVED));
	assert_false(msg_status_can_move(MSG_STATUS_COUNT, MSG_SENT));
	for (int f = 0; f < MSG_STATUS_COUNT; f++) {
		if (!msg_status_final(f))
			continue;
		for (int t = 0; t < MSG_STATUS_COUNT; t++)
			assert_false(msg_status_can_move(f, t));
	}
	assert_true(msg_status_final(MSG_RECEIVED));
	assert_false(msg_status_final(MSG_SENT));
}

/* 23.040 9.2.3.15: every assigned value. */
static void test_tp_st_assigned(void **state)
{
	(void)state;
	static const struct exp t[] = {
		{ 0x00, MSG_DELIVERED, false },	  { 0x01, MSG_DELIVERED, false },
		{ 0x02, MSG_DELIVERED, false },	  { 0x20, MSG_SENT, false },
		{ 0x21, MSG_SENT, false },	  { 0x22, MSG_SENT, false },
		{ 0x23, MSG_SENT, false },	  { 0x24, MSG_SENT, false },
		{ 0x25, MSG_SENT, false },	  { 0x40, MSG_UNDELIVERED, false },
		{ 0x41, MSG_UNDELIVERED, false }, { 0x42, MSG_UNDELIVERED, false },
		{ 0x43, MSG_UNDELIVERED, false }, { 0x44, MSG_UNDELIVERED, false },
		{ 0x45, MSG_UNDELIVERED, false }, { 0x46, MSG_EXPIRED, false },
		{ 0x47, MSG_UNDELIVERED, false }, { 0x48, MSG_UNDELIVERED, false },
		{ 0x49, MSG_UNDELIVERED, false }, { 0x60, MSG_UNDELIVERED, true },
		{ 0x61, MSG_UNDELIVERED, true },  { 0x62, MSG_UNDELIVERED, true },
		{ 0x63, MSG_UNDELIVERED, true },  { 0x64, MSG_UNDELIVERED, true },
		{ 0x65, MSG_UNDELIVERED, true },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct msg_status_map m;
		assert_int_equal(msg_status_from_tp_st(t[i].code, &m), 0);
		assert_int_equal(m.status, t[i].status);
		assert_int_equal(m.retryable, t[i].retryable);
		assert_non_null(m.text);
	}
}

/* SC-specific ranges take the group's meaning; reserved values read as
 * 0x63 "service rejected". Every value 0..255 maps. */
static void test_tp_st_ranges(void **state)
{
	(void)state;
	struct msg_status_map m, rej;
	assert_int_equal(msg_status_from_tp_st(0x63, &rej), 0);
	for (int v = 0; v <= 0xff; v++) {
		assert_int_equal(msg_status_from_tp_st(v, &m), 0);
		bool reserved = (v >= 0x03 && v <= 0x0f) || (v >= 0x26 && v <= 0x2f) ||
				(v >= 0x4a && v <= 0x4f) || (v >= 0x66 && v <= 0x6f) || v >= 0x80;
		if (reserved) {
			assert_int_equal(m.status, rej.status);
			assert_true(m.retryable);
		} else if (v >= 0x10 && v <= 0x1f) {
			assert_int_equal(m.status, MSG_DELIVERED);
		} else if (v >= 0x30 && v <= 0x3f) {
			assert_int_equal(m.status, MSG_SENT);
		} else if (v >= 0x50 && v <= 0x5f) {
			assert_int_equal(m.status, MSG_UNDELIVERED);
			assert_false(m.retryable);
		} else if (v >= 0x70 && v <= 0x7f) {
			assert_int_equal(m.status, MSG_UNDELIVERED);
			assert_true(m.retryable);
		}
	}
	assert_int_equal(msg_status_from_tp_st(-1, &m), -EINVAL);
	assert_int_equal(msg_status_from_tp_st(256, &m), -EINVAL);
	assert_int_equal(msg_status_from_tp_st(0, NULL), -EINVAL);
}

/* Every value of message_enum_status in twilio_api_v2010.json. */
static void test_twilio_statuses(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		enum msg_status st;
	} t[] = {
		{ "queued", MSG_SENT },	       { "sending", MSG_SENT },
		{ "sent", MSG_SENT },	       { "failed", MSG_FAILED },
		{ "delivered", MSG_DELIVERED }, { "undelivered", MSG_UNDELIVERED },
		{ "receiving", MSG_RECEIVED },  { "received", MSG_RECEIVED },
		{ "accepted", MSG_SENT },      { "scheduled", MSG_SENT },
		{ "read", MSG_DELIVERED },     { "partially_delivered", MSG_SENT },
		{ "canceled", MSG_CANCELED },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct msg_status_map m;
		assert_int_equal(msg_status_from_twilio(t[i].s, 0, &m), 0);
		assert_int_equal(m.status, t[i].st);
	}
	struct msg_status_map m;
	assert_int_equal(msg_status_from_twilio("Delivered", 0, &m), -EINVAL);
	assert_int_equal(msg_status_from_twilio(NULL, 0, &m), -EINVAL);
	/* The error code decides retryable for a failure. */
	assert_int_equal(msg_status_from_twilio("undelivered", 30003, &m), 0);
	assert_int_equal(m.status, MSG_UNDELIVERED);
	assert_true(m.retryable);
	assert_int_equal(msg_status_from_twilio("undelivered", 30007, &m), 0);
	assert_false(m.retryable);
	assert_int_equal(msg_status_from_twilio("failed", 21610, &m), 0);
	assert_int_equal(m.status, MSG_FAILED);
	assert_false(m.retryable);
}

static void test_twilio_errors(void **state)
{
	(void)state;
	static const struct exp t[] = {
		{ 429, MSG_FAILED, true },	    { 20003, MSG_FAILED, false },
		{ 20404, MSG_FAILED, false },	    { 20429, MSG_FAILED, true },
		{ 20500, MSG_FAILED, true },	    { 20503, MSG_FAILED, true },
		{ 21211, MSG_FAILED, false },	    { 21408, MSG_FAILED, false },
		{ 21602, MSG_FAILED, false },	    { 21603, MSG_FAILED, false },
		{ 21604, MSG_FAILED, false },	    { 21606, MSG_FAILED, false },
		{ 21608, MSG_FAILED, false },	    { 21610, MSG_FAILED, false },
		{ 21611, MSG_FAILED, true },	    { 21612, MSG_FAILED, false },
		{ 21614, MSG_FAILED, false },	    { 21617, MSG_FAILED, false },
		{ 30001, MSG_FAILED, true },	    { 30002, MSG_FAILED, false },
		{ 30003, MSG_UNDELIVERED, true },  { 30004, MSG_UNDELIVERED, false },
		{ 30005, MSG_UNDELIVERED, false }, { 30006, MSG_UNDELIVERED, false },
		{ 30007, MSG_UNDELIVERED, false }, { 30008, MSG_UNDELIVERED, true },
		{ 30009, MSG_UNDELIVERED, true },  { 30010, MSG_FAILED, false },
		{ 30034, MSG_UNDELIVERED, false },
		/* unlisted: never retryable */
		{ 21999, MSG_FAILED, false },	    { 30999, MSG_UNDELIVERED, false },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct msg_status_map m;
		assert_int_equal(msg_status_from_twilio_error(t[i].code, &m), 0);
		assert_int_equal(m.status, t[i].status);
		assert_int_equal(m.retryable, t[i].retryable);
	}
	struct msg_status_map m;
	assert_int_equal(msg_status_from_twilio_error(0, &m), -EINVAL);
	assert_int_equal(msg_status_from_twilio_error(-5, &m), -EINVAL);
}

static void test_telesign(void **state)
{
	(void)state;
	static const struct exp t[] = {
		{ 200, MSG_DELIVERED, false },	 { 201, MSG_DELIVERED, false },
		{ 203, MSG_SENT, false },	 { 207, MSG_UNDELIVERED, false },
		{ 210, MSG_UNDELIVERED, true },	 { 211, MSG_UNDELIVERED, false },
		{ 220, MSG_UNDELIVERED, false }, { 221, MSG_EXPIRED, false },
		{ 222, MSG_UNDELIVERED, false }, { 229, MSG_FAILED, false },
		{ 230, MSG_FAILED, false },	 { 231, MSG_FAILED, false },
		{ 233, MSG_FAILED, false },	 { 237, MSG_FAILED, false },
		{ 238, MSG_FAILED, false },	 { 250, MSG_SENT, false },
		{ 251, MSG_SENT, false },	 { 290, MSG_SENT, false },
		{ 295, MSG_SENT, false },	 { 500, MSG_FAILED, false },
		{ 10000, MSG_FAILED, true },
		/* unlisted */
		{ 299, MSG_SENT, false },	 { 12345, MSG_FAILED, false },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct msg_status_map m;
		assert_int_equal(msg_status_from_telesign(t[i].code, &m), 0);
		assert_int_equal(m.status, t[i].status);
		assert_int_equal(m.retryable, t[i].retryable);
	}
	struct msg_status_map m;
	assert_int_equal(msg_status_from_telesign(0, &m), -EINVAL);
	assert_int_equal(msg_status_from_telesign(200, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),	       cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_tp_st_assigned), cmocka_unit_test(test_tp_st_ranges),
		cmocka_unit_test(test_twilio_statuses), cmocka_unit_test(test_twilio_errors),
		cmocka_unit_test(test_telesign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
