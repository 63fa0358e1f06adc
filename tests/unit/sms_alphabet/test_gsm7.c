/* GSM 7-bit alphabet, packing and UTF-16 tests (drivers/sms alphabet.h).
 *
 * The expected tables below are an independent transcription of 3GPP TS
 * 23.038 V18.0.0 6.2.1 / 6.2.1.1 / A.2 / A.3 as UTF-8 strings (cross-checked
 * with ndf-zz/gsmcodecs lut/ CSV files and AOSP GsmAlphabet.java), not a copy of
 * the library's code point lists. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sms/alphabet.h"

#define ESC_MARK "\x1b" /* stands for septet 0x1B in the table strings */

/* 23.038 6.2.1: septets 0x00..0x7F in order. */
static const char *const default_table =
	"@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
	"\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e" ESC_MARK
	"\u00c6\u00e6\u00df\u00c9"
	" !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
	"\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
	"\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0";

/* 23.038 A.3.1 Turkish locking shift. */
static const char *const turkish_table =
	"@\u00a3$\u00a5\u20ac\u00e9\u00f9\u0131\u00f2\u00c7\n\u011e\u011f\r\u00c5\u00e5"
	"\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e" ESC_MARK
	"\u015e\u015f\u00df\u00c9"
	" !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
	"\u0130ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
	"\u00e7abcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0";

/* 23.038 A.3.3 Portuguese locking shift. */
static const char *const portuguese_table =
	"@\u00a3$\u00a5\u00ea\u00e9\u00fa\u00ed\u00f3\u00e7\n\u00d4\u00f4\r\u00c1\u00e1"
	"\u0394_\u00aa\u00c7\u00c0\u221e^\\\u20ac\u00d3|" ESC_MARK "\u00c2\u00e2\u00ca\u00c9"
	" !\"#\u00ba%&'()*+,-./0123456789:;<=>?"
	"\u00cdABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c3\u00d5\u00da\u00dc\u00a7"
	"~abcdefghijklmnopqrstuvwxyz\u00e3\u00f5\u0060\u00fc\u00e0";

struct ext_entry {
	uint8_t septet;
	const char *utf8;
};

