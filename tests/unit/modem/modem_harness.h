/* The modem driver on the simulated modem: a sim loop on a virtual clock,
 * a serial pair (host end for the driver, device end for simmodem), a
 * simnet, fake GPIO lines (a pulse on them reboots the simulated modem),
 * and recorders for every channel callback. Shared by the unit tests and
 * the benchmark. */
#ifndef MODEM_HARNESS_H
#define MODEM_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/channel.h"
#include "hal/sim.h"
#include "modem/modem.h"
#include "simmodem/simmodem.h"
#include "simmodem/simnet.h"

#define H_MAX 64

struct h_opts {
	const char *profile;      /* NULL: generic */
	const char *pin;          /* the driver's configured PIN */
	const char *sim_pin;      /* the SIM's PIN (NULL: none) */
	int64_t report_delay_ms;  /* simnet; default 0 */
	bool no_gpio;
	bool closed_at_start;     /* host end closed until the driver opens it */
	bool want_reports;        /* always_report */
	bool quiet;               /* log level warn */
	const char *own_number;   /* modem_config.own_number */
};

struct h_part {
	uint64_t id;
	unsigned part, total;
	char ref[CHANNEL_REF_MAX];
};

struct h_in {
	char from[CHANNEL_NUMBER_MAX];
	char to[CHANNEL_NUMBER_MAX];
	char text[800];
	unsigned ref, total, seq;
	char src[CHANNEL_REF_MAX];
};

struct h {
	struct hal_clock clock;
	struct hal_loop loop;
	struct hal_serial host, dev;
	struct hal_gpio gpio;
	bool have_gpio;
	struct simnet *net;
	struct simmodem *sm;
	struct modem *m;
	struct channel ch;
	bool clear_faults_on_pulse;
	unsigned pulses;

	unsigned n_parts;
	struct h_part parts[H_MAX];
	unsigned long total_done, total_ok;
	unsigned n_done;
	uint64_t done_id[H_MAX];
	struct channel_outcome done[H_MAX];
	unsigned n_reports;
	struct channel_report reports[H_MAX];
	unsigned n_in;
	struct h_in in[H_MAX];
	unsigned inbound_fail; /* refuse this many inbound() calls */
	unsigned n_health;
	struct channel_health health;
};

/* Build everything and start the driver (not yet run). Returns 0 or -errno. */
int h_setup(struct h *h, const struct h_opts *o);
void h_teardown(struct h *h);
/* Advance virtual time in steps until the state is st (true) or max_ms
 * passed (false). */
bool h_until(struct h *h, enum modem_state st, int64_t max_ms);
/* Advance ms of virtual time. Returns hal_loop_sim_advance's result. */
int h_run(struct h *h, int64_t ms);
/* Submit text to number; returns modem_submit's result. */
int h_send(struct h *h, uint64_t id, const char *to, const char *text, bool report);

#endif
