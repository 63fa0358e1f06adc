/* The codec's word-at-a-time fast paths against plain references.
 *
 * GSM-7 encode/decode and segmentation take 8-byte shortcuts over ASCII and
 * hex decoding takes 16/8-character ones; these tests generate seeded
 * random mixes of characters those shortcuts accept and refuse, at every
 * length and alignment, and compare with a character-by-character
 * reference written here from TS 23.038 6.2.1 / 6.2.1.1 (not from the
 * library's tables). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sms/alphabet.h"
#include "sms/pdu.h"
#include "sms/segment.h"

/* 23.038 6.2.1, septets 0x00..0x7F; "\x1b" stands for the escape. */
static const char *const default_table =
	"@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
	"\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\x1b"
	"\u00c6\u00e6\u00df\u00c9"
	" !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
	"\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
	"\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0";

/* 23.038 6.2.1.1 extension table. */
static const struct {
	uint8_t septet;
	const char *utf8;
} ext[] = {
	{ 0x0A, "\f" }, { 0x14, "^" }, { 0x28, "{" }, { 0x29, "}" }, { 0x2F, "\\" },
	{ 0x3C, "[" },	{ 0x3D, "~" }, { 0x3E, "]" }, { 0x40, "|" }, { 0x65, "\u20ac" },
};
#define N_EXT (sizeof(ext) / sizeof(ext[0]))

static char sep_utf8[128][5]; /* septet -> its UTF-8 ("" for the escape) */

