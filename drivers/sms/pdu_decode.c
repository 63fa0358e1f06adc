/* Decoding SMS-DELIVER, SMS-SUBMIT and SMS-STATUS-REPORT (TS 23.040 9.2.2).
 * Every length is checked against what is left before it is used. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "pdu_internal.h"
#include "sms/alphabet.h"
#include "sms/pdu.h"

#define SMS_HEX_IN_MAX 512 /* octets accepted by sms_pdu_decode_hex */

const char *sms_pdu_type_str(enum sms_pdu_type t)
{
	switch (t) {
	case SMS_PDU_DELIVER:
		return "deliver";
	case SMS_PDU_SUBMIT:
		return "submit";
	case SMS_PDU_STATUS_REPORT:
		return "status-report";
	}
	return "?";
}

/* A cursor over the input; every read checks the remaining length. */
struct sms_rd {
	const uint8_t *p;
	size_t left;
};

static int sms_rd_u8(struct sms_rd *r, uint8_t *v)
{
	if (r->left < 1)
		return -EINVAL;
	*v = *r->p++;
	r->left--;
	return 0;
}

static int sms_rd_skip(struct sms_rd *r, size_t n)
{
	if (r->left < n)
		return -EINVAL;
	r->p += n;
	r->left -= n;
	return 0;
}

static int sms_rd_addr(struct sms_rd *r, int smsc_form, struct sms_address *a)
{
	int n = sms_addr_decode(r->p, r->left, smsc_form, a);

	if (n < 0)
		return n;
	return sms_rd_skip(r, (size_t)n);
}

static int sms_rd_time(struct sms_rd *r, struct sms_time *t)
{
	if (r->left < 7 || sms_time_decode(r->p, t) < 0)
		return -EINVAL;
	return sms_rd_skip(r, 7);
}

static int sms_rd_vp(struct sms_rd *r, struct sms_vp *vp)
{
	switch (vp->format) {
	case SMS_VPF_NONE:
		return 0;
	case SMS_VPF_RELATIVE:
		return sms_rd_u8(r, &vp->relative);
	case SMS_VPF_ABSOLUTE:
		return sms_rd_time(r, &vp->absolute);
	case SMS_VPF_ENHANCED:
		if (r->left < 7)
			return -EINVAL;
		memcpy(vp->enhanced, r->p, 7);
		return sms_rd_skip(r, 7);
	}
	return -EINVAL;
}

/* Only the language tables the alphabets have; anything else reads with
 * the default tables (23.038: an unsupported shift is ignored). */
static void sms_pick_tables(const struct sms_udh *u, struct sms_gsm7_tables *t)
{
	t->locking = (u->lang_locking == SMS_LANG_TURKISH ||
		      u->lang_locking == SMS_LANG_PORTUGUESE)
			     ? (enum sms_lang)u->lang_locking
			     : SMS_LANG_DEFAULT;
	t->single = (u->lang_single >= SMS_LANG_TURKISH && u->lang_single <= SMS_LANG_PORTUGUESE)
			    ? (enum sms_lang)u->lang_single
			    : SMS_LANG_DEFAULT;
}

static int sms_ud_gsm7(struct sms_rd *r, struct sms_pdu *m)
{
	size_t octets = ((size_t)m->udl * 7 + 7) / 8;
	size_t hdr = 0, hdr_septets = 0;
	unsigned fill = 0;
	int n;

	if (m->udl > SMS_UD_SEPTETS_MAX || r->left < octets)
		return -EINVAL;
	if (m->udhi) {
		if (m->udl == 0)
			return -EINVAL;
		hdr = (size_t)r->p[0] + 1;
		/* The header plus fill bits ends on a septet boundary. */
		hdr_septets = (hdr * 8 + 6) / 7;
		if (hdr_septets > m->udl || sms_udh_parse(r->p + 1, hdr - 1, &m->udh) < 0)
			return -EINVAL;
		fill = (unsigned)(hdr_septets * 7 - hdr * 8);
		sms_pick_tables(&m->udh, &m->tables);
	}
	m->ud_len = (uint16_t)(m->udl - hdr_septets);
	if (sms_gsm7_unpack(r->p + hdr, octets - hdr, fill, m->ud_len, m->ud, sizeof(m->ud)) < 0)
		return -EINVAL;
	n = sms_gsm7_to_utf8(m->ud, m->ud_len, &m->tables, m->text, sizeof(m->text));
	if (n < 0)
		return -EINVAL;
	m->text_len = (uint16_t)n;
	return sms_rd_skip(r, octets);
}

static int sms_ud_octets(struct sms_rd *r, struct sms_pdu *m)
{
	size_t hdr = 0;
	int n;

	if (m->udl > SMS_UD_MAX || r->left < m->udl)
		return -EINVAL;
	if (m->udhi) {
		if (m->udl == 0)
			return -EINVAL;
		hdr = (size_t)r->p[0] + 1;
		if (hdr > m->udl || sms_udh_parse(r->p + 1, hdr - 1, &m->udh) < 0)
			return -EINVAL;
	}
	m->ud_len = (uint16_t)(m->udl - hdr);
	memcpy(m->ud, r->p + hdr, m->ud_len);
	if (m->encoding == SMS_ENC_UCS2) {
		/* An odd octet cannot be half a UTF-16 unit: malformed. */
		n = sms_ucs2_to_utf8(m->ud, m->ud_len, m->text, sizeof(m->text));
		if (n < 0)
			return -EINVAL;
		m->text_len = (uint16_t)n;
	}
	return sms_rd_skip(r, m->udl);
}

