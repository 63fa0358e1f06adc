/* GSM 7-bit alphabet tables of 3GPP TS 23.038: the default alphabet and
 * its extension table (6.2.1, 6.2.1.1), and the national language tables
 * for Turkish, Spanish and Portuguese (Annex A.2 single shift, A.3 locking
 * shift).
 *
 * Each table is written once as a list of code points; the list is expanded
 * twice: into code points (for encoding) and into pre-encoded UTF-8 (so the
 * decoder copies bytes instead of encoding per character).
 *
 * Sources for every table below: 3GPP TS 23.038 V18.0.0, transcribed as CSV
 * in ndf-zz/gsmcodecs lut/{default,turkish,spanish,portugese}_{lock,shift}.csv,
 * cross-checked entry by entry with AOSP's GsmAlphabet.java
 * (sLanguageTables / sLanguageShiftTables). */
#include <stddef.h>

#include "gsm7_internal.h"

/* UTF-8 of a BMP code point as a constant expression (0 = no entry). */
#define U8LEN(c) ((c) == 0 ? 0 : (c) < 0x80 ? 1 : (c) < 0x800 ? 2 : 3)
#define U8B0(c) ((c) < 0x80 ? (c) : (c) < 0x800 ? (0xC0 | ((c) >> 6)) : (0xE0 | ((c) >> 12)))
#define U8B1(c)                                                                              \
	((c) < 0x80 ? 0 : (c) < 0x800 ? (0x80 | ((c)&0x3F)) : (0x80 | (((c) >> 6) & 0x3F)))
#define U8B2(c) ((c) < 0x800 ? 0 : (0x80 | ((c)&0x3F)))
#define U8INIT(c) { { (uint8_t)U8B0(c), (uint8_t)U8B1(c), (uint8_t)U8B2(c) }, (uint8_t)U8LEN(c) }

/* Full 128-entry tables: X(code point) in septet order. */
#define AS_CP(c) c,
#define AS_U8(c) U8INIT(c),
/* Sparse shift tables: X(septet, code point). */
#define AS_CP_AT(i, c) [i] = c,
#define AS_U8_AT(i, c) [i] = U8INIT(c),

/* The rows 0x20..0x3F, 0x41..0x5A and 0x61..0x7A shared by the default and
 * the Turkish and Portuguese locking tables (ASCII at the same positions). */
#define ROW_DIGITS(X)                                                                        \
	X(0x0030) X(0x0031) X(0x0032) X(0x0033) X(0x0034) X(0x0035) X(0x0036) X(0x0037)     \
	X(0x0038) X(0x0039) X(0x003A) X(0x003B) X(0x003C) X(0x003D) X(0x003E) X(0x003F)
#define UPPER_A_O(X)                                                                         \
	X(0x0041) X(0x0042) X(0x0043) X(0x0044) X(0x0045) X(0x0046) X(0x0047) X(0x0048)     \
	X(0x0049) X(0x004A) X(0x004B) X(0x004C) X(0x004D) X(0x004E) X(0x004F)
#define UPPER_P_Z(X)                                                                         \
	X(0x0050) X(0x0051) X(0x0052) X(0x0053) X(0x0054) X(0x0055) X(0x0056) X(0x0057)     \
	X(0x0058) X(0x0059) X(0x005A)
#define LOWER_A_O(X)                                                                         \
	X(0x0061) X(0x0062) X(0x0063) X(0x0064) X(0x0065) X(0x0066) X(0x0067) X(0x0068)     \
	X(0x0069) X(0x006A) X(0x006B) X(0x006C) X(0x006D) X(0x006E) X(0x006F)
#define LOWER_P_Z(X)                                                                         \
	X(0x0070) X(0x0071) X(0x0072) X(0x0073) X(0x0074) X(0x0075) X(0x0076) X(0x0077)     \
	X(0x0078) X(0x0079) X(0x007A)

