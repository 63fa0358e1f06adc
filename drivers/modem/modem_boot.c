/* Bringing a modem up and keeping it up: power-on, sync, init, SIM (PIN
 * safety), registration, the recovery ladder and reopening a vanished
 * port. Every wait is an absolute timer armed once (modem_wait): nothing a
 * modem says can extend it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "at/at_errors.h"
#include "at/at_parse.h"
#include "modem_priv.h"

LOG_MODULE(log_mboot, "modem");

#define MODEM_SIM_POLL_MS 5000   /* SIM absent: ask again */
#define MODEM_SIM_BUSY_MS 1000   /* SIM busy / not ready */
#define MODEM_SIM_BUSY_TRIES 30
#define MODEM_SETUP_TRIES 5
#define MODEM_REOPEN_MIN_MS 500
#define MODEM_REOPEN_MAX_MS 30000

static void modem_error(struct modem *m, const char *why)
{
	snprintf(m->error, sizeof(m->error), "%s", why);
	LOG_ERR(&log_mboot, m->name, "%s: no further attempt until restarted", why);
	modem_set_state(m, MODEM_ST_ERROR, why);
}

/* ---- the port ---- */

int modem_open_port(struct modem *m)
{
	int rc = m->cfg.open_port ? m->cfg.open_port(m->cfg.open_arg, m->cfg.serial)
				  : hal_serial_open(m->cfg.serial, m->port, &m->cfg.serial_cfg);
	if (rc < 0)
		return rc;
	rc = at_chat_start(m->chat);
	if (rc < 0 && rc != -EALREADY) {
		hal_serial_close(m->cfg.serial);
		return rc;
	}
	m->port_open = true;
	return 0;
}

void modem_close_port(struct modem *m)
{
	if (at_chat_script_running(m->chat))
		at_chat_script_abort(m->chat);
	at_chat_stop(m->chat);
	if (m->port_open)
		hal_serial_close(m->cfg.serial);
	m->port_open = false;
}

static int64_t modem_reopen_cb(void *arg)
{
	struct modem *m = arg;
	m->state_timer = 0;
	m->waiting = false;
	int rc = modem_open_port(m);
	if (rc == 0) {
		m->reopen_delay = 0;
		modem_set_state(m, MODEM_ST_SYNC, "port back");
		return HAL_TIMER_STOP;
	}
	m->reopen_delay = m->reopen_delay * 2;
	if (m->reopen_delay > MODEM_REOPEN_MAX_MS)
		m->reopen_delay = MODEM_REOPEN_MAX_MS;
	LOG_DBG(&log_mboot, m->name, "open: %d, again in %lld ms", rc,
		(long long)m->reopen_delay);
	m->waiting = true;
	if (hal_loop_add_timer(m->loop, m->reopen_delay, modem_reopen_cb, m, &m->state_timer) < 0)
		m->state_timer = 0;
	return HAL_TIMER_STOP;
}

void modem_enter_reopen(struct modem *m, const char *why)
{
	modem_close_port(m);
	m->registered = false;
	modem_set_state(m, MODEM_ST_REOPEN, why);
	m->reopen_delay = MODEM_REOPEN_MIN_MS;
	m->waiting = true;
	if (hal_loop_add_timer(m->loop, m->reopen_delay, modem_reopen_cb, m, &m->state_timer) < 0)
		m->state_timer = 0;
}

void modem_port_gone(struct modem *m, int err)
{
	if (m->st == MODEM_ST_OFF || m->st == MODEM_ST_REOPEN)
		return;
	LOG_WRN(&log_mboot, m->name, "port gone (%d): closing, will reopen", err);
	m->stats.reopens++;
	modem_rx_reset(m);
	modem_enter_reopen(m, "port gone");
}

/* ---- probing: ESC then "AT" until OK, a bounded number of times ---- */

static void modem_probe_done(struct modem *m, int status, const struct at_result *res,
			     const struct at_resp *resp);

