/* Internal view of the GSM 7-bit tables (drivers/sms/gsm7_tables.c). */
#ifndef SMS_GSM7_INTERNAL_H
#define SMS_GSM7_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sms/alphabet.h"

/* One table entry pre-encoded as UTF-8: b[0..len) are the bytes. Every
 * character of the tables is in the BMP, so 3 bytes suffice; the struct is
 * 4 bytes so a decoder can copy it whole and advance by len. */
struct gsm7_u8 {
	uint8_t b[3];
	uint8_t len; /* 0: no entry (shift tables only) */
};

/* A locking-shift (default) or single-shift (extension) table. Position
 * 0x1B holds U+0020: what 23.038 says to display for a lone escape or an
 * escape to a further extension table; encoders never produce it. */
struct gsm7_table {
	const uint16_t *cp;	    /* 128 code points; 0 = no entry */
	const struct gsm7_u8 *u8; /* the same, pre-encoded */
};

/* NULL when 23.038 defines no such table (Spanish locking shift) or the
 * language is unknown. */
const struct gsm7_table *gsm7_locking_table(enum sms_lang lang);
const struct gsm7_table *gsm7_single_table(enum sms_lang lang);

/* Default alphabet + default extension table, code point -> code:
 * 0..0x7F a septet, 0x100 | s the escape followed by s, -1 not present. */
int gsm7_default_code(uint32_t cp);
/* Its U+0000..U+00FF part, for inline fast paths over ASCII. */
extern const int16_t gsm7_default_latin1[256];

#define GSM7_CODE_EXT 0x100

/* The two tables a text uses, resolved once per call (gsm7.c). */
struct gsm7_sel {
	const struct gsm7_table *lock;
	const struct gsm7_table *shift;
	bool lock_default;
	bool shift_default;
};

/* Resolves t (NULL = default tables); -EINVAL for an unknown language or
 * the Spanish locking shift. */
int gsm7_select(const struct sms_gsm7_tables *t, struct gsm7_sel *sel);
/* cp -> septet, GSM7_CODE_EXT | septet, or -1 when the tables lack it. */
int gsm7_code(const struct gsm7_sel *sel, uint32_t cp);

/* ---- 8 bytes at a time ("SWAR") ------------------------------------------
 * The fast paths below work on 64-bit words whose byte k is the k-th byte
 * in memory. Every test first requires bit 7 clear in all bytes, so adding
 * a constant below 0x80 to a byte never carries into the next one: bit 7 of
 * (b + (0x80 - k)) is then exactly "b >= k". */
#define GSM7_ONES 0x0101010101010101ull
#define GSM7_HIGH 0x8080808080808080ull

static inline uint64_t gsm7_load8(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void gsm7_store8(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

/* Bit 7 of each byte: set when that byte (< 0x80) is >= k. */
#define GSM7_GE(x, k) ((x) + (0x80u - (k)) * GSM7_ONES)
/* Bit 7 of each byte: set when that byte (< 0x80) differs from k. */
#define GSM7_NE(x, k) (((x) ^ (k) * GSM7_ONES) + 0x7F * GSM7_ONES)

/* All 8 bytes are "simple" for the encoder: ASCII characters that are one
 * septet of the default alphabet: 0x20..0x5A, '_' and 0x61..0x7A. (The
 * rest of ASCII is either an extension pair, [ \ ] ^ { | } ~, or absent
 * from the tables, ` and controls but LF/CR, which a word test leaves to
 * the per-character path.) */
static inline bool gsm7_simple8(uint64_t x)
{
	uint64_t ok;

	if (x & GSM7_HIGH)
		return false;
	ok = GSM7_GE(x, 0x20) & ~GSM7_GE(x, 0x7B) &	      /* 0x20..0x7A */
	     ~(GSM7_GE(x, 0x5B) & ~GSM7_GE(x, 0x5F)) & /* not [ \ ] ^ */
	     GSM7_NE(x, 0x60);			      /* not ` */
	return (ok & GSM7_HIGH) == GSM7_HIGH;
}

/* One byte of the same kind (LF and CR included). */
static inline bool gsm7_simple1(uint8_t b)
{
	return b < 0x80 && (uint16_t)gsm7_default_latin1[b] < 0x80;
}

/* Length of the longest prefix of s made of simple bytes: those texts map
 * byte for byte to septets of the default alphabet, one unit each. */
static inline size_t gsm7_simple_prefix(const uint8_t *s, size_t len)
{
	size_t i = 0;

	for (;;) {
		while (i + 8 <= len && gsm7_simple8(gsm7_load8(s + i)))
			i += 8;
		size_t stop = i + 8 < len ? i + 8 : len;
		for (; i < stop; i++)
			if (!gsm7_simple1(s[i]))
				return i;
		if (i == len)
			return len;
	}
}

/* All 8 septets of the default alphabet decode to the same ASCII byte:
 * 0x20..0x7A but 0x24 (currency sign), 0x40 (inverted !) and 0x5B..0x60
 * (national letters, section sign, inverted ?). LF and CR are left to the
 * per-septet path. */
static inline bool gsm7_ident8(uint64_t x)
{
	uint64_t ok;

	if (x & GSM7_HIGH)
		return false;
	ok = GSM7_GE(x, 0x20) & ~GSM7_GE(x, 0x7B) & GSM7_NE(x, 0x24) & GSM7_NE(x, 0x40) &
	     ~(GSM7_GE(x, 0x5B) & ~GSM7_GE(x, 0x61));
	return (ok & GSM7_HIGH) == GSM7_HIGH;
}

#endif
