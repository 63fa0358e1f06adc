/* UCS-2 data coding (3GPP TS 23.038 6.2.3) read as UTF-16BE, as every
 * current handset does: code points above U+FFFF travel as surrogate pairs
 * (RFC 2781). */
#include <errno.h>
#include <limits.h>

#include "sms/alphabet.h"
#include "utf8_internal.h"

/* UTF-16 units of a valid text, or -EILSEQ. */
static int ucs2_measure(const char *utf8, size_t len)
{
	const uint8_t *s = (const uint8_t *)utf8;
	size_t i = 0, units = 0;

	while (i < len) {
		uint32_t cp = 0;
		int k = sms_utf8_decode(s + i, len - i, &cp);

		if (k < 0)
			return k;
		i += (size_t)k;
		units += cp > 0xFFFF ? 2 : 1;
		if (units > INT_MAX / 2)
			return -E2BIG;
	}
	return (int)units;
}

int sms_ucs2_count(const char *utf8, size_t len)
{
	if (!utf8 && len)
		return -EINVAL;
	return ucs2_measure(utf8, len);
}

int sms_ucs2_from_utf8(const char *utf8, size_t len, uint8_t *out, size_t max)
{
	const uint8_t *s = (const uint8_t *)utf8;
	size_t i = 0, o = 0;
	int units;

	if ((!utf8 && len) || (!out && max))
		return -EINVAL;
	units = ucs2_measure(utf8, len);
	if (units < 0)
		return units;
	if ((size_t)units * 2 > max)
		return -E2BIG;
	while (i < len) {
		uint32_t cp = 0;

		i += (size_t)sms_utf8_decode(s + i, len - i, &cp);
		if (cp > 0xFFFF) {
			uint32_t v = cp - 0x10000;
			uint32_t hi = 0xD800 | (v >> 10), lo = 0xDC00 | (v & 0x3FF);

			out[o++] = (uint8_t)(hi >> 8);
			out[o++] = (uint8_t)hi;
			out[o++] = (uint8_t)(lo >> 8);
			out[o++] = (uint8_t)lo;
		} else {
			out[o++] = (uint8_t)(cp >> 8);
			out[o++] = (uint8_t)cp;
		}
	}
	return (int)o;
}

int sms_ucs2_to_utf8(const uint8_t *be, size_t len, char *out, size_t max)
{
	size_t o = 0;

	if ((!be && len) || (!out && max) || len % 2 || len > INT_MAX / 2)
		return -EINVAL;
	for (size_t i = 0; i < len; i += 2) {
		uint32_t u = (uint32_t)be[i] << 8 | be[i + 1];
		char tmp[4];
		size_t k;

		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
			uint32_t lo = (uint32_t)be[i + 2] << 8 | be[i + 3];

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF) /* still a lone surrogate */
			u = SMS_UTF8_REPLACEMENT;
		k = sms_utf8_encode(u, tmp);
		if (max - o < k)
			return -E2BIG;
		for (size_t j = 0; j < k; j++)
			out[o++] = tmp[j];
	}
	if (o < max)
		out[o] = '\0';
	return (int)o;
}
