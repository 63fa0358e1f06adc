/* Encoding choice, part counts and splitting (segment.h), and smart
 * encoding. Capacities per 3GPP TS 23.040 9.2.3.24: 140 octets of user
 * data; UDH = length octet + 5 (8-bit concat ref) or 6 (16-bit) + 3 per
 * national language shift IE; GSM-7 text starts at a septet boundary. */
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
#include "sms/segment.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static char *repeat(const char *unit, size_t times)
{
	size_t u = strlen(unit);
	char *s = malloc(u * times + 1);
	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * u, unit, u);
	s[u * times] = '\0';
	return s;
}

static void count_text(const char *unit, size_t times, const struct sms_segment_opts *o,
		       struct sms_segment_info *info, int want_rc)
{
	char *s = repeat(unit, times);
	assert_int_equal(sms_segment_count(s, strlen(s), o, info), want_rc);
	free(s);
}

static void test_gsm7_boundaries(void **state)
{
	(void)state;
	struct sms_segment_info i;

	count_text("a", 160, NULL, &i, 0);
	assert_int_equal(i.encoding, SMS_ENC_GSM7);
	assert_int_equal(i.parts, 1);
	assert_int_equal(i.per_part, 160);
	assert_int_equal(i.remaining, 0);
	assert_int_equal(i.units, 160);
	assert_int_equal(i.chars, 160);

	count_text("a", 161, NULL, &i, 0);
	assert_int_equal(i.parts, 2);
	assert_int_equal(i.per_part, 153);
	assert_int_equal(i.remaining, 153 * 2 - 161);

	count_text("a", 153 * 2, NULL, &i, 0);
	assert_int_equal(i.parts, 2);
	assert_int_equal(i.remaining, 0);
	count_text("a", 153 * 2 + 1, NULL, &i, 0);
	assert_int_equal(i.parts, 3);
	assert_int_equal(i.remaining, 152);

	/* 80 euros: 160 septets, still one part; 81 need two. */
	count_text("\u20ac", 80, NULL, &i, 0);
	assert_int_equal(i.parts, 1);
	assert_int_equal(i.units, 160);
	assert_int_equal(i.chars, 80);
	count_text("\u20ac", 81, NULL, &i, 0);
	assert_int_equal(i.parts, 2);
	/* 153 is odd: each part holds 76 euros, one septet stays free. */
	assert_int_equal(i.remaining, 153 - 2 * (81 - 76));

	struct sms_segment_opts r16 = { .ref16 = true };
	count_text("a", 161, &r16, &i, 0);
	assert_int_equal(i.per_part, 152);
	assert_int_equal(i.remaining, 152 * 2 - 161);
	count_text("a", 160, &r16, &i, 0);
	assert_int_equal(i.parts, 1);
	assert_int_equal(i.per_part, 160);

	/* Empty text: one empty part. */
	assert_int_equal(sms_segment_count("", 0, NULL, &i), 0);
	assert_int_equal(i.parts, 1);
	assert_int_equal(i.remaining, 160);
	assert_int_equal(i.chars, 0);
}

