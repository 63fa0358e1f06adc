/* The AT chat engine on the sim serial pair, sim loop and virtual clock:
 * scripted exchanges with reads cut into 1..8 bytes, URCs mid-response,
 * echo, garbage, timeouts that URCs cannot extend, the CMGS prompt, ESC,
 * CME/CMS errors, device gone, partial writes, chat scripts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "at/at_chat.h"
#include "at/at_parse.h"
#include "hal/sim.h"

struct urc_log {
	int n;
	char last[256];
	char last_pdu[512];
	bool had_pdu;
};

struct fx {
	struct hal_clock clock;
	struct hal_loop loop;
	struct hal_serial host, modem;
	struct hal_serial_script *script;
	struct at_chat *chat;
	struct urc_log urc;
	int events, event_err;
	/* the last completion */
	int done_calls;
	int status;
	struct at_result res;
	struct at_resp resp;
	int64_t done_at;
	char buf[512];
	char lines[1024]; /* copy of the response lines, '|' joined */
};

static void on_urc(void *arg, const char *line, const char *pdu)
{
	struct fx *f = arg;
	f->urc.n++;
	snprintf(f->urc.last, sizeof(f->urc.last), "%s", line);
	f->urc.had_pdu = pdu != NULL;
	snprintf(f->urc.last_pdu, sizeof(f->urc.last_pdu), "%s", pdu ? pdu : "");
}

static const struct at_urc urcs[] = {
	{ "+CMTI:", false, on_urc },
	{ "+CREG:", false, on_urc },
	{ "+CMT:", true, on_urc },
	{ "+CDS:", true, on_urc },
	{ "RDY", false, NULL },
};

static void on_event(void *arg, enum at_chat_event ev, int err)
{
	struct fx *f = arg;
	assert_int_equal(ev, AT_CHAT_EV_GONE);
	f->events++;
	f->event_err = err;
}

static void on_done(void *arg, int status, const struct at_result *res,
		    const struct at_resp *resp)
{
	struct fx *f = arg;
	f->done_calls++;
	f->status = status;
	f->res = *res;
	f->resp = *resp;
	f->done_at = hal_loop_now_ms(&f->loop);
	f->lines[0] = '\0';
	for (size_t i = 0; i < resp->n_lines; i++) {
		size_t l = strlen(f->lines);
		snprintf(f->lines + l, sizeof(f->lines) - l, "%s%s", i ? "|" : "",
			 at_resp_line(resp, i));
	}
}

static void fx_faults(struct fx *f, unsigned cmin, unsigned cmax, uint32_t seed)
{
	struct hal_serial_sim_faults flt = { .read_cap_min = cmin, .read_cap_max = cmax,
					     .seed = seed };
	assert_int_equal(hal_serial_sim_set_faults(&f->host, &flt), 0);
}

static int setup(void **state)
{
	static struct fx f;
	struct at_chat_config cfg;

	memset(&f, 0, sizeof(f));
	assert_int_equal(hal_vclock_new(&f.clock, 0), 0);
	assert_int_equal(hal_loop_sim_new(&f.loop, &f.clock), 0);
	assert_int_equal(hal_serial_sim_pair_new(&f.host, &f.modem), 0);
	assert_int_equal(hal_serial_script_new(&f.script, &f.loop, &f.modem), 0);
	fx_faults(&f, 1, 8, 1);
	cfg = (struct at_chat_config){
		.loop = &f.loop, .serial = &f.host, .name = "test0",
		.urcs = urcs, .n_urcs = sizeof(urcs) / sizeof(urcs[0]), .urc_arg = &f,
		.on_event = on_event, .event_arg = &f,
	};
	assert_int_equal(at_chat_new(&f.chat, &cfg), 0);
	assert_int_equal(at_chat_start(f.chat), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	at_chat_destroy(f->chat);
	hal_serial_script_destroy(f->script);
	hal_serial_destroy(&f->host);
	hal_serial_destroy(&f->modem);
	hal_loop_destroy(&f->loop);
	hal_vclock_destroy(&f->clock);
	return 0;
}

static void step(struct fx *f, const char *expect, const char *reply)
{
	struct hal_serial_script_step s = { .expect = expect, .reply = reply, .delay_ms = 0 };
	assert_int_equal(hal_serial_script_push(f->script, &s), 0);
}

static void idle(struct fx *f)
{
	assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 0);
}

