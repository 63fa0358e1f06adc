/* PDU decoding against real-world PDUs from other projects' test suites
 * (tests/fixtures/sms/pdus.txt cites each one), spec-derived variants, and
 * malformed input. */
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

#ifndef SMS_FIXTURE_DIR
#error "SMS_FIXTURE_DIR must be defined"
#endif

static char fixture_hex[64][1024];
static char fixture_name[64][32];
static int n_fixtures;

static int load_fixtures(void **state)
{
	FILE *f = fopen(SMS_FIXTURE_DIR "/pdus.txt", "r");
	char line[1200];

	(void)state;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n_fixtures < 64) {
		char *sp;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		if (strlen(line) >= sizeof(fixture_name[0]) ||
		    strlen(sp + 1) >= sizeof(fixture_hex[0]))
			continue;
		memcpy(fixture_name[n_fixtures], line, strlen(line) + 1);
		memcpy(fixture_hex[n_fixtures], sp + 1, strlen(sp + 1) + 1);
		n_fixtures++;
	}
	fclose(f);
	return n_fixtures > 0 ? 0 : -1;
}

static const char *fixture(const char *name)
{
	for (int i = 0; i < n_fixtures; i++)
		if (!strcmp(fixture_name[i], name))
			return fixture_hex[i];
	fail_msg("no fixture %s", name);
	return NULL;
}

static struct sms_pdu msg;

static void decode_ok(const char *hex)
{
	int rc = sms_pdu_decode_hex(hex, strlen(hex), &msg);
	assert_int_equal(rc, 0);
}

static void assert_ts(const struct sms_time *t, const char *want)
{
	char ts[SMS_TIME_STR_MAX];
	assert_int_equal(sms_time_format(t, ts, sizeof(ts)), 25);
	assert_string_equal(ts, want);
}

static void test_mm_pdu1_negative_tz(void **state)
{
	(void)state;
	decode_ok(fixture("mm_pdu1"));
	assert_int_equal(msg.type, SMS_PDU_DELIVER);
	assert_true(msg.has_smsc);
	assert_string_equal(msg.smsc.number, "+12404492164");
	assert_string_equal(msg.addr.number, "+16175927198");
	assert_int_equal(msg.addr.ton, SMS_TON_INTERNATIONAL);
	assert_int_equal(msg.encoding, SMS_ENC_GSM7);
	assert_ts(&msg.scts, "2011-02-28T11:50:50-05:00");
	assert_int_equal(msg.scts.tz, -20);
	assert_string_equal(msg.text, "Here's a longer message [{with some extended characters}] "
				      "thrown in, such as £ and ΩΠΨ and §¿ as well.");
	assert_false(msg.udh.concat);
}

static void test_mm_pdu2_alnum_even(void **state)
{
	(void)state;
	decode_ok(fixture("mm_pdu2"));
	assert_int_equal(msg.addr.ton, SMS_TON_ALPHANUMERIC);
	assert_string_equal(msg.addr.number, "InternetSMS");
	assert_int_equal(msg.encoding, SMS_ENC_UCS2);
	assert_string_equal(msg.text, "тест");
	assert_ts(&msg.scts, "2011-03-29T19:20:04+04:00");
}

static void test_mm_pdu3_variants(void **state)
{
	(void)state;
	decode_ok(fixture("mm_pdu3"));
	assert_string_equal(msg.smsc.number, "+12345678901");
	assert_string_equal(msg.addr.number, "+18005551212");
	assert_string_equal(msg.text, "hellohello");
	assert_ts(&msg.scts, "2011-01-01T12:34:56+00:00");
	assert_true(msg.mms);
	assert_int_equal(msg.dcs.msg_class, SMS_CLASS_NONE);

	decode_ok(fixture("mm_pdu3_natl"));
	assert_int_equal(msg.addr.ton, SMS_TON_UNKNOWN);
	assert_string_equal(msg.addr.number, "18005551212");

	decode_ok(fixture("mm_pdu3_8bit"));
	assert_int_equal(msg.encoding, SMS_ENC_8BIT);
	assert_int_equal(msg.ud_len, 10);
	assert_memory_equal(msg.ud, "\xe8\x32\x9b\xfd\x46\x97\xd9\xec\x37\xde", 10);
	assert_int_equal(msg.text_len, 0);
}

