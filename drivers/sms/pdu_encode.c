/* Encoding SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT (TS 23.040 9.2.2)
 * into a caller's buffer. */
#include <errno.h>
#include <string.h>

#include "pdu_internal.h"
#include "sms/alphabet.h"
#include "sms/pdu.h"

/* A cursor over the output; every write checks the room left. */
struct sms_wr {
	uint8_t *p;
	size_t left;
	int err;
};

static void sms_wr_u8(struct sms_wr *w, uint8_t v)
{
	if (w->left < 1) {
		w->err = -E2BIG;
		return;
	}
	*w->p++ = v;
	w->left--;
}

static void sms_wr_adv(struct sms_wr *w, int n)
{
	if (n < 0) {
		if (!w->err)
			w->err = n;
		return;
	}
	w->p += n;
	w->left -= (size_t)n;
}

static void sms_wr_addr(struct sms_wr *w, const struct sms_address *a, int smsc_form)
{
	if (!w->err)
		sms_wr_adv(w, sms_addr_encode(a, smsc_form, w->p, w->left));
}

static void sms_wr_time(struct sms_wr *w, const struct sms_time *t)
{
	if (w->err)
		return;
	if (w->left < 7) {
		w->err = -E2BIG;
		return;
	}
	if (sms_time_encode(t, w->p) < 0) {
		w->err = -EINVAL;
		return;
	}
	sms_wr_adv(w, 7);
}

static void sms_wr_dcs(struct sms_wr *w, const struct sms_dcs *d)
{
	int o = sms_dcs_encode(d);

	if (o < 0) {
		if (!w->err)
			w->err = o;
		return;
	}
	sms_wr_u8(w, (uint8_t)o);
}

static void sms_wr_vp(struct sms_wr *w, const struct sms_vp *vp)
{
	switch (vp->format) {
	case SMS_VPF_NONE:
		return;
	case SMS_VPF_RELATIVE:
		sms_wr_u8(w, vp->relative);
		return;
	case SMS_VPF_ABSOLUTE:
		sms_wr_time(w, &vp->absolute);
		return;
	case SMS_VPF_ENHANCED:
		for (int i = 0; i < 7; i++)
			sms_wr_u8(w, vp->enhanced[i]);
		return;
	}
	w->err = -EINVAL;
}

/* TP-UDL and TP-UD: the UDH (when udhi), fill bits, then the payload. */
static void sms_wr_ud(struct sms_wr *w, const struct sms_pdu *m)
{
	size_t hdr = m->udhi ? (size_t)m->udh.len + 1 : 0;
	enum sms_encoding enc = sms_dcs_ud_encoding(&m->dcs);
	int n;

	if (w->err)
		return;
	if (enc == SMS_ENC_GSM7) {
		size_t hs = (hdr * 8 + 6) / 7, udl = hs + m->ud_len;
		size_t octets = (udl * 7 + 7) / 8;
		if (udl > SMS_UD_SEPTETS_MAX) {
			w->err = -E2BIG;
			return;
		}
		if (w->left < 1 + octets) {
			w->err = -E2BIG;
			return;
		}
		sms_wr_u8(w, (uint8_t)udl);
		if (hdr) {
			sms_wr_u8(w, m->udh.len);
			memcpy(w->p, m->udh.raw, m->udh.len);
			sms_wr_adv(w, m->udh.len);
		}
		n = sms_gsm7_pack(m->ud, m->ud_len, (unsigned)(hs * 7 - hdr * 8), w->p,
				  octets - hdr);
		if (n < 0 || (size_t)n > octets - hdr) {
			w->err = n < 0 ? n : -EINVAL;
			return;
		}
		/* With no septets the fill bits still take their octet. */
		memset(w->p + n, 0, octets - hdr - (size_t)n);
		sms_wr_adv(w, (int)(octets - hdr));
		return;
	}
	if (hdr + m->ud_len > SMS_UD_MAX || w->left < 1 + hdr + m->ud_len) {
		w->err = -E2BIG;
		return;
	}
	sms_wr_u8(w, (uint8_t)(hdr + m->ud_len));
	if (hdr) {
		sms_wr_u8(w, m->udh.len);
		memcpy(w->p, m->udh.raw, m->udh.len);
		sms_wr_adv(w, m->udh.len);
	}
	memcpy(w->p, m->ud, m->ud_len);
	sms_wr_adv(w, m->ud_len);
}

