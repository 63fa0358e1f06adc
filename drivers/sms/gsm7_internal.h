/* Internal view of the GSM 7-bit tables (drivers/sms/gsm7_tables.c). */
#ifndef SMS_GSM7_INTERNAL_H
#define SMS_GSM7_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

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

#endif
