/* Hex <-> octets, table-driven: the decoder's hot path starts here. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "pdu_internal.h"
#include "sms/pdu.h"

#define X 0xFF
const uint8_t sms_hex_val[256] = {
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x00 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x10 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x20 */
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, X, X, X, X, X, X, /* 0x30 '0'..'9' */
	X, 10, 11, 12, 13, 14, 15, X, X, X, X, X, X, X, X, X, /* 0x40 'A'..'F' */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x50 */
	X, 10, 11, 12, 13, 14, 15, X, X, X, X, X, X, X, X, X, /* 0x60 'a'..'f' */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x70 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x80.. */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
};
#undef X

/* Eight hex characters -> four octets with 64-bit arithmetic ("SWAR"): the
 * range checks use the high bit of each byte (no carry can cross bytes
 * because every byte is first checked to be below 0x80). Returns false for
 * any non-hex character. */
#define SMS_ONES 0x0101010101010101ull
#define SMS_HIGH 0x8080808080808080ull

static bool sms_hex8(const unsigned char *h, uint8_t *out)
{
	uint64_t x, d, ok, v;

	/* One load; byte i of x must be h[i]. */
	memcpy(&x, h, sizeof(x));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	if (x & SMS_HIGH)
		return false;
	d = x | (0x20 * SMS_ONES);
	ok = ((x + 0x50 * SMS_ONES) & ~(x + 0x46 * SMS_ONES)) |	/* '0'..'9' */
	     ((d + 0x1F * SMS_ONES) & ~(d + 0x19 * SMS_ONES));	/* 'a'..'f' */
	if ((ok & SMS_HIGH) != SMS_HIGH)
		return false;
	v = (x & 0x0F * SMS_ONES) + ((x >> 6) & SMS_ONES) * 9;
	v = ((v << 4) | (v >> 8)) & 0x00FF00FF00FF00FFull;
	v = (v | (v >> 8)) & 0x0000FFFF0000FFFFull;
	v = v | (v >> 16);
	out[0] = (uint8_t)v;
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(v >> 24);
	return true;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* Sixteen hex characters -> eight octets with SSE2 (every x86-64 has it).
 * Signed byte compares: characters >= 0x80 are negative and fail both
 * ranges. Returns false for any non-hex character. */
static bool sms_hex16(const unsigned char *h, uint8_t *out)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)h);
	__m128i y = _mm_or_si128(x, _mm_set1_epi8(0x20));
	__m128i dig = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
				    _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
	__m128i let = _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8('a' - 1)),
				    _mm_cmplt_epi8(y, _mm_set1_epi8('f' + 1)));
	__m128i v, w;

	if (_mm_movemask_epi8(_mm_or_si128(dig, let)) != 0xFFFF)
		return false;
	/* Nibble values; then each 16-bit lane (hi digit, lo digit) becomes
	 * hi << 4 | lo, and the lanes are narrowed to bytes. */
	v = _mm_add_epi8(_mm_and_si128(x, _mm_set1_epi8(0x0F)),
			 _mm_and_si128(let, _mm_set1_epi8(9)));
	w = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0x00FF)), 4),
			 _mm_srli_epi16(v, 8));
	_mm_storel_epi64((__m128i *)(void *)out, _mm_packus_epi16(w, w));
	return true;
}
#endif

int sms_hex_decode(const char *hex, size_t len, uint8_t *out, size_t max)
{
	const unsigned char *h = (const unsigned char *)hex;
	size_t i = 0;
	uint8_t bad = 0;

	if ((len & 1) != 0)
		return -EINVAL;
	if (len / 2 > max || len / 2 > (size_t)0x7FFFFFFF)
		return -E2BIG;
#if defined(__SSE2__)
	for (; i + 8 <= len / 2; i += 8)
		if (!sms_hex16(h + 2 * i, out + i))
			return -EINVAL;
#endif
	/* (Without SSE2 this does the whole input; with it, the tail.) */
	for (; i + 4 <= len / 2; i += 4)
		if (!sms_hex8(h + 2 * i, out + i))
			return -EINVAL;
	/* The tail: invalid digits (0xFF) are collected and checked once. */
	for (; i < len / 2; i++) {
		uint8_t hi = sms_hex_val[h[2 * i]], lo = sms_hex_val[h[2 * i + 1]];
		bad |= hi | lo;
		out[i] = (uint8_t)(hi << 4 | (lo & 0x0F));
	}
	if (bad & 0xF0)
		return -EINVAL;
	return (int)(len / 2);
}

int sms_hex_encode(const uint8_t *in, size_t len, char *out, size_t max)
{
	static const char digits[] = "0123456789ABCDEF";

	if (max < len * 2 + 1 || len > (size_t)0x3FFFFFFF)
		return -E2BIG;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0F];
	}
	out[len * 2] = '\0';
	return (int)(len * 2);
}