static void test_mm_dcsf1(void **state)
{
	(void)state;
	decode_ok(fixture("mm_dcsf1"));
	assert_int_equal(msg.dcs.group, SMS_DCS_DATA_CLASS);
	assert_int_equal(msg.dcs.msg_class, SMS_CLASS_1);
	assert_string_equal(msg.addr.number, "1800");
	assert_int_equal(msg.udl, 160);
	assert_ts(&msg.scts, "2011-06-24T13:08:15+02:00");
	assert_string_equal(msg.text,
			    "Info SFR - Confidentiel, à ne jamais transmettre -\r\n"
			    "Voici votre nouveau mot de passe : sw2ced pour gérer "
			    "votre compte SFR sur www.sfr.fr ou par téléphone au 963");
}

static void test_mm_udhi_ref16(void **state)
{
	(void)state;
	decode_ok(fixture("mm_udhi"));
	assert_true(msg.udhi);
	assert_true(msg.udh.concat);
	assert_true(msg.udh.concat16);
	assert_int_equal(msg.udh.ref, 16);
	assert_int_equal(msg.udh.total, 2);
	assert_int_equal(msg.udh.seq, 1);
	assert_string_equal(msg.addr.number, "1002");
	assert_string_equal(msg.text,
			    "Welkom, bel om uw Voicemail te beluisteren naar +31612001233"
			    " (PrePay: *100*1233#). Voicemail ontvangen is altijd gratis."
			    " Voor gebruik van mobiel interne");
}

static void test_mm_multipart(void **state)
{
	(void)state;
	decode_ok(fixture("mm_multi1"));
	assert_true(msg.udh.concat);
	assert_false(msg.udh.concat16);
	assert_int_equal(msg.udh.ref, 76);
	assert_int_equal(msg.udh.seq, 1);
	assert_ts(&msg.scts, "2012-04-25T19:56:50-04:00");
	assert_string_equal(msg.text, "This is a very long test designed to exercise multi part "
				      "capability. It should show up as one message, not as two, as "
				      "the underlying encoding represents ");
	decode_ok(fixture("mm_multi2"));
	assert_int_equal(msg.udh.seq, 2);
	assert_string_equal(msg.smsc.number, "+12063130026");
	assert_string_equal(msg.text, "that the parts are related to one another. ");
}

static void test_mm_submit_and_report(void **state)
{
	(void)state;
	decode_ok(fixture("mm_submit"));
	assert_int_equal(msg.type, SMS_PDU_SUBMIT);
	assert_false(msg.has_smsc);
	assert_true(msg.srr);
	assert_string_equal(msg.addr.number, "639337937");
	assert_string_equal(msg.text, "你好你好你好你好你好你好你好你好你");

	decode_ok(fixture("mm_report"));
	assert_int_equal(msg.type, SMS_PDU_STATUS_REPORT);
	assert_string_equal(msg.smsc.number, "+34656000311");
	assert_string_equal(msg.addr.number, "639337937");
	assert_int_equal(msg.mr, 0x5A);
	assert_int_equal(msg.status, 0x30);
	assert_ts(&msg.scts, "2012-09-11T07:40:36+02:00");
	assert_ts(&msg.discharge, "2012-09-11T07:40:36+02:00");
	assert_false(msg.has_pi);
}

