/* SMS TPDUs (3GPP TS 23.040 section 9.2): decode SMS-DELIVER, SMS-SUBMIT and
 * SMS-STATUS-REPORT; encode all three. Pure: no I/O, no allocation; the
 * caller owns every buffer and struct.
 *
 * A PDU as a modem gives it (+CMGR, +CMGL, +CMT) and as AT+CMGS takes it is
 * the SMSC address field (or the single octet 00) followed by the TPDU.
 *
 * Returns: 0 or a count on success, -errno on failure:
 *   -EINVAL   malformed input (truncated, bad length, non-hex, reserved
 *             message type, bad UDH, a field out of its 23.040 range)
 *   -E2BIG    the output does not fit (caller's buffer, or user data over
 *             140 octets / 160 septets on encode)
 *   -ERANGE   a character the chosen GSM-7 tables cannot represent
 *   -EILSEQ   invalid UTF-8 given to an encoder
 * A failed decode leaves the output struct in an unspecified but harmless
 * state; nothing is ever read outside the input. */
#ifndef SMS_PDU_H
#define SMS_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/alphabet.h"
#include "sms/segment.h"

#define SMS_ADDR_DIGITS_MAX 20 /* semi-octets of an address (23.040 9.1.2.5) */
#define SMS_ADDR_MAX 48	       /* formatted address incl. NUL (11 septets x 3 + NUL) */
#define SMS_UD_MAX 140	       /* octets of TP-UD */
#define SMS_UD_SEPTETS_MAX 160 /* septets of TP-UD */
#define SMS_TEXT_MAX 641       /* UTF-8 of 160 septets, NUL included */
#define SMS_UDH_IE_MAX 70      /* a 140-octet UDH holds at most 69 empty IEs */
#define SMS_TPDU_MAX 176       /* the longest TPDU (a full status report) */
#define SMS_PDU_MAX (12 + SMS_TPDU_MAX) /* with the SMSC address field */
#define SMS_TIME_STR_MAX 26    /* "YYYY-MM-DDTHH:MM:SS+HH:MM" + NUL */

enum sms_pdu_type {
	SMS_PDU_DELIVER = 0,	   /* TP-MTI 00 */
	SMS_PDU_SUBMIT = 1,	   /* TP-MTI 01 */
	SMS_PDU_STATUS_REPORT = 2, /* TP-MTI 10 */
};
const char *sms_pdu_type_str(enum sms_pdu_type t); /* "deliver" "submit" "status-report" */

/* Type of number (TS 23.040 9.1.2.5), bits 6..4 of the type-of-address. */
enum sms_ton {
	SMS_TON_UNKNOWN = 0,
	SMS_TON_INTERNATIONAL = 1,
	SMS_TON_NATIONAL = 2,
	SMS_TON_NETWORK = 3,
	SMS_TON_SUBSCRIBER = 4,
	SMS_TON_ALPHANUMERIC = 5,
	SMS_TON_ABBREVIATED = 6,
	SMS_TON_RESERVED = 7,
};
const char *sms_ton_str(enum sms_ton ton);

#define SMS_NPI_ISDN 1

/* An address. number is "+" and digits when international, plain digits
 * otherwise ('*' '#' 'a' 'b' 'c' for semi-octets A..E), or the UTF-8 text
 * of an alphanumeric address. */
struct sms_address {
	uint8_t ton; /* enum sms_ton */
	uint8_t npi; /* numbering plan, bits 3..0 */
	char number[SMS_ADDR_MAX];
};

/* "+4917..." -> international/ISDN; digits (and * #) -> unknown/ISDN,
 * the usual "national format" of modems. -EINVAL for anything else or more
 * than 20 digits. */
int sms_address_parse(const char *s, struct sms_address *a);

/* Message class (TS 23.038 section 4). */
enum sms_class {
	SMS_CLASS_NONE = -1,
	SMS_CLASS_0 = 0, /* flash: displayed, not stored */
	SMS_CLASS_1 = 1,
	SMS_CLASS_2 = 2,
	SMS_CLASS_3 = 3,
};
const char *sms_class_str(enum sms_class c);

/* Coding groups of TS 23.038 section 4 (bits 7..4 of TP-DCS). */
enum sms_dcs_group {
	SMS_DCS_GENERAL,	/* 00xx: general data coding */
	SMS_DCS_AUTO_DELETE,	/* 01xx: same coding, marked for automatic deletion */
	SMS_DCS_RESERVED,	/* 1000..1011: read as the GSM 7-bit default alphabet */
	SMS_DCS_MWI_DISCARD,	/* 1100: message waiting, discard message, GSM-7 */
	SMS_DCS_MWI_STORE,	/* 1101: message waiting, store message, GSM-7 */
	SMS_DCS_MWI_STORE_UCS2, /* 1110: message waiting, store message, UCS-2 */
	SMS_DCS_DATA_CLASS,	/* 1111: data coding / message class */
};
const char *sms_dcs_group_str(enum sms_dcs_group g);

