/* User data header (TS 23.040 9.2.3.24): information elements, with the
 * concatenation (0x00, 0x08), port (0x04, 0x05) and national language
 * shift (0x24, 0x25) ones parsed. */
#include <errno.h>
#include <string.h>

#include "sms/pdu.h"

#define SMS_IEI_CONCAT8 0x00
#define SMS_IEI_PORT8 0x04
#define SMS_IEI_PORT16 0x05
#define SMS_IEI_CONCAT16 0x08
#define SMS_IEI_LANG_SINGLE 0x24
#define SMS_IEI_LANG_LOCKING 0x25

void sms_udh_init(struct sms_udh *udh)
{
	udh->len = 0;
	udh->n_ie = 0;
	udh->concat = false;
	udh->concat16 = false;
	udh->ref = 0;
	udh->total = 0;
	udh->seq = 0;
	udh->lang_single = 0;
	udh->lang_locking = 0;
	udh->ports = false;
	udh->dst_port = 0;
	udh->src_port = 0;
}

/* The known IEs; the last occurrence of each counts (9.2.3.24). */
static int sms_udh_known(struct sms_udh *u, uint8_t iei, const uint8_t *d, uint8_t len)
{
	switch (iei) {
	case SMS_IEI_CONCAT8:
	case SMS_IEI_CONCAT16: {
		unsigned n = iei == SMS_IEI_CONCAT8 ? 3 : 4;
		uint8_t total, seq;
		if (len != n)
			return -EINVAL;
		total = d[n - 2];
		seq = d[n - 1];
		/* 9.2.3.24.1: a zero or out-of-range value voids the IE. */
		if (total == 0 || seq == 0 || seq > total) {
			u->concat = false;
			return 0;
		}
		u->concat = true;
		u->concat16 = iei == SMS_IEI_CONCAT16;
		u->ref = n == 3 ? d[0] : (uint16_t)(d[0] << 8 | d[1]);
		u->total = total;
		u->seq = seq;
		return 0;
	}
	case SMS_IEI_PORT8:
	case SMS_IEI_PORT16:
		if (len != (iei == SMS_IEI_PORT8 ? 2 : 4))
			return -EINVAL;
		u->ports = true;
		if (iei == SMS_IEI_PORT8) {
			u->dst_port = d[0];
			u->src_port = d[1];
		} else {
			u->dst_port = (uint16_t)(d[0] << 8 | d[1]);
			u->src_port = (uint16_t)(d[2] << 8 | d[3]);
		}
		return 0;
	case SMS_IEI_LANG_SINGLE:
	case SMS_IEI_LANG_LOCKING:
		if (len != 1)
			return -EINVAL;
		if (iei == SMS_IEI_LANG_SINGLE)
			u->lang_single = d[0];
		else
			u->lang_locking = d[0];
		return 0;
	default:
		return 0; /* unknown: kept in raw, otherwise skipped */
	}
}

int sms_udh_parse(const uint8_t *ies, size_t len, struct sms_udh *udh)
{
	size_t off = 0;

	if (len > sizeof(udh->raw))
		return -EINVAL;
	sms_udh_init(udh);
	memcpy(udh->raw, ies, len);
	udh->len = (uint8_t)len;
	while (off < len) {
		uint8_t iei, ielen;
		if (len - off < 2)
			return -EINVAL;
		iei = ies[off];
		ielen = ies[off + 1];
		if (len - off - 2 < ielen || udh->n_ie >= SMS_UDH_IE_MAX)
			return -EINVAL;
		udh->ie[udh->n_ie].iei = iei;
		udh->ie[udh->n_ie].len = ielen;
		udh->ie[udh->n_ie].off = (uint8_t)(off + 2);
		udh->n_ie++;
		/* A known IE of the wrong length is skipped like an unknown
		 * one: the rest of the message is still readable. */
		(void)sms_udh_known(udh, iei, ies + off + 2, ielen);
		off += 2u + ielen;
	}
	return 0;
}

int sms_udh_add(struct sms_udh *udh, uint8_t iei, const uint8_t *data, uint8_t len)
{
	size_t off = udh->len;
	int r;

	/* The UDHL octet and the IEs must fit in 140 octets of user data. */
	if (off + 2u + len > SMS_UD_MAX - 1 || udh->n_ie >= SMS_UDH_IE_MAX)
		return -E2BIG;
	r = sms_udh_known(udh, iei, data, len);
	if (r < 0)
		return r;
	udh->raw[off] = iei;
	udh->raw[off + 1] = len;
	if (len)
		memcpy(udh->raw + off + 2, data, len);
	udh->ie[udh->n_ie].iei = iei;
	udh->ie[udh->n_ie].len = len;
	udh->ie[udh->n_ie].off = (uint8_t)(off + 2);
	udh->n_ie++;
	udh->len = (uint8_t)(off + 2u + len);
	return 0;
}

int sms_udh_add_concat(struct sms_udh *udh, uint16_t ref, uint8_t total, uint8_t seq,
		       bool ref16)
{
	uint8_t d[4];

	if (total == 0 || seq == 0 || seq > total || (!ref16 && ref > 0xFF))
		return -EINVAL;
	if (ref16) {
		d[0] = (uint8_t)(ref >> 8);
		d[1] = (uint8_t)ref;
		d[2] = total;
		d[3] = seq;
		return sms_udh_add(udh, SMS_IEI_CONCAT16, d, 4);
	}
	d[0] = (uint8_t)ref;
	d[1] = total;
	d[2] = seq;
	return sms_udh_add(udh, SMS_IEI_CONCAT8, d, 3);
}
