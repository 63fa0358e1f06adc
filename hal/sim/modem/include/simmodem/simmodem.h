/* simmodem: a simulated GSM/LTE modem speaking 3GPP TS 27.007 / 27.005 AT
 * commands (V.250 framing) on a hal_serial, driven by a hal_loop.
 *
 * It is a stateful modem, not a script: echo, verbose/numeric results,
 * several commands per line, A/, S3/S4/S5, +CMEE, a SIM with PIN/PUK, a
 * registration that changes over time, SMS storage (SM, ME, SR, MT) with
 * capacities, PDU-mode +CMGS with the "> " prompt, +CNMI routing, +CNMA,
 * and faults on demand. It attaches to a simnet (the virtual network +
 * SMSC) which delivers messages between modems and to the outside world.
 *
 * The modem owns neither the loop nor the port. The port must be open; the
 * modem watches its fd on the loop. */
#ifndef SIMMODEM_SIMMODEM_H
#define SIMMODEM_SIMMODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hal_loop;
struct hal_serial;
struct simnet;
struct simmodem;

struct simmodem_config {
	const char *name;         /* log instance, "modem0"; NULL: "modemN" */
	const char *number;       /* MSISDN "+4915..." (required, unique) */
	const char *manufacturer; /* +CGMI; NULL: defaults */
	const char *model;        /* +CGMM */
	const char *revision;     /* +CGMR */
	const char *imei;         /* +CGSN, 15 digits; NULL: derived from number */
	const char *imsi;         /* +CIMI */
	const char *iccid;        /* +CCID */
	const char *pin;          /* NULL or "": the SIM asks for no PIN */
	const char *puk;          /* NULL: "12345678" */
	unsigned sm_capacity;     /* SIM storage slots (0: 30) */
	unsigned me_capacity;     /* phone storage (0: 100) */
	unsigned sr_capacity;     /* status report storage (0: 20) */
	int64_t latency_ms;       /* delay before each response (0: none) */
	int64_t register_ms;      /* SIM ready -> registered (0: at once) */
	int64_t boot_ms;          /* power-on -> boot URCs (0: at once) */
	int64_t cnma_timeout_ms;  /* +CMT not acknowledged -> refused (0: 10000) */
	unsigned boot_repeat;     /* ^BOOT URCs repeated after a reboot (0: 3) */
	int64_t boot_repeat_ms;   /* their period (0: 1000) */
	int rssi;                 /* +CSQ <rssi> 0..31 (0: 20) */
	bool roaming;             /* registered roaming (5) instead of home (1) */
	const char *operator_name;    /* NULL: "SIMNET" */
	const char *operator_numeric; /* NULL: "26299" */
	/* Called when the port-vanish fault starts (gone = true) and when it
	 * ends (gone = false); the owner closes and recreates the device (the
	 * modemsim tool: a new pty at the same --link path) and calls
	 * simmodem_attach_port. NULL: the modem only stops talking. */
	void (*port_event)(void *arg, struct simmodem *m, bool gone);
	void *port_arg;
	/* GPIO power hook (simmodem_attach_gpio): how long the pwrkey must be
	 * held to power on (0: 500) and to power off (0: 2500), and the
	 * shortest reset pulse that reboots (0: 100). Defaults: SIM7600. */
	int64_t pwrkey_on_ms;
	int64_t pwrkey_off_ms;
	int64_t reset_ms;
};

/* Creates the modem, attaches it to net and starts it powered on (boot
 * URCs after boot_ms). Returns 0, -EINVAL (no number, duplicate number, bad
 * capacity), -ENOMEM, or the -errno of watching the port. */
int simmodem_new(struct simmodem **out, struct simnet *net, struct hal_loop *loop,
		 struct hal_serial *port, const struct simmodem_config *cfg);
void simmodem_destroy(struct simmodem *m);

const char *simmodem_name(const struct simmodem *m);
const char *simmodem_number(const struct simmodem *m);
size_t simmodem_index(const struct simmodem *m);

/* Detach from the current port (unwatch; not closed) and, when port is not
 * NULL, attach to it. Returns 0 or -errno of watching. */
int simmodem_attach_port(struct simmodem *m, struct hal_serial *port);

/* Watch a fake gpio (hal_gpio_sim_observe) for the pwrkey and reset lines,
 * as a module wired to the board's GPIOs. Logical 1 = asserted (pressed).
 * A pwrkey press held >= pwrkey_on_ms while off powers on (boot URC burst
 * after boot_ms); held >= pwrkey_off_ms while on powers off ("NORMAL POWER
 * DOWN", then silence). A reset pulse >= reset_ms reboots a powered-on
 * modem. Pulses are judged on release, by their length. Either name may be
 * NULL (that line is not wired). simmodem_destroy detaches from the gpio,
 * so the gpio may outlive the modem.
 * Returns 0, -EINVAL (no gpio, both names NULL, a name >= 32 chars),
 * -EBUSY (already attached) or -ENOSPC (gpio observer slots full). */
