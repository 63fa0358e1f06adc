/* modem: the driver for one GSM/LTE modem on a serial line, and the modem
 * channel (drivers/channel.h). Non-blocking, on a hal_loop, over the at_chat
 * engine; one instance per modem ("modem0"), no globals.
 *
 * States (modem_state_str), every change logged "from -> to (event)":
 *
 *   off -> power-on -> sync -> init -> sim -> registering -> ready <-> sending
 *                        ^                                   |
 *                        +---- recovering <------------------+ (timeouts,
 *                        +---- reopen <- the port went away     reboots)
 *   sim -> error  (PIN rejected, no PIN, PUK needed: no further attempt)
 *
 * docs/modem.md describes the states, profiles and the recovery ladder. */
#ifndef MODEM_MODEM_H
#define MODEM_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/channel.h"
#include "hal/gpio.h"
#include "hal/loop.h"
#include "hal/serial.h"
#include "modem/profile.h"

enum modem_state {
	MODEM_ST_OFF,
	MODEM_ST_POWER_ON,
	MODEM_ST_SYNC,
	MODEM_ST_INIT,
	MODEM_ST_SIM,
	MODEM_ST_REGISTERING,
	MODEM_ST_READY,
	MODEM_ST_SENDING,
	MODEM_ST_RECOVERING,
	MODEM_ST_REOPEN,
	MODEM_ST_ERROR,
};
const char *modem_state_str(enum modem_state s);

/* Steps of the recovery ladder, in the order they are tried. */
enum modem_rung {
	MODEM_RUNG_RESYNC, /* ESC, then "AT" until OK */
	MODEM_RUNG_CFUN,   /* AT+CFUN=1,1, wait for the boot */
	MODEM_RUNG_POWER,  /* reset / pwrkey pulses, wait for the boot */
	MODEM_RUNG_REOPEN, /* close and reopen the port */
	MODEM_RUNG_COUNT,
};
const char *modem_rung_str(enum modem_rung r);

/* Opens s for the driver; returns 0 or -errno (-ENOENT while the device is
 * gone). The firmware's hook resolves a USB id / IMEI binding to a path. */
typedef int (*modem_open_fn)(void *arg, struct hal_serial *s);

struct modem_config {
	const char *name;                /* "modem0"; copied */
	struct hal_loop *loop;
	struct hal_serial *serial;       /* not open; the driver opens/closes it */
	const char *port;                /* path for the default open; copied */
	struct hal_serial_config serial_cfg;
	modem_open_fn open_port;         /* NULL: hal_serial_open(port) */
	void *open_arg;
	const struct modem_profile *profile; /* NULL: generic */
	/* Power lines (names in gpio; NULL or "" = none). 0 ms: profile's. */
	struct hal_gpio *gpio;
	const char *pwrkey;
	const char *reset;
	int64_t pwrkey_ms;
	int64_t reset_ms;
	bool pulse_on_start;             /* the modem is off at board boot */
	const char *pin;                 /* NULL/"": none configured; copied */
	const char *smsc;                /* NULL: keep the SIM's; copied */
	const char *own_number;          /* the SIM's number, E.164: inbound "to"; NULL unknown */
	bool always_report;              /* TP-SRR on every message */
	unsigned queue_max;              /* messages waiting; 0: 8 */
	unsigned max_parts;              /* per message; 0: 10 (<= 16) */
	int64_t status_ms;               /* signal/registration poll; 0: 30 s */
	int64_t sweep_ms;                /* storage sweep; 0: 5 min */
	int64_t retry_sweep_ms;          /* sweep after inbound() failed; 0: 30 s */
	int64_t report_window_ms;        /* match reports this long; 0: 72 h */
	int64_t queue_expire_ms;         /* unsent message gives up; 0: 10 min */
	int64_t reg_poll_ms;             /* +CREG? while registering; 0: 2 s */
	struct channel_events events;    /* copied */
};

struct modem;

/* Returns 0, -EINVAL (no loop/serial/name, max_parts > 16), -ENOMEM. */
int modem_new(struct modem **out, const struct modem_config *cfg);
/* Stops first. NULL is fine. */
void modem_destroy(struct modem *m);
/* off -> power-on. Returns 0 or -EALREADY. */
int modem_start(struct modem *m);
/* Anything -> off: queued messages fail (-ECANCELED, retryable), the port
 * is closed. */
void modem_stop(struct modem *m);
/* error -> off -> power-on with a (new) PIN: the only way out of the
 * error state. pin NULL keeps the configured one. Returns 0 or -errno. */
int modem_restart(struct modem *m, const char *pin);

enum modem_state modem_get_state(const struct modem *m);
const char *modem_name(const struct modem *m);
const struct modem_profile *modem_get_profile(const struct modem *m);

/* The channel operations (see drivers/channel.h for the rules). */
int modem_submit(struct modem *m, const struct channel_msg *msg);
int modem_cancel(struct modem *m, uint64_t msg_id);
int modem_get_health(struct modem *m, struct channel_health *out);

/* Fill ch with the modem's channel (ops, kind, name). destroy of the
 * channel destroys the modem. */
void modem_channel_init(struct channel *ch, struct modem *m);

struct modem_info {
	char imei[20];
	char imsi[20];
	char iccid[24];
	char smsc[32];
	char operator_name[32];
	int signal_dbm;        /* 0 unknown */
	int reg_stat;          /* enum at_reg_stat, -1 unknown */
	int pin_attempts;      /* remaining PIN attempts, -1 unknown */
	char error[128];       /* why the error state, "" otherwise */
	enum modem_rung rung;  /* last recovery rung used */
};
void modem_get_info(const struct modem *m, struct modem_info *out);

struct modem_stats {
	unsigned long parts_sent;
	unsigned long msgs_sent;
	unsigned long msgs_failed;
	unsigned long inbound;          /* inbound() returned 0 */
	unsigned long inbound_refused;  /* inbound() returned < 0: kept */
	unsigned long duplicates;       /* already delivered: deleted, not offered */
	unsigned long deleted;
	unsigned long reports;
	unsigned long reports_unmatched; /* not in this run's table: handed on by TP-MR */
	unsigned long sweeps;
	unsigned long timeouts;
	unsigned long recoveries[MODEM_RUNG_COUNT];
	unsigned long reboots_seen;     /* boot URC while running */
	unsigned long reopens;
	unsigned long transitions;
};
void modem_get_stats(const struct modem *m, struct modem_stats *out);

#endif