enum sms_mwi_type {
	SMS_MWI_VOICEMAIL = 0,
	SMS_MWI_FAX = 1,
	SMS_MWI_EMAIL = 2,
	SMS_MWI_OTHER = 3,
};
const char *sms_mwi_type_str(enum sms_mwi_type t);

struct sms_dcs {
	enum sms_dcs_group group;
	enum sms_encoding alphabet; /* as coded; reserved alphabets read as GSM-7 */
	enum sms_class msg_class;
	bool compressed;	    /* general groups only (TS 23.042) */
	bool mwi_active;	    /* MWI groups: indication set (bit 3) */
	enum sms_mwi_type mwi_type; /* MWI groups */
};

/* Never fails: every octet has a meaning (reserved ones as 23.038 says). */
void sms_dcs_decode(uint8_t octet, struct sms_dcs *dcs);
/* The TP-DCS octet for dcs, or -EINVAL for a combination that has no
 * coding (e.g. UCS-2 in group 1111, 8-bit in an MWI group). */
int sms_dcs_encode(const struct sms_dcs *dcs);
/* How the user data is laid out: GSM-7 (septets), UCS-2 or 8-bit
 * (octets). Compressed data is octets whatever the alphabet. */
enum sms_encoding sms_dcs_ud_encoding(const struct sms_dcs *dcs);

/* A TP-SCTS / TP-DT / absolute TP-VP (TS 23.040 9.2.3.11). The year is
 * 2000 + YY. tz is the offset from UTC in quarter hours (negative west). */
struct sms_time {
	uint16_t year;
	uint8_t month, day, hour, minute, second;
	int8_t tz;
};
/* "YYYY-MM-DDTHH:MM:SS+HH:MM" (+00:00 for UTC). Returns 25 or -E2BIG. */
int sms_time_format(const struct sms_time *t, char *out, size_t max);

/* TP-VPF values (bits 4..3 of a SUBMIT's first octet). */
enum sms_vpf {
	SMS_VPF_NONE = 0,
	SMS_VPF_ENHANCED = 1,
	SMS_VPF_RELATIVE = 2,
	SMS_VPF_ABSOLUTE = 3,
};
const char *sms_vpf_str(enum sms_vpf f);

struct sms_vp {
	enum sms_vpf format;
	uint8_t relative;	 /* SMS_VPF_RELATIVE: the coded octet */
	struct sms_time absolute; /* SMS_VPF_ABSOLUTE */
	uint8_t enhanced[7];	 /* SMS_VPF_ENHANCED: the raw octets */
};
/* Relative TP-VP octet <-> minutes (23.040 9.2.3.12.1). from_minutes
 * rounds up to the next representable period (max 63 weeks). */
uint32_t sms_vp_relative_minutes(uint8_t octet);
uint8_t sms_vp_relative_from_minutes(uint32_t minutes);

/* User data header (23.040 9.2.3.24). raw holds the information elements
 * exactly as sent (without the UDHL octet); the known ones are also
 * parsed. When an IE is repeated the last one counts (9.2.3.24). */
struct sms_udh_ie {
	uint8_t iei;
	uint8_t len;
	uint8_t off; /* data offset in raw */
};

struct sms_udh {
	uint8_t len; /* UDHL: octets in raw */
	uint8_t raw[SMS_UD_MAX];
	uint8_t n_ie;
	struct sms_udh_ie ie[SMS_UDH_IE_MAX];
	/* IEI 0x00 (8-bit ref) / 0x08 (16-bit ref). An IE whose total or seq
	 * is 0 or seq > total is ignored, as 9.2.3.24.1 says. */
	bool concat;
	bool concat16;
	uint16_t ref;
	uint8_t total;
	uint8_t seq;
	/* IEI 0x24 single shift / 0x25 locking shift: language ids, 0 none */
	uint8_t lang_single;
	uint8_t lang_locking;
	/* IEI 0x04 (8-bit) / 0x05 (16-bit) application port addressing */
	bool ports;
	uint16_t dst_port;
	uint16_t src_port;
};

/* Parse len octets of IEs (the UDH without its UDHL). -EINVAL when an IE
 * runs past the end. Unknown IEs, and known ones of the wrong length, are
 * kept in raw and ie[] and otherwise skipped. */
int sms_udh_parse(const uint8_t *ies, size_t len, struct sms_udh *udh);
/* Start an empty header. */
void sms_udh_init(struct sms_udh *udh);
/* Append an IE (re-parsing the known fields). -E2BIG when the header would
 * pass 139 octets, -EINVAL for a bad known IE. */
int sms_udh_add(struct sms_udh *udh, uint8_t iei, const uint8_t *data, uint8_t len);
int sms_udh_add_concat(struct sms_udh *udh, uint16_t ref, uint8_t total, uint8_t seq,
		       bool ref16);