void modem_probe(struct modem *m)
{
	static const char esc = 0x1b;
	at_chat_write_raw(m->chat, &esc, 1);
	int rc = modem_cmd(m, "AT", NULL, m->p->t.sync_try_ms, modem_probe_done);
	if (rc < 0) {
		/* Count it as a failed probe (the port may be gone: then the
		 * GONE event has already moved us on). */
		struct at_result none = { .final = AT_FINAL_NONE, .code = AT_CODE_NONE };
		modem_probe_done(m, (rc == -ENODEV || rc == -EIO) ? rc : -ETIMEDOUT, &none, NULL);
		modem_kick(m);
	}
}

static void modem_probe_done(struct modem *m, int status, const struct at_result *res,
			     const struct at_resp *resp)
{
	(void)resp;
	if (status == -ECANCELED || status == -ENODEV || status == -EIO)
		return;
	if (status == 0 && res->final != AT_FINAL_NONE) {
		/* Any final result means the modem is listening again. */
		if (m->st == MODEM_ST_RECOVERING) {
			m->stats.recoveries[m->rung]++;
			m->ladder_cycles = 0;
			char ev[48];
			snprintf(ev, sizeof(ev), "recovered by %s", modem_rung_str(m->rung));
			modem_set_state(m, MODEM_ST_INIT, ev);
		} else {
			modem_set_state(m, MODEM_ST_INIT, "AT ok");
		}
		return;
	}
	if (m->probe_left)
		m->probe_left--;
	if (!m->probe_left)
		modem_recover(m, "no answer to AT");
}

unsigned modem_boot_probes(const struct modem *m)
{
	int64_t try_ms = m->p->t.sync_try_ms > 0 ? m->p->t.sync_try_ms : 1000;
	return m->p->t.sync_tries + (unsigned)(m->p->t.boot_ms / try_ms);
}

/* ---- power-on and sync ---- */

bool modem_has_line(struct modem *m, const char *name)
{
	return m->cfg.gpio && name[0] && hal_gpio_has_line(m->cfg.gpio, name);
}

void modem_pulse_done(void *arg, int status)
{
	struct modem *m = arg;
	if (status < 0)
		LOG_WRN(&log_mboot, m->name, "gpio pulse failed: %d", status);
	m->step++;
	modem_kick(m);
}

int64_t modem_pwrkey_ms(const struct modem *m)
{
	return m->cfg.pwrkey_ms ? m->cfg.pwrkey_ms : m->p->t.pwrkey_ms;
}

static void modem_power_on_pump(struct modem *m)
{
	switch (m->step) {
	case 0:
		if (modem_open_port(m) < 0) {
			LOG_WRN(&log_mboot, m->name, "cannot open %s", m->port);
			modem_enter_reopen(m, "port missing");
			return;
		}
		if (!m->cfg.pulse_on_start || !modem_has_line(m, m->pwrkey)) {
			modem_set_state(m, MODEM_ST_SYNC, "port open");
			return;
		}
		m->step = 1;
		if (hal_gpio_pulse(m->cfg.gpio, m->loop, m->pwrkey, modem_pwrkey_ms(m),
				   modem_pulse_done, m) < 0)
			m->step = 2;
		return;
	case 2:
		m->step = 3;
		modem_wait(m, m->p->t.boot_ms);
		return;
	case 3:
		modem_set_state(m, MODEM_ST_SYNC, "powered on");
		return;
	default:
		return; /* 1: the pulse is running */
	}
}

static void modem_sync_pump(struct modem *m)
{
	if (m->step == 0) {
		m->step = 1;
		m->probe_left = modem_boot_probes(m);
	}
	modem_probe(m);
}

/* ---- init ---- */

static void modem_init_script_done(void *arg, const struct at_script_result *r)
{
	struct modem *m = arg;
	if (r->status == -ECANCELED || r->status == -ENODEV || r->status == -EIO)
		return;
	if (r->status < 0) {
		char why[96], res[64];
		snprintf(why, sizeof(why), "init step %zu failed: %s", r->step,
			 r->status == -EPROTO ? at_result_format(&r->result, res, sizeof(res))
					      : "timeout");
		modem_recover(m, why);
		return;
	}
	m->step = 2;
	modem_kick(m);
}

