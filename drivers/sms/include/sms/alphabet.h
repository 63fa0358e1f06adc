/* SMS alphabets (3GPP TS 23.038): GSM 7-bit default and extension tables,
 * national language single-shift and locking-shift tables, septet packing,
 * UTF-16BE (UCS-2 with surrogate pairs). Pure: no I/O, no allocation; the
 * caller owns every buffer.
 *
 * Septet arrays are "unpacked": one septet per byte, the escape (0x1B) and
 * the escaped character as two entries. Returns are counts (>= 0) or
 * -errno: -EILSEQ invalid UTF-8, -ERANGE a character the chosen tables
 * cannot represent, -E2BIG output too small, -EINVAL bad arguments. */
#ifndef SMS_ALPHABET_H
#define SMS_ALPHABET_H

#include <stddef.h>
#include <stdint.h>

/* National language identifiers of TS 23.038 section 6.2.1.2.4 (the values
 * carried in UDH IEI 0x24 / 0x25). 0 = the default alphabet. */
enum sms_lang {
	SMS_LANG_DEFAULT = 0,
	SMS_LANG_TURKISH = 1,
	SMS_LANG_SPANISH = 2,
	SMS_LANG_PORTUGUESE = 3,
};
const char *sms_lang_str(enum sms_lang lang);

/* Which tables a GSM 7-bit text uses. Spanish has no locking-shift table
 * in 23.038; asking for one is -EINVAL. */
struct sms_gsm7_tables {
	enum sms_lang locking; /* replaces the default table */
	enum sms_lang single;  /* replaces the extension table */
};
#define SMS_GSM7_DEFAULT ((struct sms_gsm7_tables){ SMS_LANG_DEFAULT, SMS_LANG_DEFAULT })

#define SMS_GSM7_ESC 0x1B

/* UTF-8 -> unpacked septets. Returns septets written. */
int sms_gsm7_from_utf8(const char *utf8, size_t len, const struct sms_gsm7_tables *t,
		       uint8_t *septets, size_t max);
/* Septets the text needs with these tables (escapes count 2), or -ERANGE /
 * -EILSEQ. No output buffer. */
int sms_gsm7_count(const char *utf8, size_t len, const struct sms_gsm7_tables *t);
/* Unpacked septets -> UTF-8 (NUL-terminated when room; the return excludes
 * the NUL). An escape followed by a septet with no extension entry decodes
 * as that septet in the default/locking table, as 23.038 6.2.1.1 says; a
 * trailing lone escape decodes as a space. Returns bytes written. */
int sms_gsm7_to_utf8(const uint8_t *septets, size_t n, const struct sms_gsm7_tables *t,
		     char *out, size_t max);

/* Pack n septets into octets, first septet starting after fill_bits (0..6)
 * zero bits (the fill after a UDH). Returns octets written. */
int sms_gsm7_pack(const uint8_t *septets, size_t n, unsigned fill_bits, uint8_t *out,
		  size_t max);
/* Unpack n septets from octets (octet_len bytes available) after fill_bits.
 * -EINVAL when octet_len is too short for n septets. Returns n. */
int sms_gsm7_unpack(const uint8_t *octets, size_t octet_len, unsigned fill_bits, size_t n,
		    uint8_t *septets, size_t max);

/* UTF-8 -> UTF-16BE (surrogate pairs for code points above U+FFFF).
 * Returns bytes written (even). */
int sms_ucs2_from_utf8(const char *utf8, size_t len, uint8_t *out, size_t max);
/* UTF-16 units the text needs (a surrogate pair counts 2), or -EILSEQ. */
int sms_ucs2_count(const char *utf8, size_t len);
/* UTF-16BE -> UTF-8 (NUL-terminated when room). An unpaired surrogate
 * decodes as U+FFFD; an odd trailing byte is -EINVAL. Returns bytes. */
int sms_ucs2_to_utf8(const uint8_t *be, size_t len, char *out, size_t max);

#endif
