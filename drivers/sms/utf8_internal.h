/* Internal UTF-8 helpers for the SMS codec (not installed, not public).
 * Strict RFC 3629 decoding: overlong forms, UTF-16 surrogates encoded in
 * UTF-8 and code points above U+10FFFF are rejected, because a text that
 * reaches the air must have exactly one meaning. */
#ifndef SMS_UTF8_INTERNAL_H
#define SMS_UTF8_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define SMS_UTF8_REPLACEMENT 0xFFFDu

/* Decodes one code point from s[0..len). Returns the bytes it took (1..4)
 * or -EILSEQ; len must be >= 1. */
static inline int sms_utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint8_t c = s[0];
	uint32_t v;
	size_t need;
	uint32_t min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2) /* continuation byte, or 0xC0/0xC1 (always overlong) */
		return -EILSEQ;
	if (c < 0xE0) {
		need = 1;
		v = c & 0x1Fu;
		min = 0x80;
	} else if (c < 0xF0) {
		need = 2;
		v = c & 0x0Fu;
		min = 0x800;
	} else if (c < 0xF5) {
		need = 3;
		v = c & 0x07u;
		min = 0x10000;
	} else {
		return -EILSEQ;
	}
	if (len < need + 1)
		return -EILSEQ;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -EILSEQ;
		v = (v << 6) | (s[i] & 0x3Fu);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return -EILSEQ;
	*cp = v;
	return (int)need + 1;
}

/* Bytes the UTF-8 form of cp takes (cp must be a valid scalar value). */
static inline size_t sms_utf8_len(uint32_t cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Writes cp as UTF-8 into out (room for sms_utf8_len(cp) bytes). */
static inline size_t sms_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

#endif
