/* GSM 7-bit alphabet (3GPP TS 23.038 6.2.1): UTF-8 <-> unpacked septets
 * with the default or national tables, and septet packing (23.038 6.1.2.1.1)
 * with the fill bits that follow a user data header (23.040 9.2.3.24). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "gsm7_internal.h"
#include "sms/alphabet.h"
#include "utf8_internal.h"

const char *sms_lang_str(enum sms_lang lang)
{
	switch (lang) {
	case SMS_LANG_DEFAULT:
		return "default";
	case SMS_LANG_TURKISH:
		return "turkish";
	case SMS_LANG_SPANISH:
		return "spanish";
	case SMS_LANG_PORTUGUESE:
		return "portuguese";
	}
	return "unknown";
}

/* NULL tables mean the default alphabet. */
int gsm7_select(const struct sms_gsm7_tables *t, struct gsm7_sel *sel)
{
	enum sms_lang lk = t ? t->locking : SMS_LANG_DEFAULT;
	enum sms_lang ss = t ? t->single : SMS_LANG_DEFAULT;

	sel->lock = gsm7_locking_table(lk);
	sel->shift = gsm7_single_table(ss);
	if (!sel->lock || !sel->shift)
		return -EINVAL;
	sel->lock_default = lk == SMS_LANG_DEFAULT;
	sel->shift_default = ss == SMS_LANG_DEFAULT;
	return 0;
}

/* Position of cp in a table, skipping 0x1B (never encoded), or -1. The
 * default table's position is tried first: national tables keep most
 * characters where the default alphabet has them. */
static int gsm7_scan(const struct gsm7_table *tab, uint32_t cp, int guess)
{
	if (guess >= 0 && tab->cp[guess] == cp && guess != SMS_GSM7_ESC)
		return guess;
	for (int i = 0; i < 128; i++) {
		if (tab->cp[i] == cp && i != SMS_GSM7_ESC)
			return i;
	}
	return -1;
}

/* cp -> septet (0..0x7F) or GSM7_CODE_EXT | septet, or -1. A character
 * in the locking table wins over the same one in the shift table: it costs
 * one septet instead of two. */
int gsm7_code(const struct gsm7_sel *sel, uint32_t cp)
{
	int d = cp ? gsm7_default_code(cp) : -1;
	int s;

	if (sel->lock_default) {
		if (d >= 0 && d < GSM7_CODE_EXT)
			return d;
	} else {
		s = gsm7_scan(sel->lock, cp, d >= 0 && d < GSM7_CODE_EXT ? d : -1);
		if (s >= 0)
			return s;
	}
	if (sel->shift_default)
		return d >= GSM7_CODE_EXT ? d : -1;
	if (cp == 0)
		return -1;
	s = gsm7_scan(sel->shift, cp, d >= GSM7_CODE_EXT ? d & 0x7F : -1);
	return s >= 0 ? (GSM7_CODE_EXT | s) : -1;
}

/* Septets the text needs, or -errno. Validates everything first so the
 * encoder never writes a partial result. With the default tables, runs of
 * simple ASCII (one byte, one septet) are skipped 8 bytes at a time. */
static int gsm7_measure(const struct gsm7_sel *sel, const char *utf8, size_t len)
{
	const uint8_t *s = (const uint8_t *)utf8;
	bool dflt = sel->lock_default && sel->shift_default;
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t cp = 0;
		int code;

		if (dflt) {
			size_t run = gsm7_simple_prefix(s + i, len - i);
			i += run;
			n += run;
			if (i == len)
				break;
		}
		if (s[i] < 0x80 && dflt) {
			code = gsm7_default_latin1[s[i]];
			i++;
		} else {
			int k = sms_utf8_decode(s + i, len - i, &cp);
			if (k < 0)
				return k;
			i += (size_t)k;
			code = gsm7_code(sel, cp);
		}
		if (code < 0)
			return -ERANGE;
		n += code >= GSM7_CODE_EXT ? 2 : 1;
	}
	if (n > INT_MAX)
		return -E2BIG;
	return (int)n;
}

/* Simple ASCII (gsm7_simple_prefix) -> septets, 8 at a time: the bytes are
 * the septets but for '$' (0x02), '@' (0x00) and '_' (0x11). */
static void gsm7_map_simple(const uint8_t *s, size_t n, uint8_t *out)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x = gsm7_load8(s + i);
		uint64_t same = GSM7_NE(x, '$') & GSM7_NE(x, '@') & GSM7_NE(x, '_');

		if ((same & GSM7_HIGH) == GSM7_HIGH) {
			gsm7_store8(out + i, x);
			continue;
		}
		for (size_t k = i; k < i + 8; k++)
			out[k] = (uint8_t)gsm7_default_latin1[s[k]];
	}
	for (; i < n; i++)
		out[i] = (uint8_t)gsm7_default_latin1[s[i]];
}

