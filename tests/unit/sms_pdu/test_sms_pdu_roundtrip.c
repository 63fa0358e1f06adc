/* Encoder tests: exact PDUs from ModemManager and python-gsmmodem, and
 * round-trip property tests (text -> SUBMIT PDUs -> decode -> reassemble
 * -> same text and fields) over seeded random texts in every encoding,
 * lengths 0..1000 characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <cmocka.h>

#include "sms/pdu.h"
#include "sms/reassembly.h"
#include "sms/segment.h"

static struct sms_encoded_pdu parts[SMS_MAX_PARTS];
static struct sms_pdu msg;

static void assert_hex(const struct sms_encoded_pdu *p, const char *want)
{
	char hex[2 * SMS_PDU_MAX + 1];
	sms_hex_encode(p->pdu, p->len, hex, sizeof(hex));
	assert_string_equal(hex, want);
}

static void test_encode_modemmanager(void **state)
{
	struct sms_submit_opts o = { .to = "+15556661234" };
	(void)state;
	/* ModemManager test_create_pdu_gsm_no_validity */
	assert_int_equal(sms_submit_encode_text(&o, "This is really cool ΔΔΔΔΔ",
						strlen("This is really cool ΔΔΔΔΔ"), parts, 4),
			 1);
	assert_hex(&parts[0], "0001000B915155661632F400001954747A0E4ACF41F27298CDCE83C6EF37"
			      "1B0481402010");
	assert_int_equal(parts[0].tpdu_len, parts[0].len - 1);
	/* ModemManager test_create_pdu_gsm_3: the same with VP octet 0x00
	 * (5 minutes) */
	o.has_vp = true;
	o.vp_relative = 0;
	assert_int_equal(sms_submit_encode_text(&o, "This is really cool ΔΔΔΔΔ",
						strlen("This is really cool ΔΔΔΔΔ"), parts, 4),
			 1);
	assert_hex(&parts[0], "0011000B915155661632F40000001954747A0E4ACF41F27298CDCE83C6"
			      "EF371B0481402010");
	/* ModemManager test_create_pdu_ucs2_with_smsc */
	o.to = "+15555551234";
	o.smsc = "+19037029920";
	o.seg.pref = SMS_PREF_UCS2;
	assert_int_equal(sms_submit_encode_text(&o, "Да здравствует король, детка!",
						strlen("Да здравствует король, детка!"), parts, 4),
			 1);
	assert_hex(&parts[0],
		   "07919130079229F01100" "0B915155551532F4" "0008" "00" "3A"
		   "04140430002004370434044004300432044104420432044304350442002004"
		   "3A043E0440043E043B044C002C0020043404350442043A04300021");
	assert_int_equal(parts[0].tpdu_len, parts[0].len - 8);
}

static void test_encode_python_gsmmodem(void **state)
{
	struct sms_submit_opts o = { .to = "+27820001111" };
	(void)state;
	/* python-gsmmodem test_encodeSmsSubmit case 1 */
	assert_int_equal(sms_submit_encode_text(&o, "Hello World!", 12, parts, 4), 1);
	assert_hex(&parts[0], "0001000B917228001011F100000CC8329BFD065DDF72363904");
	/* case 2: UCS-2, VP 52 weeks (0xF4), SMSC +44000000000 */
	o.to = "+123456789";
	o.smsc = "+44000000000";
	o.has_vp = true;
	o.vp_relative = sms_vp_relative_from_minutes(52u * 7 * 24 * 60);
	assert_int_equal(sms_submit_encode_text(&o, "世界您好！", strlen("世界您好！"), parts, 4),
			 1);
	assert_hex(&parts[0], "07914400000000F01100099121436587F90008F40A4E16754C60A8597DFF01");
}

static void test_encode_flash_report_national(void **state)
{
	struct sms_submit_opts o = { .to = "0129998765", .flash = true, .status_report = true };
	(void)state;
	assert_int_equal(sms_submit_encode_text(&o, "hi", 2, parts, 4), 1);
	assert_int_equal(sms_pdu_decode(parts[0].pdu, parts[0].len, true, &msg), 0);
	assert_true(msg.srr);
	assert_int_equal(msg.dcs.msg_class, SMS_CLASS_0);
	assert_int_equal(msg.dcs_octet, 0x10);
	assert_int_equal(msg.addr.ton, SMS_TON_UNKNOWN);
	assert_string_equal(msg.addr.number, "0129998765");
	assert_false(msg.udhi);
	/* bad numbers */
	o.to = "12ab";
	assert_int_equal(sms_submit_encode_text(&o, "hi", 2, parts, 4), -EINVAL);
	o.to = "+123456789012345678901";
	assert_int_equal(sms_submit_encode_text(&o, "hi", 2, parts, 4), -EINVAL);
	o.to = "";
	assert_int_equal(sms_submit_encode_text(&o, "hi", 2, parts, 4), -EINVAL);
	/* too small an output array */
	o.to = "+1";
	assert_int_equal(sms_submit_encode_text(&o, "x", 1, parts, 0), -E2BIG);
}