/* 23.038 6.2.1.1 default extension table. */
static const struct ext_entry default_ext[] = {
	{ 0x0A, "\f" }, { 0x14, "^" }, { 0x28, "{" }, { 0x29, "}" }, { 0x2F, "\\" },
	{ 0x3C, "[" },	{ 0x3D, "~" }, { 0x3E, "]" }, { 0x40, "|" }, { 0x65, "\u20ac" },
};
/* 23.038 A.2.1 Turkish single shift (beyond the default extension). */
static const struct ext_entry turkish_ext[] = {
	{ 0x47, "\u011e" }, { 0x49, "\u0130" }, { 0x53, "\u015e" }, { 0x63, "\u00e7" },
	{ 0x67, "\u011f" }, { 0x69, "\u0131" }, { 0x73, "\u015f" },
};
/* 23.038 A.2.2 Spanish single shift. */
static const struct ext_entry spanish_ext[] = {
	{ 0x09, "\u00e7" }, { 0x41, "\u00c1" }, { 0x49, "\u00cd" }, { 0x4F, "\u00d3" },
	{ 0x55, "\u00da" }, { 0x61, "\u00e1" }, { 0x69, "\u00ed" }, { 0x6F, "\u00f3" },
	{ 0x75, "\u00fa" },
};
/* 23.038 A.2.3 Portuguese single shift. */
static const struct ext_entry portuguese_ext[] = {
	{ 0x05, "\u00ea" }, { 0x09, "\u00e7" }, { 0x0B, "\u00d4" }, { 0x0C, "\u00f4" },
	{ 0x0E, "\u00c1" }, { 0x0F, "\u00e1" }, { 0x12, "\u03a6" }, { 0x13, "\u0393" },
	{ 0x15, "\u03a9" }, { 0x16, "\u03a0" }, { 0x17, "\u03a8" }, { 0x18, "\u03a3" },
	{ 0x19, "\u0398" }, { 0x1F, "\u00ca" }, { 0x41, "\u00c0" }, { 0x49, "\u00cd" },
	{ 0x4F, "\u00d3" }, { 0x55, "\u00da" }, { 0x5B, "\u00c3" }, { 0x5C, "\u00d5" },
	{ 0x61, "\u00c2" }, { 0x69, "\u00ed" }, { 0x6F, "\u00f3" }, { 0x75, "\u00fa" },
	{ 0x7B, "\u00e3" }, { 0x7C, "\u00f5" }, { 0x7F, "\u00e2" },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Bytes of the UTF-8 character starting at s. */
static size_t u8len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static void hex_to_bytes(const char *hex, uint8_t *out, size_t *n)
{
	size_t len = strlen(hex);
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
}

/* Checks one locking table (full, 128 entries) both ways. */
static void check_locking(const char *table, struct sms_gsm7_tables t)
{
	const char *p = table;
	for (int s = 0; s < 128; s++) {
		size_t k = u8len(p);
		uint8_t sep[4];
		char out[8];
		int rc;

		if (s == 0x1B) {
			assert_memory_equal(p, ESC_MARK, 1);
			p += k;
			continue;
		}
		/* encode */
		rc = sms_gsm7_from_utf8(p, k, &t, sep, sizeof(sep));
		assert_int_equal(rc, 1);
		assert_int_equal(sep[0], s);
		/* decode */
		sep[0] = (uint8_t)s;
		rc = sms_gsm7_to_utf8(sep, 1, &t, out, sizeof(out));
		assert_int_equal(rc, (int)k);
		assert_memory_equal(out, p, k);
		assert_int_equal(out[k], '\0');
		p += k;
	}
	assert_int_equal(*p, '\0');
}

/* Extension entries decode both ways with the given single-shift table.
 * A character the locking table also holds encodes as one septet there. */
static void check_shift(const struct ext_entry *e, size_t n, struct sms_gsm7_tables t)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t sep[4] = { SMS_GSM7_ESC, e[i].septet };
		size_t k = strlen(e[i].utf8);
		char out[8];
		int rc = sms_gsm7_to_utf8(sep, 2, &t, out, sizeof(out));

		assert_int_equal(rc, (int)k);
		assert_memory_equal(out, e[i].utf8, k);
		rc = sms_gsm7_from_utf8(e[i].utf8, k, &t, sep, sizeof(sep));
		if (rc == 1) {
			/* Must then be in the locking table. */
			rc = sms_gsm7_to_utf8(sep, 1, &t, out, sizeof(out));
			assert_int_equal(rc, (int)k);
			assert_memory_equal(out, e[i].utf8, k);
		} else {
			assert_int_equal(rc, 2);
			assert_int_equal(sep[0], SMS_GSM7_ESC);
			assert_int_equal(sep[1], e[i].septet);
		}
	}
}

static void test_default_table(void **state)
{
	(void)state;
	check_locking(default_table, SMS_GSM7_DEFAULT);
	check_shift(default_ext, N_OF(default_ext), SMS_GSM7_DEFAULT);
	/* With the default tables nothing in the extension table is also in
	 * the default table: every one takes two septets. */
	for (size_t i = 0; i < N_OF(default_ext); i++)
		assert_int_equal(sms_gsm7_count(default_ext[i].utf8, strlen(default_ext[i].utf8),
						NULL),
				 2);
}

/* Exactly the 127 + 10 characters of the default tables are encodable. */
static void test_default_exact_set(void **state)
{
	(void)state;
	int ones = 0, twos = 0;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		char u[4];
		size_t k;
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		if (cp < 0x80) {
			u[0] = (char)cp;
			k = 1;
		} else if (cp < 0x800) {
			u[0] = (char)(0xC0 | (cp >> 6));
			u[1] = (char)(0x80 | (cp & 0x3F));
			k = 2;
		} else if (cp < 0x10000) {
			u[0] = (char)(0xE0 | (cp >> 12));
			u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			u[2] = (char)(0x80 | (cp & 0x3F));
			k = 3;
		} else {
			u[0] = (char)(0xF0 | (cp >> 18));
			u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
			u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
			u[3] = (char)(0x80 | (cp & 0x3F));
			k = 4;
		}
		int rc = sms_gsm7_count(u, k, NULL);
		if (rc == 1)
			ones++;
		else if (rc == 2)
			twos++;
		else
			assert_int_equal(rc, -ERANGE);
	}
	assert_int_equal(ones, 127);
	assert_int_equal(twos, 10);
}