/* One message. Decoding fills the fields of its type; encoding reads them.
 * The flags are the bits as sent: mms is TP-MMS (1 = no more messages
 * waiting at the SC), srr (SUBMIT) / sri (DELIVER) / srq (STATUS-REPORT). */
struct sms_pdu {
	enum sms_pdu_type type;
	bool has_smsc; /* false: the SMSC field was (or is to be) 00 */
	struct sms_address smsc;

	bool mms, rd, lp, sri, srr, srq, rp, udhi;
	uint8_t mr;		 /* SUBMIT, STATUS-REPORT */
	struct sms_address addr; /* OA (deliver), DA (submit), RA (status-report) */
	uint8_t pid;
	uint8_t dcs_octet; /* as received; encode uses dcs */
	struct sms_dcs dcs;
	struct sms_time scts;	   /* DELIVER, STATUS-REPORT */
	struct sms_vp vp;	   /* SUBMIT */
	struct sms_time discharge; /* STATUS-REPORT: TP-DT */
	uint8_t status;		   /* STATUS-REPORT: TP-ST */
	/* STATUS-REPORT: TP-PI present, and which optional fields follow */
	bool has_pi;
	uint8_t pi;

	/* User data. encoding is sms_dcs_ud_encoding(&dcs). ud is the payload
	 * after the UDH: unpacked septets (GSM-7) or octets (UCS-2, 8-bit). */
	enum sms_encoding encoding;
	uint8_t udl; /* TP-UDL as sent: septets (GSM-7) or octets */
	struct sms_udh udh;
	struct sms_gsm7_tables tables; /* from the UDH's shift IEs */
	uint16_t ud_len;
	uint8_t ud[SMS_UD_SEPTETS_MAX];
	/* Decoded UTF-8 text for GSM-7 and UCS-2 (NUL-terminated); empty for
	 * 8-bit data. Not read by the encoder. */
	uint16_t text_len;
	char text[SMS_TEXT_MAX];
};

/* pdu: the SMSC field (when has_smsc) then the TPDU. Octets after the user
 * data are ignored. Returns 0 or -EINVAL. */
int sms_pdu_decode(const uint8_t *pdu, size_t len, bool has_smsc, struct sms_pdu *out);
/* The same from hex (either case), SMSC field first. -EINVAL for an odd
 * length, a non-hex character or more than 2 * 512 characters. */
int sms_pdu_decode_hex(const char *hex, size_t len, struct sms_pdu *out);

/* Encode msg (its type, flags, fields, udh when udhi, and ud/ud_len) as
 * the SMSC field (msg->smsc or 00) followed by the TPDU. *tpdu_len gets the
 * TPDU length (for AT+CMGS=N) when not NULL. Returns the octets written. */
int sms_pdu_encode(const struct sms_pdu *msg, uint8_t *out, size_t max, size_t *tpdu_len);

/* Fill msg->ud / ud_len / encoding from UTF-8 for msg->dcs (GSM-7 with
 * msg->tables, or UCS-2). 8-bit: the octets are copied as they are. */
int sms_pdu_set_text(struct sms_pdu *msg, const char *utf8, size_t len);

/* Hex helpers. decode: -EINVAL odd length / non-hex, -E2BIG over max;
 * returns octets. encode: upper case, NUL-terminated; returns characters. */
int sms_hex_decode(const char *hex, size_t len, uint8_t *out, size_t max);
int sms_hex_encode(const uint8_t *in, size_t len, char *out, size_t max);

/* Text -> SMS-SUBMIT PDUs: one per part of sms_segment_split, with a
 * concatenation IE when there is more than one part and national shift IEs
 * when the chosen tables are not the default ones. */
struct sms_submit_opts {
	const char *smsc; /* NULL: the 00 octet (the modem's default SMSC) */
	const char *to;	  /* as sms_address_parse takes it */
	struct sms_segment_opts seg;
	bool status_report;	 /* TP-SRR */
	bool flash;		 /* class 0 */
	uint8_t pid;
	uint8_t mr;		 /* TP-MR of the first part (+1 per part) */
	uint16_t ref;		 /* concatenation reference */
	bool has_vp;		 /* relative validity period */
	uint8_t vp_relative;
};

struct sms_encoded_pdu {
	uint8_t pdu[SMS_PDU_MAX];
	uint16_t len;	   /* octets in pdu, SMSC field included */
	uint16_t tpdu_len; /* for AT+CMGS=N */
};

/* Returns the number of parts written to out, or -errno (-E2BIG when
 * max_out is too small; -ERANGE / -EILSEQ from the alphabets). */
int sms_submit_encode_text(const struct sms_submit_opts *o, const char *utf8, size_t len,
			   struct sms_encoded_pdu *out, size_t max_out);

#endif