static void submit(struct fx *f, const char *cmd, const char *prefix)
{
	struct at_cmd c = { .cmd = cmd, .resp_prefix = prefix, .buf = f->buf,
			    .buf_len = sizeof(f->buf), .done = on_done, .arg = f };
	assert_int_equal(at_chat_submit(f->chat, &c), 0);
}

/* +CSQ with a +CMTI in the middle of the response, every read cap 1..8. */
static void test_urc_mid_response_any_cut(void **state)
{
	struct fx *f = *state;

	for (uint32_t seed = 1; seed <= 16; seed++) {
		fx_faults(f, 1 + seed % 8, 8, seed);
		step(f, "AT+CSQ\r", "\r\n+CSQ: 20,99\r\n\r\n+CMTI: \"SM\",3\r\n\r\nOK\r\n");
		f->done_calls = 0;
		f->urc.n = 0;
		submit(f, "AT+CSQ", "+CSQ:");
		idle(f);
		assert_int_equal(f->done_calls, 1);
		assert_int_equal(f->status, 0);
		assert_int_equal(f->res.final, AT_FINAL_OK);
		assert_string_equal(f->lines, "+CSQ: 20,99");
		assert_int_equal(f->urc.n, 1);
		assert_string_equal(f->urc.last, "+CMTI: \"SM\",3");
	}
	assert_true(hal_serial_script_done(f->script));
}

/* Echo on, garbage around lines, a URC while idle. */
static void test_echo_garbage_idle_urc(void **state)
{
	struct fx *f = *state;
	struct at_chat_stats st;

	step(f, "AT+CGSN\r", "AT+CGSN\r\x01\xff\r\n869988012345678\r\n\xfe\r\nOK\r\n");
	submit(f, "AT+CGSN", NULL);
	idle(f);
	assert_int_equal(f->status, 0);
	assert_string_equal(f->lines, "869988012345678");
	assert_int_equal(hal_serial_script_inject(f->script, "\r\n+CREG: 1\r\nRDY\r\nOK\r\n"), 0);
	idle(f);
	assert_int_equal(f->urc.n, 1);
	assert_string_equal(f->urc.last, "+CREG: 1");
	at_chat_get_stats(f->chat, &st);
	assert_int_equal(st.stray, 1); /* the OK while idle */
	assert_true(st.garbage >= 3);
}

/* A dropped reply times out at exactly the configured virtual time, even
 * with a URC every second. */
static void test_timeout_not_extended_by_urcs(void **state)
{
	struct fx *f = *state;
	struct at_cmd c = { .cmd = "AT+COPS=0", .timeout_ms = 5000, .done = on_done, .arg = f };

	step(f, "AT+COPS=0\r", NULL);
	assert_int_equal(at_chat_submit(f->chat, &c), 0);
	for (int i = 0; i < 4; i++) {
		assert_true(hal_loop_sim_advance(&f->loop, 1000) >= 0);
		assert_int_equal(hal_serial_script_inject(f->script, "\r\n+CREG: 2\r\n"), 0);
		idle(f);
	}
	assert_true(hal_loop_sim_advance(&f->loop, 999) >= 0);
	assert_int_equal(f->done_calls, 0);
	assert_int_equal(hal_serial_script_inject(f->script, "\r\n+CREG: 1\r\n"), 0);
	assert_true(hal_loop_sim_advance(&f->loop, 1) >= 0);
	assert_int_equal(f->done_calls, 1);
	assert_int_equal(f->status, -ETIMEDOUT);
	assert_int_equal(f->res.final, AT_FINAL_NONE);
	assert_int_equal(f->done_at, 5000);
	assert_int_equal(f->urc.n, 5);
	/* a late OK is stray, and the chat is usable again */
	step(f, "AT\r", "\r\nOK\r\n");
	submit(f, "AT", NULL);
	idle(f);
	assert_int_equal(f->done_calls, 2);
	assert_int_equal(f->status, 0);
}