static void test_national_tables(void **state)
{
	(void)state;
	struct sms_gsm7_tables tr = { SMS_LANG_TURKISH, SMS_LANG_TURKISH };
	struct sms_gsm7_tables pt = { SMS_LANG_PORTUGUESE, SMS_LANG_PORTUGUESE };
	struct sms_gsm7_tables es = { SMS_LANG_DEFAULT, SMS_LANG_SPANISH };
	struct sms_gsm7_tables tr_s = { SMS_LANG_DEFAULT, SMS_LANG_TURKISH };
	struct sms_gsm7_tables pt_s = { SMS_LANG_DEFAULT, SMS_LANG_PORTUGUESE };

	check_locking(turkish_table, tr);
	check_locking(portuguese_table, pt);
	check_locking(default_table, es);
	for (int i = 0; i < 3; i++) {
		struct sms_gsm7_tables t[3] = { tr_s, es, pt_s };
		check_shift(default_ext, N_OF(default_ext), t[i]);
	}
	check_shift(turkish_ext, N_OF(turkish_ext), tr_s);
	check_shift(turkish_ext, N_OF(turkish_ext), tr);
	check_shift(spanish_ext, N_OF(spanish_ext), es);
	check_shift(portuguese_ext, N_OF(portuguese_ext), pt_s);
	check_shift(portuguese_ext, N_OF(portuguese_ext), pt);
}

static void test_national_texts(void **state)
{
	(void)state;
	uint8_t sep[64];
	char out[128];
	/* Turkish: every letter is in the Turkish locking table. */
	const char *tr_text = "\u015eu \u00e7i\u011fde\u011fi \u0130\u00e7 \u0131\u015f\u0131k \u00c7";
	struct sms_gsm7_tables tr = { SMS_LANG_TURKISH, SMS_LANG_TURKISH };
	struct sms_gsm7_tables tr_s = { SMS_LANG_DEFAULT, SMS_LANG_TURKISH };
	int chars = 20;

	assert_int_equal(sms_gsm7_count(tr_text, strlen(tr_text), NULL), -ERANGE);
	assert_int_equal(sms_gsm7_count(tr_text, strlen(tr_text), &tr), chars);
	int n = sms_gsm7_from_utf8(tr_text, strlen(tr_text), &tr, sep, sizeof(sep));
	assert_int_equal(n, chars);
	assert_int_equal(sms_gsm7_to_utf8(sep, (size_t)n, &tr, out, sizeof(out)), (int)strlen(tr_text));
	assert_string_equal(out, tr_text);
	/* Single shift only: ş ğ ı İ cost two septets each, Ç stays 0x09. */
	n = sms_gsm7_from_utf8("\u015f\u00c7", 4, &tr_s, sep, sizeof(sep));
	assert_int_equal(n, 3);
	assert_int_equal(sep[0], 0x1B);
	assert_int_equal(sep[1], 0x73);
	assert_int_equal(sep[2], 0x09);

	/* Spanish single shift: á í ó ú ç. */
	struct sms_gsm7_tables es = { SMS_LANG_DEFAULT, SMS_LANG_SPANISH };
	const char *es_text = "\u00e1\u00ed\u00f3\u00fa\u00e7";
	static const uint8_t es_sep[] = { 0x1B, 0x61, 0x1B, 0x69, 0x1B, 0x6F, 0x1B, 0x75, 0x1B, 0x09 };
	assert_int_equal(sms_gsm7_count(es_text, strlen(es_text), NULL), -ERANGE);
	n = sms_gsm7_from_utf8(es_text, strlen(es_text), &es, sep, sizeof(sep));
	assert_int_equal(n, 10);
	assert_memory_equal(sep, es_sep, 10);
	assert_int_equal(sms_gsm7_to_utf8(sep, 10, &es, out, sizeof(out)), (int)strlen(es_text));
	assert_string_equal(out, es_text);
	/* Spanish has no locking-shift table. */
	struct sms_gsm7_tables es_l = { SMS_LANG_SPANISH, SMS_LANG_DEFAULT };
	assert_int_equal(sms_gsm7_count("a", 1, &es_l), -EINVAL);
	assert_int_equal(sms_gsm7_to_utf8(sep, 1, &es_l, out, sizeof(out)), -EINVAL);
	struct sms_gsm7_tables bad = { (enum sms_lang)9, SMS_LANG_DEFAULT };
	assert_int_equal(sms_gsm7_count("a", 1, &bad), -EINVAL);

	/* Portuguese: "Não, você está à vontade" fits the Portuguese locking
	 * table (ã õ ê á à ç ...), and not the default one. */
	struct sms_gsm7_tables pt = { SMS_LANG_PORTUGUESE, SMS_LANG_PORTUGUESE };
	const char *pt_text = "N\u00e3o, voc\u00ea est\u00e1 \u00e0 vontade, a\u00e7\u00e3o!";
	assert_int_equal(sms_gsm7_count(pt_text, strlen(pt_text), NULL), -ERANGE);
	n = sms_gsm7_from_utf8(pt_text, strlen(pt_text), &pt, sep, sizeof(sep));
	assert_int_equal(n, 31);
	assert_int_equal(sms_gsm7_to_utf8(sep, (size_t)n, &pt, out, sizeof(out)), (int)strlen(pt_text));
	assert_string_equal(out, pt_text);
	/* è is in neither Portuguese table. */
	assert_int_equal(sms_gsm7_count("\u00e8", 2, &pt), -ERANGE);
	assert_string_equal(sms_lang_str(SMS_LANG_TURKISH), "turkish");
	assert_string_equal(sms_lang_str(SMS_LANG_PORTUGUESE), "portuguese");
	assert_string_equal(sms_lang_str(SMS_LANG_SPANISH), "spanish");
	assert_string_equal(sms_lang_str(SMS_LANG_DEFAULT), "default");
}

