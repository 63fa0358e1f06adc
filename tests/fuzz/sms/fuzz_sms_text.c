/* libFuzzer: any input as UTF-8 text through the encoder side, whose fast
 * paths work 8 bytes at a time. Checks, against the same code run one
 * character at a time (where no 8-byte path can apply):
 *   - sms_gsm7_count and sms_gsm7_from_utf8 agree, and the septets of the
 *     whole text are those of its characters one by one;
 *   - the septets decode back to the exact text (the default alphabet plus
 *     its extension table is one-to-one);
 *   - pack then unpack gives the septets back, for the fill this input picks;
 *   - sms_segment_split covers the text with contiguous spans, each no
 *     larger than a part. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sms/alphabet.h"
#include "sms/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXTEXT 2048

static void fuzz_gsm7(const char *t, size_t len)
{
	static uint8_t sep[2 * MAXTEXT], one[2 * MAXTEXT], packed[2 * MAXTEXT], back[2 * MAXTEXT];
	static char text[3 * 2 * MAXTEXT + 1];
	int c = sms_gsm7_count(t, len, NULL);
	int n = sms_gsm7_from_utf8(t, len, NULL, sep, sizeof(sep));
	size_t k = 0, o = 0;

	if (c != n)
		__builtin_trap();
	if (n < 0)
		return;
	/* Character by character: the first byte tells the length. */
	while (k < len) {
		size_t cl = (uint8_t)t[k] < 0x80 ? 1 : (uint8_t)t[k] < 0xE0 ? 2 :
			    (uint8_t)t[k] < 0xF0 ? 3 : 4;
		int m = sms_gsm7_from_utf8(t + k, cl, NULL, one + o, sizeof(one) - o);
		if (m <= 0)
			__builtin_trap();
		o += (size_t)m;
		k += cl;
	}
	if (o != (size_t)n || memcmp(one, sep, o) != 0)
		__builtin_trap();
	if (sms_gsm7_to_utf8(sep, (size_t)n, NULL, text, sizeof(text)) != (int)len ||
	    memcmp(text, t, len) != 0)
		__builtin_trap();
	unsigned fill = (unsigned)(len % 7);
	int p = sms_gsm7_pack(sep, (size_t)n, fill, packed, sizeof(packed));
	if (p < 0 || sms_gsm7_unpack(packed, (size_t)p, fill, (size_t)n, back, sizeof(back)) != n ||
	    memcmp(back, sep, (size_t)n) != 0)
		__builtin_trap();
}

static void fuzz_segment(const char *t, size_t len)
{
	static struct sms_part_span spans[SMS_MAX_PARTS];
	struct sms_segment_info info, info2;
	int parts = sms_segment_split(t, len, NULL, &info, spans, SMS_MAX_PARTS);
	size_t at = 0;

	if (sms_segment_count(t, len, NULL, &info2) != (parts < 0 ? parts : 0))
		__builtin_trap();
	if (parts < 0)
		return;
	if ((unsigned)parts != info.parts || info2.parts != info.parts || info2.units != info.units)
		__builtin_trap();
	for (int i = 0; i < parts; i++) {
		if (spans[i].offset != at)
			__builtin_trap();
		at += spans[i].len;
		int u = info.encoding == SMS_ENC_GSM7
				? sms_gsm7_count(t + spans[i].offset, spans[i].len, NULL)
				: sms_ucs2_count(t + spans[i].offset, spans[i].len);
		if (u < 0 || (unsigned)u > info.per_part)
			__builtin_trap();
	}
	if (at != len)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAXTEXT)
		return 0;
	fuzz_gsm7((const char *)data, size);
	fuzz_segment((const char *)data, size);
	return 0;
}