/* CMGS: the prompt split across 1-byte reads, then body + Ctrl-Z. */
static void test_cmgs_prompt(void **state)
{
	struct fx *f = *state;
	static const char pdu[] = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37";
	struct at_cmd c = { .cmd = "AT+CMGS=23", .resp_prefix = "+CMGS:", .pdu = pdu,
			    .timeout_ms = AT_CHAT_CMGS_TIMEOUT_MS, .buf = f->buf,
			    .buf_len = sizeof(f->buf), .done = on_done, .arg = f };
	struct at_cmgs m;

	fx_faults(f, 1, 1, 3);
	step(f, "AT+CMGS=23\r", "AT+CMGS=23\r\r\n> ");
	step(f, "0011000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a",
	     "0011000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a\r\n+CMGS: 42\r\n\r\nOK\r\n");
	assert_int_equal(at_chat_submit(f->chat, &c), 0);
	idle(f);
	assert_true(hal_serial_script_done(f->script));
	assert_int_equal(f->status, 0);
	assert_int_equal(f->res.final, AT_FINAL_OK);
	assert_string_equal(f->lines, "+CMGS: 42");
	assert_int_equal(at_parse_cmgs(at_resp_find(&f->resp, "+CMGS:"), &m), 0);
	assert_int_equal(m.mr, 42);
}

/* No prompt: cancel sends ESC; a prompt timeout sends ESC too. */
static void test_cmgs_esc_abort(void **state)
{
	struct fx *f = *state;
	struct at_cmd c = { .cmd = "AT+CMGS=10", .pdu = "00", .timeout_ms = 60000,
			    .done = on_done, .arg = f };

	step(f, "AT+CMGS=10\r", NULL);
	step(f, "\x1b", "\r\nOK\r\n");
	assert_int_equal(at_chat_submit(f->chat, &c), 0);
	idle(f);
	assert_int_equal(at_chat_cancel(f->chat), 0);
	assert_int_equal(f->status, -ECANCELED);
	idle(f);
	assert_true(hal_serial_script_done(f->script));
	assert_int_equal(at_chat_cancel(f->chat), -ENOENT);

	step(f, "AT+CMGS=10\r", NULL);
	step(f, "\x1b", NULL);
	assert_int_equal(at_chat_submit(f->chat, &c), 0);
	assert_true(hal_loop_sim_advance(&f->loop, 60000) >= 0);
	idle(f);
	assert_int_equal(f->status, -ETIMEDOUT);
	assert_true(hal_serial_script_done(f->script));
}

static void test_cme_cms_errors(void **state)
{
	struct fx *f = *state;

	step(f, "AT+CMGS=9\r", "\r\n+CMS ERROR: 322\r\n");
	struct at_cmd c = { .cmd = "AT+CMGS=9", .pdu = "00", .done = on_done, .arg = f };
	assert_int_equal(at_chat_submit(f->chat, &c), 0);
	idle(f);
	assert_int_equal(f->status, 0);
	assert_int_equal(f->res.final, AT_FINAL_CMS_ERROR);
	assert_int_equal(f->res.code, 322);
	assert_false(at_result_retryable(&f->res));

	step(f, "AT+CPIN?\r", "\r\n+CME ERROR: SIM busy\r\n");
	submit(f, "AT+CPIN?", "+CPIN:");
	idle(f);
	assert_int_equal(f->res.final, AT_FINAL_CME_ERROR);
	assert_int_equal(f->res.code, 14);
	assert_true(at_result_retryable(&f->res));

	step(f, "ATD123;\r", "\r\nNO CARRIER\r\n");
	submit(f, "ATD123;", NULL);
	idle(f);
	assert_int_equal(f->res.final, AT_FINAL_NO_CARRIER);
}