static void test_at_is_not_terminator(void **state)
{
	(void)state;
	uint8_t sep[8], packed[8], back[8];
	char out[16];
	int n = sms_gsm7_from_utf8("@a@@", 4, NULL, sep, sizeof(sep));
	assert_int_equal(n, 4);
	assert_int_equal(sep[0], 0x00);
	assert_int_equal(sep[2], 0x00);
	assert_int_equal(sep[3], 0x00);
	assert_int_equal(sms_gsm7_pack(sep, 4, 0, packed, sizeof(packed)), 4);
	assert_int_equal(sms_gsm7_unpack(packed, 4, 0, 4, back, sizeof(back)), 4);
	assert_memory_equal(back, sep, 4);
	assert_int_equal(sms_gsm7_to_utf8(back, 4, NULL, out, sizeof(out)), 4);
	assert_string_equal(out, "@a@@");
	/* Only '@' septets: all decoded, none dropped. */
	memset(back, 0, sizeof(back));
	assert_int_equal(sms_gsm7_to_utf8(back, 8, NULL, out, sizeof(out)), 8);
	assert_string_equal(out, "@@@@@@@@");
}

static void test_euro_and_escapes(void **state)
{
	(void)state;
	uint8_t sep[8];
	char out[16];
	assert_int_equal(sms_gsm7_count("\u20ac", 3, NULL), 2);
	assert_int_equal(sms_gsm7_count("a\u20acb", 5, NULL), 4);
	assert_int_equal(sms_gsm7_from_utf8("\u20ac", 3, NULL, sep, sizeof(sep)), 2);
	assert_int_equal(sep[0], 0x1B);
	assert_int_equal(sep[1], 0x65);
	/* Escape + a septet with no extension entry: the default character. */
	sep[0] = 0x1B;
	sep[1] = 0x41;
	assert_int_equal(sms_gsm7_to_utf8(sep, 2, NULL, out, sizeof(out)), 1);
	assert_string_equal(out, "A");
	/* A lone trailing escape: a space. */
	sep[0] = 0x41;
	sep[1] = 0x1B;
	assert_int_equal(sms_gsm7_to_utf8(sep, 2, NULL, out, sizeof(out)), 2);
	assert_string_equal(out, "A ");
	/* Escape escape (reserved for a further table): a space. */
	sep[0] = 0x1B;
	sep[1] = 0x1B;
	sep[2] = 0x41;
	assert_int_equal(sms_gsm7_to_utf8(sep, 3, NULL, out, sizeof(out)), 2);
	assert_string_equal(out, " A");
	/* Not a septet. */
	sep[0] = 0x80;
	assert_int_equal(sms_gsm7_to_utf8(sep, 1, NULL, out, sizeof(out)), -EINVAL);
}

