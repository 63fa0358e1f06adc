/* "Smart encoding": typographic look-alikes -> GSM-7 default alphabet
 * characters, so a text typed on a phone or pasted from a word processor
 * does not fall back to UCS-2 (70 instead of 160 characters a part) for a
 * curly quote. Only called on request; characters not listed pass through
 * unchanged, so the result may still need UCS-2. */
#include <errno.h>
#include <string.h>

#include "sms/segment.h"
#include "utf8_internal.h"

/* Sorted by code point. Each replacement is in the GSM-7 default table
 * (checked by tests/unit/sms_alphabet). An empty replacement drops an
 * invisible character. */
static const struct {
	uint32_t cp;
	const char *to;
} smart_map[] = {
	{ 0x00A0, " " },   /* NO-BREAK SPACE */
	{ 0x00AB, "\"" },  /* LEFT-POINTING DOUBLE ANGLE QUOTATION MARK */
	{ 0x00AD, "" },	   /* SOFT HYPHEN (invisible) */
	{ 0x00B4, "'" },   /* ACUTE ACCENT used as an apostrophe */
	{ 0x00BB, "\"" },  /* RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK */
	{ 0x02B9, "'" },   /* MODIFIER LETTER PRIME */
	{ 0x02BA, "\"" },  /* MODIFIER LETTER DOUBLE PRIME */
	{ 0x02BC, "'" },   /* MODIFIER LETTER APOSTROPHE */
	{ 0x02C6, "^" },   /* MODIFIER LETTER CIRCUMFLEX ACCENT */
	{ 0x02DC, "~" },   /* SMALL TILDE */
	{ 0x2000, " " },   /* EN QUAD */
	{ 0x2001, " " },   /* EM QUAD */
	{ 0x2002, " " },   /* EN SPACE */
	{ 0x2003, " " },   /* EM SPACE */
	{ 0x2004, " " },   /* THREE-PER-EM SPACE */
	{ 0x2005, " " },   /* FOUR-PER-EM SPACE */
	{ 0x2006, " " },   /* SIX-PER-EM SPACE */
	{ 0x2007, " " },   /* FIGURE SPACE */
	{ 0x2008, " " },   /* PUNCTUATION SPACE */
	{ 0x2009, " " },   /* THIN SPACE */
	{ 0x200A, " " },   /* HAIR SPACE */
	{ 0x200B, "" },	   /* ZERO WIDTH SPACE (invisible) */
	{ 0x2010, "-" },   /* HYPHEN */
	{ 0x2011, "-" },   /* NON-BREAKING HYPHEN */
	{ 0x2012, "-" },   /* FIGURE DASH */
	{ 0x2013, "-" },   /* EN DASH */
	{ 0x2014, "-" },   /* EM DASH */
	{ 0x2015, "-" },   /* HORIZONTAL BAR */
	{ 0x2018, "'" },   /* LEFT SINGLE QUOTATION MARK */
	{ 0x2019, "'" },   /* RIGHT SINGLE QUOTATION MARK */
	{ 0x201A, "'" },   /* SINGLE LOW-9 QUOTATION MARK (a quote, not a comma) */
	{ 0x201B, "'" },   /* SINGLE HIGH-REVERSED-9 QUOTATION MARK */
	{ 0x201C, "\"" },  /* LEFT DOUBLE QUOTATION MARK */
	{ 0x201D, "\"" },  /* RIGHT DOUBLE QUOTATION MARK */
	{ 0x201E, "\"" },  /* DOUBLE LOW-9 QUOTATION MARK */
	{ 0x201F, "\"" },  /* DOUBLE HIGH-REVERSED-9 QUOTATION MARK */
	{ 0x2022, "*" },   /* BULLET */
	{ 0x2024, "." },   /* ONE DOT LEADER */
	{ 0x2026, "..." }, /* HORIZONTAL ELLIPSIS */
	{ 0x202F, " " },   /* NARROW NO-BREAK SPACE */
	{ 0x2032, "'" },   /* PRIME */
	{ 0x2033, "\"" },  /* DOUBLE PRIME */
	{ 0x2039, "<" },   /* SINGLE LEFT-POINTING ANGLE QUOTATION MARK */
	{ 0x203A, ">" },   /* SINGLE RIGHT-POINTING ANGLE QUOTATION MARK */
	{ 0x2043, "-" },   /* HYPHEN BULLET */
	{ 0x2044, "/" },   /* FRACTION SLASH */
	{ 0x205F, " " },   /* MEDIUM MATHEMATICAL SPACE */
	{ 0x2060, "" },	   /* WORD JOINER (invisible) */
	{ 0x2212, "-" },   /* MINUS SIGN */
	{ 0x2215, "/" },   /* DIVISION SLASH */
	{ 0x3000, " " },   /* IDEOGRAPHIC SPACE */
	{ 0xFEFF, "" },	   /* ZERO WIDTH NO-BREAK SPACE / BOM (invisible) */
};

static const char *smart_lookup(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(smart_map) / sizeof(smart_map[0]);

	if (cp < 0xA0)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (smart_map[mid].cp == cp)
			return smart_map[mid].to;
		if (smart_map[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int sms_smart_replace(const char *utf8, size_t len, char *out, size_t max)
{
	const uint8_t *s = (const uint8_t *)utf8;
	size_t i = 0, o = 0;

	if ((!utf8 && len) || (!out && max) || len > INT32_MAX)
		return -EINVAL;
	while (i < len) {
		uint32_t cp = 0;
		int k = sms_utf8_decode(s + i, len - i, &cp);
		const char *rep;
		size_t n;

		if (k < 0)
			return k;
		rep = smart_lookup(cp);
		n = rep ? strlen(rep) : (size_t)k;
		if (max - o < n)
			return -E2BIG;
		memcpy(out + o, rep ? rep : utf8 + i, n);
		o += n;
		i += (size_t)k;
	}
	if (o < max)
		out[o] = '\0';
	return (int)o;
}