static void test_python_gsmmodem(void **state)
{
	(void)state;
	decode_ok(fixture("pg_test2"));
	assert_string_equal(msg.smsc.number, "+2782913593");
	assert_string_equal(msg.addr.number, "+27821234567");
	assert_string_equal(msg.text, "Test2");
	assert_ts(&msg.scts, "2013-03-08T15:02:16+02:00");

	decode_ok(fixture("pg_easy"));
	assert_string_equal(msg.text, "It is easy to read text messages via AT commands.");
	assert_ts(&msg.scts, "2007-04-12T23:25:42+08:00");

	decode_ok(fixture("pg_ext"));
	assert_string_equal(msg.text, "@{tést}!");

	decode_ok(fixture("pg_submit_vp"));
	assert_int_equal(msg.type, SMS_PDU_SUBMIT);
	assert_int_equal(msg.mr, 13);
	assert_int_equal(msg.vp.format, SMS_VPF_RELATIVE);
	assert_int_equal(sms_vp_relative_minutes(msg.vp.relative), 3 * 24 * 60);
	assert_string_equal(msg.addr.number, "+31628870634");
	assert_string_equal(msg.text, "www.diafaan.com");

	decode_ok(fixture("pg_report"));
	assert_int_equal(msg.type, SMS_PDU_STATUS_REPORT);
	assert_false(msg.has_smsc);
	assert_int_equal(msg.mr, 214);
	assert_int_equal(msg.status, 0);

	decode_ok(fixture("pg_concat1of1"));
	assert_string_equal(msg.addr.number, "2781188");
	assert_true(msg.udh.concat);
	assert_int_equal(msg.udh.ref, 0xC3);
	assert_int_equal(msg.udh.total, 1);
	assert_string_equal(msg.text, "Hello!You have R 19.50 FREE airtime available. R 19.50 "
				      "will expire on 01/07/2013. ");

	decode_ok(fixture("pg_ucs2"));
	assert_string_equal(msg.text, "あ叶葉");

	decode_ok(fixture("pg_8bit"));
	assert_int_equal(msg.encoding, SMS_ENC_8BIT);
	assert_memory_equal(msg.ud, "Hello world!", 12);

	decode_ok(fixture("pg_absvp"));
	assert_int_equal(msg.vp.format, SMS_VPF_ABSOLUTE);
	assert_ts(&msg.vp.absolute, "2013-07-10T13:39:00+02:00");
	assert_string_equal(msg.text, "Timestamp validity test");

	/* A ZTE report with a semi-octet B in the recipient: '#' per 9.1.2.3. */
	decode_ok(fixture("pg_zte_report"));
	assert_string_equal(msg.smsc.number, "+1");
	assert_string_equal(msg.addr.number, "+#08427829207025");
	assert_int_equal(msg.mr, 28);
	assert_ts(&msg.scts, "2013-07-26T14:29:27+02:00");
	assert_ts(&msg.discharge, "2013-07-26T14:29:31+02:00");
}

/* Variants of ModemManager's pdu3 with one field changed as TS 23.038 /
 * 23.040 define it, like ModemManager's own nzpid/mms/natl variants. */
#define PDU3_HEAD "07912143658709F1"
#define PDU3_OA "0B918100551512F2"
#define PDU3_SCTS "11101021436500"
#define PDU3_UD "0AE8329BFD4697D9EC37"

