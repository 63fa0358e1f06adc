/* Pure parsers for AT response lines (3GPP TS 27.007 / 27.005). Each takes
 * the line as the engine hands it over (no line end) and fills a struct;
 * spans in it point into the line. None allocates or keeps state.
 *
 * Returns for all: 0; -EINVAL (wrong prefix or malformed); -ERANGE (a value
 * outside the spec's range); -E2BIG (a string longer than the struct's
 * buffer); -EBADMSG (a PDU line that contradicts its <length>). On error the
 * output struct is unspecified. */
#ifndef AT_PARSE_H
#define AT_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "at/at_tok.h"

/* ---- +CSQ: <rssi>,<ber> (27.007 8.5) ---- */
#define AT_CSQ_UNKNOWN 99
struct at_csq {
	int rssi; /* 0..31, or 99 */
	int ber;  /* 0..7, or 99 */
};
int at_parse_csq(const char *line, struct at_csq *out);
/* rssi to dBm: 0 -> -113, 31 -> -51 (2 dB steps). -ENODATA for 99,
 * -ERANGE otherwise. */
int at_csq_dbm(int rssi, int *dbm);

/* ---- +CREG / +CGREG / +CEREG (27.007 7.2, 10.1.20, 10.1.22) ---- */
enum at_reg_cmd { AT_REG_CREG, AT_REG_CGREG, AT_REG_CEREG };
const char *at_reg_cmd_str(enum at_reg_cmd c);

enum at_reg_stat {
	AT_REG_NOT_REGISTERED = 0,
	AT_REG_HOME = 1,
	AT_REG_SEARCHING = 2,
	AT_REG_DENIED = 3,
	AT_REG_UNKNOWN = 4,
	AT_REG_ROAMING = 5,
	AT_REG_HOME_SMS_ONLY = 6,
	AT_REG_ROAMING_SMS_ONLY = 7,
	AT_REG_EMERGENCY_ONLY = 8,
	AT_REG_HOME_CSFB_NOT_PREFERRED = 9,
	AT_REG_ROAMING_CSFB_NOT_PREFERRED = 10,
	AT_REG_EMERGENCY_BEARER = 11,
};
const char *at_reg_stat_str(enum at_reg_stat s);
/* Home or roaming, including the SMS-only and CSFB-not-preferred forms. */
bool at_reg_registered(enum at_reg_stat s);

/* Which form a line is. The engine knows: a line collected for the command
 * AT+CREG? is QUERY ("n,stat[,lac,ci[,AcT]]"); one from the URC table is
 * URC ("stat[,lac,ci[,AcT]]"). AUTO guesses: a second field that is quoted
 * or longer than 2 characters is a location, so the line is a URC. */
enum at_reg_form { AT_REG_FORM_AUTO, AT_REG_FORM_QUERY, AT_REG_FORM_URC };

struct at_reg {
	enum at_reg_cmd cmd;
	bool query;     /* parsed as the query form */
	int n;          /* query: <n>; URC: -1 */
	enum at_reg_stat stat;
	bool has_loc;   /* lac/tac and ci present and valid hex */
	unsigned long lac; /* LAC, or TAC for +CEREG */
	unsigned long ci;
	int act;        /* <AcT> 0..13, or -1 */
};
/* Location fields that are empty or not hex ("+CREG: 2,,") leave has_loc
 * false rather than fail: the stat is what matters and it is valid. */
int at_parse_reg(const char *line, enum at_reg_form form, struct at_reg *out);

/* ---- +COPS? : <mode>[,<format>,<oper>[,<AcT>]] (27.007 7.3) ---- */
struct at_cops {
	int mode;      /* 0..4 */
	int format;    /* 0 long, 1 short, 2 numeric; -1 when absent */
	char oper[64]; /* "" when absent */
	int act;       /* -1 when absent */
};
int at_parse_cops(const char *line, struct at_cops *out);

/* ---- +COPS=? : (stat,"long","short","numeric"[,AcT]),... ,,(modes),(formats) */
struct at_cops_op {
	int stat; /* 0 unknown, 1 available, 2 current, 3 forbidden */
	char long_name[64];
	char short_name[32];
	char numeric[8];
	int act; /* -1 when absent */
};
/* Operators into ops[0..max); groups that are not operators (the trailing
 * supported-modes lists) are skipped. Returns 0 with *n set, or -ENOSPC when
 * more than max operators were listed (*n = max filled), or -EINVAL. */
int at_parse_cops_list(const char *line, struct at_cops_op *ops, size_t max, size_t *n);