/* 23.038 6.2.1 GSM 7 bit default alphabet. 0x1B is the escape. */
#define DEFAULT_LOCKING(X)                                                                   \
	X(0x0040) X(0x00A3) X(0x0024) X(0x00A5) X(0x00E8) X(0x00E9) X(0x00F9) X(0x00EC)     \
	X(0x00F2) X(0x00C7) X(0x000A) X(0x00D8) X(0x00F8) X(0x000D) X(0x00C5) X(0x00E5)     \
	X(0x0394) X(0x005F) X(0x03A6) X(0x0393) X(0x039B) X(0x03A9) X(0x03A0) X(0x03A8)     \
	X(0x03A3) X(0x0398) X(0x039E) X(0x0020) X(0x00C6) X(0x00E6) X(0x00DF) X(0x00C9)     \
	X(0x0020) X(0x0021) X(0x0022) X(0x0023) X(0x00A4) X(0x0025) X(0x0026) X(0x0027)     \
	X(0x0028) X(0x0029) X(0x002A) X(0x002B) X(0x002C) X(0x002D) X(0x002E) X(0x002F)     \
	ROW_DIGITS(X)                                                                        \
	X(0x00A1) UPPER_A_O(X)                                                               \
	UPPER_P_Z(X) X(0x00C4) X(0x00D6) X(0x00D1) X(0x00DC) X(0x00A7)                       \
	X(0x00BF) LOWER_A_O(X)                                                               \
	LOWER_P_Z(X) X(0x00E4) X(0x00F6) X(0x00F1) X(0x00FC) X(0x00E0)

/* 23.038 A.3.1 Turkish national language locking shift table. */
#define TURKISH_LOCKING(X)                                                                   \
	X(0x0040) X(0x00A3) X(0x0024) X(0x00A5) X(0x20AC) X(0x00E9) X(0x00F9) X(0x0131)     \
	X(0x00F2) X(0x00C7) X(0x000A) X(0x011E) X(0x011F) X(0x000D) X(0x00C5) X(0x00E5)     \
	X(0x0394) X(0x005F) X(0x03A6) X(0x0393) X(0x039B) X(0x03A9) X(0x03A0) X(0x03A8)     \
	X(0x03A3) X(0x0398) X(0x039E) X(0x0020) X(0x015E) X(0x015F) X(0x00DF) X(0x00C9)     \
	X(0x0020) X(0x0021) X(0x0022) X(0x0023) X(0x00A4) X(0x0025) X(0x0026) X(0x0027)     \
	X(0x0028) X(0x0029) X(0x002A) X(0x002B) X(0x002C) X(0x002D) X(0x002E) X(0x002F)     \
	ROW_DIGITS(X)                                                                        \
	X(0x0130) UPPER_A_O(X)                                                               \
	UPPER_P_Z(X) X(0x00C4) X(0x00D6) X(0x00D1) X(0x00DC) X(0x00A7)                       \
	X(0x00E7) LOWER_A_O(X)                                                               \
	LOWER_P_Z(X) X(0x00E4) X(0x00F6) X(0x00F1) X(0x00FC) X(0x00E0)

/* 23.038 A.3.3 Portuguese national language locking shift table. */
#define PORTUGUESE_LOCKING(X)                                                                \
	X(0x0040) X(0x00A3) X(0x0024) X(0x00A5) X(0x00EA) X(0x00E9) X(0x00FA) X(0x00ED)     \
	X(0x00F3) X(0x00E7) X(0x000A) X(0x00D4) X(0x00F4) X(0x000D) X(0x00C1) X(0x00E1)     \
	X(0x0394) X(0x005F) X(0x00AA) X(0x00C7) X(0x00C0) X(0x221E) X(0x005E) X(0x005C)     \
	X(0x20AC) X(0x00D3) X(0x007C) X(0x0020) X(0x00C2) X(0x00E2) X(0x00CA) X(0x00C9)     \
	X(0x0020) X(0x0021) X(0x0022) X(0x0023) X(0x00BA) X(0x0025) X(0x0026) X(0x0027)     \
	X(0x0028) X(0x0029) X(0x002A) X(0x002B) X(0x002C) X(0x002D) X(0x002E) X(0x002F)     \
	ROW_DIGITS(X)                                                                        \
	X(0x00CD) UPPER_A_O(X)                                                               \
	UPPER_P_Z(X) X(0x00C3) X(0x00D5) X(0x00DA) X(0x00DC) X(0x00A7)                       \
	X(0x007E) LOWER_A_O(X)                                                               \
	LOWER_P_Z(X) X(0x00E3) X(0x00F5) X(0x0060) X(0x00FC) X(0x00E0)