static void test_dcs_groups(void **state)
{
	(void)state;
	/* class 0 (flash): general group with class bit */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "10" PDU3_SCTS PDU3_UD);
	assert_int_equal(msg.dcs.msg_class, SMS_CLASS_0);
	assert_string_equal(msg.text, "hellohello");
	/* message waiting, discard, voicemail active */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "C8" PDU3_SCTS PDU3_UD);
	assert_int_equal(msg.dcs.group, SMS_DCS_MWI_DISCARD);
	assert_true(msg.dcs.mwi_active);
	assert_int_equal(msg.dcs.mwi_type, SMS_MWI_VOICEMAIL);
	assert_string_equal(msg.text, "hellohello");
	/* message waiting, store, fax inactive */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "D1" PDU3_SCTS PDU3_UD);
	assert_int_equal(msg.dcs.group, SMS_DCS_MWI_STORE);
	assert_false(msg.dcs.mwi_active);
	assert_int_equal(msg.dcs.mwi_type, SMS_MWI_FAX);
	/* message waiting, store, UCS-2: "OK" */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "EA" PDU3_SCTS "04004F004B");
	assert_int_equal(msg.dcs.group, SMS_DCS_MWI_STORE_UCS2);
	assert_int_equal(msg.dcs.mwi_type, SMS_MWI_EMAIL);
	assert_string_equal(msg.text, "OK");
	/* reserved group 1000: read as GSM-7 */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "8F" PDU3_SCTS PDU3_UD);
	assert_int_equal(msg.dcs.group, SMS_DCS_RESERVED);
	assert_string_equal(msg.text, "hellohello");
	/* reserved alphabet 11 in the general group: GSM-7 */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "0C" PDU3_SCTS PDU3_UD);
	assert_int_equal(msg.encoding, SMS_ENC_GSM7);
	/* compressed: the user data is octets */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "20" PDU3_SCTS "09E8329BFD4697D9EC37");
	assert_true(msg.dcs.compressed);
	assert_int_equal(msg.encoding, SMS_ENC_8BIT);
	assert_int_equal(msg.ud_len, 9);
	/* auto-deletion group with class 2 */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "52" PDU3_SCTS PDU3_UD);
	assert_int_equal(msg.dcs.group, SMS_DCS_AUTO_DELETE);
	assert_int_equal(msg.dcs.msg_class, SMS_CLASS_2);
}

static void test_dcs_encode_all(void **state)
{
	(void)state;
	/* Every octet outside the reserved groups re-encodes to itself, bit 2
	 * of MWI groups and bit 3 of group 1111 aside (reserved bits). */
	for (int o = 0; o < 256; o++) {
		struct sms_dcs d;
		int back;
		sms_dcs_decode((uint8_t)o, &d);
		back = sms_dcs_encode(&d);
		if (d.group == SMS_DCS_RESERVED) {
			assert_int_equal(back, -EINVAL);
			continue;
		}
		if ((o & 0x0C) == 0x0C && o < 0x80) /* reserved alphabet */
			continue;
		if (o < 0x80 && !(o & 0x10)) /* no class: bits 1..0 unused */
			assert_int_equal(back, o & ~0x03);
		else if (o >= 0xC0 && o < 0xF0)
			assert_int_equal(back, o & ~0x04);
		else if (o >= 0xF0)
			assert_int_equal(back, o & ~0x08);
		else
			assert_int_equal(back, o);
	}
}

static void test_reply_path_and_flags(void **state)
{
	(void)state;
	decode_ok(PDU3_HEAD "A4" PDU3_OA "00" "00" PDU3_SCTS PDU3_UD);
	assert_true(msg.rp);
	assert_true(msg.sri);
	assert_true(msg.mms);
	assert_false(msg.udhi);
}

static void test_negative_tz_quarters(void **state)
{
	(void)state;
	/* python-gsmmodem TestTimestamp: 7040213252242B is 23:25:42 GMT-8 */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "00" "7040213252242B" PDU3_UD);
	assert_ts(&msg.scts, "2007-04-12T23:25:42-08:00");
	/* -03:30 (Newfoundland): 14 quarters -> 0x41 swapped, sign bit -> 0x49 */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "00" "70402132522449" PDU3_UD);
	assert_int_equal(msg.scts.tz, -14);
	assert_ts(&msg.scts, "2007-04-12T23:25:42-03:30");
	/* +05:45 (Nepal): 23 quarters */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "00" "70402132522432" PDU3_UD);
	assert_ts(&msg.scts, "2007-04-12T23:25:42+05:45");
}

