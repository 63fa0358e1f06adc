/* Modem profiles: what differs between modem models, as const data (one
 * file per model under drivers/modem/profiles/, Zephyr's vendor-config
 * habit). The driver core reads only this struct; nothing in it switches
 * on a model name.
 *
 * Routing of incoming SMS and status reports (27.005 3.4.1 +CNMI):
 *   MODEM_ROUTE_STORE   <mt>=1 / <ds>=2: stored, announced by +CMTI / +CDSI,
 *                       read with +CMGR then deleted with +CMGD;
 *   MODEM_ROUTE_DIRECT  <mt>=2 / <ds>=1: shown as +CMT / +CDS with the PDU;
 *                       with +CSMS=1 (quirk MODEM_Q_CNMA) each one must be
 *                       acknowledged with +CNMA (negative: +CNMA=2). */
#ifndef MODEM_PROFILE_H
#define MODEM_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "at/at_chat.h"

/* Quirks: named flags (Gammu's habit), printed by modem_quirk_str(). */
enum modem_quirk {
	MODEM_Q_CNMA = 1u << 0,        /* +CSMS=1: +CMT/+CDS need +CNMA */
	MODEM_Q_CEREG = 1u << 1,       /* LTE: registration also from +CEREG */
	MODEM_Q_NO_CFUN_RESET = 1u << 2, /* AT+CFUN=1,1 unsupported: skip the rung */
	MODEM_Q_USB_STICK = 1u << 3,   /* no power lines; re-enumerates on reset */
	MODEM_Q_SIM_SLOW = 1u << 4,    /* SIM busy for seconds after boot/PIN */
};
#define MODEM_QUIRK_COUNT 5
/* Name of one quirk bit ("cnma"), or NULL for an unknown bit. */
const char *modem_quirk_str(unsigned bit);
/* "cnma,cereg" into buf (always NUL-terminated). Returns buf. */
char *modem_quirks_format(unsigned quirks, char *buf, unsigned len);

enum modem_route {
	MODEM_ROUTE_STORE,
	MODEM_ROUTE_DIRECT,
};
const char *modem_route_str(enum modem_route r);

/* How the SIM's remaining PIN attempts are read. */
enum modem_pinq {
	MODEM_PINQ_NONE,    /* unknown: a rejected PIN is never retried */
	MODEM_PINQ_CPINR,   /* AT+CPINR="SIM PIN" (27.007 8.65) */
	MODEM_PINQ_QPINC,   /* AT+QPINC="SC" (Quectel) */
	MODEM_PINQ_SPIC,    /* AT+SPIC (SIMCom) */
	MODEM_PINQ_UPINCNT, /* AT+UPINCNT (u-blox) */
};
const char *modem_pinq_str(enum modem_pinq q);

struct modem_timings {
	int64_t boot_ms;       /* power-on/reset -> answers AT */
	int64_t pwrkey_ms;     /* pwrkey pulse to switch on */
	int64_t pwrkey_off_ms; /* pwrkey pulse to switch off */
	int64_t off_wait_ms;   /* after switching off, before switching on */
	int64_t reset_ms;      /* reset line pulse */
	int64_t cmd_ms;        /* default command timeout */
	int64_t cmgs_ms;       /* AT+CMGS (network round trip) */
	int64_t sync_try_ms;   /* one "AT" probe */
	unsigned sync_tries;   /* probes per recovery rung */
	int64_t cfun_ms;       /* AT+CFUN=1,1 answer */
};

struct modem_profile {
	const char *name;        /* as boards name it: "generic", "sim800" ... */
	const char *description;
	/* Before the SIM is ready: echo, errors, PDU mode, URC switches. */
	const struct at_script *init;
	/* After the SIM is ready: +CPMS, +CSMS, +CNMI matching the fields
	 * below. */
	const struct at_script *sms_setup;
	const char *storage;        /* where SMS are kept: "SM", "ME" or "MT" */
	const char *report_storage; /* "SR" when reports are stored; NULL */
	enum modem_route sms_route;
	enum modem_route report_route;
	enum modem_pinq pinq;
	const char *iccid_cmd;      /* "AT+CCID", "AT+QCCID", "AT^ICCID?" */
	const char *boot_urc;       /* line that says the modem (re)booted */
	unsigned quirks;
	struct modem_timings t;
};

/* By the name a board uses (case-insensitive), NULL when unknown. */
const struct modem_profile *modem_profile_find(const char *name);
/* The i-th profile (0-based) or NULL past the end: for listings. */
const struct modem_profile *modem_profile_at(unsigned i);

extern const struct modem_profile modem_profile_generic;
extern const struct modem_profile modem_profile_sim800;
extern const struct modem_profile modem_profile_sim7600;
extern const struct modem_profile modem_profile_ec25;
extern const struct modem_profile modem_profile_e3372;
extern const struct modem_profile modem_profile_ublox;

#endif
