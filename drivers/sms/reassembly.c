/* Reassembly of concatenated messages over a caller-given slot array. */
#include <errno.h>
#include <string.h>

#include "sms/alphabet.h"
#include "sms/reassembly.h"

const char *sms_reasm_status_str(enum sms_reasm_status s)
{
	switch (s) {
	case SMS_REASM_SINGLE:
		return "single";
	case SMS_REASM_STORED:
		return "stored";
	case SMS_REASM_DUPLICATE:
		return "duplicate";
	case SMS_REASM_COMPLETE:
		return "complete";
	}
	return "?";
}

void sms_reasm_init(struct sms_reasm *r, struct sms_reasm_part *slots, size_t cap)
{
	r->slots = slots;
	r->cap = slots ? cap : 0;
	if (slots && cap)
		memset(slots, 0, cap * sizeof(*slots));
}

static bool sms_reasm_match(const struct sms_reasm_part *s, const struct sms_reasm_key *k)
{
	return s->used && s->ref == k->ref && s->total == k->total &&
	       strcmp(s->originator, k->originator) == 0;
}

static struct sms_reasm_part *sms_reasm_find(const struct sms_reasm *r,
					     const struct sms_reasm_key *k, unsigned seq)
{
	for (size_t i = 0; i < r->cap; i++)
		if (sms_reasm_match(&r->slots[i], k) && r->slots[i].seq == seq)
			return &r->slots[i];
	return NULL;
}

int sms_reasm_info(const struct sms_reasm *r, const struct sms_reasm_key *k,
		   struct sms_reasm_info *info)
{
	unsigned low = 256;

	memset(info, 0, sizeof(*info));
	info->key = *k;
	for (size_t i = 0; i < r->cap; i++) {
		const struct sms_reasm_part *s = &r->slots[i];
		if (!sms_reasm_match(s, k))
			continue;
		if (!(info->have[(s->seq - 1) / 8] & (1u << ((s->seq - 1) % 8)))) {
			info->have[(s->seq - 1) / 8] |= (uint8_t)(1u << ((s->seq - 1) % 8));
			info->present++;
		}
		if (info->present == 1 || s->arrived < info->first_arrived)
			info->first_arrived = s->arrived;
		if (s->seq < low) {
			low = s->seq;
			info->encoding = (enum sms_encoding)s->encoding;
		}
	}
	if (!info->present)
		return -ENOENT;
	info->complete = info->present == k->total;
	return 0;
}

static void sms_reasm_key_of(const struct sms_pdu *p, struct sms_reasm_key *k)
{
	memcpy(k->originator, p->addr.number, sizeof(k->originator));
	k->originator[sizeof(k->originator) - 1] = '\0';
	k->ref = p->udh.ref;
	k->total = p->udh.total;
}

int sms_reasm_add(struct sms_reasm *r, const struct sms_pdu *p, uint64_t now,
		  struct sms_reasm_key *key, enum sms_reasm_status *st)
{
	struct sms_reasm_part *free_slot = NULL;
	struct sms_reasm_info info;

	if (!r || !p || !key || !st || p->type == SMS_PDU_STATUS_REPORT)
		return -EINVAL;
	memset(key, 0, sizeof(*key));
	sms_reasm_key_of(p, key);
	if (!p->udh.concat || p->udh.total < 2) {
		*st = SMS_REASM_SINGLE;
		return 0;
	}
	if (sms_reasm_find(r, key, p->udh.seq)) {
		*st = SMS_REASM_DUPLICATE;
		return 0;
	}
	for (size_t i = 0; i < r->cap && !free_slot; i++)
		if (!r->slots[i].used)
			free_slot = &r->slots[i];
	if (!free_slot)
		return -ENOSPC;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->seq = p->udh.seq;
	free_slot->total = p->udh.total;
	free_slot->ref = p->udh.ref;
	free_slot->encoding = (uint8_t)p->encoding;
	free_slot->lang_locking = (uint8_t)p->tables.locking;
	free_slot->lang_single = (uint8_t)p->tables.single;
	free_slot->len = (uint8_t)(p->ud_len > SMS_UD_SEPTETS_MAX ? SMS_UD_SEPTETS_MAX
								  : p->ud_len);
	free_slot->arrived = now;
	memcpy(free_slot->originator, key->originator, sizeof(key->originator));
	memcpy(free_slot->payload, p->ud, free_slot->len);
	sms_reasm_info(r, key, &info);
	*st = info.complete ? SMS_REASM_COMPLETE : SMS_REASM_STORED;
	return 0;
}