static void test_encode_errors(void **state)
{
	(void)state;
	uint8_t sep[8];
	memset(sep, 0xAA, sizeof(sep));
	/* ç is not in the default table (only Ç is). */
	assert_int_equal(sms_gsm7_from_utf8("ab\u00e7", 4, NULL, sep, sizeof(sep)), -ERANGE);
	assert_int_equal(sms_gsm7_from_utf8("\xf0\x9f\x98\x80", 4, NULL, sep, sizeof(sep)), -ERANGE);
	assert_int_equal(sms_gsm7_from_utf8("a\0b", 3, NULL, sep, sizeof(sep)), -ERANGE);
	assert_int_equal(sms_gsm7_from_utf8("abc", 3, NULL, sep, 2), -E2BIG);
	assert_int_equal(sms_gsm7_from_utf8("a\u20ac", 4, NULL, sep, 2), -E2BIG);
	/* Nothing written on failure. */
	for (size_t i = 0; i < sizeof(sep); i++)
		assert_int_equal(sep[i], 0xAA);
	assert_int_equal(sms_gsm7_from_utf8("", 0, NULL, sep, 0), 0);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"\x80",		    /* lone continuation */
		"\xc0\x80",	    /* overlong NUL */
		"\xc1\xbf",	    /* overlong */
		"\xe0\x80\xaf",	    /* overlong '/' */
		"\xf0\x80\x80\xaf", /* overlong '/' */
		"\xed\xa0\x80",	    /* UTF-16 surrogate D800 */
		"\xed\xbf\xbf",	    /* surrogate DFFF */
		"\xf4\x90\x80\x80", /* U+110000 */
		"\xf5\x80\x80\x80", /* past U+10FFFF */
		"\xff",
		"\xe2\x82",	    /* truncated euro */
		"\xe2\x28\xac",	    /* bad continuation */
		"a\xc3",	    /* truncated at the end */
	};
	uint8_t buf[16];
	char out[16];
	for (size_t i = 0; i < N_OF(bad); i++) {
		size_t len = strlen(bad[i]);
		if (i == 1)
			len = 2;
		assert_int_equal(sms_gsm7_count(bad[i], len, NULL), -EILSEQ);
		assert_int_equal(sms_gsm7_from_utf8(bad[i], len, NULL, buf, sizeof(buf)), -EILSEQ);
		assert_int_equal(sms_ucs2_count(bad[i], len), -EILSEQ);
		assert_int_equal(sms_ucs2_from_utf8(bad[i], len, buf, sizeof(buf)), -EILSEQ);
	}
	/* The largest valid code point and the edges around surrogates. */
	assert_int_equal(sms_ucs2_count("\xf4\x8f\xbf\xbf", 4), 2);
	assert_int_equal(sms_ucs2_count("\xed\x9f\xbf", 3), 1);
	assert_int_equal(sms_ucs2_count("\xee\x80\x80", 3), 1);
	(void)out;
}

/* "hellohello" -> E8329BFD4697D9EC37: the classic packing example (the
 * "SMS PDU mode" tutorial at gsm-modem.de); the same octets recur in
 * moteus/lua-lluv-gsmmodem test/test_modem.lua ("multipart sms"). */