/* +CMT (two lines) in the middle of a +CPMS response and while idle. */
static void test_two_line_urc(void **state)
{
	struct fx *f = *state;

	step(f, "AT+CPMS?\r", "\r\n+CPMS: \"SM\",1,30\r\n+CMT: ,5\r\n0000AABBCC\r\n\r\nOK\r\n");
	submit(f, "AT+CPMS?", "+CPMS:");
	idle(f);
	assert_string_equal(f->lines, "+CPMS: \"SM\",1,30");
	assert_int_equal(f->urc.n, 1);
	assert_string_equal(f->urc.last, "+CMT: ,5");
	assert_true(f->urc.had_pdu);
	assert_string_equal(f->urc.last_pdu, "0000AABBCC");
	assert_int_equal(hal_serial_script_inject(f->script, "\r\n+CDS: 2\r\n"), 0);
	idle(f);
	assert_int_equal(f->urc.n, 1); /* waiting for the PDU line */
	assert_int_equal(hal_serial_script_inject(f->script, "0102\r\n"), 0);
	idle(f);
	assert_int_equal(f->urc.n, 2);
	assert_string_equal(f->urc.last_pdu, "0102");
	/* the command's own prefix wins over the URC table (AT+CREG?) */
	step(f, "AT+CREG?\r", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	submit(f, "AT+CREG?", "+CREG:");
	idle(f);
	assert_string_equal(f->lines, "+CREG: 0,1");
	assert_int_equal(f->urc.n, 2);
}

/* A small buffer: flagged, no overrun, the command still completes; and an
 * overlong line is discarded without losing the final. */
static void test_buffer_overflow_and_long_line(void **state)
{
	struct fx *f = *state;
	char small[24];
	struct at_cmd c = { .cmd = "AT+CMGL=4", .resp_prefix = "+CMGL:", .buf = small,
			    .buf_len = sizeof(small), .done = on_done, .arg = f };
	static char reply[3000];
	struct at_chat_stats st;

	step(f, "AT+CMGL=4\r", "\r\n+CMGL: 1,0,,5\r\n0000AABBCC\r\n+CMGL: 2,0,,5\r\n0000AABBCC\r\n\r\nOK\r\n");
	assert_int_equal(at_chat_submit(f->chat, &c), 0);
	idle(f);
	assert_int_equal(f->status, 0);
	assert_true(f->resp.truncated);
	assert_string_equal(f->lines, "+CMGL: 1,0,,5");

	memset(reply, 'A', sizeof(reply) - 1);
	memcpy(reply, "\r\n", 2);
	memcpy(reply + 2500, "\r\nOK\r\n", 7);
	step(f, "AT+X\r", reply);
	submit(f, "AT+X", NULL);
	idle(f);
	assert_int_equal(f->status, 0);
	assert_true(f->resp.truncated);
	at_chat_get_stats(f->chat, &st);
	assert_int_equal(st.overflows, 1);
}

static void test_busy_and_bad_input(void **state)
{
	struct fx *f = *state;
	struct at_cmd c = { .cmd = "AT", .done = on_done, .arg = f };
	char longcmd[AT_CHAT_CMD_MAX + 8];

	step(f, "AT\r", "\r\nOK\r\n");
	assert_int_equal(at_chat_submit(f->chat, &c), 0);
	assert_int_equal(at_chat_submit(f->chat, &c), -EBUSY);
	assert_int_equal(at_chat_write_raw(f->chat, "x", 1), -EBUSY);
	assert_int_equal(f->done_calls, 0); /* never from inside submit */
	idle(f);
	assert_int_equal(f->done_calls, 1);
	c.cmd = "AT\rX";
	assert_int_equal(at_chat_submit(f->chat, &c), -EINVAL);
	c.cmd = "";
	assert_int_equal(at_chat_submit(f->chat, &c), -EINVAL);
	memset(longcmd, 'A', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = '\0';
	c.cmd = longcmd;
	assert_int_equal(at_chat_submit(f->chat, &c), -E2BIG);
	c.cmd = "AT+CMGS=1";
	c.pdu = "00\x1a";
	assert_int_equal(at_chat_submit(f->chat, &c), -EINVAL);
}

/* Writes accepted 3 bytes at a time still deliver the whole command. */
static void test_partial_writes(void **state)
{
	struct fx *f = *state;
	struct hal_serial_sim_faults flt = { .write_cap = 3, .read_cap_min = 1,
					     .read_cap_max = 8, .seed = 9 };

	assert_int_equal(hal_serial_sim_set_faults(&f->host, &flt), 0);
	step(f, "AT+CSCA?\r", "\r\n+CSCA: \"+491710760000\",145\r\n\r\nOK\r\n");
	submit(f, "AT+CSCA?", "+CSCA:");
	idle(f);
	assert_int_equal(f->status, 0);
	assert_string_equal(f->lines, "+CSCA: \"+491710760000\",145");
}

static void test_device_gone(void **state)
{
	struct fx *f = *state;
	struct at_cmd c = { .cmd = "AT", .done = on_done, .arg = f };

	step(f, "AT+CSQ\r", NULL);
	submit(f, "AT+CSQ", "+CSQ:");
	idle(f);
	assert_int_equal(hal_serial_sim_gone(&f->host), 0);
	idle(f);
	assert_int_equal(f->done_calls, 1);
	assert_int_equal(f->status, -ENODEV);
	assert_int_equal(f->events, 1);
	assert_int_equal(f->event_err, -ENODEV);
	assert_int_equal(at_chat_submit(f->chat, &c), -ENODEV);
	/* back after re-enumeration: start again and talk */
	assert_int_equal(hal_serial_sim_back(&f->host), 0);
	assert_int_equal(hal_serial_open(&f->host, "sim", NULL), 0);
	assert_int_equal(at_chat_start(f->chat), 0);
}

static void test_write_failure_is_gone(void **state)
{
	struct fx *f = *state;
	struct hal_serial_sim_faults flt = { .fail_write_nth = 1, .fail_write_errno = EIO };
	struct at_cmd c = { .cmd = "AT", .done = on_done, .arg = f };

	assert_int_equal(hal_serial_sim_set_faults(&f->host, &flt), 0);
	assert_int_equal(at_chat_submit(f->chat, &c), -EIO);
	assert_int_equal(f->done_calls, 0);
	assert_int_equal(f->events, 1);
	assert_int_equal(f->event_err, -EIO);
}

/* ---- chat scripts ---- */

static const struct at_script_step init_steps[] = {
	{ .cmd = "ATE0", .on_error = AT_STEP_IGNORE },
	{ .cmd = "AT+CMEE=1" },
	{ .cmd = "AT+CPIN?", .expect = "+CPIN:", .retries = 2, .retry_delay_ms = 1000 },
	{ .cmd = "AT+CSQ", .expect = "+CSQ:" },
};
static const struct at_script init_script = { "init", init_steps, 4 };

struct script_log {
	int calls;
	struct at_script_result r;
	int csq_rssi;
};

static void on_script_resp(void *arg, size_t step, const struct at_resp *resp)
{
	struct script_log *l = arg;
	struct at_csq q;
	if (step == 3 && at_parse_csq(at_resp_find(resp, "+CSQ:"), &q) == 0)
		l->csq_rssi = q.rssi;
}

static void on_script_done(void *arg, const struct at_script_result *r)
{
	struct script_log *l = arg;
	l->calls++;
	l->r = *r;
}

static void test_script_success(void **state)
{
	struct fx *f = *state;
	struct script_log l = { 0 };
	struct at_cmd c = { .cmd = "AT", .done = on_done, .arg = f };

	step(f, "ATE0\r", "ATE0\r\r\nERROR\r\n"); /* ignored */
	step(f, "AT+CMEE=1\r", "\r\nOK\r\n");
	step(f, "AT+CPIN?\r", "\r\n+CME ERROR: 14\r\n"); /* SIM busy: retried */
	step(f, "AT+CPIN?\r", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	step(f, "AT+CSQ\r", "\r\n+CSQ: 17,99\r\n\r\nOK\r\n");
	assert_int_equal(at_chat_script_run(f->chat, &init_script, on_script_resp, on_script_done, &l), 0);
	idle(f);
	assert_true(at_chat_script_running(f->chat));
	assert_int_equal(at_chat_submit(f->chat, &c), -EBUSY);
	assert_true(hal_loop_sim_advance(&f->loop, 1000) >= 0);
	idle(f);
	assert_int_equal(l.calls, 1);
	assert_int_equal(l.r.status, 0);
	assert_int_equal(l.r.step, 4);
	assert_int_equal(l.csq_rssi, 17);
	assert_true(hal_serial_script_done(f->script));
}

static void test_script_failure_at_step(void **state)
{
	struct fx *f = *state;
	struct script_log l = { 0 };

	step(f, "ATE0\r", "\r\nOK\r\n");
	step(f, "AT+CMEE=1\r", "\r\nOK\r\n");
	step(f, "AT+CPIN?\r", "\r\n+CME ERROR: 10\r\n");
	step(f, "AT+CPIN?\r", "\r\n+CME ERROR: 10\r\n");
	step(f, "AT+CPIN?\r", "\r\n+CME ERROR: 10\r\n");
	assert_int_equal(at_chat_script_run(f->chat, &init_script, NULL, on_script_done, &l), 0);
	idle(f);
	assert_true(hal_loop_sim_advance(&f->loop, 2000) >= 0);
	idle(f);
	assert_int_equal(l.calls, 1);
	assert_int_equal(l.r.status, -EPROTO);
	assert_int_equal(l.r.step, 2);
	assert_int_equal(l.r.result.final, AT_FINAL_CME_ERROR);
	assert_int_equal(l.r.result.code, 10);

	/* OK without the expected line is a failure too; a timeout is reported */
	static const struct at_script_step s2[] = { { .cmd = "AT+CSQ", .expect = "+CSQ:" } };
	static const struct at_script sc2 = { "check", s2, 1 };
	step(f, "AT+CSQ\r", "\r\nOK\r\n");
	assert_int_equal(at_chat_script_run(f->chat, &sc2, NULL, on_script_done, &l), 0);
	idle(f);
	assert_int_equal(l.r.status, -EPROTO);
	assert_int_equal(l.r.result.final, AT_FINAL_OK);
	step(f, "AT+CSQ\r", NULL);
	assert_int_equal(at_chat_script_run(f->chat, &sc2, NULL, on_script_done, &l), 0);
	assert_true(hal_loop_sim_advance(&f->loop, AT_CHAT_DEFAULT_TIMEOUT_MS) >= 0);
	assert_int_equal(l.calls, 3);
	assert_int_equal(l.r.status, -ETIMEDOUT);
	assert_int_equal(l.r.step, 0);
	/* abort */
	step(f, "AT+CSQ\r", NULL);
	assert_int_equal(at_chat_script_run(f->chat, &sc2, NULL, on_script_done, &l), 0);
	assert_int_equal(at_chat_script_abort(f->chat), 0);
	assert_int_equal(l.calls, 4);
	assert_int_equal(l.r.status, -ECANCELED);
	assert_false(at_chat_busy(f->chat));
}

static void test_redact(void **state)
{
	char b[64];
	(void)state;
	assert_string_equal(at_redact("AT+CPIN=\"1234\"", false, b, sizeof(b)),
			    "AT+CPIN=<redacted>");
	assert_string_equal(at_redact("at+clck=\"SC\",0,\"1234\"", false, b, sizeof(b)),
			    "at+clck=<redacted>");
	assert_string_equal(at_redact("AT+CPIN?", false, b, sizeof(b)), "AT+CPIN?");
	assert_string_equal(at_redact("AT+CSQ", false, b, sizeof(b)), "AT+CSQ");
	assert_string_equal(at_redact("AT+X=secret", true, b, sizeof(b)), "AT+X=<redacted>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_urc_mid_response_any_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_garbage_idle_urc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_not_extended_by_urcs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmgs_prompt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmgs_esc_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cme_cms_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_line_urc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffer_overflow_and_long_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_and_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_is_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_failure_at_step, setup, teardown),
		cmocka_unit_test(test_redact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