int sms_reasm_oldest(const struct sms_reasm *r, uint64_t before, struct sms_reasm_key *key)
{
	const struct sms_reasm_part *best = NULL;

	for (size_t i = 0; i < r->cap; i++) {
		const struct sms_reasm_part *s = &r->slots[i];
		if (s->used && s->arrived < before && (!best || s->arrived < best->arrived))
			best = s;
	}
	if (!best)
		return -ENOENT;
	memcpy(key->originator, best->originator, sizeof(key->originator));
	key->ref = best->ref;
	key->total = best->total;
	return 0;
}

/* Appending decoded parts; a dangling escape or high surrogate at the end
 * of a part is carried into the next one. */
struct sms_reasm_out {
	char *out;
	size_t max;
	size_t pos;
	uint8_t buf[2 + SMS_UD_SEPTETS_MAX];
	size_t carry;
	int enc;
	struct sms_gsm7_tables tables;
};

static int sms_reasm_emit(struct sms_reasm_out *o, size_t n)
{
	int w;

	if (o->enc < 0 || n == 0)
		return 0;
	if (o->pos >= o->max)
		return -E2BIG;
	switch ((enum sms_encoding)o->enc) {
	case SMS_ENC_GSM7:
		w = sms_gsm7_to_utf8(o->buf, n, &o->tables, o->out + o->pos, o->max - o->pos);
		break;
	case SMS_ENC_UCS2:
		w = sms_ucs2_to_utf8(o->buf, n, o->out + o->pos, o->max - o->pos);
		break;
	default:
		if (n > o->max - o->pos)
			return -E2BIG;
		memcpy(o->out + o->pos, o->buf, n);
		w = (int)n;
		break;
	}
	if (w < 0)
		return w == -E2BIG ? -E2BIG : -EINVAL;
	o->pos += (size_t)w;
	return 0;
}

static size_t sms_reasm_dangling(const struct sms_reasm_out *o, size_t n)
{
	size_t esc = 0;

	if (o->enc == SMS_ENC_GSM7) {
		while (esc < n && o->buf[n - 1 - esc] == SMS_GSM7_ESC)
			esc++;
		return esc & 1;
	}
	if (o->enc == SMS_ENC_UCS2 && n >= 2 && !(n & 1) && (o->buf[n - 2] & 0xFC) == 0xD8)
		return 2;
	return 0;
}

static int sms_reasm_part_out(struct sms_reasm_out *o, const struct sms_reasm_part *s,
			      bool more)
{
	struct sms_gsm7_tables t = { (enum sms_lang)s->lang_locking,
				     (enum sms_lang)s->lang_single };
	size_t n;
	int rc;

	if (s->encoding != o->enc || t.locking != o->tables.locking ||
	    t.single != o->tables.single) {
		if ((rc = sms_reasm_emit(o, o->carry)) < 0)
			return rc;
		o->carry = 0;
		o->enc = s->encoding;
		o->tables = t;
	}
	memcpy(o->buf + o->carry, s->payload, s->len);
	n = o->carry + s->len;
	o->carry = more ? sms_reasm_dangling(o, n) : 0;
	if ((rc = sms_reasm_emit(o, n - o->carry)) < 0)
		return rc;
	memmove(o->buf, o->buf + n - o->carry, o->carry);
	return 0;
}