static void test_alnum_odd(void **state)
{
	(void)state;
	/* python-gsmmodem TestSmsPduAddressFields: "abc" is 06D061F118 (odd:
	 * 6 semi-octets carry 3 septets), "FRANCOIS" 0ED04669D0397C26A7,
	 * "a[]{}€" 14D0E10D6FE3DBA036A94D19 (extension characters). */
	decode_ok(PDU3_HEAD "04" "06D061F118" "00" "00" PDU3_SCTS PDU3_UD);
	assert_string_equal(msg.addr.number, "abc");
	decode_ok(PDU3_HEAD "04" "0ED04669D0397C26A7" "00" "00" PDU3_SCTS PDU3_UD);
	assert_string_equal(msg.addr.number, "FRANCOIS");
	decode_ok(PDU3_HEAD "04" "14D0E10D6FE3DBA036A94D19" "00" "00" PDU3_SCTS PDU3_UD);
	assert_string_equal(msg.addr.number, "a[]{}€");
	/* national number 0129998765 with TOA A1 (python-gsmmodem) */
	decode_ok(PDU3_HEAD "04" "0AA11092997856" "00" "00" PDU3_SCTS PDU3_UD);
	assert_int_equal(msg.addr.ton, SMS_TON_NATIONAL);
	assert_string_equal(msg.addr.number, "0129998765");
}

static void test_ucs2_emoji(void **state)
{
	(void)state;
	/* U+1F600 as the surrogate pair D83D DE00 (UTF-16BE), then "A" */
	decode_ok(PDU3_HEAD "04" PDU3_OA "00" "08" PDU3_SCTS "06D83DDE000041");
	assert_string_equal(msg.text, "\xF0\x9F\x98\x80" "A");
	/* an odd number of UCS-2 octets is malformed */
	assert_int_equal(sms_pdu_decode_hex(PDU3_HEAD "04" PDU3_OA "00" "08" PDU3_SCTS
						      "03D83DDE",
					    strlen(PDU3_HEAD "04" PDU3_OA "00" "08" PDU3_SCTS
							     "03D83DDE"),
					    &msg),
			 -EINVAL);
}

static void test_udh_other_ies(void **state)
{
	(void)state;
	/* UDH (8-bit data): 16-bit ports 0B84/23F0 (WAP push, python-gsmmodem's
	 * PortAddress coding), an unknown IEI 0x70 (skipped), 8-bit concat. */
	decode_ok(PDU3_HEAD "44" PDU3_OA "00" "04" PDU3_SCTS
			    "12" "0F" "05040B8423F0" "7002AABB" "0003070302" "CAFE");
	assert_true(msg.udh.ports);
	assert_int_equal(msg.udh.dst_port, 0x0B84);
	assert_int_equal(msg.udh.src_port, 0x23F0);
	assert_int_equal(msg.udh.n_ie, 3);
	assert_int_equal(msg.udh.ie[1].iei, 0x70);
	assert_true(msg.udh.concat);
	assert_int_equal(msg.udh.ref, 7);
	assert_int_equal(msg.udh.total, 3);
	assert_int_equal(msg.udh.seq, 2);
	assert_int_equal(msg.ud_len, 2);
	assert_memory_equal(msg.ud, "\xCA\xFE", 2);
	/* concat IE with seq 0 is ignored (23.040 9.2.3.24.1) */
	decode_ok(PDU3_HEAD "44" PDU3_OA "00" "04" PDU3_SCTS "06" "05" "0003070300" "CA");
	assert_false(msg.udh.concat);
}

static void test_udh_gsm7_fill(void **state)
{
	(void)state;
	/* ModemManager multipart part 2: UDHL 5 -> 48 bits, 1 fill bit */
	decode_ok(fixture("mm_multi2"));
	assert_int_equal(msg.udl, 0x32);
	assert_int_equal(msg.ud_len, 0x32 - 7);
}

static void test_national_shift_decode(void **state)
{
	(void)state;
	/* Turkish locking shift (IEI 25 01): septet 0x07 is 'ı' in the Turkish
	 * locking table (23.038 A.3.1) where the default table has 'ì'. UDH
	 * 03 25 01 ... = 4 octets -> 5 septets with 3 fill bits. Payload one
	 * septet 0x07 -> 0x07 << 3 = 0x38, then its top 2 bits (0). */
	decode_ok(PDU3_HEAD "44" PDU3_OA "00" "00" PDU3_SCTS "06" "03250101" "3800");
	assert_int_equal(msg.tables.locking, SMS_LANG_TURKISH);
	assert_int_equal(msg.ud_len, 1);
	assert_int_equal(msg.ud[0], 0x07);
	assert_string_equal(msg.text, "ı");
	/* an unsupported language id (0x0D, Urdu) reads with the default table */
	decode_ok(PDU3_HEAD "44" PDU3_OA "00" "00" PDU3_SCTS "06" "0325010D" "3800");
	assert_int_equal(msg.tables.locking, SMS_LANG_DEFAULT);
	assert_string_equal(msg.text, "ì");
}

