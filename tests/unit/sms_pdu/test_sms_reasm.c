/* Reassembly: out of order, duplicates, a missing part flushed as
 * incomplete, capacity, split escape / surrogate pairs, persistence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

#include <cmocka.h>

#include "sms/pdu.h"
#include "sms/reassembly.h"

static struct sms_pdu part(const char *from, uint16_t ref, uint8_t total, uint8_t seq,
			   enum sms_encoding enc, const uint8_t *ud, size_t n)
{
	struct sms_pdu p;
	memset(&p, 0, sizeof(p));
	p.type = SMS_PDU_DELIVER;
	strcpy(p.addr.number, from);
	sms_udh_init(&p.udh);
	if (total)
		assert_int_equal(sms_udh_add_concat(&p.udh, ref, total, seq, ref > 255), 0);
	p.udhi = total != 0;
	p.encoding = enc;
	p.tables = SMS_GSM7_DEFAULT;
	memcpy(p.ud, ud, n);
	p.ud_len = (uint16_t)n;
	return p;
}

static void test_out_of_order_dup_missing(void **state)
{
	struct sms_reasm_part slots[8];
	struct sms_reasm r;
	struct sms_reasm_key k, old;
	struct sms_reasm_info info;
	enum sms_reasm_status st;
	char out[64];
	struct sms_pdu p3 = part("+491", 7, 3, 3, SMS_ENC_8BIT, (const uint8_t *)"C", 1);
	struct sms_pdu p1 = part("+491", 7, 3, 1, SMS_ENC_8BIT, (const uint8_t *)"A", 1);
	struct sms_pdu other = part("+492", 7, 3, 1, SMS_ENC_8BIT, (const uint8_t *)"X", 1);
	struct sms_pdu single = part("+491", 0, 0, 0, SMS_ENC_8BIT, (const uint8_t *)"S", 1);
	(void)state;

	sms_reasm_init(&r, slots, 8);
	assert_int_equal(sms_reasm_add(&r, &single, 1, &k, &st), 0);
	assert_int_equal(st, SMS_REASM_SINGLE);
	assert_int_equal(sms_reasm_add(&r, &p3, 10, &k, &st), 0);
	assert_int_equal(st, SMS_REASM_STORED);
	assert_int_equal(sms_reasm_add(&r, &p1, 20, &k, &st), 0);
	assert_int_equal(st, SMS_REASM_STORED);
	assert_int_equal(sms_reasm_add(&r, &p1, 30, &k, &st), 0);
	assert_int_equal(st, SMS_REASM_DUPLICATE);
	/* another originator with the same reference is another message */
	assert_int_equal(sms_reasm_add(&r, &other, 40, &k, &st), 0);
	assert_int_equal(st, SMS_REASM_STORED);

	/* the caller's timeout: nothing older than 5, the +491 one before 15 */
	assert_int_equal(sms_reasm_oldest(&r, 5, &old), -ENOENT);
	assert_int_equal(sms_reasm_oldest(&r, 15, &old), 0);
	assert_string_equal(old.originator, "+491");
	assert_int_equal(sms_reasm_take(&r, &old, false, &info, out, sizeof(out)), 2);
	assert_string_equal(out, "AC");
	assert_false(info.complete);
	assert_int_equal(info.present, 2);
	assert_int_equal(info.have[0], 0x05);
	assert_int_equal(info.first_arrived, 10);
	/* too small a buffer frees nothing */
	assert_int_equal(sms_reasm_take(&r, &old, true, NULL, out, 1), -E2BIG);
	assert_int_equal(sms_reasm_take(&r, &old, true, &info, out, sizeof(out)), 2);
	assert_int_equal(sms_reasm_info(&r, &old, &info), -ENOENT);
	/* the other message is untouched */
	assert_int_equal(sms_reasm_oldest(&r, UINT64_MAX, &old), 0);
	assert_string_equal(old.originator, "+492");
}

static void test_capacity(void **state)
{
	struct sms_reasm_part slots[2];
	struct sms_reasm r;
	struct sms_reasm_key k;
	enum sms_reasm_status st;
	(void)state;
	sms_reasm_init(&r, slots, 2);
	for (uint8_t s = 1; s <= 2; s++) {
		struct sms_pdu p = part("x", 300, 5, s, SMS_ENC_8BIT, (const uint8_t *)"a", 1);
		assert_int_equal(sms_reasm_add(&r, &p, s, &k, &st), 0);
	}
	struct sms_pdu p = part("x", 300, 5, 3, SMS_ENC_8BIT, (const uint8_t *)"a", 1);
	assert_int_equal(sms_reasm_add(&r, &p, 3, &k, &st), -ENOSPC);
	assert_int_equal(k.ref, 300);
	p.type = SMS_PDU_STATUS_REPORT;
	assert_int_equal(sms_reasm_add(&r, &p, 3, &k, &st), -EINVAL);
}

