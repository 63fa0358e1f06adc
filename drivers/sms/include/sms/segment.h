/* Choosing an encoding and splitting a text into SMS parts (TS 23.040
 * 9.2.3.24.1 concatenation; 23.038 national language tables). Pure. */
#ifndef SMS_SEGMENT_H
#define SMS_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "sms/alphabet.h"

enum sms_encoding {
	SMS_ENC_GSM7,
	SMS_ENC_UCS2,
	SMS_ENC_8BIT,
};
const char *sms_encoding_str(enum sms_encoding e); /* "gsm7" "ucs2" "8bit" */

enum sms_encoding_pref {
	SMS_PREF_AUTO, /* GSM-7 when every character fits, else UCS-2 */
	SMS_PREF_GSM7, /* -ERANGE when a character does not fit */
	SMS_PREF_UCS2,
};

struct sms_segment_opts {
	enum sms_encoding_pref pref;
	/* National languages the sender allows (each tried as locking and/or
	 * single shift) before falling back to UCS-2; empty = default only. */
	const enum sms_lang *langs;
	size_t n_langs;
	/* Concatenation reference size for multipart: false = 8-bit (IEI 0x00,
	 * 153 septets / 67 units per part), true = 16-bit (IEI 0x08, 152 / 66). */
	bool ref16;
};

struct sms_segment_info {
	enum sms_encoding encoding;
	struct sms_gsm7_tables tables; /* GSM-7 only */
	unsigned parts;
	unsigned units;     /* septets (GSM-7) or UTF-16 units (UCS-2) in total */
	unsigned chars;     /* Unicode code points */
	unsigned remaining; /* units still free in the last part */
	unsigned per_part;  /* capacity of each part in units */
};

/* A part is a byte range of the UTF-8 input; a part never splits an escape
 * pair or a surrogate pair (nor a UTF-8 sequence). */
struct sms_part_span {
	size_t offset;
	size_t len;
};

#define SMS_MAX_PARTS 255

/* Encoding, parts and remaining units of text. Returns 0 or -EILSEQ,
 * -ERANGE (SMS_PREF_GSM7 and a character outside the tables), -E2BIG (more
 * than 255 parts). */
int sms_segment_count(const char *utf8, size_t len, const struct sms_segment_opts *opts,
		      struct sms_segment_info *info);
/* Like sms_segment_count, and also the byte span of each part (max spans).
 * Returns the number of parts or -errno. */
int sms_segment_split(const char *utf8, size_t len, const struct sms_segment_opts *opts,
		      struct sms_segment_info *info, struct sms_part_span *spans,
		      size_t max_spans);

/* "Smart encoding": replace typographic look-alikes (curly quotes, dashes,
 * ellipsis, NBSP, ...) with GSM-7 characters so a text can stay 7-bit.
 * Returns bytes written (NUL-terminated when room) or -E2BIG / -EILSEQ. */
int sms_smart_replace(const char *utf8, size_t len, char *out, size_t max);

#endif