int sms_reasm_take(struct sms_reasm *r, const struct sms_reasm_key *key, bool remove,
		   struct sms_reasm_info *info, char *out, size_t max)
{
	struct sms_reasm_out o = { .out = out, .max = max, .enc = -1 };
	struct sms_reasm_info tmp;
	int rc;

	if (!r || !key || (!out && max))
		return -EINVAL;
	if (!info)
		info = &tmp;
	if ((rc = sms_reasm_info(r, key, info)) < 0)
		return rc;
	for (unsigned seq = 1; seq <= key->total; seq++) {
		const struct sms_reasm_part *s = sms_reasm_find(r, key, seq);
		if (!s) {
			/* A gap: what was carried cannot be joined. */
			if ((rc = sms_reasm_emit(&o, o.carry)) < 0)
				return rc;
			o.carry = 0;
			continue;
		}
		if ((rc = sms_reasm_part_out(&o, s, seq < key->total)) < 0)
			return rc;
	}
	if ((rc = sms_reasm_emit(&o, o.carry)) < 0)
		return rc;
	if (o.pos < max)
		out[o.pos] = '\0';
	if (remove)
		for (size_t i = 0; i < r->cap; i++)
			if (sms_reasm_match(&r->slots[i], key))
				memset(&r->slots[i], 0, sizeof(r->slots[i]));
	return (int)o.pos;
}

void sms_reasm_record_save(const struct sms_reasm_part *p, uint8_t *rec)
{
	memset(rec, 0, SMS_REASM_REC_SIZE);
	rec[0] = SMS_REASM_VERSION;
	rec[1] = p->used ? 1 : 0;
	rec[2] = p->seq;
	rec[3] = p->total;
	rec[4] = p->encoding;
	rec[5] = p->lang_locking;
	rec[6] = p->lang_single;
	rec[7] = p->len;
	rec[8] = (uint8_t)p->ref;
	rec[9] = (uint8_t)(p->ref >> 8);
	for (int i = 0; i < 8; i++)
		rec[10 + i] = (uint8_t)(p->arrived >> (8 * i));
	memcpy(rec + 18, p->originator, SMS_ADDR_MAX);
	rec[18 + SMS_ADDR_MAX - 1] = '\0';
	memcpy(rec + 66, p->payload, p->len <= SMS_UD_SEPTETS_MAX ? p->len : SMS_UD_SEPTETS_MAX);
}

int sms_reasm_record_load(const uint8_t *rec, struct sms_reasm_part *p)
{
	uint8_t enc = rec[4], len = rec[7];

	if (rec[0] != SMS_REASM_VERSION || (rec[1] & ~1u) || enc > SMS_ENC_8BIT ||
	    len > (enc == SMS_ENC_GSM7 ? SMS_UD_SEPTETS_MAX : SMS_UD_MAX) ||
	    memchr(rec + 18, '\0', SMS_ADDR_MAX) == NULL || rec[5] == SMS_LANG_SPANISH || rec[5] > SMS_LANG_PORTUGUESE ||
	    rec[6] > SMS_LANG_PORTUGUESE)
		return -EINVAL;
	if ((rec[1] & 1) && (rec[3] < 2 || rec[2] == 0 || rec[2] > rec[3]))
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->used = rec[1] & 1;
	p->seq = rec[2];
	p->total = rec[3];
	p->encoding = enc;
	p->lang_locking = rec[5];
	p->lang_single = rec[6];
	p->len = len;
	p->ref = (uint16_t)(rec[8] | rec[9] << 8);
	for (int i = 0; i < 8; i++)
		p->arrived |= (uint64_t)rec[10 + i] << (8 * i);
	memcpy(p->originator, rec + 18, SMS_ADDR_MAX);
	memcpy(p->payload, rec + 66, len);
	return 0;
}