static void test_encode_deliver_and_report(void **state)
{
	struct sms_pdu m;
	uint8_t buf[SMS_PDU_MAX];
	size_t tpdu = 0;
	int n;
	(void)state;
	/* Re-encoding the decoded python-gsmmodem and ModemManager PDUs gives
	 * the same octets (DELIVER with alphanumeric sender, STATUS-REPORT). */
	static const char *const same[] = {
		"07919730071111F10414D04937BD2C7797E9D3E6140008113092910240610804420435044104"
		"42",
		"07914356060013F1065A098136397339F7219011700463802190117004638030",
		"0006D60B911326880736F4111011719551401110117195714000",
		"07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701",
		/* ModemManager multipart part 2 with its fill bit cleared (the
		 * sender set it; 23.040 9.2.3.24 says fill bits are zero) */
		"07912160130320F6440B916171056429F5000021405291651569320500034C0202E8E8301D4447"
		"9741F0B09C3E0785E56590BCCC0ED3CB6410FD0D7ABBCBA0B0FB4D4797E52E10",
		"0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F43C885E"
		"9ED301",
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char hex[2 * SMS_PDU_MAX + 1];
		assert_int_equal(sms_pdu_decode_hex(same[i], strlen(same[i]), &m), 0);
		n = sms_pdu_encode(&m, buf, sizeof(buf), &tpdu);
		assert_true(n > 0);
		sms_hex_encode(buf, (size_t)n, hex, sizeof(hex));
		assert_string_equal(hex, same[i]);
	}
	/* too small a buffer */
	assert_int_equal(sms_pdu_encode(&m, buf, 10, NULL), -E2BIG);
}

/* ---- random round trips -------------------------------------------- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

/* Character pools (UTF-8). */
static const char *const pool_gsm[] = {
	"a", "Z", "0", " ", "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø",
	"ø", "\r", "Å", "å", "Δ", "_", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", "Æ",
	"æ", "ß", "É", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-",
	".", "/", ":", ";", "<", "=", ">", "?", "¡", "Ä", "Ö", "Ñ", "Ü", "§", "¿", "ä",
	"ö", "ñ", "ü", "à", "^", "{", "}", "\\", "[", "~", "]", "|", "€", "\f",
};
static const char *const pool_other[] = {
	"你", "好", "Ж", "я", "ő", "ł", "—", "“", "”", "…", "😀", "🎉", "𝄞", "ą", "ğ", "ş",
};
static const char *const pool_turkish[] = { "ğ", "Ğ", "ş", "Ş", "ı", "İ", "a", "b", " " };

static size_t rand_text(char *out, size_t max, unsigned chars, int kind)
{
	size_t pos = 0;
	for (unsigned i = 0; i < chars; i++) {
		const char *c;
		if (kind == 0)
			c = pool_gsm[rng() % (sizeof(pool_gsm) / sizeof(pool_gsm[0]))];
		else if (kind == 2)
			c = pool_turkish[rng() % (sizeof(pool_turkish) / sizeof(pool_turkish[0]))];
		else if (rng() % 3)
			c = pool_gsm[rng() % (sizeof(pool_gsm) / sizeof(pool_gsm[0]))];
		else
			c = pool_other[rng() % (sizeof(pool_other) / sizeof(pool_other[0]))];
		if (pos + strlen(c) + 1 > max)
			break;
		memcpy(out + pos, c, strlen(c));
		pos += strlen(c);
	}
	out[pos] = '\0';
	return pos;
}

static struct sms_reasm_part slots[SMS_MAX_PARTS];
static char text[5000], back[5000];

static void round_trip(const char *t, size_t len, const struct sms_submit_opts *o,
		       enum sms_encoding want_enc)
{
	struct sms_reasm r;
	struct sms_reasm_key key;
	enum sms_reasm_status st = SMS_REASM_SINGLE;
	unsigned order[SMS_MAX_PARTS];
	size_t joined = 0;
	int n = sms_submit_encode_text(o, t, len, parts, SMS_MAX_PARTS);