static void test_malformed(void **state)
{
	static const char *bad[] = {
		"",				   /* empty */
		"0",				   /* odd length */
		"07912143658709F",		   /* odd length */
		"07912143658709F1040B9181005515", /* truncated in the address */
		"0G",				   /* non-hex */
		"07 91",			   /* space */
		"0B912143658709F1040B918100551512F20000", /* SMSC length past 10 */
		PDU3_HEAD "07" PDU3_OA "0000" PDU3_SCTS PDU3_UD, /* MTI 11 */
		PDU3_HEAD "04" PDU3_OA "0000" PDU3_SCTS "0BE8329BFD4697D9EC37", /* UDL past end */
		PDU3_HEAD "04" PDU3_OA "0000" PDU3_SCTS, /* no UDL */
		PDU3_HEAD "04" PDU3_OA "0000" "1110102143", /* truncated SCTS */
		PDU3_HEAD "04" PDU3_OA "0000" "1A101021436500" PDU3_UD, /* non-BCD */
		PDU3_HEAD "04" "15918100551512F2" "0000" PDU3_SCTS PDU3_UD, /* 21 digits */
		PDU3_HEAD "44" PDU3_OA "0004" PDU3_SCTS "0305000301", /* IE past UDHL */
		PDU3_HEAD "44" PDU3_OA "0004" PDU3_SCTS "0209000301", /* UDHL past UDL */
		PDU3_HEAD "44" PDU3_OA "0000" PDU3_SCTS "00", /* UDHI, UDL 0 */
		PDU3_HEAD "44" PDU3_OA "0000" PDU3_SCTS "02" "05000301AA", /* hdr > UDL */
		PDU3_HEAD "04" PDU3_OA "0000" PDU3_SCTS "A1" "00", /* 161 septets */
		"0041010C910661345542F60008A0050003000301306F3044", /* python-gsmmodem: UDL too long */
		"00", "0001", "000100", "0002", "00020000",
		"07914356060013F1065A098136397339F72190117004638021901170046380", /* no TP-ST */
		("07914356060013F1065A098136397339F7219011700463802190117004638030" "04"), /* PI: UDL missing */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = sms_pdu_decode_hex(bad[i], strlen(bad[i]), &msg);
		if (rc != -EINVAL)
			fail_msg("case %zu (%s): %d", i, bad[i], rc);
	}
	/* every truncation of every fixture fails cleanly or decodes */
	for (int f = 0; f < n_fixtures; f++) {
		size_t len = strlen(fixture_hex[f]);
		assert_int_equal(sms_pdu_decode_hex(fixture_hex[f], len, &msg), 0);
		for (size_t cut = 0; cut < len; cut += 2) {
			int rc = sms_pdu_decode_hex(fixture_hex[f], cut, &msg);
			assert_true(rc == 0 || rc == -EINVAL);
		}
	}
}

static void test_report_with_pi(void **state)
{
	(void)state;
	/* mm_report plus TP-PI 07 (PID, DCS, UDL), PID 00, DCS 00, UDL 2 "hi" */
	decode_ok("07914356060013F1065A098136397339F7219011700463802190117004638030"
		  "07" "00" "00" "02E834");
	assert_true(msg.has_pi);
	assert_int_equal(msg.pi, 7);
	assert_string_equal(msg.text, "hi");
	/* an extension PI octet (bit 7) is skipped */
	decode_ok("07914356060013F1065A098136397339F7219011700463802190117004638030"
		  "80" "00");
	assert_int_equal(msg.pi, 0x80);
}