int sms_gsm7_count(const char *utf8, size_t len, const struct sms_gsm7_tables *t)
{
	struct gsm7_sel sel;
	int rc;

	if (!utf8 && len)
		return -EINVAL;
	rc = gsm7_select(t, &sel);
	if (rc < 0)
		return rc;
	return gsm7_measure(&sel, utf8, len);
}

int sms_gsm7_from_utf8(const char *utf8, size_t len, const struct sms_gsm7_tables *t,
		       uint8_t *septets, size_t max)
{
	const uint8_t *s = (const uint8_t *)utf8;
	struct gsm7_sel sel;
	size_t i = 0, o = 0, need;
	int rest;

	if ((!utf8 && len) || (!septets && max))
		return -EINVAL;
	rest = gsm7_select(t, &sel);
	if (rest < 0)
		return rest;
	/* Default tables: the simple ASCII prefix is measured by one scan and
	 * mapped 8 bytes at a time; only what follows it is measured and
	 * encoded character by character. */
	if (sel.lock_default && sel.shift_default)
		i = o = gsm7_simple_prefix(s, len);
	rest = gsm7_measure(&sel, utf8 + i, len - i);
	if (rest < 0)
		return rest;
	need = i + (size_t)rest;
	if (need > max)
		return -E2BIG;
	if (need > INT_MAX)
		return -E2BIG;
	gsm7_map_simple(s, i, septets);
	/* The text is valid and fits: no error checks below. */
	while (i < len) {
		uint32_t cp = 0;
		int code;

		if (s[i] < 0x80 && sel.lock_default && sel.shift_default) {
			code = gsm7_default_latin1[s[i++]];
		} else {
			i += (size_t)sms_utf8_decode(s + i, len - i, &cp);
			code = gsm7_code(&sel, cp);
		}
		if (code >= GSM7_CODE_EXT) {
			septets[o++] = SMS_GSM7_ESC;
			septets[o++] = (uint8_t)(code & 0x7F);
		} else {
			septets[o++] = (uint8_t)code;
		}
	}
	return (int)need;
}

/* One table entry at out: the whole 4-byte entry when there is room (the
 * byte past the character is overwritten by the next one or the NUL),
 * else just its bytes. Returns bytes written or -E2BIG. */
static inline int gsm7_put(const struct gsm7_u8 *e, char *out, size_t room)
{
	if (room >= sizeof(*e)) {
		memcpy(out, e, sizeof(*e));
		return e->len;
	}
	if (room < e->len)
		return -E2BIG;
	memcpy(out, e->b, e->len);
	return e->len;
}

/* The entry an escape followed by c decodes to (23.038 6.2.1.1: a septet
 * with no extension entry shows the character of the default - here the
 * locking - table). */
static inline const struct gsm7_u8 *gsm7_escaped(const struct gsm7_sel *sel, uint8_t c)
{
	const struct gsm7_u8 *e = &sel->shift->u8[c];
	return e->len ? e : &sel->lock->u8[c];
}

/* No byte has bit 7 set (8 at a time). */
static bool gsm7_all_septets(const uint8_t *p, size_t n)
{
	uint64_t acc = 0;
	size_t k = 0;

	for (; k + 8 <= n; k += 8) {
		uint64_t v;
		memcpy(&v, p + k, 8);
		acc |= v;
	}
	for (; k < n; k++)
		acc |= p[k];
	return (acc & 0x8080808080808080ull) == 0;
}

int sms_gsm7_to_utf8(const uint8_t *septets, size_t n, const struct sms_gsm7_tables *t,
		     char *out, size_t max)
{
	static const struct gsm7_u8 space = { { 0x20, 0, 0 }, 1 };
	struct gsm7_sel sel;
	size_t i = 0, o = 0;
	int rc;

	if ((!septets && n) || (!out && max) || n > INT_MAX / 3)
		return -EINVAL;
	rc = gsm7_select(t, &sel);
	if (rc < 0)
		return rc;
	if (!gsm7_all_septets(septets, n))
		return -EINVAL; /* checked once here, not per character below */

	const struct gsm7_u8 *lock = sel.lock->u8;
	/* Fast path: each septet yields at most 3 bytes (an escape pair 3 for
	 * two), so while 3 bytes a septet plus the 4-byte copy fit, no bounds
	 * checks. */
	size_t safe = max > 0 ? (max - 1) / 3 : 0;
	size_t end = safe < n ? safe : n;

	while (i < end) {
		/* Default table: 8 septets that decode to the same ASCII bytes
		 * are copied at once (o <= 3 i, so the 8 bytes fit). */
		if (sel.lock_default && i + 8 <= end) {
			uint64_t x = gsm7_load8(septets + i);
			if (gsm7_ident8(x)) {
				memcpy(out + o, septets + i, 8);
				o += 8;
				i += 8;
				continue;
			}
		}
		uint8_t c = septets[i++];
		const struct gsm7_u8 *e = &lock[c];

		if (c == SMS_GSM7_ESC)
			e = i < n ? gsm7_escaped(&sel, septets[i++]) : &space;
		memcpy(out + o, e, sizeof(*e));
		o += e->len;
	}
	while (i < n) {
		uint8_t c = septets[i++];
		const struct gsm7_u8 *e = &lock[c];

		if (c == SMS_GSM7_ESC)
			e = i < n ? gsm7_escaped(&sel, septets[i++]) : &space;
		rc = gsm7_put(e, out + o, max - o);
		if (rc < 0)
			return rc;
		o += (size_t)rc;
	}
	if (o < max)
		out[o] = '\0';
	return (int)o;
}

