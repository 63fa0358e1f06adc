/* Choosing an encoding and splitting a text into the fewest SMS parts
 * (3GPP TS 23.040 9.2.3.24.1 concatenation, 9.2.3.24.15/16 national
 * language shifts; TS 23.038 6.2.1.2.4).
 *
 * A part holds 140 octets of user data. Its UDH (length octet + IEs) comes
 * off the top: concatenation takes 5 octets (8-bit reference) or 6 (16-bit),
 * each national language shift IE 3; GSM-7 text then starts at the next
 * septet boundary. So 160/153/152 septets and 70/67/66 UTF-16 units. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include "gsm7_internal.h"
#include "sms/segment.h"
#include "utf8_internal.h"

#define SEG_UD_OCTETS 140
#define SEG_IE_CONCAT8 5  /* IEI 0x00: iei, len, ref, total, seq */
#define SEG_IE_CONCAT16 6 /* IEI 0x08: 16-bit reference */
#define SEG_IE_LANG 3	  /* IEI 0x24 / 0x25: iei, len, language */

const char *sms_encoding_str(enum sms_encoding e)
{
	switch (e) {
	case SMS_ENC_GSM7:
		return "gsm7";
	case SMS_ENC_UCS2:
		return "ucs2";
	case SMS_ENC_8BIT:
		return "8bit";
	}
	return "unknown";
}

/* One candidate encoding. */
struct seg_plan {
	enum sms_encoding enc;
	struct sms_gsm7_tables tables;
	struct gsm7_sel sel; /* GSM-7 only */
	bool ascii;	     /* UCS-2 or the default GSM-7 tables: ASCII fast path */
};

static inline unsigned seg_ascii_cost(uint8_t c)
{
	int code = gsm7_default_latin1[c];
	return code < 0 ? 0 : code >= GSM7_CODE_EXT ? 2 : 1;
}

/* Units cp costs in the plan: 1 or 2, or 0 when it cannot be encoded. */
static unsigned seg_cost(const struct seg_plan *p, uint32_t cp)
{
	if (p->enc == SMS_ENC_UCS2)
		return cp > 0xFFFF ? 2 : 1;
	int code = gsm7_code(&p->sel, cp);
	return code < 0 ? 0 : code >= GSM7_CODE_EXT ? 2 : 1;
}

static unsigned seg_lang_octets(const struct seg_plan *p)
{
	if (p->enc != SMS_ENC_GSM7)
		return 0;
	return (p->tables.locking != SMS_LANG_DEFAULT ? SEG_IE_LANG : 0) +
	       (p->tables.single != SMS_LANG_DEFAULT ? SEG_IE_LANG : 0);
}

/* Units one part holds given the IEs in its UDH (0 = no UDH at all). */
static unsigned seg_capacity(enum sms_encoding enc, unsigned ie_octets)
{
	unsigned udh = ie_octets ? 1 + ie_octets : 0;

	if (enc == SMS_ENC_GSM7)
		return (SEG_UD_OCTETS * 8 - udh * 8) / 7;
	return (SEG_UD_OCTETS - udh) / 2;
}

/* Walks the text once with the plan: the total units, the characters and
 * the greedy split into parts of `cap` units (greedy is minimal: each part
 * takes as many whole characters as fit). spans may be NULL. Returns 0,
 * -ERANGE (a character the plan cannot encode), -E2BIG (over 255 parts). */
struct seg_walk {
	unsigned units, chars, parts, last_used;
};

/* Closes the current part before byte i and starts the next one. */
static int seg_next_part(struct seg_walk *w, size_t i, size_t *start,
			 struct sms_part_span *spans, size_t max_spans)
{
	if (w->parts == SMS_MAX_PARTS)
		return -E2BIG;
	if (spans && w->parts <= max_spans) {
		spans[w->parts - 1].offset = *start;
		spans[w->parts - 1].len = i - *start;
	}
	*start = i;
	w->parts++;
	w->last_used = 0;
	return 0;
}

/* Bytes from s that cost one unit per byte in the plan: simple ASCII for
 * the default GSM-7 tables, any ASCII for UCS-2 (8 bytes at a time). */
static size_t seg_unit_run(const struct seg_plan *p, const uint8_t *s, size_t len)
{
	size_t i = 0;

	if (p->enc == SMS_ENC_GSM7)
		return gsm7_simple_prefix(s, len);
	while (i + 8 <= len && !(gsm7_load8(s + i) & GSM7_HIGH))
		i += 8;
	while (i < len && s[i] < 0x80)
		i++;
	return i;
}

