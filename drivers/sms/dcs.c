/* TP-DCS (TS 23.038 section 4): coding groups, alphabets, classes and
 * message waiting indications. */
#include <errno.h>

#include "sms/pdu.h"

const char *sms_class_str(enum sms_class c)
{
	switch (c) {
	case SMS_CLASS_NONE:
		return "none";
	case SMS_CLASS_0:
		return "0";
	case SMS_CLASS_1:
		return "1";
	case SMS_CLASS_2:
		return "2";
	case SMS_CLASS_3:
		return "3";
	}
	return "?";
}

const char *sms_dcs_group_str(enum sms_dcs_group g)
{
	switch (g) {
	case SMS_DCS_GENERAL:
		return "general";
	case SMS_DCS_AUTO_DELETE:
		return "auto-delete";
	case SMS_DCS_RESERVED:
		return "reserved";
	case SMS_DCS_MWI_DISCARD:
		return "mwi-discard";
	case SMS_DCS_MWI_STORE:
		return "mwi-store";
	case SMS_DCS_MWI_STORE_UCS2:
		return "mwi-store-ucs2";
	case SMS_DCS_DATA_CLASS:
		return "data-class";
	}
	return "?";
}

const char *sms_mwi_type_str(enum sms_mwi_type t)
{
	switch (t) {
	case SMS_MWI_VOICEMAIL:
		return "voicemail";
	case SMS_MWI_FAX:
		return "fax";
	case SMS_MWI_EMAIL:
		return "email";
	case SMS_MWI_OTHER:
		return "other";
	}
	return "?";
}

static void sms_dcs_general(uint8_t o, struct sms_dcs *d)
{
	static const enum sms_encoding alpha[4] = {
		SMS_ENC_GSM7, SMS_ENC_8BIT, SMS_ENC_UCS2,
		SMS_ENC_GSM7, /* reserved: read as the default alphabet */
	};
	d->compressed = (o & 0x20) != 0;
	d->alphabet = alpha[(o >> 2) & 3];
	d->msg_class = (o & 0x10) ? (enum sms_class)(o & 3) : SMS_CLASS_NONE;
}

void sms_dcs_decode(uint8_t o, struct sms_dcs *d)
{
	d->compressed = false;
	d->mwi_active = false;
	d->mwi_type = SMS_MWI_VOICEMAIL;
	d->msg_class = SMS_CLASS_NONE;
	d->alphabet = SMS_ENC_GSM7;
	switch (o >> 4) {
	case 0x0: case 0x1: case 0x2: case 0x3:
		d->group = SMS_DCS_GENERAL;
		sms_dcs_general(o, d);
		return;
	case 0x4: case 0x5: case 0x6: case 0x7:
		d->group = SMS_DCS_AUTO_DELETE;
		sms_dcs_general(o, d);
		return;
	case 0x8: case 0x9: case 0xA: case 0xB:
		d->group = SMS_DCS_RESERVED;
		return;
	case 0xC: case 0xD: case 0xE:
		d->group = (o >> 4) == 0xC   ? SMS_DCS_MWI_DISCARD
			   : (o >> 4) == 0xD ? SMS_DCS_MWI_STORE
					     : SMS_DCS_MWI_STORE_UCS2;
		d->alphabet = (o >> 4) == 0xE ? SMS_ENC_UCS2 : SMS_ENC_GSM7;
		d->mwi_active = (o & 0x08) != 0;
		d->mwi_type = (enum sms_mwi_type)(o & 3);
		return;
	default: /* 0xF: bit 3 reserved, bit 2 coding, bits 1..0 class */
		d->group = SMS_DCS_DATA_CLASS;
		d->alphabet = (o & 0x04) ? SMS_ENC_8BIT : SMS_ENC_GSM7;
		d->msg_class = (enum sms_class)(o & 3);
		return;
	}
}

static int sms_dcs_alpha_bits(enum sms_encoding e)
{
	switch (e) {
	case SMS_ENC_GSM7:
		return 0x00;
	case SMS_ENC_8BIT:
		return 0x04;
	case SMS_ENC_UCS2:
		return 0x08;
	}
	return -EINVAL;
}

int sms_dcs_encode(const struct sms_dcs *d)
{
	int a, o;

	switch (d->group) {
	case SMS_DCS_GENERAL:
	case SMS_DCS_AUTO_DELETE:
		a = sms_dcs_alpha_bits(d->alphabet);
		if (a < 0 || d->msg_class < SMS_CLASS_NONE || d->msg_class > SMS_CLASS_3)
			return -EINVAL;
		o = (d->group == SMS_DCS_AUTO_DELETE ? 0x40 : 0) | (d->compressed ? 0x20 : 0) | a;
		if (d->msg_class != SMS_CLASS_NONE)
			o |= 0x10 | (int)d->msg_class;
		return o;
	case SMS_DCS_MWI_DISCARD:
	case SMS_DCS_MWI_STORE:
	case SMS_DCS_MWI_STORE_UCS2:
		if ((d->group == SMS_DCS_MWI_STORE_UCS2) != (d->alphabet == SMS_ENC_UCS2) ||
		    d->alphabet == SMS_ENC_8BIT || (unsigned)d->mwi_type > 3)
			return -EINVAL;
		o = d->group == SMS_DCS_MWI_DISCARD ? 0xC0
		    : d->group == SMS_DCS_MWI_STORE ? 0xD0
						    : 0xE0;
		return o | (d->mwi_active ? 0x08 : 0) | (int)d->mwi_type;
	case SMS_DCS_DATA_CLASS:
		if (d->alphabet == SMS_ENC_UCS2 || d->msg_class < SMS_CLASS_0 ||
		    d->msg_class > SMS_CLASS_3)
			return -EINVAL;
		return 0xF0 | (d->alphabet == SMS_ENC_8BIT ? 0x04 : 0) | (int)d->msg_class;
	case SMS_DCS_RESERVED:
		return -EINVAL;
	}
	return -EINVAL;
}

enum sms_encoding sms_dcs_ud_encoding(const struct sms_dcs *d)
{
	/* 23.040 9.2.3.16: compressed user data is counted in octets. */
	return d->compressed ? SMS_ENC_8BIT : d->alphabet;
}
