/* The line framer, URC dispatch and the command state machine fed with
 * arbitrary modem output on the sim serial pair. Byte 0 picks the command
 * shape (plain, with a response prefix, CMGS with prompt) and the read cap;
 * the rest is what the "modem" says. Whatever it says, the command completes
 * exactly once (by a final or by the timeout) and nothing overruns. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "at/at_chat.h"
#include "hal/log.h"
#include "hal/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hal_clock clock_;
static struct hal_loop loop_;
static struct hal_serial host_, modem_;
static struct at_chat *chat_;
static int done_calls_, urcs_;

static void on_urc(void *arg, const char *line, const char *pdu)
{
	(void)arg;
	(void)line;
	(void)pdu;
	urcs_++;
}

static const struct at_urc urcs[] = {
	{ "+CMTI:", false, on_urc }, { "+CREG:", false, on_urc },
	{ "+CMT:", true, on_urc },   { "+CDS:", true, on_urc },
	{ "+CDSI:", false, on_urc }, { "RING", false, NULL },
};

static void on_done(void *arg, int status, const struct at_result *res,
		    const struct at_resp *resp)
{
	(void)arg;
	(void)status;
	(void)res;
	for (size_t i = 0; i < resp->n_lines; i++)
		if (!at_resp_line(resp, i))
			abort();
	done_calls_++;
}

static void init_once(void)
{
	struct at_chat_config cfg = { .loop = &loop_, .serial = &host_, .name = "fuzz",
				      .urcs = urcs, .n_urcs = sizeof(urcs) / sizeof(urcs[0]) };
	log_set_levels("none");
	if (hal_vclock_new(&clock_, 0) || hal_loop_sim_new(&loop_, &clock_) ||
	    hal_serial_sim_pair_new(&host_, &modem_) || at_chat_new(&chat_, &cfg) ||
	    at_chat_start(chat_))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static char buf[128];
	struct hal_serial_sim_faults flt = { 0 };
	struct at_cmd cmd = { .cmd = "AT+CMGL=4", .buf = buf, .buf_len = sizeof(buf),
			      .timeout_ms = 1000, .done = on_done };
	unsigned char dump[512];

	if (!ready) {
		init_once();
		ready = true;
	}
	if (size < 1)
		return 0;
	flt.read_cap_min = 1;
	flt.read_cap_max = 1 + (data[0] & 7);
	flt.seed = data[0];
	(void)hal_serial_sim_set_faults(&host_, &flt);
	if (data[0] & 0x10)
		cmd.resp_prefix = "+CMGL:";
	if (data[0] & 0x20) {
		cmd.cmd = "AT+CMGS=5";
		cmd.pdu = "0011000000";
	}
	done_calls_ = 0;
	if (at_chat_submit(chat_, &cmd) != 0)
		abort();
	for (size_t off = 1; off < size;) {
		ssize_t n = hal_serial_write(&modem_, data + off, size - off);
		if (n > 0)
			off += (size_t)n;
		if (hal_loop_sim_run_until_idle(&loop_) < 0)
			abort();
	}
	(void)hal_loop_sim_run_until_idle(&loop_);
	(void)hal_loop_sim_advance(&loop_, 1000);
	if (done_calls_ != 1 || at_chat_busy(chat_))
		abort();
	/* drain what the engine wrote, so the socket never fills up */
	while (hal_serial_read(&modem_, dump, sizeof(dump)) > 0)
		;
	return 0;
}