static void modem_imei_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	if (status == -ECANCELED || status == -ENODEV || status == -EIO)
		return;
	if (status == -ETIMEDOUT) {
		modem_recover(m, "AT+CGSN timed out");
		return;
	}
	const char *l = at_resp_line(resp, 0);
	if (at_result_ok(res) && l && at_parse_imei(l, m->imei, sizeof(m->imei)) == 0)
		LOG_INF(&log_mboot, m->name, "IMEI %s", m->imei);
	m->pin_sent = false;
	m->tries = 0;
	modem_set_state(m, MODEM_ST_SIM, "init done");
}

static void modem_init_pump(struct modem *m)
{
	switch (m->step) {
	case 0:
		modem_rx_reset(m);
		m->registered = false;
		m->reg[0] = m->reg[1] = m->reg[2] = -1;
		m->step = 1;
		if (at_chat_script_run(m->chat, m->p->init, NULL, modem_init_script_done, m) < 0)
			modem_recover(m, "cannot run init script");
		return;
	case 2:
		m->step = 3;
		modem_cmd(m, "AT+CGSN", "+CGSN:", 0, modem_imei_done);
		return;
	default:
		return;
	}
}

/* ---- SIM ---- */

static bool modem_is_local_err(int status)
{
	return status == -ECANCELED || status == -ENODEV || status == -EIO;
}

static void modem_sim_again(struct modem *m, int64_t ms, const char *why)
{
	if (++m->tries > MODEM_SIM_BUSY_TRIES) {
		modem_recover(m, why);
		return;
	}
	m->step = 0;
	modem_wait(m, ms);
}

static void modem_sim_absent(struct modem *m)
{
	if (m->tries == 0)
		LOG_WRN(&log_mboot, m->name, "no SIM: waiting for one");
	m->tries = 1; /* absent is not a fault: wait as long as it takes */
	snprintf(m->error, sizeof(m->error), "SIM not inserted");
	m->step = 0;
	modem_wait(m, MODEM_SIM_POLL_MS);
}

static void modem_cpin_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	enum at_pin_state ps;
	if (modem_is_local_err(status))
		return;
	if (status == -ETIMEDOUT) {
		modem_recover(m, "AT+CPIN? timed out");
		return;
	}
	if (res->final == AT_FINAL_CME_ERROR && (res->code == 10 || res->code == 13)) {
		modem_sim_absent(m);
		return;
	}
	const char *l = at_resp_find(resp, "+CPIN:");
	if (!at_result_ok(res) || !l || at_parse_cpin(l, &ps) < 0) {
		modem_sim_again(m, MODEM_SIM_BUSY_MS, "SIM does not answer");
		return;
	}
	switch (ps) {
	case AT_PIN_READY:
		m->error[0] = '\0';
		m->tries = 0;
		m->step = 10;
		return;
	case AT_PIN_SIM_PIN:
		if (!m->pin[0]) {
			modem_error(m, "SIM asks for a PIN and none is configured");
		} else if (m->pin_rejected) {
			modem_error(m, "SIM PIN was rejected before");
		} else if (m->pin_sent) {
			/* Accepted, but the SIM is still locked: give it time,
			 * never send the PIN a second time. */
			modem_sim_again(m, MODEM_SIM_BUSY_MS, "SIM stays locked after its PIN");
		} else {
			m->step = m->p->pinq != MODEM_PINQ_NONE ? 1 : 2;
		}
		return;
	case AT_PIN_SIM_PUK:
	case AT_PIN_PH_NET_PUK:
		modem_error(m, "SIM PUK required");
		return;
	case AT_PIN_NOT_INSERTED:
		modem_sim_absent(m);
		return;
	case AT_PIN_NOT_READY:
	case AT_PIN_OTHER:
		modem_sim_again(m, MODEM_SIM_BUSY_MS, "SIM not ready");
		return;
	default: {
		char why[64];
		snprintf(why, sizeof(why), "SIM asks for %s", at_pin_state_str(ps));
		modem_error(m, why);
		return;
	}
	}
}