static void test_ucs2_boundaries(void **state)
{
	(void)state;
	struct sms_segment_info i;
	const char *zh = "\u0436"; /* Cyrillic zhe: UCS-2, 1 unit */

	count_text(zh, 70, NULL, &i, 0);
	assert_int_equal(i.encoding, SMS_ENC_UCS2);
	assert_int_equal(i.parts, 1);
	assert_int_equal(i.per_part, 70);
	assert_int_equal(i.remaining, 0);
	count_text(zh, 71, NULL, &i, 0);
	assert_int_equal(i.parts, 2);
	assert_int_equal(i.per_part, 67);
	assert_int_equal(i.remaining, 67 * 2 - 71);
	count_text(zh, 134, NULL, &i, 0);
	assert_int_equal(i.parts, 2);
	count_text(zh, 135, NULL, &i, 0);
	assert_int_equal(i.parts, 3);

	struct sms_segment_opts r16 = { .ref16 = true };
	count_text(zh, 71, &r16, &i, 0);
	assert_int_equal(i.per_part, 66);

	/* Emoji: 2 units, 1 character. 35 fit one part. */
	count_text("\U0001F600", 35, NULL, &i, 0);
	assert_int_equal(i.parts, 1);
	assert_int_equal(i.units, 70);
	assert_int_equal(i.chars, 35);
	/* One ASCII letter forces UCS-2 for the whole text. */
	assert_int_equal(sms_segment_count("a\u0436", 3, NULL, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_UCS2);
	assert_int_equal(i.units, 2);
	/* Forced UCS-2 for plain text. */
	struct sms_segment_opts u = { .pref = SMS_PREF_UCS2 };
	count_text("a", 71, &u, &i, 0);
	assert_int_equal(i.encoding, SMS_ENC_UCS2);
	assert_int_equal(i.parts, 2);
	/* Forced GSM-7 with a character outside the tables. */
	struct sms_segment_opts g = { .pref = SMS_PREF_GSM7 };
	assert_int_equal(sms_segment_count("a\u0436", 3, &g, &i), -ERANGE);
}

static void test_split_escape_pair(void **state)
{
	(void)state;
	struct sms_segment_info i;
	struct sms_part_span sp[4];
	/* 152 letters then a euro at septets 153-154: the pair moves whole. */
	char *a = repeat("a", 152);
	char text[400];
	snprintf(text, sizeof(text), "%s\u20ac%s", a, "bbbbbbbbbb");
	free(a);
	int n = sms_segment_split(text, strlen(text), NULL, &i, sp, N_OF(sp));
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].offset, 0);
	assert_int_equal(sp[0].len, 152);
	assert_int_equal(sp[1].offset, 152);
	assert_int_equal(sp[1].len, strlen(text) - 152);
	assert_int_equal(i.remaining, 153 - 12);
	/* A euro that starts at septet 152 still fits. */
	a = repeat("a", 151);
	snprintf(text, sizeof(text), "%s\u20ac%s", a, "bbbbbbbbbb");
	free(a);
	n = sms_segment_split(text, strlen(text), NULL, &i, sp, N_OF(sp));
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].len, 151 + 3);
}

static void test_split_surrogate_pair(void **state)
{
	(void)state;
	struct sms_segment_info i;
	struct sms_part_span sp[4];
	char text[400];
	char *z = repeat("\u0436", 66);
	/* 66 units then an emoji at units 67-68: it moves to part 2. */
	snprintf(text, sizeof(text), "%s\U0001F600%s", z, "\u0436\u0436\u0436\u0436\u0436");
	free(z);
	int n = sms_segment_split(text, strlen(text), NULL, &i, sp, N_OF(sp));
	assert_int_equal(n, 2);
	assert_int_equal(i.encoding, SMS_ENC_UCS2);
	assert_int_equal(sp[0].len, 66 * 2);
	assert_int_equal(sp[1].offset, 66 * 2);
	assert_int_equal(i.remaining, 67 - 7);
	assert_int_equal(i.chars, 66 + 1 + 5);
	assert_int_equal(i.units, 66 + 2 + 5);
	/* Too few spans. */
	assert_int_equal(sms_segment_split(text, strlen(text), NULL, &i, sp, 1), -E2BIG);
}

static void test_limits_and_errors(void **state)
{
	(void)state;
	struct sms_segment_info i;
	count_text("a", 153 * 255, NULL, &i, 0);
	assert_int_equal(i.parts, 255);
	assert_int_equal(i.remaining, 0);
	count_text("a", 153 * 255 + 1, NULL, &i, -E2BIG);
	count_text("\u0436", 67 * 255 + 1, NULL, &i, -E2BIG);
	assert_int_equal(sms_segment_count("a\xc0\x80", 3, NULL, &i), -EILSEQ);
	/* Invalid UTF-8 wins over a non-GSM character. */
	assert_int_equal(sms_segment_count("\u0436\xed\xa0\x80", 5, NULL, &i), -EILSEQ);
	struct sms_segment_opts u = { .pref = SMS_PREF_UCS2 };
	assert_int_equal(sms_segment_count("\xf4\x90\x80\x80", 4, &u, &i), -EILSEQ);
	enum sms_lang bad[] = { (enum sms_lang)7 };
	struct sms_segment_opts b = { .langs = bad, .n_langs = 1 };
	assert_int_equal(sms_segment_count("a", 1, &b, &i), -EINVAL);
	struct sms_segment_opts nolangs = { .n_langs = 1 };
	assert_int_equal(sms_segment_count("a", 1, &nolangs, &i), -EINVAL);
	assert_string_equal(sms_encoding_str(SMS_ENC_GSM7), "gsm7");
	assert_string_equal(sms_encoding_str(SMS_ENC_UCS2), "ucs2");
	assert_string_equal(sms_encoding_str(SMS_ENC_8BIT), "8bit");
}