/* Entries every single-shift table of 23.038 carries: 0x1B (reserved for a
 * further extension table; displayed as a space) and the default
 * extension characters. */
#define SHIFT_COMMON(X)                                                                      \
	X(0x0A, 0x000C) X(0x14, 0x005E) X(0x1B, 0x0020) X(0x28, 0x007B) X(0x29, 0x007D)    \
	X(0x2F, 0x005C) X(0x3C, 0x005B) X(0x3D, 0x007E) X(0x3E, 0x005D) X(0x40, 0x007C)     \
	X(0x65, 0x20AC)

/* 23.038 6.2.1.1 GSM 7 bit default alphabet extension table. */
#define DEFAULT_SINGLE(X) SHIFT_COMMON(X)

/* 23.038 A.2.1 Turkish national language single shift table. */
#define TURKISH_SINGLE(X)                                                                    \
	SHIFT_COMMON(X)                                                                      \
	X(0x47, 0x011E) X(0x49, 0x0130) X(0x53, 0x015E) X(0x63, 0x00E7) X(0x67, 0x011F)    \
	X(0x69, 0x0131) X(0x73, 0x015F)

/* 23.038 A.2.2 Spanish national language single shift table. */
#define SPANISH_SINGLE(X)                                                                    \
	SHIFT_COMMON(X)                                                                      \
	X(0x09, 0x00E7) X(0x41, 0x00C1) X(0x49, 0x00CD) X(0x4F, 0x00D3) X(0x55, 0x00DA)    \
	X(0x61, 0x00E1) X(0x69, 0x00ED) X(0x6F, 0x00F3) X(0x75, 0x00FA)

/* 23.038 A.2.3 Portuguese national language single shift table. */
#define PORTUGUESE_SINGLE(X)                                                                 \
	SHIFT_COMMON(X)                                                                      \
	X(0x05, 0x00EA) X(0x09, 0x00E7) X(0x0B, 0x00D4) X(0x0C, 0x00F4) X(0x0E, 0x00C1)    \
	X(0x0F, 0x00E1) X(0x12, 0x03A6) X(0x13, 0x0393) X(0x15, 0x03A9) X(0x16, 0x03A0)     \
	X(0x17, 0x03A8) X(0x18, 0x03A3) X(0x19, 0x0398) X(0x1F, 0x00CA) X(0x41, 0x00C0)     \
	X(0x49, 0x00CD) X(0x4F, 0x00D3) X(0x55, 0x00DA) X(0x5B, 0x00C3) X(0x5C, 0x00D5)     \
	X(0x61, 0x00C2) X(0x69, 0x00ED) X(0x6F, 0x00F3) X(0x75, 0x00FA) X(0x7B, 0x00E3)     \
	X(0x7C, 0x00F5) X(0x7F, 0x00E2)