/* Remaining PIN attempts from the profile's vendor query; -1 unknown. */
static int modem_parse_pin_left(const struct modem *m, const struct at_resp *resp)
{
	static const char *const pfx[] = { NULL, "+CPINR:", "+QPINC:", "+SPIC:", "+UPINCNT:" };
	struct at_tok t;
	long v;
	char code[16];
	for (size_t i = 0; i < resp->n_lines; i++) {
		const char *l = at_resp_line(resp, i);
		if (at_tok_init(&t, l, pfx[m->p->pinq]) < 0)
			continue;
		if (m->p->pinq == MODEM_PINQ_CPINR || m->p->pinq == MODEM_PINQ_QPINC) {
			if (at_tok_str(&t, code, sizeof(code)) < 0)
				continue;
			/* "SIM PIN" (not PIN2) for +CPINR; "SC" for +QPINC */
			if (strcmp(code, "SIM PIN") && strcmp(code, "SC"))
				continue;
		}
		if (at_tok_int(&t, 0, 255, &v) == 0)
			return (int)v;
	}
	return -1;
}

static void modem_pinq_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	if (modem_is_local_err(status))
		return;
	if (status == -ETIMEDOUT) {
		modem_recover(m, "PIN attempts query timed out");
		return;
	}
	m->pin_left = at_result_ok(res) ? modem_parse_pin_left(m, resp) : -1;
	if (m->pin_left >= 0 && m->pin_left <= 1) {
		char why[80];
		snprintf(why, sizeof(why), "SIM PIN: %d attempt%s left, not using %s", m->pin_left,
			 m->pin_left == 1 ? "" : "s", m->pin_left == 1 ? "it" : "any");
		modem_error(m, why);
		return;
	}
	LOG_INF(&log_mboot, m->name, "SIM PIN attempts left: %d", m->pin_left);
	m->step = 2;
}

static void modem_pin_done(struct modem *m, int status, const struct at_result *res,
			   const struct at_resp *resp)
{
	(void)resp;
	if (status == -ECANCELED || status == -ENODEV || status == -EIO || status == -ETIMEDOUT) {
		/* Whether the SIM counted it is unknown: never send it again
		 * unless the SIM turns out to be unlocked. */
		m->pin_rejected = true;
		if (status == -ETIMEDOUT)
			modem_recover(m, "AT+CPIN=<pin> timed out");
		return;
	}
	if (!at_result_ok(res)) {
		m->pin_rejected = true;
		char why[96], r[64];
		snprintf(why, sizeof(why), "SIM PIN rejected (%s)",
			 at_result_format(res, r, sizeof(r)));
		modem_error(m, why);
		return;
	}
	LOG_INF(&log_mboot, m->name, "SIM PIN accepted");
	m->pin_left = -1;
	modem_sim_again(m, (m->p->quirks & MODEM_Q_SIM_SLOW) ? 2000 : 200, "SIM stays locked");
}

static void modem_setup_done(void *arg, const struct at_script_result *r)
{
	struct modem *m = arg;
	if (modem_is_local_err(r->status))
		return;
	if (r->status == -ETIMEDOUT) {
		modem_recover(m, "SMS setup timed out");
		return;
	}
	if (r->status < 0) {
		/* SMS not ready yet right after the SIM (CMS 512, CME 14). */
		if (++m->tries > MODEM_SETUP_TRIES) {
			modem_recover(m, "SMS setup keeps failing");
			return;
		}
		m->step = 10;
		modem_wait(m, MODEM_SIM_BUSY_MS);
		return;
	}
	m->step = 11;
	modem_kick(m);
}

static void modem_ignore_done(struct modem *m, int status, const struct at_result *res,
			      const struct at_resp *resp)
{
	(void)res;
	(void)resp;
	if (status == -ETIMEDOUT) {
		modem_recover(m, "setup command timed out");
		return;
	}
	if (!modem_is_local_err(status))
		m->step++;
}