static int seg_walk(const struct seg_plan *p, const uint8_t *s, size_t len, unsigned cap,
		    struct sms_part_span *spans, size_t max_spans, struct seg_walk *w)
{
	size_t i = 0, start = 0;
	int rc;

	w->units = w->chars = w->last_used = 0;
	w->parts = 1;
	while (i < len) {
		uint32_t cp = 0;
		int k;
		unsigned c;

		if (p->ascii && s[i] < 0x80) {
			/* A run of one-unit bytes fills parts arithmetically;
			 * a part is full exactly when last_used reaches cap. */
			size_t run = seg_unit_run(p, s + i, len - i);
			while (run) {
				if (w->last_used == cap &&
				    (rc = seg_next_part(w, i, &start, spans, max_spans)) < 0)
					return rc;
				unsigned take = cap - w->last_used;
				if (take > run)
					take = (unsigned)run;
				w->last_used += take;
				w->units += take;
				w->chars += take;
				i += take;
				run -= take;
			}
			if (i == len)
				break;
		}
		if (s[i] < 0x80 && p->ascii) { /* fast path: no decode, no search */
			k = 1;
			c = p->enc == SMS_ENC_UCS2 ? 1 : seg_ascii_cost(s[i]);
		} else {
			k = sms_utf8_decode(s + i, len - i, &cp);
			if (k < 0)
				return k;
			c = seg_cost(p, cp);
		}
		if (!c)
			return -ERANGE;
		if (w->last_used + c > cap &&
		    (rc = seg_next_part(w, i, &start, spans, max_spans)) < 0)
			return rc;
		w->last_used += c;
		w->units += c;
		w->chars++;
		i += (size_t)k;
	}
	if (spans && w->parts <= max_spans) {
		spans[w->parts - 1].offset = start;
		spans[w->parts - 1].len = len - start;
	}
	return 0;
}

/* Lays the text out with the plan: one part when it fits, else parts with
 * the concatenation IE. */
static int seg_layout(const struct seg_plan *p, const uint8_t *s, size_t len, bool ref16,
		      struct sms_part_span *spans, size_t max_spans, struct sms_segment_info *info)
{
	unsigned lang = seg_lang_octets(p);
	unsigned single = seg_capacity(p->enc, lang);
	unsigned multi = seg_capacity(p->enc, lang + (ref16 ? SEG_IE_CONCAT16 : SEG_IE_CONCAT8));
	struct seg_walk w;
	unsigned cap = single;
	int rc = seg_walk(p, s, len, single, NULL, 0, &w);

	if (rc < 0)
		return rc;
	if (w.parts > 1) {
		cap = multi;
		rc = seg_walk(p, s, len, multi, spans, max_spans, &w);
		if (rc < 0)
			return rc;
	} else if (spans && max_spans) {
		spans[0].offset = 0;
		spans[0].len = len;
	}
	info->encoding = p->enc;
	info->tables = p->enc == SMS_ENC_GSM7 ? p->tables : SMS_GSM7_DEFAULT;
	info->parts = w.parts;
	info->units = w.units;
	info->chars = w.chars;
	info->per_part = cap;
	info->remaining = cap - w.last_used;
	return 0;
}

static void seg_plan_gsm7(struct seg_plan *p, enum sms_lang lock, enum sms_lang single)
{
	p->enc = SMS_ENC_GSM7;
	p->tables.locking = lock;
	p->tables.single = single;
	/* The callers only pass languages gsm7_select accepts. */
	(void)gsm7_select(&p->tables, &p->sel);
	p->ascii = lock == SMS_LANG_DEFAULT && single == SMS_LANG_DEFAULT;
}

/* What a layout costs on the air: parts first (what the sender pays),
 * then the bits of text plus national-language IEs in every part. */
static unsigned long seg_bits(const struct seg_plan *p, const struct sms_segment_info *i)
{
	return (unsigned long)i->units * 7 + (unsigned long)i->parts * seg_lang_octets(p) * 8;
}

/* Tries every locking/single combination of the allowed languages and
 * keeps the cheapest layout. Returns 0, -ERANGE when none can encode the
 * text, or another -errno. */
static int seg_try_national(const struct sms_segment_opts *o, const uint8_t *s, size_t len,
			    struct sms_part_span *spans, size_t max_spans,
			    struct sms_segment_info *info)
{
	struct sms_segment_info best = { 0 }, cur;
	struct seg_plan bp = { .enc = SMS_ENC_GSM7 }, p;
	bool found = false;
	int err = -ERANGE;

