/* A simulated modem on the sim serial pair, sim loop and virtual clock. */
#ifndef SIMMODEM_FIXTURE_H
#define SIMMODEM_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/sim.h"
#include "simmodem/simmodem.h"
#include "simmodem/simnet.h"

#define FX_MODEMS 2

struct fx {
	struct hal_clock clk;
	struct hal_loop loop;
	struct simnet *net;
	struct hal_serial host[FX_MODEMS], dev[FX_MODEMS];
	struct simmodem *m[FX_MODEMS];
	int port_events;
	char rx[65536];
	size_t rx_len;
};

/* Net and two modems (+4915100000001, +4915100000002) booted and
 * registered; cfg (may be NULL) applies to modem 0. */
struct fx *fx_new(const struct simmodem_config *cfg, const struct simnet_config *net);
void fx_free(struct fx *f);
/* Run the loop until idle; f->rx gets what modem i said since the last read. */
const char *fx_read(struct fx *f, int i);
/* Send bytes from the host of modem i, run, return what came back (the
 * collected reply starts empty). */
const char *fx_cmd(struct fx *f, int i, const char *bytes);
void fx_advance(struct fx *f, int64_t ms);

/* SMS-SUBMIT to +46708251358, GSM-7 "hellohello", no SMSC (00), TP-MR 0:
 * the worked example of Lars Pettersson, "SMS and the PDU format"
 * (dreamfabric.com/sms, section "SMS-SUBMIT"). TPDU length 23. */
#define FX_SUBMIT "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"
/* The same with TP-SRR set (first octet 0x31), status report requested. */
#define FX_SUBMIT_SRR "0031000B916407281553F80000AA0AE8329BFD4697D9EC37"

#endif