static void test_pack_known(void **state)
{
	(void)state;
	uint8_t sep[200], packed[200], back[200], want[200];
	size_t wn;
	char out[400];

	int n = sms_gsm7_from_utf8("hellohello", 10, NULL, sep, sizeof(sep));
	assert_int_equal(n, 10);
	hex_to_bytes("E8329BFD4697D9EC37", want, &wn);
	assert_int_equal(sms_gsm7_pack(sep, 10, 0, packed, sizeof(packed)), (int)wn);
	assert_memory_equal(packed, want, wn);
	assert_int_equal(sms_gsm7_unpack(want, wn, 0, 10, back, sizeof(back)), 10);
	assert_int_equal(sms_gsm7_to_utf8(back, 10, NULL, out, sizeof(out)), 10);
	assert_string_equal(out, "hellohello");

	/* "12345678": 8 septets in 7 octets, the 8th fills the top 7 bits
	 * of the last octet (nrfconnect/sdk-nrf tests/lib/sms
	 * test_send_len8_number1: UD 31D98C56B3DD70). */
	hex_to_bytes("31D98C56B3DD70", want, &wn);
	n = sms_gsm7_from_utf8("12345678", 8, NULL, sep, sizeof(sep));
	assert_int_equal(sms_gsm7_pack(sep, 8, 0, packed, sizeof(packed)), 7);
	assert_memory_equal(packed, want, 7);
	assert_int_equal(sms_gsm7_unpack(want, 7, 0, 8, back, sizeof(back)), 8);
	assert_int_equal(sms_gsm7_to_utf8(back, 8, NULL, out, sizeof(out)), 8);
	assert_string_equal(out, "12345678");
	/* 7 septets also take 7 octets; the top bit of the last is 0. */
	assert_int_equal(sms_gsm7_pack(sep, 7, 0, packed, sizeof(packed)), 7);
	assert_memory_equal(packed, want, 6);
	assert_int_equal(packed[6], want[6] & 0x01);
	/* 9 septets need 8 octets (123456789 -> 31D98C56B3DD7039). */
	n = sms_gsm7_from_utf8("123456789", 9, NULL, sep, sizeof(sep));
	assert_int_equal(sms_gsm7_pack(sep, 9, 0, packed, sizeof(packed)), 8);
	assert_int_equal(packed[7], 0x39);

	/* Concatenated part with a 6-octet UDH (050003010301) and one fill
	 * bit: part 1 of ('hello'):rep(70), 153 septets, from
	 * moteus/lua-lluv-gsmmodem test/test_modem.lua "multipart sms". */
	static const char part1_ud[] =
		"D06536FB8D2EB3D96F7499CD7EA3CB6CF61B5D66B3DFE8329BFD4697D9EC37BACC66BFD1"
		"6536FB8D2EB3D96F7499CD7EA3CB6CF61B5D66B3DFE8329BFD4697D9EC37BACC66BFD165"
		"36FB8D2EB3D96F7499CD7EA3CB6CF61B5D66B3DFE8329BFD4697D9EC37BACC66BFD16536"
		"FB8D2EB3D96F7499CD7EA3CB6CF61B5D66B3DFE8329BFD4697D9";
	hex_to_bytes(part1_ud, want, &wn);
	assert_int_equal(wn, 134); /* 140 - 6 octets of UDH */
	assert_int_equal(sms_gsm7_unpack(want, wn, 1, 153, back, sizeof(back)), 153);
	n = sms_gsm7_to_utf8(back, 153, NULL, out, sizeof(out));
	assert_int_equal(n, 153);
	for (int i = 0; i < 153; i++)
		assert_int_equal(out[i], "hello"[i % 5]);
	assert_int_equal(sms_gsm7_pack(back, 153, 1, packed, sizeof(packed)), 134);
	assert_memory_equal(packed, want, wn);
	/* One septet too many for these octets. */
	assert_int_equal(sms_gsm7_unpack(want, wn, 1, 154, back, sizeof(back)), -EINVAL);
}

/* Reference packer, bit by bit (LSB first within each octet). */
static size_t ref_pack(const uint8_t *s, size_t n, unsigned fill, uint8_t *out)
{
	size_t bits = fill + 7 * n, octets = (bits + 7) / 8;
	memset(out, 0, octets);
	for (size_t i = 0; i < n; i++)
		for (unsigned b = 0; b < 7; b++) {
			size_t pos = fill + 7 * i + b;
			if (s[i] >> b & 1)
				out[pos / 8] |= (uint8_t)(1u << (pos % 8));
		}
	return octets;
}

static void test_pack_fill_bits(void **state)
{
	(void)state;
	uint8_t sep[300], got[300], want[300], back[300];
	uint32_t seed = 12345;
	for (unsigned fill = 0; fill <= 6; fill++) {
		for (size_t n = 0; n <= 170; n++) {
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				sep[i] = (uint8_t)((seed >> 16) & 0x7F);
			}
			size_t wn = ref_pack(sep, n, fill, want);
			int rc = sms_gsm7_pack(sep, n, fill, got, sizeof(got));
			assert_int_equal(rc, (int)wn);
			assert_memory_equal(got, want, wn);
			memset(back, 0xEE, sizeof(back));
			rc = sms_gsm7_unpack(got, wn, fill, n, back, sizeof(back));
			assert_int_equal(rc, (int)n);
			assert_memory_equal(back, sep, n);
			assert_int_equal(back[n], 0xEE);
			if (n > 0) {
				/* One octet short. */
				assert_int_equal(sms_gsm7_unpack(got, wn - 1, fill, n, back, sizeof(back)),
						 -EINVAL);
				/* Output too small for the packed form. */
				assert_int_equal(sms_gsm7_pack(sep, n, fill, got, wn - 1), -E2BIG);
				assert_int_equal(sms_gsm7_unpack(got, wn, fill, n, back, n - 1), -E2BIG);
			}
		}
	}
	assert_int_equal(sms_gsm7_pack(sep, 1, 7, got, sizeof(got)), -EINVAL);
	assert_int_equal(sms_gsm7_unpack(got, 8, 7, 1, back, sizeof(back)), -EINVAL);
	sep[0] = 0x80;
	assert_int_equal(sms_gsm7_pack(sep, 1, 0, got, sizeof(got)), -EINVAL);
}