	if (n < 0)
		fail_msg("encode failed %d for %zu bytes", n, len);
	sms_reasm_init(&r, slots, SMS_MAX_PARTS);
	for (int i = 0; i < n; i++)
		order[i] = (unsigned)i;
	for (int i = n - 1; i > 0; i--) { /* shuffle: parts arrive in any order */
		unsigned j = rng() % (unsigned)(i + 1), tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (int k = 0; k < n; k++) {
		const struct sms_encoded_pdu *p = &parts[order[k]];
		assert_int_equal(sms_pdu_decode(p->pdu, p->len, true, &msg), 0);
		assert_int_equal(p->tpdu_len, p->len - p->pdu[0] - 1);
		assert_int_equal(msg.type, SMS_PDU_SUBMIT);
		assert_string_equal(msg.addr.number, o->to);
		assert_int_equal(msg.srr, o->status_report);
		assert_int_equal(msg.encoding, want_enc);
		assert_int_equal(msg.udh.concat, n > 1);
		if (n == 1) {
			assert_int_equal(msg.text_len, len);
			assert_memory_equal(msg.text, t, len);
			continue;
		}
		assert_int_equal(msg.udh.total, n);
		assert_int_equal(msg.udh.seq, order[k] + 1);
		assert_int_equal(msg.udh.concat16, o->seg.ref16);
		assert_int_equal(sms_reasm_add(&r, &msg, (uint64_t)k, &key, &st), 0);
		assert_int_equal(st, k == n - 1 ? SMS_REASM_COMPLETE : SMS_REASM_STORED);
		/* a duplicate is ignored */
		assert_int_equal(sms_reasm_add(&r, &msg, 99, &key, &st), 0);
		assert_int_equal(st, SMS_REASM_DUPLICATE);
		if (k + 1 < n)
			continue;
		assert_int_equal(sms_reasm_take(&r, &key, true, NULL, back, sizeof(back)),
				 (int)len);
		assert_memory_equal(back, t, len);
		joined = len;
	}
	if (n > 1)
		assert_int_equal(joined, len);
}

static void test_round_trip_random(void **state)
{
	static const unsigned edges[] = { 0, 1, 66, 67, 69, 70, 71, 133, 134, 152, 153, 159,
					  160, 161, 305, 306, 307, 459, 999, 1000 };
	static const enum sms_lang turkish[] = { SMS_LANG_TURKISH };
	(void)state;
	rng_state = 0x5EED5EEDu;
	for (int kind = 0; kind < 5; kind++) {
		for (unsigned it = 0; it < 120; it++) {
			struct sms_submit_opts o = { .to = "+4915112345678" };
			unsigned chars = it < 20 ? edges[it] : rng() % 1001;
			enum sms_encoding want;
			size_t len;
			o.status_report = rng() & 1;
			o.seg.ref16 = rng() & 1;
			o.ref = (uint16_t)(o.seg.ref16 ? rng() : rng() & 0xFF);
			o.to = (rng() & 1) ? "+4915112345678" : "015112345678";
			switch (kind) {
			case 0: /* GSM-7, auto */
				len = rand_text(text, sizeof(text), chars, 0);
				want = SMS_ENC_GSM7;
				break;
			case 1: /* GSM-7 text forced to UCS-2 */
				len = rand_text(text, sizeof(text), chars, 0);
				o.seg.pref = SMS_PREF_UCS2;
				want = SMS_ENC_UCS2;
				break;
			case 2: /* mixed: auto picks UCS-2 when a character needs it */
				len = rand_text(text, sizeof(text), chars, 1);
				want = sms_gsm7_count(text, len, &SMS_GSM7_DEFAULT) >= 0
					       ? SMS_ENC_GSM7
					       : SMS_ENC_UCS2;
				break;
			case 3: /* Turkish national tables keep it in GSM-7 */
				len = rand_text(text, sizeof(text), chars, 2);
				o.seg.langs = turkish;
				o.seg.n_langs = 1;
				want = SMS_ENC_GSM7;
				break;
			default: /* GSM-7 forced */
				len = rand_text(text, sizeof(text), chars, 0);
				o.seg.pref = SMS_PREF_GSM7;
				want = SMS_ENC_GSM7;
				break;
			}
			round_trip(text, len, &o, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_modemmanager),
		cmocka_unit_test(test_encode_python_gsmmodem),
		cmocka_unit_test(test_encode_flash_report_national),
		cmocka_unit_test(test_encode_deliver_and_report),
		cmocka_unit_test(test_round_trip_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