static void test_split_escape_and_surrogate(void **state)
{
	struct sms_reasm_part slots[4];
	struct sms_reasm r;
	struct sms_reasm_key k;
	enum sms_reasm_status st;
	char out[64];
	/* "a" ESC | "e" -> "a€"; a sender that split the escape pair */
	static const uint8_t g1[] = { 0x61, 0x1B }, g2[] = { 0x65 };
	/* U+1F600 split: D83D | DE00 0041 */
	static const uint8_t u1[] = { 0xD8, 0x3D }, u2[] = { 0xDE, 0x00, 0x00, 0x41 };
	(void)state;

	sms_reasm_init(&r, slots, 4);
	struct sms_pdu a = part("g", 1, 2, 2, SMS_ENC_GSM7, g2, 1);
	struct sms_pdu b = part("g", 1, 2, 1, SMS_ENC_GSM7, g1, 2);
	assert_int_equal(sms_reasm_add(&r, &a, 1, &k, &st), 0);
	assert_int_equal(sms_reasm_add(&r, &b, 2, &k, &st), 0);
	assert_int_equal(st, SMS_REASM_COMPLETE);
	assert_int_equal(sms_reasm_take(&r, &k, true, NULL, out, sizeof(out)), 4);
	assert_string_equal(out, "a€");

	struct sms_pdu c = part("u", 2, 2, 1, SMS_ENC_UCS2, u1, 2);
	struct sms_pdu d = part("u", 2, 2, 2, SMS_ENC_UCS2, u2, 4);
	assert_int_equal(sms_reasm_add(&r, &c, 1, &k, &st), 0);
	assert_int_equal(sms_reasm_add(&r, &d, 2, &k, &st), 0);
	assert_int_equal(sms_reasm_take(&r, &k, true, NULL, out, sizeof(out)), 5);
	assert_string_equal(out, "\xF0\x9F\x98\x80" "A");
}

static void test_persist(void **state)
{
	struct sms_reasm_part slots[3], loaded[3];
	uint8_t rec[3][SMS_REASM_REC_SIZE];
	struct sms_reasm r, r2;
	struct sms_reasm_key k;
	enum sms_reasm_status st;
	char out[64];
	(void)state;
	sms_reasm_init(&r, slots, 3);
	struct sms_pdu p2 = part("+33", 0xBEEF, 2, 2, SMS_ENC_GSM7, (const uint8_t *)"\x62", 1);
	assert_int_equal(sms_reasm_add(&r, &p2, 0x0102030405060708ull, &k, &st), 0);
	for (int i = 0; i < 3; i++)
		sms_reasm_record_save(&slots[i], rec[i]);
	/* the format is fixed: spot-check the documented offsets */
	assert_int_equal(rec[0][0], SMS_REASM_VERSION);
	assert_int_equal(rec[0][1], 1);
	assert_int_equal(rec[0][2], 2);
	assert_int_equal(rec[0][8], 0xEF);
	assert_int_equal(rec[0][9], 0xBE);
	assert_int_equal(rec[0][10], 0x08);
	assert_string_equal((const char *)rec[0] + 18, "+33");
	assert_int_equal(rec[0][66], 0x62);
	/* "reboot": load into fresh slots and complete the message */
	sms_reasm_init(&r2, loaded, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sms_reasm_record_load(rec[i], &loaded[i]), 0);
	struct sms_pdu p1 = part("+33", 0xBEEF, 2, 1, SMS_ENC_GSM7, (const uint8_t *)"\x61", 1);
	assert_int_equal(sms_reasm_add(&r2, &p1, 5, &k, &st), 0);
	assert_int_equal(st, SMS_REASM_COMPLETE);
	assert_int_equal(sms_reasm_take(&r2, &k, true, NULL, out, sizeof(out)), 2);
	assert_string_equal(out, "ab");
	/* corrupt records are refused */
	rec[0][0] = 9;
	assert_int_equal(sms_reasm_record_load(rec[0], &loaded[0]), -EINVAL);
	rec[0][0] = SMS_REASM_VERSION;
	rec[0][7] = 200;
	assert_int_equal(sms_reasm_record_load(rec[0], &loaded[0]), -EINVAL);
	rec[0][7] = 1;
	rec[0][2] = 3; /* seq > total */
	assert_int_equal(sms_reasm_record_load(rec[0], &loaded[0]), -EINVAL);
	rec[0][2] = 2;
	memset(rec[0] + 18, 'x', SMS_ADDR_MAX); /* unterminated originator */
	assert_int_equal(sms_reasm_record_load(rec[0], &loaded[0]), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_of_order_dup_missing),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_split_escape_and_surrogate),
		cmocka_unit_test(test_persist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
