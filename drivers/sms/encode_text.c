/* Text -> SMS-SUBMIT PDUs: segment.h chooses the encoding and the parts;
 * this builds one SUBMIT per part with the concatenation and national
 * language shift IEs the parts need (TS 23.040 9.2.3.24.1, .24.15/.24.16). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "sms/pdu.h"
#include "sms/segment.h"

#define SMS_IEI_LANG_SINGLE 0x24
#define SMS_IEI_LANG_LOCKING 0x25

static int sms_part_header(struct sms_pdu *m, const struct sms_submit_opts *o,
			   const struct sms_segment_info *info, unsigned seq)
{
	int rc;

	sms_udh_init(&m->udh);
	if (info->parts > 1) {
		rc = sms_udh_add_concat(&m->udh, o->seg.ref16 ? o->ref : (uint8_t)o->ref,
					(uint8_t)info->parts, (uint8_t)seq, o->seg.ref16);
		if (rc < 0)
			return rc;
	}
	if (info->encoding == SMS_ENC_GSM7 && info->tables.locking != SMS_LANG_DEFAULT) {
		uint8_t l = (uint8_t)info->tables.locking;
		if ((rc = sms_udh_add(&m->udh, SMS_IEI_LANG_LOCKING, &l, 1)) < 0)
			return rc;
	}
	if (info->encoding == SMS_ENC_GSM7 && info->tables.single != SMS_LANG_DEFAULT) {
		uint8_t l = (uint8_t)info->tables.single;
		if ((rc = sms_udh_add(&m->udh, SMS_IEI_LANG_SINGLE, &l, 1)) < 0)
			return rc;
	}
	m->udhi = m->udh.len > 0;
	return 0;
}

static int sms_submit_template(const struct sms_submit_opts *o,
			       const struct sms_segment_info *info, struct sms_pdu *m)
{
	int rc;

	memset(m, 0, offsetof(struct sms_pdu, udh));
	m->type = SMS_PDU_SUBMIT;
	if (o->smsc) {
		if ((rc = sms_address_parse(o->smsc, &m->smsc)) < 0)
			return rc;
		m->has_smsc = true;
	}
	if ((rc = sms_address_parse(o->to, &m->addr)) < 0)
		return rc;
	m->srr = o->status_report;
	m->pid = o->pid;
	m->dcs.group = SMS_DCS_GENERAL;
	m->dcs.alphabet = info->encoding;
	m->dcs.msg_class = o->flash ? SMS_CLASS_0 : SMS_CLASS_NONE;
	m->vp.format = o->has_vp ? SMS_VPF_RELATIVE : SMS_VPF_NONE;
	m->vp.relative = o->vp_relative;
	m->tables = info->encoding == SMS_ENC_GSM7 ? info->tables : SMS_GSM7_DEFAULT;
	return 0;
}

int sms_submit_encode_text(const struct sms_submit_opts *o, const char *utf8, size_t len,
			   struct sms_encoded_pdu *out, size_t max_out)
{
	struct sms_part_span spans[SMS_MAX_PARTS];
	struct sms_segment_info info;
	struct sms_pdu m;
	int parts, rc;

	if (!o || !o->to || (!utf8 && len) || !out)
		return -EINVAL;
	parts = sms_segment_split(utf8 ? utf8 : "", len, &o->seg, &info, spans, SMS_MAX_PARTS);
	if (parts < 0)
		return parts;
	if ((size_t)parts > max_out)
		return -E2BIG;
	if ((rc = sms_submit_template(o, &info, &m)) < 0)
		return rc;
	for (int i = 0; i < parts; i++) {
		size_t tpdu = 0;
		m.mr = (uint8_t)(o->mr + i);
		if ((rc = sms_part_header(&m, o, &info, (unsigned)i + 1)) < 0)
			return rc;
		rc = sms_pdu_set_text(&m, utf8 + spans[i].offset, spans[i].len);
		if (rc < 0)
			return rc;
		rc = sms_pdu_encode(&m, out[i].pdu, sizeof(out[i].pdu), &tpdu);
		if (rc < 0)
			return rc;
		out[i].len = (uint16_t)rc;
		out[i].tpdu_len = (uint16_t)tpdu;
	}
	return parts;
}