static uint32_t seed;
static unsigned rnd(unsigned n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

static int setup(void **state)
{
	const char *p = default_table;
	(void)state;
	for (int s = 0; s < 128; s++) {
		size_t k = 1;
		while ((p[k] & 0xC0) == 0x80)
			k++;
		memcpy(sep_utf8[s], p, k);
		sep_utf8[s][k] = '\0';
		p += k;
	}
	assert_int_equal(*p, '\0');
	sep_utf8[0x1B][0] = '\0';
	return 0;
}

/* A random text and its septets: mostly ASCII that maps to itself, with
 * '@' '$' '_', LF/CR, non-ASCII default characters and extension pairs
 * mixed in at a rate of 1 in `rare`. */
struct sample {
	char text[4096];
	size_t len;
	uint8_t sep[2048];
	size_t n; /* septets */
	size_t chars;
	size_t off[2048];   /* byte offset of each character */
	unsigned cost[2048]; /* its septets */
};

static void gen_gsm7(struct sample *x, size_t chars, unsigned rare)
{
	x->len = x->n = 0;
	x->chars = chars;
	for (size_t c = 0; c < chars; c++) {
		unsigned s;
		x->off[c] = x->len;
		x->cost[c] = 1;
		if (rnd(rare) == 0 && rnd(3) == 0) {
			x->cost[c] = 2;
			unsigned e = rnd(N_EXT);
			x->sep[x->n++] = 0x1B;
			x->sep[x->n++] = ext[e].septet;
			size_t l = strlen(ext[e].utf8);
			memcpy(x->text + x->len, ext[e].utf8, l);
			x->len += l;
			continue;
		}
		if (rnd(rare) == 0) {
			do
				s = rnd(128);
			while (s == 0x1B);
		} else {
			s = 0x20 + rnd(0x5B); /* 0x20..0x7A: mostly identity */
		}
		x->sep[x->n++] = (uint8_t)s;
		size_t l = strlen(sep_utf8[s]);
		memcpy(x->text + x->len, sep_utf8[s], l);
		x->len += l;
	}
	x->text[x->len] = '\0';
}

static void test_gsm7_random_mixes(void **state)
{
	static struct sample x;
	uint8_t got[2048];
	char back[4200];
	(void)state;
	seed = 20240517;
	for (unsigned rare = 2; rare <= 64; rare *= 2) {
		for (size_t chars = 0; chars <= 400; chars += 1 + rnd(7)) {
			gen_gsm7(&x, chars, rare);
			memset(got, 0xEE, sizeof(got));
			assert_int_equal(sms_gsm7_from_utf8(x.text, x.len, NULL, got, x.n), (int)x.n);
			assert_memory_equal(got, x.sep, x.n);
			assert_int_equal(got[x.n], 0xEE);
			assert_int_equal(sms_gsm7_count(x.text, x.len, NULL), (int)x.n);
			if (x.n) /* one septet short: nothing written */
				assert_int_equal(sms_gsm7_from_utf8(x.text, x.len, NULL, got + 1000,
								    x.n - 1),
						 -E2BIG);
			assert_int_equal(got[1000], 0xEE);
			/* Decode: exact room, and room for everything. */
			assert_int_equal(sms_gsm7_to_utf8(x.sep, x.n, NULL, back, x.len + 1),
					 (int)x.len);
			assert_string_equal(back, x.text);
			assert_int_equal(sms_gsm7_to_utf8(x.sep, x.n, NULL, back, sizeof(back)),
					 (int)x.len);
			assert_string_equal(back, x.text);
			if (x.len)
				assert_int_equal(sms_gsm7_to_utf8(x.sep, x.n, NULL, back, x.len - 1),
						 -E2BIG);
		}
	}
}

/* Every septet value at every position of an identity run: the 8-septet
 * copy must refuse each one it cannot copy. */
static void test_gsm7_decode_each_septet(void **state)
{
	uint8_t sep[24];
	char want[128], got[128];
	(void)state;
	for (unsigned v = 0; v < 128; v++) {
		if (v == 0x1B)
			continue;
		for (size_t pos = 0; pos < sizeof(sep); pos++) {
			size_t w = 0;
			for (size_t i = 0; i < sizeof(sep); i++) {
				sep[i] = i == pos ? (uint8_t)v : (uint8_t)('a' + i % 26);
				size_t l = strlen(sep_utf8[sep[i]]);
				memcpy(want + w, sep_utf8[sep[i]], l);
				w += l;
			}
			want[w] = '\0';
			assert_int_equal(sms_gsm7_to_utf8(sep, sizeof(sep), NULL, got, sizeof(got)),
					 (int)w);
			assert_string_equal(got, want);
		}
	}
}

/* Every byte value at every position of a simple ASCII text: encoded as
 * the reference says, or refused with nothing written. */
static void test_gsm7_encode_each_byte(void **state)
{
	char text[24];
	uint8_t got[64], want[64];
	(void)state;
	for (unsigned b = 1; b < 256; b++) {
		int s = -1, e = -1;
		for (int k = 0; k < 128 && b < 0x80; k++)
			if (k != 0x1B && strlen(sep_utf8[k]) == 1 && (uint8_t)sep_utf8[k][0] == b)
				s = k;
		for (size_t k = 0; k < N_EXT && b < 0x80; k++)
			if (strlen(ext[k].utf8) == 1 && (uint8_t)ext[k].utf8[0] == b)
				e = ext[k].septet;
		for (size_t pos = 0; pos < sizeof(text); pos++) {
			size_t n = 0;
			for (size_t i = 0; i < sizeof(text); i++) {
				text[i] = i == pos ? (char)b : (char)('A' + i % 26);
				if (i != pos) {
					want[n++] = (uint8_t)text[i];
				} else if (s >= 0) {
					want[n++] = (uint8_t)s;
				} else if (e >= 0) {
					want[n++] = 0x1B;
					want[n++] = (uint8_t)e;
				}
			}
			memset(got, 0xAA, sizeof(got));
			int rc = sms_gsm7_from_utf8(text, sizeof(text), NULL, got, sizeof(got));
			if (s < 0 && e < 0) {
				assert_true(rc == -ERANGE || rc == -EILSEQ);
				assert_int_equal(got[0], 0xAA);
				assert_int_equal(sms_gsm7_count(text, sizeof(text), NULL), rc);
				continue;
			}
			assert_int_equal(rc, (int)n);
			assert_memory_equal(got, want, n);
			assert_int_equal(sms_gsm7_count(text, sizeof(text), NULL), (int)n);
		}
	}
}

/* Reference greedy split: per-character units, cap per part. */
static unsigned ref_parts(const unsigned *cost, const size_t *off, size_t chars, size_t len,
			  unsigned cap, struct sms_part_span *spans, unsigned *last)
{
	unsigned parts = 1, used = 0;
	size_t start = 0;
	for (size_t c = 0; c < chars; c++) {
		if (used + cost[c] > cap) {
			spans[parts - 1].offset = start;
			spans[parts - 1].len = off[c] - start;
			start = off[c];
			parts++;
			used = 0;
		}
		used += cost[c];
	}
	spans[parts - 1].offset = start;
	spans[parts - 1].len = len - start;
	*last = used;
	return parts;
}

static void check_split(const char *text, size_t len, const unsigned *cost, const size_t *off,
			size_t chars, enum sms_encoding enc)
{
	static struct sms_part_span want[SMS_MAX_PARTS + 1], got[SMS_MAX_PARTS];
	struct sms_segment_info info;
	unsigned units = 0, last, single = enc == SMS_ENC_GSM7 ? 160 : 70;
	unsigned multi = enc == SMS_ENC_GSM7 ? 153 : 67, cap = single;
	unsigned parts;

	for (size_t c = 0; c < chars; c++)
		units += cost[c];
	parts = ref_parts(cost, off, chars, len, single, want, &last);
	if (parts > 1) {
		cap = multi;
		parts = ref_parts(cost, off, chars, len, multi, want, &last);
	}
	int rc = sms_segment_split(text, len, NULL, &info, got, SMS_MAX_PARTS);
	assert_int_equal(rc, (int)parts);
	assert_int_equal(info.encoding, enc);
	assert_int_equal(info.units, units);
	assert_int_equal(info.chars, chars);
	assert_int_equal(info.per_part, cap);
	assert_int_equal(info.remaining, cap - last);
	for (unsigned p = 0; p < parts; p++) {
		assert_int_equal(got[p].offset, want[p].offset);
		assert_int_equal(got[p].len, want[p].len);
	}
}

static void test_segment_random_mixes(void **state)
{
	static struct sample x;
	static unsigned cost[2048];
	static size_t off[2048];
	/* Characters UCS-2 texts mix in: ASCII incl. GSM-7 misfits, Cyrillic,
	 * an emoji (a surrogate pair: 2 units). */
	static const char *const ucs[] = { "a", "Z", " ", "`", "{", "\x01", "\u0436", "\u00e7",
					   "\U0001F600" };
	char text[4096];
	(void)state;
	seed = 4711;
	for (unsigned rare = 2; rare <= 256; rare *= 4) {
		for (size_t chars = 0; chars <= 800; chars += 1 + rnd(13)) {
			/* GSM-7 */
			gen_gsm7(&x, chars, rare);
			check_split(x.text, x.len, x.cost, x.off, chars, SMS_ENC_GSM7);
			/* UCS-2: ASCII runs with non-GSM characters every so often */
			size_t len = 0;
			for (size_t c = 0; c < chars; c++) {
				const char *ch = rnd(rare) == 0 ? ucs[rnd(9)] : sep_utf8['a' + rnd(26)];
				if (c == 0)
					ch = "\u0436";
				off[c] = len;
				cost[c] = strlen(ch) == 4 ? 2 : 1;
				memcpy(text + len, ch, strlen(ch));
				len += strlen(ch);
			}
			if (chars)
				check_split(text, len, cost, off, chars, SMS_ENC_UCS2);
		}
	}
}

/* Hex decoding: every length up to 96 octets, each character position
 * replaced with each kind of non-hex character. */
static void test_hex_decode_mixes(void **state)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	static const char bad[] = { '/', ':', '@', 'G', '`', 'g', ' ', '\0', (char)0x80,
				    (char)0xC1, (char)0xE6, 'x' };
	char hex[200] = { 0 };
	uint8_t want[100], got[100];
	(void)state;
	seed = 99;
	for (size_t n = 0; n <= 96; n++) {
		for (size_t i = 0; i < 2 * n; i++)
			hex[i] = digits[rnd(sizeof(digits) - 1)];
		for (size_t i = 0; i < n; i++) {
			char pair[3] = { hex[2 * i], hex[2 * i + 1], 0 };
			want[i] = (uint8_t)strtoul(pair, NULL, 16);
		}
		memset(got, 0, sizeof(got));
		assert_int_equal(sms_hex_decode(hex, 2 * n, got, sizeof(got)), (int)n);
		assert_memory_equal(got, want, n);
		for (size_t i = 0; i < 2 * n; i++) {
			char keep = hex[i];
			for (size_t k = 0; k < sizeof(bad); k++) {
				hex[i] = bad[k];
				assert_int_equal(sms_hex_decode(hex, 2 * n, got, sizeof(got)), -EINVAL);
			}
			hex[i] = keep;
		}
		if (n)
			assert_int_equal(sms_hex_decode(hex, 2 * n, got, n - 1), -E2BIG);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gsm7_random_mixes),
		cmocka_unit_test(test_gsm7_decode_each_septet),
		cmocka_unit_test(test_gsm7_encode_each_byte),
		cmocka_unit_test(test_segment_random_mixes),
		cmocka_unit_test(test_hex_decode_mixes),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