static void modem_csca_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	struct at_csca c;
	const char *l = at_resp_find(resp, "+CSCA:");
	if (status == 0 && at_result_ok(res) && l && at_parse_csca(l, &c) == 0)
		snprintf(m->smsc, sizeof(m->smsc), "%s", c.number);
	modem_ignore_done(m, status, res, resp);
}

static void modem_imsi_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	const char *l = at_resp_line(resp, 0);
	if (status == 0 && at_result_ok(res) && l)
		at_parse_imsi(l, m->imsi, sizeof(m->imsi));
	modem_ignore_done(m, status, res, resp);
}

static void modem_iccid_done(struct modem *m, int status, const struct at_result *res,
			     const struct at_resp *resp)
{
	const char *l = at_resp_line(resp, 0);
	if (status == 0 && at_result_ok(res) && l)
		at_parse_iccid(l, m->iccid, sizeof(m->iccid));
	modem_ignore_done(m, status, res, resp);
	if (m->step == 15) {
		LOG_INF(&log_mboot, m->name, "SIM ready: IMSI %s ICCID %s SMSC %s",
			m->imsi[0] ? m->imsi : "?", m->iccid[0] ? m->iccid : "?",
			m->smsc[0] ? m->smsc : "?");
		modem_set_state(m, MODEM_ST_REGISTERING, "SIM ready");
	}
}

static void modem_sim_pump(struct modem *m)
{
	static const char *const pinq_cmd[] = { NULL, "AT+CPINR=\"SIM PIN\"", "AT+QPINC=\"SC\"",
						"AT+SPIC", "AT+UPINCNT" };
	switch (m->step) {
	case 0:
		m->step = 100;
		modem_cmd(m, "AT+CPIN?", "+CPIN:", 0, modem_cpin_done);
		return;
	case 1:
		m->step = 100;
		modem_cmd(m, pinq_cmd[m->p->pinq], NULL, 0, modem_pinq_done);
		return;
	case 2:
		m->step = 100;
		m->pin_sent = true;
		snprintf(m->cmd, sizeof(m->cmd), "AT+CPIN=\"%s\"", m->pin);
		modem_cmd_secret(m, m->cmd, modem_pin_done);
		return;
	case 10:
		m->step = 100;
		if (at_chat_script_run(m->chat, m->p->sms_setup, NULL, modem_setup_done, m) < 0)
			modem_recover(m, "cannot run SMS setup");
		return;
	case 11:
		if (!m->smsc_cfg[0]) {
			m->step = 12;
			modem_kick(m);
			return;
		}
		snprintf(m->cmd, sizeof(m->cmd), "AT+CSCA=\"%s\",%d", m->smsc_cfg,
			 m->smsc_cfg[0] == '+' ? 145 : 129);
		modem_cmd(m, m->cmd, NULL, 0, modem_ignore_done);
		return;
	case 12:
		modem_cmd(m, "AT+CSCA?", "+CSCA:", 0, modem_csca_done);
		return;
	case 13:
		modem_cmd(m, "AT+CIMI", "+CIMI:", 0, modem_imsi_done);
		return;
	case 14:
		modem_cmd(m, m->p->iccid_cmd, NULL, 0, modem_iccid_done);
		return;
	default:
		return;
	}
}

void modem_on_cpin_urc(struct modem *m, const char *line)
{
	enum at_pin_state ps;
	if (at_parse_cpin(line, &ps) < 0)
		return;
	if (m->st == MODEM_ST_SIM && ps == AT_PIN_READY && m->waiting && m->step == 0) {
		m->tries = 0;
		modem_wait(m, 0); /* ask now instead of at the next poll */
		return;
	}
	bool up = m->st == MODEM_ST_REGISTERING || m->st == MODEM_ST_READY ||
		  m->st == MODEM_ST_SENDING;
	if (up && ps != AT_PIN_READY) {
		char ev[48];
		snprintf(ev, sizeof(ev), "SIM lost: %s", at_pin_state_str(ps));
		m->registered = false;
		m->pin_sent = false;
		m->tries = 0;
		if (at_chat_busy(m->chat))
			at_chat_cancel(m->chat);
		modem_rx_reset(m); /* a read cut short goes back in the queue */
		modem_set_state(m, MODEM_ST_SIM, ev);
	}
}