static void test_national_choice(void **state)
{
	(void)state;
	struct sms_segment_info i;
	const char *tr = "\u015eu \u00e7i\u011fde\u011fi \u0130\u00e7 \u0131\u015f\u0131k";
	enum sms_lang l_tr[] = { SMS_LANG_TURKISH };
	enum sms_lang l_es[] = { SMS_LANG_SPANISH };
	enum sms_lang l_pt[] = { SMS_LANG_PORTUGUESE };
	enum sms_lang l_all[] = { SMS_LANG_SPANISH, SMS_LANG_PORTUGUESE, SMS_LANG_TURKISH };
	struct sms_segment_opts o_tr = { .langs = l_tr, .n_langs = 1 };
	struct sms_segment_opts o_es = { .langs = l_es, .n_langs = 1 };
	struct sms_segment_opts o_pt = { .langs = l_pt, .n_langs = 1 };
	struct sms_segment_opts o_all = { .langs = l_all, .n_langs = 3 };

	/* Without languages: UCS-2. */
	assert_int_equal(sms_segment_count(tr, strlen(tr), NULL, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_UCS2);
	/* With Turkish: the locking shift alone (every letter 1 septet, one
	 * 3-octet IE: 155 septets a single part). */
	assert_int_equal(sms_segment_count(tr, strlen(tr), &o_tr, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_GSM7);
	assert_int_equal(i.tables.locking, SMS_LANG_TURKISH);
	assert_int_equal(i.tables.single, SMS_LANG_DEFAULT);
	assert_int_equal(i.per_part, 155);
	assert_int_equal(i.units, i.chars);
	/* Offered among others, Turkish still wins. */
	assert_int_equal(sms_segment_count(tr, strlen(tr), &o_all, &i), 0);
	assert_int_equal(i.tables.locking, SMS_LANG_TURKISH);
	/* Plain text never gets a national table. */
	assert_int_equal(sms_segment_count("hello", 5, &o_all, &i), 0);
	assert_int_equal(i.tables.locking, SMS_LANG_DEFAULT);
	assert_int_equal(i.tables.single, SMS_LANG_DEFAULT);
	assert_int_equal(i.per_part, 160);
	/* Turkish text with Turkish tables in several parts: 1 + 5 + 3 octets
	 * of UDH leave 149 septets. */
	char *long_tr = repeat("\u015f", 200);
	assert_int_equal(sms_segment_count(long_tr, strlen(long_tr), &o_tr, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_GSM7);
	assert_int_equal(i.per_part, 149);
	assert_int_equal(i.parts, 2);
	free(long_tr);

	/* Spanish: single shift only (á takes 2 septets, 155 a part). */
	const char *es = "Ma\u00f1ana cami\u00f3n, acci\u00f3n, \u00e1rbol";
	assert_int_equal(sms_segment_count(es, strlen(es), NULL, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_UCS2);
	assert_int_equal(sms_segment_count(es, strlen(es), &o_es, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_GSM7);
	assert_int_equal(i.tables.locking, SMS_LANG_DEFAULT);
	assert_int_equal(i.tables.single, SMS_LANG_SPANISH);
	assert_int_equal(i.per_part, 155);
	assert_int_equal(i.units, i.chars + 3); /* ó ó á */
	/* Spanish tables cannot carry Turkish. */
	assert_int_equal(sms_segment_count(tr, strlen(tr), &o_es, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_UCS2);
	struct sms_segment_opts g_es = { .pref = SMS_PREF_GSM7, .langs = l_es, .n_langs = 1 };
	assert_int_equal(sms_segment_count(tr, strlen(tr), &g_es, &i), -ERANGE);

	/* Portuguese. */
	const char *pt = "N\u00e3o, voc\u00ea est\u00e1 \u00e0 vontade, a\u00e7\u00e3o!";
	assert_int_equal(sms_segment_count(pt, strlen(pt), &o_pt, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_GSM7);
	assert_int_equal(i.tables.locking, SMS_LANG_PORTUGUESE);
	assert_int_equal(i.units, i.chars);
	/* Forced UCS-2 ignores the languages. */
	struct sms_segment_opts u_pt = { .pref = SMS_PREF_UCS2, .langs = l_pt, .n_langs = 1 };
	assert_int_equal(sms_segment_count(pt, strlen(pt), &u_pt, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_UCS2);
}

/* ---- property test --------------------------------------------------- */

static uint32_t rng_state;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Character pools, one per kind of text. */
static const char *const pool_gsm[] = { "a", "Z", "0", " ", "@", "$", "\n", "\u00e9", "\u00a3",
					"\u0394", "\u00df", "\u00e0" };
static const char *const pool_ext[] = { "{", "}", "[", "]", "~", "\\", "|", "^", "\u20ac", "\f" };
static const char *const pool_tr[] = { "\u015f", "\u015e", "\u011f", "\u011e", "\u0131",
				       "\u0130", "\u00e7", "\u00c7" };
static const char *const pool_ucs2[] = { "\u0436", "\u4e2d", "\U0001F600", "\U0001F44D",
					 "\u00ff", "\u2603" };

struct kind {
	const char *name;
	size_t n_pools;
	const char *const *pools[4];
	size_t sizes[4];
};

static size_t gen_text(const struct kind *k, size_t chars, char *out)
{
	size_t o = 0;
	for (size_t c = 0; c < chars; c++) {
		size_t p = rng() % k->n_pools;
		const char *ch = k->pools[p][rng() % k->sizes[p]];
		size_t n = strlen(ch);
		memcpy(out + o, ch, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

/* Units of one span in the chosen encoding (independent of segment.c). */
static int span_units(const struct sms_segment_info *i, const char *s, size_t len)
{
	if (i->encoding == SMS_ENC_GSM7)
		return sms_gsm7_count(s, len, &i->tables);
	return sms_ucs2_count(s, len);
}

/* Fill bits after a UDH of `udh` octets (23.040 9.2.3.24). */
static unsigned fill_bits(unsigned udh)
{
	return (7 - (udh * 8) % 7) % 7;
}

static void check_roundtrip(const char *text, size_t len, const struct sms_segment_opts *o)
{
	static struct sms_part_span sp[SMS_MAX_PARTS];
	static char joined[8192];
	struct sms_segment_info i;
	size_t jl = 0;
	int parts = sms_segment_split(text, len, o, &i, sp, N_OF(sp));

	assert_true(parts >= 1);
	assert_int_equal((unsigned)parts, i.parts);
	int total = span_units(&i, text, len);
	assert_int_equal((unsigned)total, i.units);
	unsigned lang_ies = (i.tables.locking ? 3 : 0) + (i.tables.single ? 3 : 0);
	unsigned udh = parts > 1 ? 1 + (o->ref16 ? 6 : 5) + lang_ies : lang_ies ? 1 + lang_ies : 0;
	unsigned cap = i.encoding == SMS_ENC_GSM7 ? (140 * 8 - udh * 8) / 7 : (140 - udh) / 2;
	assert_int_equal(i.per_part, cap);
	/* Minimal: fewer parts cannot hold the units... */
	assert_true((unsigned)total <= (unsigned)parts * cap);
	if (parts > 1) {
		unsigned u1 = lang_ies ? 1 + lang_ies : 0;
		unsigned single = i.encoding == SMS_ENC_GSM7 ? (140 * 8 - u1 * 8) / 7 : (140 - u1) / 2;
		assert_true((unsigned)total > single);
	}
	size_t next = 0;
	for (int p = 0; p < parts; p++) {
		uint8_t ud[200], packed[200], back[200];
		char dec[800];
		int u, n;

		assert_int_equal(sp[p].offset, next);
		next = sp[p].offset + sp[p].len;
		u = span_units(&i, text + sp[p].offset, sp[p].len);
		assert_true(u >= 0 && (unsigned)u <= cap);
		/* ...and each part is full: the next character did not fit. */
		if (p + 1 < parts) {
			size_t k = 1;
			while (((unsigned char)text[sp[p + 1].offset + k] & 0xC0) == 0x80)
				k++;
			int more = span_units(&i, text + sp[p].offset, sp[p].len + k);
			assert_true((unsigned)more > cap);
		} else {
			assert_int_equal(i.remaining, cap - (unsigned)u);
		}
		if (i.encoding == SMS_ENC_GSM7) {
			unsigned fill = fill_bits(udh);
			n = sms_gsm7_from_utf8(text + sp[p].offset, sp[p].len, &i.tables, ud, sizeof(ud));
			assert_int_equal(n, u);
			int oct = sms_gsm7_pack(ud, (size_t)n, fill, packed, sizeof(packed));
			assert_true(oct >= 0 && (unsigned)oct + udh <= 140);
			assert_int_equal(sms_gsm7_unpack(packed, (size_t)oct, fill, (size_t)n, back,
							 sizeof(back)),
					 n);
			n = sms_gsm7_to_utf8(back, (size_t)n, &i.tables, dec, sizeof(dec));
		} else {
			n = sms_ucs2_from_utf8(text + sp[p].offset, sp[p].len, ud, sizeof(ud));
			assert_int_equal(n, 2 * u);
			assert_true((unsigned)n + udh <= 140);
			n = sms_ucs2_to_utf8(ud, (size_t)n, dec, sizeof(dec));
		}
		assert_true(n >= 0);
		memcpy(joined + jl, dec, (size_t)n);
		jl += (size_t)n;
	}
	assert_int_equal(next, len);
	assert_int_equal(jl, len);
	assert_memory_equal(joined, text, len);
}

static void test_property_roundtrip(void **state)
{
	(void)state;
	static const struct kind kinds[] = {
		{ "gsm7", 1, { pool_gsm }, { N_OF(pool_gsm) } },
		{ "gsm7+ext", 2, { pool_gsm, pool_ext }, { N_OF(pool_gsm), N_OF(pool_ext) } },
		{ "turkish", 2, { pool_gsm, pool_tr }, { N_OF(pool_gsm), N_OF(pool_tr) } },
		{ "ucs2",
		  3,
		  { pool_gsm, pool_ext, pool_ucs2 },
		  { N_OF(pool_gsm), N_OF(pool_ext), N_OF(pool_ucs2) } },
	};
	static enum sms_lang langs[] = { SMS_LANG_TURKISH, SMS_LANG_PORTUGUESE, SMS_LANG_SPANISH };
	static char text[8192];
	struct sms_segment_opts opts[] = {
		{ .pref = SMS_PREF_AUTO },
		{ .pref = SMS_PREF_AUTO, .ref16 = true },
		{ .pref = SMS_PREF_AUTO, .langs = langs, .n_langs = 3 },
		{ .pref = SMS_PREF_UCS2 },
	};

	rng_state = 0x5EED1234u;
	for (size_t k = 0; k < N_OF(kinds); k++) {
		for (size_t o = 0; o < N_OF(opts); o++) {
			for (size_t chars = 0; chars <= 1000; chars += 1 + rng() % 23) {
				size_t len = gen_text(&kinds[k], chars, text);
				check_roundtrip(text, len, &opts[o]);
			}
		}
	}
}

/* ---- smart encoding -------------------------------------------------- */

static void test_smart_each_mapping(void **state)
{
	(void)state;
	static const struct {
		const char *from, *to;
	} map[] = {
		{ "\u2018", "'" },   { "\u2019", "'" },	  { "\u201a", "'" },   { "\u201b", "'" },
		{ "\u201c", "\"" },  { "\u201d", "\"" },  { "\u201e", "\"" },  { "\u201f", "\"" },
		{ "\u2032", "'" },   { "\u2033", "\"" },  { "\u2010", "-" },   { "\u2011", "-" },
		{ "\u2012", "-" },   { "\u2013", "-" },	  { "\u2014", "-" },   { "\u2015", "-" },
		{ "\u2026", "..." }, { "\u00a0", " " },	  { "\u2000", " " },   { "\u2001", " " },
		{ "\u2002", " " },   { "\u2003", " " },	  { "\u2004", " " },   { "\u2005", " " },
		{ "\u2006", " " },   { "\u2007", " " },	  { "\u2008", " " },   { "\u2009", " " },
		{ "\u200a", " " },   { "\u202f", " " },	  { "\u205f", " " },   { "\u3000", " " },
		{ "\u2022", "*" },   { "\u00ab", "\"" },  { "\u00bb", "\"" },  { "\u2039", "<" },
		{ "\u203a", ">" },   { "\u00b4", "'" },	  { "\u02b9", "'" },   { "\u02ba", "\"" },
		{ "\u02bc", "'" },   { "\u02c6", "^" },	  { "\u02dc", "~" },   { "\u2024", "." },
		{ "\u2043", "-" },   { "\u2044", "/" },	  { "\u2212", "-" },   { "\u2215", "/" },
		{ "\u00ad", "" },    { "\u200b", "" },	  { "\u2060", "" },    { "\ufeff", "" },
	};
	char out[16];
	for (size_t i = 0; i < N_OF(map); i++) {
		int n = sms_smart_replace(map[i].from, strlen(map[i].from), out, sizeof(out));
		assert_int_equal(n, (int)strlen(map[i].to));
		assert_string_equal(out, map[i].to);
		/* Every replacement is GSM-7 default alphabet. */
		int ext = map[i].to[0] == '^' || map[i].to[0] == '~';
		assert_int_equal(sms_gsm7_count(out, (size_t)n, NULL), n + ext);
	}
}

static void test_smart_text(void **state)
{
	(void)state;
	char out[256];
	struct sms_segment_info i;
	const char *in = "\u201cIt\u2019s 9\u201310\u00a0am\u2026\u201d \u2014 caf\u00e9 \u0436 \U0001F600";
	int n = sms_smart_replace(in, strlen(in), out, sizeof(out));
	assert_true(n > 0);
	/* Unlisted characters (é, ж, emoji) pass through unchanged. */
	assert_string_equal(out, "\"It's 9-10 am...\" - caf\u00e9 \u0436 \U0001F600");
	/* A typographic text becomes GSM-7 after the swap. */
	const char *typo = "\u2018Hi\u2019 \u2013 see you\u2026";
	assert_int_equal(sms_segment_count(typo, strlen(typo), NULL, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_UCS2);
	n = sms_smart_replace(typo, strlen(typo), out, sizeof(out));
	assert_int_equal(sms_segment_count(out, (size_t)n, NULL, &i), 0);
	assert_int_equal(i.encoding, SMS_ENC_GSM7);
	/* Errors. */
	assert_int_equal(sms_smart_replace("\xe2\x80", 2, out, sizeof(out)), -EILSEQ);
	assert_int_equal(sms_smart_replace("\u2026", 3, out, 2), -E2BIG);
	assert_int_equal(sms_smart_replace("abc", 3, out, 3), 3); /* fits without NUL */
	assert_int_equal(sms_smart_replace("", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gsm7_boundaries),
		cmocka_unit_test(test_ucs2_boundaries),
		cmocka_unit_test(test_split_escape_pair),
		cmocka_unit_test(test_split_surrogate_pair),
		cmocka_unit_test(test_limits_and_errors),
		cmocka_unit_test(test_national_choice),
		cmocka_unit_test(test_property_roundtrip),
		cmocka_unit_test(test_smart_each_mapping),
		cmocka_unit_test(test_smart_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