	/* i/j = 0 stands for the default table, k > 0 for o->langs[k-1]. */
	for (size_t i = 0; i <= o->n_langs; i++) {
		enum sms_lang lock = i ? o->langs[i - 1] : SMS_LANG_DEFAULT;
		if (!gsm7_locking_table(lock))
			continue; /* Spanish: no locking-shift table */
		for (size_t j = 0; j <= o->n_langs; j++) {
			enum sms_lang single = j ? o->langs[j - 1] : SMS_LANG_DEFAULT;
			if (lock == SMS_LANG_DEFAULT && single == SMS_LANG_DEFAULT)
				continue; /* already tried by the caller */
			seg_plan_gsm7(&p, lock, single);
			int rc = seg_layout(&p, s, len, o->ref16, NULL, 0, &cur);
			if (rc == -E2BIG)
				err = rc;
			if (rc < 0)
				continue;
			if (!found || cur.parts < best.parts ||
			    (cur.parts == best.parts && seg_bits(&p, &cur) < seg_bits(&bp, &best))) {
				best = cur;
				bp = p;
				found = true;
			}
		}
	}
	if (!found)
		return err;
	return seg_layout(&bp, s, len, o->ref16, spans, max_spans, info);
}

static int seg_check_opts(const struct sms_segment_opts *o)
{
	if (o->pref != SMS_PREF_AUTO && o->pref != SMS_PREF_GSM7 && o->pref != SMS_PREF_UCS2)
		return -EINVAL;
	if (o->n_langs && !o->langs)
		return -EINVAL;
	for (size_t i = 0; i < o->n_langs; i++) {
		if (!gsm7_single_table(o->langs[i]))
			return -EINVAL;
	}
	return 0;
}

/* The walk stopped early (past 255 parts): invalid UTF-8 further on is
 * reported first. */
static int seg_valid_or(const char *utf8, size_t len, int rc)
{
	int v = sms_ucs2_count(utf8, len);
	return v < 0 ? v : rc;
}

static int seg_run(const char *utf8, size_t len, const struct sms_segment_opts *opts,
		   struct sms_segment_info *info, struct sms_part_span *spans, size_t max_spans)
{
	static const struct sms_segment_opts defaults = { .pref = SMS_PREF_AUTO };
	const struct sms_segment_opts *o = opts ? opts : &defaults;
	const uint8_t *s = (const uint8_t *)utf8;
	struct seg_plan p = { .enc = SMS_ENC_UCS2, .ascii = true };
	int rc;

	if ((!utf8 && len) || !info || len > INT_MAX)
		return -EINVAL;
	if ((rc = seg_check_opts(o)) < 0)
		return rc;
	if (o->pref != SMS_PREF_UCS2) {
		seg_plan_gsm7(&p, SMS_LANG_DEFAULT, SMS_LANG_DEFAULT);
		rc = seg_layout(&p, s, len, o->ref16, spans, max_spans, info);
		if (rc == -E2BIG)
			return seg_valid_or(utf8, len, rc);
		if (rc != -ERANGE)
			return rc;
		/* A character outside the tables came first; invalid UTF-8
		 * later in the text still wins. */
		rc = sms_ucs2_count(utf8, len);
		if (rc < 0)
			return rc;
		if (o->n_langs) {
			rc = seg_try_national(o, s, len, spans, max_spans, info);
			if (rc != -ERANGE)
				return rc;
		}
		if (o->pref == SMS_PREF_GSM7)
			return -ERANGE;
		p = (struct seg_plan){ .enc = SMS_ENC_UCS2, .ascii = true };
	}
	rc = seg_layout(&p, s, len, o->ref16, spans, max_spans, info);
	return rc == -E2BIG ? seg_valid_or(utf8, len, rc) : rc;
}

int sms_segment_count(const char *utf8, size_t len, const struct sms_segment_opts *opts,
		      struct sms_segment_info *info)
{
	return seg_run(utf8, len, opts, info, NULL, 0);
}

int sms_segment_split(const char *utf8, size_t len, const struct sms_segment_opts *opts,
		      struct sms_segment_info *info, struct sms_part_span *spans,
		      size_t max_spans)
{
	int rc;

	if (!spans)
		return -EINVAL;
	/* Spans past max_spans are not written; too few is -E2BIG. */
	rc = seg_run(utf8, len, opts, info, spans, max_spans);
	if (rc < 0)
		return rc;
	if (info->parts > max_spans)
		return -E2BIG;
	return (int)info->parts;
}