/* ---- registration ---- */

static bool modem_reg_evaluate(struct modem *m)
{
	bool cs = m->reg[AT_REG_CREG] >= 0 && at_reg_registered(m->reg[AT_REG_CREG]);
	bool eps = (m->p->quirks & MODEM_Q_CEREG) && m->reg[AT_REG_CEREG] >= 0 &&
		   at_reg_registered(m->reg[AT_REG_CEREG]);
	m->reg_stat = m->reg[AT_REG_CREG];
	if (eps && !cs)
		m->reg_stat = m->reg[AT_REG_CEREG];
	return cs || eps;
}

/* Registration changed (URC or poll): ready <-> registering. */
void modem_reg_changed(struct modem *m)
{
	bool now = modem_reg_evaluate(m);
	bool was = m->registered;
	m->registered = now;
	if (now && m->st == MODEM_ST_REGISTERING) {
		modem_timers_start(m);
		modem_set_state(m, MODEM_ST_READY, "registered");
	} else if (!now && was && (m->st == MODEM_ST_READY || m->st == MODEM_ST_SENDING)) {
		modem_set_state(m, MODEM_ST_REGISTERING, "registration lost");
	} else if (now != was) {
		modem_health_update(m);
	}
}

void modem_on_reg_urc(struct modem *m, const char *line)
{
	struct at_reg r;
	if (at_parse_reg(line, AT_REG_FORM_URC, &r) < 0)
		return;
	m->reg[r.cmd] = (int)r.stat;
	if (m->st >= MODEM_ST_REGISTERING && m->st <= MODEM_ST_SENDING)
		modem_reg_changed(m);
}

static void modem_reg_done(struct modem *m, int status, const struct at_result *res,
			   const struct at_resp *resp)
{
	struct at_reg r;
	if (modem_is_local_err(status))
		return;
	if (status == -ETIMEDOUT) {
		modem_recover(m, "registration query timed out");
		return;
	}
	for (size_t i = 0; at_result_ok(res) && i < resp->n_lines; i++)
		if (at_parse_reg(at_resp_line(resp, i), AT_REG_FORM_QUERY, &r) == 0)
			m->reg[r.cmd] = (int)r.stat;
	if (m->step == 1 && (m->p->quirks & MODEM_Q_CEREG)) {
		m->step = 2;
		return;
	}
	modem_reg_changed(m);
	if (m->st == MODEM_ST_REGISTERING) {
		m->step = 0;
		modem_wait(m, m->cfg.reg_poll_ms);
	}
}

static void modem_registering_pump(struct modem *m)
{
	switch (m->step) {
	case 0:
		m->step = 1;
		modem_cmd(m, "AT+CREG?", "+CREG:", 0, modem_reg_done);
		return;
	case 2:
		m->step = 3;
		modem_cmd(m, "AT+CEREG?", "+CEREG:", 0, modem_reg_done);
		return;
	default:
		return;
	}
}

void modem_boot_pump(struct modem *m)
{
	if (m->waiting)
		return;
	switch (m->st) {
	case MODEM_ST_POWER_ON:
		modem_power_on_pump(m);
		return;
	case MODEM_ST_SYNC:
		modem_sync_pump(m);
		return;
	case MODEM_ST_INIT:
		modem_init_pump(m);
		return;
	case MODEM_ST_SIM:
		modem_sim_pump(m);
		return;
	case MODEM_ST_REGISTERING:
		modem_registering_pump(m);
		return;
	case MODEM_ST_RECOVERING:
		modem_recovering_pump(m);
		return;
	default:
		return;
	}
}