/* ---- packing ---------------------------------------------------------- */

/* Eight 7-bit values at bits 7k of a word <-> the bytes of a word, in
 * three halving steps (28-bit halves, 14-bit quarters, septets). */
static inline uint64_t gsm7_spread56(uint64_t x)
{
	x = (x & 0x000000000FFFFFFFull) | ((x & 0x00FFFFFFF0000000ull) << 4);
	x = (x & 0x00003FFF00003FFFull) | ((x & 0x0FFFC0000FFFC000ull) << 2);
	x = (x & 0x007F007F007F007Full) | ((x & 0x3F803F803F803F80ull) << 1);
	return x;
}

static inline uint64_t gsm7_gather56(uint64_t x)
{
	x = (x & 0x007F007F007F007Full) | ((x & 0x7F007F007F007F00ull) >> 1);
	x = (x & 0x00003FFF00003FFFull) | ((x & 0x3FFF00003FFF0000ull) >> 2);
	x = (x & 0x000000000FFFFFFFull) | ((x & 0x0FFFFFFF00000000ull) >> 4);
	return x;
}

static size_t gsm7_packed_len(size_t n, unsigned fill_bits)
{
	return (fill_bits + 7 * n + 7) / 8;
}

int sms_gsm7_pack(const uint8_t *septets, size_t n, unsigned fill_bits, uint8_t *out,
		  size_t max)
{
	unsigned nbits = fill_bits;
	uint64_t acc = 0;
	size_t need, i = 0, o = 0;

	if (fill_bits > 6 || (!septets && n) || (!out && max) || n > (size_t)INT_MAX / 7)
		return -EINVAL;
	if (!gsm7_all_septets(septets, n))
		return -EINVAL;
	need = gsm7_packed_len(n, fill_bits);
	if (need > max)
		return -E2BIG;
	/* A bit accumulator (LSB first, 23.038 6.1.2.1.1): 8 septets make 56
	 * bits; with < 8 bits pending they fit in 64. The group's 8-byte store
	 * writes one octet ahead, which the next septet always overwrites
	 * (hence i + 8 < n). */
	for (; i + 8 < n; i += 8) {
		acc |= gsm7_gather56(gsm7_load8(septets + i)) << nbits;
		gsm7_store8(out + o, acc);
		o += 7;
		acc >>= 56;
	}
	for (; i < n; i++) {
		acc |= (uint64_t)septets[i] << nbits;
		nbits += 7;
		if (nbits >= 8) {
			out[o++] = (uint8_t)acc;
			acc >>= 8;
			nbits -= 8;
		}
	}
	if (nbits)
		out[o++] = (uint8_t)acc;
	return (int)o;
}

int sms_gsm7_unpack(const uint8_t *octets, size_t octet_len, unsigned fill_bits, size_t n,
		    uint8_t *septets, size_t max)
{
	size_t i = 0;

	if (fill_bits > 6 || (!octets && octet_len) || (!septets && max) ||
	    n > (size_t)INT_MAX / 7)
		return -EINVAL;
	if (gsm7_packed_len(n, fill_bits) > octet_len)
		return -EINVAL;
	if (n > max)
		return -E2BIG;
	/* Fast path: 8 septets from each 7 octets (one 64-bit load, the fill
	 * shifted out), while 8 octets can be read. */
	for (size_t g = 0; i + 8 <= n && g + 8 <= octet_len; g += 7, i += 8)
		gsm7_store8(septets + i, gsm7_spread56(gsm7_load8(octets + g) >> fill_bits));
	for (; i < n; i++) {
		size_t bit = fill_bits + 7 * i;
		unsigned sh = bit & 7;
		const uint8_t *p = octets + (bit >> 3);
		unsigned v = p[0] >> sh;

		if (sh > 1)
			v |= (unsigned)p[1] << (8 - sh);
		septets[i] = (uint8_t)(v & 0x7F);
	}
	return (int)n;
}