static void test_decode_buffer(void **state)
{
	(void)state;
	uint8_t sep[4] = { 0x01, 0x41, 0x1B, 0x65 }; /* £ A € */
	char out[8];
	/* £ (2) + A (1) + € (3) = 6 bytes. */
	assert_int_equal(sms_gsm7_to_utf8(sep, 4, NULL, out, 7), 6);
	assert_string_equal(out, "\u00a3A\u20ac");
	memset(out, 'x', sizeof(out));
	assert_int_equal(sms_gsm7_to_utf8(sep, 4, NULL, out, 6), 6); /* fits, no NUL */
	assert_memory_equal(out, "\u00a3A\u20ac", 6);
	assert_int_equal(out[6], 'x');
	assert_int_equal(sms_gsm7_to_utf8(sep, 4, NULL, out, 5), -E2BIG);
	assert_int_equal(sms_gsm7_to_utf8(sep, 0, NULL, out, 1), 0);
	assert_int_equal(out[0], '\0');
}

static void test_ucs2(void **state)
{
	(void)state;
	uint8_t be[32];
	char out[32];
	/* A, €, 😀 (U+1F600 = D83D DE00). */
	const char *text = "A\u20ac\U0001F600";
	static const uint8_t want[] = { 0x00, 0x41, 0x20, 0xAC, 0xD8, 0x3D, 0xDE, 0x00 };
	assert_int_equal(sms_ucs2_count(text, strlen(text)), 4);
	assert_int_equal(sms_ucs2_from_utf8(text, strlen(text), be, sizeof(be)), 8);
	assert_memory_equal(be, want, 8);
	assert_int_equal(sms_ucs2_to_utf8(be, 8, out, sizeof(out)), (int)strlen(text));
	assert_string_equal(out, text);
	assert_int_equal(sms_ucs2_from_utf8(text, strlen(text), be, 7), -E2BIG);
	assert_int_equal(sms_ucs2_to_utf8(be, 8, out, 7), -E2BIG);

	/* Unpaired surrogates decode as U+FFFD. */
	static const uint8_t lone_hi_end[] = { 0x00, 0x41, 0xD8, 0x3D };
	assert_int_equal(sms_ucs2_to_utf8(lone_hi_end, 4, out, sizeof(out)), 4);
	assert_string_equal(out, "A\ufffd");
	static const uint8_t lone_lo[] = { 0xDE, 0x00, 0x00, 0x42 };
	assert_int_equal(sms_ucs2_to_utf8(lone_lo, 4, out, sizeof(out)), 4);
	assert_string_equal(out, "\ufffdB");
	static const uint8_t hi_then_char[] = { 0xD8, 0x3D, 0x00, 0x43 };
	assert_int_equal(sms_ucs2_to_utf8(hi_then_char, 4, out, sizeof(out)), 4);
	assert_string_equal(out, "\ufffdC");
	static const uint8_t hi_hi_lo[] = { 0xD8, 0x3D, 0xD8, 0x3D, 0xDE, 0x00 };
	assert_int_equal(sms_ucs2_to_utf8(hi_hi_lo, 6, out, sizeof(out)), 7);
	assert_string_equal(out, "\ufffd\U0001F600");
	/* Odd length. */
	assert_int_equal(sms_ucs2_to_utf8(want, 3, out, sizeof(out)), -EINVAL);
	/* U+0000 is a character in UCS-2; it is decoded, not a terminator. */
	static const uint8_t nul_mid[] = { 0x00, 0x41, 0x00, 0x00, 0x00, 0x42 };
	assert_int_equal(sms_ucs2_to_utf8(nul_mid, 6, out, sizeof(out)), 3);
	assert_memory_equal(out, "A\0B", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_table),
		cmocka_unit_test(test_default_exact_set),
		cmocka_unit_test(test_national_tables),
		cmocka_unit_test(test_national_texts),
		cmocka_unit_test(test_at_is_not_terminator),
		cmocka_unit_test(test_euro_and_escapes),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_pack_known),
		cmocka_unit_test(test_pack_fill_bits),
		cmocka_unit_test(test_decode_buffer),
		cmocka_unit_test(test_ucs2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