/* ---- +CPIN: <code> (27.007 8.3) ---- */
enum at_pin_state {
	AT_PIN_READY,
	AT_PIN_SIM_PIN,
	AT_PIN_SIM_PUK,
	AT_PIN_SIM_PIN2,
	AT_PIN_SIM_PUK2,
	AT_PIN_PH_SIM_PIN,
	AT_PIN_PH_NET_PIN,
	AT_PIN_PH_NET_PUK,
	AT_PIN_NOT_INSERTED, /* vendor text (SIM800, Quectel) */
	AT_PIN_NOT_READY,    /* vendor text while the SIM boots */
	AT_PIN_OTHER,        /* a valid line with a code we do not know */
};
const char *at_pin_state_str(enum at_pin_state s);
int at_parse_cpin(const char *line, enum at_pin_state *out);

/* ---- +CUSD: <m>[,<str>,<dcs>] (27.007 7.15) ---- */
struct at_cusd {
	int m;              /* 0..5 */
	bool has_str;
	struct at_span str; /* as sent (text or hex, per dcs and +CSCS) */
	int dcs;            /* -1 when absent */
};
int at_parse_cusd(const char *line, struct at_cusd *out);

/* ---- identity: IMEI (+CGSN), IMSI (+CIMI), ICCID (+CCID/+ICCID/^ICCID/+QCCID)
 * Accepts the bare digits line or the prefixed, optionally quoted form.
 * IMEI: 14..17 digits; IMSI: 5..15 digits; ICCID: 18..22 hex digits (the
 * padding 'F'). out gets the digits, NUL-terminated. */
int at_parse_imei(const char *line, char *out, size_t len);
int at_parse_imsi(const char *line, char *out, size_t len);
int at_parse_iccid(const char *line, char *out, size_t len);

/* ---- SMS (27.005) ---- */

/* +CMGS: <mr>[,<ackpdu>] (3.5.1, PDU mode) */
struct at_cmgs {
	int mr; /* TP-MR 0..255 */
	struct at_span ackpdu; /* len 0 when absent */
};
int at_parse_cmgs(const char *line, struct at_cmgs *out);

/* +CMTI: <mem>,<index> and +CDSI: <mem>,<index> (3.4.1) */
struct at_msg_ind {
	char mem[8]; /* "SM", "ME", "MT", "SR" ... */
	long index;
};
int at_parse_cmti(const char *line, struct at_msg_ind *out);
int at_parse_cdsi(const char *line, struct at_msg_ind *out);

/* A PDU-mode message: a header line plus the PDU line that follows it. */
struct at_sms_pdu {
	long index;           /* +CMGL only; else -1 */
	int stat;             /* +CMGL/+CMGR <stat> 0..4; else -1 */
	struct at_span alpha; /* len 0 when absent */
	long length;          /* <length>: TPDU octets, SMSC excluded */
	struct at_span pdu;   /* hex; may start with the SMSC address */
	bool has_smsc;        /* the PDU starts with an SMSC address field */
};
/* +CMT: [<alpha>],<length> <pdu> (3.4.1) */
int at_parse_cmt(const char *header, const char *pdu_line, struct at_sms_pdu *out);
/* +CDS: <length> <pdu> (3.4.1) */
int at_parse_cds(const char *header, const char *pdu_line, struct at_sms_pdu *out);
/* +CMGL: <index>,<stat>,[<alpha>],<length> <pdu> (3.4.2) */
int at_parse_cmgl(const char *header, const char *pdu_line, struct at_sms_pdu *out);
/* +CMGR: <stat>,[<alpha>],<length> <pdu> (3.4.3). pdu_line may be NULL when
 * <length> is 0 (an empty slot on some modems). */
int at_parse_cmgr(const char *header, const char *pdu_line, struct at_sms_pdu *out);

/* +CPMS? : <mem1>,<used1>,<total1>[,<mem2>,...[,<mem3>,...]]
 * +CPMS= : <used1>,<total1>[,<used2>,<total2>[,<used3>,<total3>]] (3.2.2) */
struct at_cpms {
	size_t n; /* 1..3 */
	struct {
		char mem[8]; /* "" in the set form */
		long used;
		long total;
	} m[3];
};
int at_parse_cpms(const char *line, struct at_cpms *out);

/* +CSCA: <sca>[,<tosca>] (3.3.1) */
struct at_csca {
	char number[32];
	int type; /* 145 international, 129 national/unknown; -1 when absent */
};
int at_parse_csca(const char *line, struct at_csca *out);

#endif