static void test_hex_helpers(void **state)
{
	uint8_t b[4];
	char h[9];
	(void)state;
	assert_int_equal(sms_hex_decode("0aFf", 4, b, sizeof(b)), 2);
	assert_int_equal(b[0], 0x0A);
	assert_int_equal(b[1], 0xFF);
	assert_int_equal(sms_hex_decode("0aFf00112233", 12, b, sizeof(b)), -E2BIG);
	assert_int_equal(sms_hex_decode("0x", 2, b, sizeof(b)), -EINVAL);
	assert_int_equal(sms_hex_decode("0aFf", 4, b, sizeof(b)), 2);
	assert_int_equal(sms_hex_encode(b, 2, h, sizeof(h)), 4);
	assert_string_equal(h, "0AFF");
	assert_int_equal(sms_hex_encode(b, 4, h, 8), -E2BIG);
	/* Every byte value in every position of an 8-character block (the
	 * decoder's 64-bit fast path) and of the tail. */
	for (int len = 8; len <= 10; len += 2)
		for (int pos = 0; pos < len; pos++)
			for (int c = 0; c < 256; c++) {
				char s[11] = "0123abCDeF";
				uint8_t o[5], want[5] = { 0x01, 0x23, 0xAB, 0xCD, 0xEF };
				int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
					  (c >= 'A' && c <= 'F');
				int r;
				s[pos] = (char)c;
				r = sms_hex_decode(s, (size_t)len, o, sizeof(o));
				if (!hex) {
					assert_int_equal(r, -EINVAL);
					continue;
				}
				assert_int_equal(r, len / 2);
				unsigned v = c <= '9' ? (unsigned)c - '0' : ((unsigned)c | 0x20) - 'a' + 10;
				want[pos / 2] = (pos & 1) ? (uint8_t)((want[pos / 2] & 0xF0) | v)
							  : (uint8_t)((want[pos / 2] & 0x0F) | v << 4);
				assert_memory_equal(o, want, (size_t)len / 2);
			}
}

static void test_vp_relative(void **state)
{
	(void)state;
	/* python-gsmmodem TestRelativeValidityPeriod */
	assert_int_equal(sms_vp_relative_from_minutes(30), 5);
	assert_int_equal(sms_vp_relative_from_minutes(16 * 60), 151);
	assert_int_equal(sms_vp_relative_from_minutes(3 * 24 * 60), 169);
	assert_int_equal(sms_vp_relative_from_minutes(5 * 7 * 24 * 60), 197);
	assert_int_equal(sms_vp_relative_minutes(0), 5);
	assert_int_equal(sms_vp_relative_minutes(143), 720);
	assert_int_equal(sms_vp_relative_minutes(167), 24 * 60);
	assert_int_equal(sms_vp_relative_minutes(255), 63 * 7 * 24 * 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mm_pdu1_negative_tz),
		cmocka_unit_test(test_mm_pdu2_alnum_even),
		cmocka_unit_test(test_mm_pdu3_variants),
		cmocka_unit_test(test_mm_dcsf1),
		cmocka_unit_test(test_mm_udhi_ref16),
		cmocka_unit_test(test_mm_multipart),
		cmocka_unit_test(test_mm_submit_and_report),
		cmocka_unit_test(test_python_gsmmodem),
		cmocka_unit_test(test_dcs_groups),
		cmocka_unit_test(test_dcs_encode_all),
		cmocka_unit_test(test_reply_path_and_flags),
		cmocka_unit_test(test_negative_tz_quarters),
		cmocka_unit_test(test_alnum_odd),
		cmocka_unit_test(test_ucs2_emoji),
		cmocka_unit_test(test_udh_other_ies),
		cmocka_unit_test(test_udh_gsm7_fill),
		cmocka_unit_test(test_national_shift_decode),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_report_with_pi),
		cmocka_unit_test(test_hex_helpers),
		cmocka_unit_test(test_vp_relative),
	};
	return cmocka_run_group_tests(tests, load_fixtures, NULL);
}