static uint8_t sms_first_octet(const struct sms_pdu *m)
{
	uint8_t fo = (uint8_t)((m->udhi ? 0x40 : 0) | (m->rp ? 0x80 : 0));

	switch (m->type) {
	case SMS_PDU_DELIVER:
		return fo | (m->mms ? 0x04 : 0) | (m->lp ? 0x08 : 0) | (m->sri ? 0x20 : 0);
	case SMS_PDU_SUBMIT:
		return fo | 0x01 | (m->rd ? 0x04 : 0) | (uint8_t)((m->vp.format & 3) << 3) |
		       (m->srr ? 0x20 : 0);
	case SMS_PDU_STATUS_REPORT:
		return fo | 0x02 | (m->mms ? 0x04 : 0) | (m->lp ? 0x08 : 0) |
		       (m->srq ? 0x20 : 0);
	}
	return 0x03;
}

static void sms_wr_report_tail(struct sms_wr *w, const struct sms_pdu *m)
{
	sms_wr_u8(w, m->status);
	if (!m->has_pi)
		return;
	/* Extension octets (bit 7) are not produced: only PID/DCS/UDL bits. */
	sms_wr_u8(w, m->pi & 0x7F);
	if (m->pi & 0x01)
		sms_wr_u8(w, m->pid);
	if (m->pi & 0x02)
		sms_wr_dcs(w, &m->dcs);
	if (m->pi & 0x04)
		sms_wr_ud(w, m);
}

int sms_pdu_encode(const struct sms_pdu *m, uint8_t *out, size_t max, size_t *tpdu_len)
{
	struct sms_wr w = { out, max, 0 };
	uint8_t *tpdu;

	if (!m || !out || (unsigned)m->type > SMS_PDU_STATUS_REPORT)
		return -EINVAL;
	if (m->has_smsc)
		sms_wr_addr(&w, &m->smsc, 1);
	else
		sms_wr_u8(&w, 0);
	tpdu = w.p;
	sms_wr_u8(&w, sms_first_octet(m));
	switch (m->type) {
	case SMS_PDU_DELIVER:
		sms_wr_addr(&w, &m->addr, 0);
		sms_wr_u8(&w, m->pid);
		sms_wr_dcs(&w, &m->dcs);
		sms_wr_time(&w, &m->scts);
		sms_wr_ud(&w, m);
		break;
	case SMS_PDU_SUBMIT:
		sms_wr_u8(&w, m->mr);
		sms_wr_addr(&w, &m->addr, 0);
		sms_wr_u8(&w, m->pid);
		sms_wr_dcs(&w, &m->dcs);
		sms_wr_vp(&w, &m->vp);
		sms_wr_ud(&w, m);
		break;
	case SMS_PDU_STATUS_REPORT:
		sms_wr_u8(&w, m->mr);
		sms_wr_addr(&w, &m->addr, 0);
		sms_wr_time(&w, &m->scts);
		sms_wr_time(&w, &m->discharge);
		sms_wr_report_tail(&w, m);
		break;
	}
	if (w.err)
		return w.err;
	if (tpdu_len)
		*tpdu_len = (size_t)(w.p - tpdu);
	return (int)(w.p - out);
}

int sms_pdu_set_text(struct sms_pdu *m, const char *utf8, size_t len)
{
	int n;

	if (!m || (!utf8 && len))
		return -EINVAL;
	m->encoding = sms_dcs_ud_encoding(&m->dcs);
	switch (m->encoding) {
	case SMS_ENC_GSM7:
		n = sms_gsm7_from_utf8(utf8, len, &m->tables, m->ud, SMS_UD_SEPTETS_MAX);
		break;
	case SMS_ENC_UCS2:
		n = sms_ucs2_from_utf8(utf8, len, m->ud, SMS_UD_MAX);
		break;
	default:
		if (len > SMS_UD_MAX)
			return -E2BIG;
		if (len)
			memcpy(m->ud, utf8, len);
		n = (int)len;
		break;
	}
	if (n < 0)
		return n;
	m->ud_len = (uint16_t)n;
	return 0;
}