struct hal_gpio;
int simmodem_attach_gpio(struct simmodem *m, struct hal_gpio *gpio, const char *pwrkey,
			 const char *reset);
/* Power off now as a pwrkey press would (silent until powered on). */
void simmodem_power_off(struct simmodem *m);
/* Power on (boot URCs after boot_ms); no-op when already on. */
void simmodem_power_on(struct simmodem *m);

/* ---- state, for tests and the control interface ---- */
enum simmodem_sim {
	SIMMODEM_SIM_READY,
	SIMMODEM_SIM_PIN,
	SIMMODEM_SIM_PUK,
	SIMMODEM_SIM_BLOCKED,
	SIMMODEM_SIM_ABSENT,
};
const char *simmodem_sim_str(enum simmodem_sim s);

enum simmodem_mem {
	SIMMODEM_MEM_SM,
	SIMMODEM_MEM_ME,
	SIMMODEM_MEM_SR,
	SIMMODEM_MEM_MT, /* SM then ME, one index space */
};
const char *simmodem_mem_str(enum simmodem_mem mem);

struct simmodem_status {
	enum simmodem_sim sim;
	int pin_tries, puk_tries;
	int reg;          /* +CREG <stat> */
	int rssi;
	int cfun;
	bool booting;
	bool port_gone;
	bool prompt;      /* a "> " prompt is open */
	bool echo;
	int cmee, cmgf, csms;
	int cnmi[5];
	unsigned used[3], capacity[3]; /* SM, ME, SR */
	bool cnma_pending;
	unsigned urcs_held; /* URCs waiting for the prompt to close */
	uint64_t commands;  /* command lines executed */
	bool powered_off;   /* by pwrkey or simmodem_power_off */
	/* V.250 line settings: what a host must send to be heard */
	int s3, s4, s5;
	bool verbose, quiet;
};
void simmodem_get_status(const struct simmodem *m, struct simmodem_status *st);

/* Stored message at 1-based index of mem (SM, ME or SR). Returns 0 and
 * copies the PDU hex (SMSC octets first) and stat (0 REC UNREAD .. 3 STO
 * SENT), -ENOENT (empty), -EINVAL (bad index/mem) or -E2BIG. */
int simmodem_stored(const struct simmodem *m, enum simmodem_mem mem, unsigned index,
		    char *hex, size_t hex_len, int *stat);

/* ---- settings and faults (each also a control-interface command) ---- */
/* Delay before every response from now on (the "response delay" fault). */
void simmodem_set_latency(struct simmodem *m, int64_t ms);
/* Signal 0..31 or 99. Returns 0 or -EINVAL. */
int simmodem_set_rssi(struct simmodem *m, int rssi);
/* The next n command lines get no response at all (n = 0 clears; UINT_MAX
 * for "until cleared"). Not even echo: a wedged modem says nothing. */
void simmodem_fault_silent(struct simmodem *m, unsigned n);
/* Write these bytes to the host now (line noise, half a URC). */
int simmodem_fault_garbage(struct simmodem *m, const void *bytes, size_t len);
/* The next AT+CMGS/CMSS fails with +CMS ERROR: code (e.g. 500, 321, 322,
 * 331). Returns 0 or -EINVAL. */
int simmodem_fault_cms(struct simmodem *m, int code);
/* Lose the network for ms (0: until simmodem_fault_netloss(m, -1)); < 0
 * restores it now. Registration URCs follow +CREG/+CGREG/+CEREG n. */
void simmodem_fault_netloss(struct simmodem *m, int64_t ms);
/* SIM removed (+CPIN: NOT INSERTED, +CME ERROR: 10) or inserted again (the
 * PIN state starts over). */
void simmodem_fault_sim(struct simmodem *m, bool removed);
/* Reboot as if power-cycled or AT+CFUN=1,1: silent for boot_ms, then the
 * boot URC burst (RDY, +CFUN: 1, +CPIN: ..., SMS Ready, ^BOOT repeated).
 * Settings go back to power-on defaults; stored messages stay. */
void simmodem_reboot(struct simmodem *m);
/* The port vanishes for ms (see port_event), then the modem boots again.
 * Returns 0 or -EINVAL (ms < 0). */
int simmodem_fault_vanish(struct simmodem *m, int64_t ms);
/* Clear every fault (latency back to the configured one). A vanished port
 * comes back now, as when its time is up: port_event(gone = false), then
 * the modem boots (boot_ms); the pending vanish end is canceled. */
void simmodem_fault_clear(struct simmodem *m);

/* Network side, used by simnet: offer a DELIVER (kind 0) or STATUS-REPORT
 * (kind 1) PDU, hex with SMSC octets first. Returns 0 when the modem took it
 * (stored, or shown by +CMT/+CDS), -EAGAIN when it cannot now (not
 * registered, booting, storage full, +CNMA outstanding): the network
 * retries later. A +CMT that is then not acknowledged by +CNMA in time goes
 * back to the network's queue. */
int simmodem_offer(struct simmodem *m, int kind, const char *hex);

#endif