static int sms_rd_ud(struct sms_rd *r, struct sms_pdu *m)
{
	int rc = sms_rd_u8(r, &m->udl);

	if (rc < 0)
		return rc;
	m->encoding = sms_dcs_ud_encoding(&m->dcs);
	if (m->encoding == SMS_ENC_GSM7)
		return sms_ud_gsm7(r, m);
	return sms_ud_octets(r, m);
}

static int sms_rd_dcs(struct sms_rd *r, struct sms_pdu *m)
{
	int rc = sms_rd_u8(r, &m->dcs_octet);

	if (rc == 0)
		sms_dcs_decode(m->dcs_octet, &m->dcs);
	return rc;
}

static int sms_dec_deliver(struct sms_rd *r, struct sms_pdu *m, uint8_t fo)
{
	int rc;

	m->mms = fo & 0x04;
	m->lp = fo & 0x08;
	m->sri = fo & 0x20;
	if ((rc = sms_rd_addr(r, 0, &m->addr)) < 0 || (rc = sms_rd_u8(r, &m->pid)) < 0 ||
	    (rc = sms_rd_dcs(r, m)) < 0 || (rc = sms_rd_time(r, &m->scts)) < 0)
		return rc;
	return sms_rd_ud(r, m);
}

static int sms_dec_submit(struct sms_rd *r, struct sms_pdu *m, uint8_t fo)
{
	int rc;

	m->rd = fo & 0x04;
	m->vp.format = (enum sms_vpf)((fo >> 3) & 3);
	m->srr = fo & 0x20;
	if ((rc = sms_rd_u8(r, &m->mr)) < 0 || (rc = sms_rd_addr(r, 0, &m->addr)) < 0 ||
	    (rc = sms_rd_u8(r, &m->pid)) < 0 || (rc = sms_rd_dcs(r, m)) < 0 ||
	    (rc = sms_rd_vp(r, &m->vp)) < 0)
		return rc;
	return sms_rd_ud(r, m);
}

static int sms_dec_report(struct sms_rd *r, struct sms_pdu *m, uint8_t fo)
{
	uint8_t pi;
	int rc;

	m->mms = fo & 0x04;
	m->lp = fo & 0x08;
	m->srq = fo & 0x20;
	if ((rc = sms_rd_u8(r, &m->mr)) < 0 || (rc = sms_rd_addr(r, 0, &m->addr)) < 0 ||
	    (rc = sms_rd_time(r, &m->scts)) < 0 || (rc = sms_rd_time(r, &m->discharge)) < 0 ||
	    (rc = sms_rd_u8(r, &m->status)) < 0)
		return rc;
	/* TP-PI and what it announces are optional (9.2.2.3). */
	if (r->left == 0)
		return 0;
	m->has_pi = true;
	if ((rc = sms_rd_u8(r, &m->pi)) < 0)
		return rc;
	/* Bit 7 set: another TP-PI octet follows (9.2.3.27); skip them. */
	for (pi = m->pi; pi & 0x80;)
		if ((rc = sms_rd_u8(r, &pi)) < 0)
			return rc;
	if ((m->pi & 0x01) && (rc = sms_rd_u8(r, &m->pid)) < 0)
		return rc;
	if ((m->pi & 0x02) && (rc = sms_rd_dcs(r, m)) < 0)
		return rc;
	if (m->pi & 0x04)
		return sms_rd_ud(r, m);
	return 0;
}

static void sms_pdu_clear(struct sms_pdu *m)
{
	/* Everything but the large buffers, which are filled by length. */
	memset(m, 0, offsetof(struct sms_pdu, udh));
	sms_udh_init(&m->udh);
	m->tables = SMS_GSM7_DEFAULT;
	sms_dcs_decode(0, &m->dcs);
	m->ud_len = 0;
	m->text_len = 0;
	m->text[0] = '\0';
}

int sms_pdu_decode(const uint8_t *pdu, size_t len, bool has_smsc, struct sms_pdu *m)
{
	struct sms_rd r = { pdu, len };
	uint8_t fo;
	int rc;

	if (!pdu || !m)
		return -EINVAL;
	sms_pdu_clear(m);
	if (has_smsc) {
		if ((rc = sms_rd_addr(&r, 1, &m->smsc)) < 0)
			return rc;
		m->has_smsc = pdu[0] != 0;
	}
	if ((rc = sms_rd_u8(&r, &fo)) < 0)
		return rc;
	m->udhi = fo & 0x40;
	m->rp = fo & 0x80;
	switch (fo & 0x03) {
	case 0:
		m->type = SMS_PDU_DELIVER;
		return sms_dec_deliver(&r, m, fo);
	case 1:
		m->type = SMS_PDU_SUBMIT;
		return sms_dec_submit(&r, m, fo);
	case 2:
		m->type = SMS_PDU_STATUS_REPORT;
		return sms_dec_report(&r, m, fo);
	default:
		return -EINVAL; /* TP-MTI 11 is reserved */
	}
}

int sms_pdu_decode_hex(const char *hex, size_t len, struct sms_pdu *m)
{
	uint8_t buf[SMS_HEX_IN_MAX];
	int n;

	if (!hex || !m)
		return -EINVAL;
	n = sms_hex_decode(hex, len, buf, sizeof(buf));
	if (n < 0)
		return -EINVAL;
	return sms_pdu_decode(buf, (size_t)n, true, m);
}