#define FULL_TABLE(name, LIST)                                                               \
	static const uint16_t name##_cp[128] = { LIST(AS_CP) };                              \
	static const struct gsm7_u8 name##_u8[128] = { LIST(AS_U8) };                        \
	static const struct gsm7_table name = { name##_cp, name##_u8 }
#define SPARSE_TABLE(name, LIST)                                                             \
	static const uint16_t name##_cp[128] = { LIST(AS_CP_AT) };                           \
	static const struct gsm7_u8 name##_u8[128] = { LIST(AS_U8_AT) };                     \
	static const struct gsm7_table name = { name##_cp, name##_u8 }

FULL_TABLE(default_locking, DEFAULT_LOCKING);
FULL_TABLE(turkish_locking, TURKISH_LOCKING);
FULL_TABLE(portuguese_locking, PORTUGUESE_LOCKING);
SPARSE_TABLE(default_single, DEFAULT_SINGLE);
SPARSE_TABLE(turkish_single, TURKISH_SINGLE);
SPARSE_TABLE(spanish_single, SPANISH_SINGLE);
SPARSE_TABLE(portuguese_single, PORTUGUESE_SINGLE);

_Static_assert(sizeof(struct gsm7_u8) == 4, "decoder copies entries as 4 bytes");

const struct gsm7_table *gsm7_locking_table(enum sms_lang lang)
{
	switch (lang) {
	case SMS_LANG_DEFAULT:
		return &default_locking;
	case SMS_LANG_TURKISH:
		return &turkish_locking;
	case SMS_LANG_PORTUGUESE:
		return &portuguese_locking;
	case SMS_LANG_SPANISH: /* 23.038 A.3.2 is void */
		break;
	}
	return NULL;
}

const struct gsm7_table *gsm7_single_table(enum sms_lang lang)
{
	switch (lang) {
	case SMS_LANG_DEFAULT:
		return &default_single;
	case SMS_LANG_TURKISH:
		return &turkish_single;
	case SMS_LANG_SPANISH:
		return &spanish_single;
	case SMS_LANG_PORTUGUESE:
		return &portuguese_single;
	}
	return NULL;
}

/* Reverse of the default tables for U+0000..U+00FF (the encoder's fast
 * path). N: not in the tables; E(s): escape + s. Checked against the
 * forward tables entry by entry in tests/unit/sms_alphabet. */
#define N (-1)
#define E(s) (GSM7_CODE_EXT | (s))
const int16_t gsm7_default_latin1[256] = {
	/* 0x00 */ N, N, N, N, N, N, N, N, N, N, 0x0A, N, E(0x0A), 0x0D, N, N,
	/* 0x10 */ N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
	/* 0x20 */ 0x20, 0x21, 0x22, 0x23, 0x02, 0x25, 0x26, 0x27,
	/* 0x28 */ 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F,
	/* 0x30 */ 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
	/* 0x38 */ 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
	/* 0x40 */ 0x00, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	/* 0x48 */ 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F,
	/* 0x50 */ 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
	/* 0x58 */ 0x58, 0x59, 0x5A, E(0x3C), E(0x2F), E(0x3E), E(0x14), 0x11,
	/* 0x60 */ N, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
	/* 0x68 */ 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F,
	/* 0x70 */ 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
	/* 0x78 */ 0x78, 0x79, 0x7A, E(0x28), E(0x40), E(0x29), E(0x3D), N,
	/* 0x80 */ N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
	/* 0x90 */ N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
	/* 0xA0 */ N, 0x40, N, 0x01, 0x24, 0x03, N, 0x5F, N, N, N, N, N, N, N, N,
	/* 0xB0 */ N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, 0x60,
	/* 0xC0 */ N, N, N, N, 0x5B, 0x0E, 0x1C, 0x09, N, 0x1F, N, N, N, N, N, N,
	/* 0xD0 */ N, 0x5D, N, N, N, N, 0x5C, N, 0x0B, N, N, N, 0x5E, N, N, 0x1E,
	/* 0xE0 */ 0x7F, N, N, N, 0x7B, 0x0F, 0x1D, N, 0x04, 0x05, N, N, 0x07, N, N, N,
	/* 0xF0 */ N, 0x7D, 0x08, N, N, N, 0x7C, N, 0x0C, 0x06, N, N, 0x7E, N, N, N,
};

/* The default tables' characters above U+00FF, sorted by code point. */
static const struct {
	uint16_t cp;
	int16_t code;
} default_high[] = {
	{ 0x0393, 0x13 }, { 0x0394, 0x10 }, { 0x0398, 0x19 }, { 0x039B, 0x14 },
	{ 0x039E, 0x1A }, { 0x03A0, 0x16 }, { 0x03A3, 0x18 }, { 0x03A6, 0x12 },
	{ 0x03A8, 0x17 }, { 0x03A9, 0x15 }, { 0x20AC, E(0x65) },
};
#undef N
#undef E

int gsm7_default_code(uint32_t cp)
{
	if (cp < 0x100)
		return gsm7_default_latin1[cp];
	size_t lo = 0, hi = sizeof(default_high) / sizeof(default_high[0]);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (default_high[mid].cp == cp)
			return default_high[mid].code;
		if (default_high[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
