/* The modem driver's core: lifecycle, the state variable and its log, the
 * work pump (one AT command in flight; the pump picks the next one), the
 * URC table, timers and health. The states' own steps live in
 * modem_boot.c (bring-up, SIM, registration, recovery), modem_tx.c
 * (sending) and modem_rx.c (receiving, reports, status polls). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modem_priv.h"

LOG_MODULE(log_modem, "modem");

const char *modem_state_str(enum modem_state s)
{
	static const char *const n[] = {
		[MODEM_ST_OFF] = "off",
		[MODEM_ST_POWER_ON] = "power-on",
		[MODEM_ST_SYNC] = "sync",
		[MODEM_ST_INIT] = "init",
		[MODEM_ST_SIM] = "sim",
		[MODEM_ST_REGISTERING] = "registering",
		[MODEM_ST_READY] = "ready",
		[MODEM_ST_SENDING] = "sending",
		[MODEM_ST_RECOVERING] = "recovering",
		[MODEM_ST_REOPEN] = "reopen",
		[MODEM_ST_ERROR] = "error",
	};
	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

const char *modem_rung_str(enum modem_rung r)
{
	static const char *const n[] = { "resync", "cfun-reset", "power-cycle", "reopen" };
	return (unsigned)r < MODEM_RUNG_COUNT ? n[r] : "?";
}

static void modem_urc_boot(void *arg, const char *line, const char *pdu)
{
	struct modem *m = arg;
	(void)pdu;
	if (m->p->boot_urc && !strcmp(line, m->p->boot_urc))
		modem_on_boot_urc(m);
}

static void modem_urc_cpin(void *arg, const char *line, const char *pdu)
{
	(void)pdu;
	modem_on_cpin_urc(arg, line);
}

static void modem_urc_reg(void *arg, const char *line, const char *pdu)
{
	(void)pdu;
	modem_on_reg_urc(arg, line);
}

/* One table for every profile: lines a modem volunteers. Vendor noise that
 * needs no action is listed with a NULL handler so it is never taken for
 * a command's intermediate line. */
static const struct at_urc modem_urcs[] = {
	{ "+CMTI:", false, modem_on_cmti },
	{ "+CDSI:", false, modem_on_cdsi },
	{ "+CMT:", true, modem_on_cmt },
	{ "+CDS:", true, modem_on_cds },
	{ "+CREG:", false, modem_urc_reg },
	{ "+CGREG:", false, modem_urc_reg },
	{ "+CEREG:", false, modem_urc_reg },
	{ "+CPIN:", false, modem_urc_cpin },
	{ "+CIEV:", false, modem_on_ciev },
	{ "RDY", false, modem_urc_boot },
	{ "^SYSSTART", false, modem_urc_boot },
	{ "+SYSSTART", false, modem_urc_boot },
	{ "+CFUN:", false, NULL },
	{ "SMS Ready", false, NULL },
	{ "Call Ready", false, NULL },
	{ "PB DONE", false, NULL },
	{ "^BOOT:", false, NULL },
	{ "^RSSI:", false, NULL },
	{ "^MODE:", false, NULL },
	{ "^SIMST:", false, NULL },
	{ "^SRVST:", false, NULL },
	{ "+QIND:", false, NULL },
	{ "+QUSIM:", false, NULL },
	{ "+UUPSDD:", false, NULL },
	{ "*ATREADY:", false, NULL },
};

int64_t modem_now(struct modem *m)
{
	return hal_loop_now_ms(m->loop);
}

bool modem_alive(const struct modem *m)
{
	return m->st >= MODEM_ST_INIT && m->st <= MODEM_ST_SENDING;
}

/* ---- health ---- */

void modem_health_update(struct modem *m)
{
	struct channel_health h = { 0 };
	h.registered = m->registered && modem_alive(m);
	h.can_send = h.registered && (m->st == MODEM_ST_READY || m->st == MODEM_ST_SENDING);
	h.signal_dbm = m->signal_dbm;
	snprintf(h.operator_name, sizeof(h.operator_name), "%s", m->oper);
	if (m->st == MODEM_ST_ERROR)
		snprintf(h.detail, sizeof(h.detail), "error: %.110s", m->error);
	else
		snprintf(h.detail, sizeof(h.detail), "%s", modem_state_str(m->st));
	bool changed = !m->health_known || h.can_send != m->health.can_send ||
		       h.registered != m->health.registered;
	m->health = h;
	m->health_known = true;
	if (changed && m->cfg.events.health)
		m->cfg.events.health(m->cfg.events.arg, &h);
}

int modem_get_health(struct modem *m, struct channel_health *out)
{
	if (!m || !out)
		return -EINVAL;
	struct channel_health h = m->health;
	h.signal_dbm = m->signal_dbm;
	snprintf(h.operator_name, sizeof(h.operator_name), "%s", m->oper);
	*out = h;
	return 0;
}

/* ---- state ---- */

void modem_set_state(struct modem *m, enum modem_state to, const char *ev)
{
	enum modem_state from = m->st;
	/* ready <-> sending happens per message: debug, not info. */
	bool busy = (from == MODEM_ST_READY && to == MODEM_ST_SENDING) ||
		    (from == MODEM_ST_SENDING && to == MODEM_ST_READY);
	if (busy)
		LOG_DBG(&log_modem, m->name, "%s -> %s (%s)", modem_state_str(from),
			modem_state_str(to), ev);
	else
		LOG_INF(&log_modem, m->name, "%s -> %s (%s)", modem_state_str(from),
			modem_state_str(to), ev);
	m->stats.transitions++;
	if (!busy) {
		if (m->state_timer)
			hal_loop_cancel_timer(m->loop, m->state_timer);
		m->state_timer = 0;
		m->waiting = false;
		m->step = 0;
	}
	m->st = to;
	modem_health_update(m);
	modem_kick(m);
}

enum modem_state modem_get_state(const struct modem *m)
{
	return m->st;
}

const char *modem_name(const struct modem *m)
{
	return m->name;
}

const struct modem_profile *modem_get_profile(const struct modem *m)
{
	return m->p;
}

/* ---- the pump ---- */

static void modem_pump(struct modem *m)
{
	modem_tx_reap(m);
	if (m->st == MODEM_ST_POWER_ON) {
		modem_boot_pump(m); /* opens the port */
		return;
	}
	if (!m->port_open || at_chat_busy(m->chat) ||
	    at_chat_script_running(m->chat))
		return;
	switch (m->st) {
	case MODEM_ST_OFF:
	case MODEM_ST_ERROR:
	case MODEM_ST_REOPEN:
		return;
	case MODEM_ST_READY:
	case MODEM_ST_SENDING:
		if (modem_rx_pump(m) || modem_tx_pump(m))
			return;
		modem_status_pump(m);
		return;
	case MODEM_ST_REGISTERING:
		/* Stored messages can be read while the network is away. */
		if (modem_rx_pump(m))
			return;
		modem_boot_pump(m);
		return;
	default:
		modem_boot_pump(m);
		return;
	}
}

static int64_t modem_kick_cb(void *arg)
{
	struct modem *m = arg;
	m->kick_timer = 0;
	modem_pump(m);
	return HAL_TIMER_STOP;
}

/* Run the pump on the next loop pass: never from inside a callback of the
 * chat or of the application (no re-entry, submit_done never inside
 * submit). */
void modem_kick(struct modem *m)
{
	if (m->kick_timer || m->st == MODEM_ST_OFF)
		return;
	if (hal_loop_add_timer(m->loop, 0, modem_kick_cb, m, &m->kick_timer) < 0)
		m->kick_timer = 0;
}

static int64_t modem_wait_cb(void *arg)
{
	struct modem *m = arg;
	m->state_timer = 0;
	m->waiting = false;
	modem_pump(m);
	return HAL_TIMER_STOP;
}

void modem_wait(struct modem *m, int64_t ms)
{
	if (m->state_timer)
		hal_loop_cancel_timer(m->loop, m->state_timer);
	m->state_timer = 0;
	m->waiting = true;
	if (hal_loop_add_timer(m->loop, ms, modem_wait_cb, m, &m->state_timer) < 0) {
		m->waiting = false;
		modem_kick(m);
	}
}

/* ---- commands ---- */

static void modem_cmd_done(void *arg, int status, const struct at_result *res,
			   const struct at_resp *resp)
{
	struct modem *m = arg;
	modem_done_fn fn = m->cur;
	m->cur = NULL;
	if (status == -ETIMEDOUT)
		m->stats.timeouts++;
	if (fn)
		fn(m, status, res, resp);
	modem_kick(m);
}

static int modem_submit_cmd(struct modem *m, const struct at_cmd *c, modem_done_fn fn)
{
	m->cur = fn;
	int rc = at_chat_submit(m->chat, c);
	if (rc < 0) {
		m->cur = NULL;
		LOG_WRN(&log_modem, m->name, "cannot send %s: %d", c->secret ? "(secret)" : c->cmd,
			rc);
	}
	return rc;
}

int modem_cmd(struct modem *m, const char *cmd, const char *prefix, int64_t timeout_ms,
	      modem_done_fn fn)
{
	struct at_cmd c = { .cmd = cmd, .resp_prefix = prefix,
			    .timeout_ms = timeout_ms ? timeout_ms : m->p->t.cmd_ms,
			    .buf = m->resp, .buf_len = sizeof(m->resp),
			    .done = modem_cmd_done, .arg = m };
	return modem_submit_cmd(m, &c, fn);
}

int modem_cmd_pdu(struct modem *m, const char *cmd, const char *pdu, int64_t timeout_ms,
		  modem_done_fn fn)
{
	struct at_cmd c = { .cmd = cmd, .resp_prefix = "+CMGS:", .timeout_ms = timeout_ms,
			    .pdu = pdu, .buf = m->resp, .buf_len = sizeof(m->resp),
			    .done = modem_cmd_done, .arg = m };
	return modem_submit_cmd(m, &c, fn);
}

int modem_cmd_lines(struct modem *m, const char *cmd, int64_t timeout_ms,
		    at_cmd_line_cb on_line, modem_done_fn fn)
{
	struct at_cmd c = { .cmd = cmd, .timeout_ms = timeout_ms ? timeout_ms : m->p->t.cmd_ms,
			    .on_line = on_line, .done = modem_cmd_done, .arg = m };
	return modem_submit_cmd(m, &c, fn);
}

int modem_cmd_secret(struct modem *m, const char *cmd, modem_done_fn fn)
{
	struct at_cmd c = { .cmd = cmd, .timeout_ms = m->p->t.cmd_ms, .buf = m->resp,
			    .buf_len = sizeof(m->resp), .done = modem_cmd_done, .arg = m,
			    .secret = true };
	return modem_submit_cmd(m, &c, fn);
}

static void modem_chat_event(void *arg, enum at_chat_event ev, int err)
{
	struct modem *m = arg;
	if (ev == AT_CHAT_EV_GONE)
		modem_port_gone(m, err);
}

/* ---- lifecycle ---- */

static void modem_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

int modem_new(struct modem **out, const struct modem_config *cfg)
{
	if (!out || !cfg || !cfg->loop || !cfg->serial || !cfg->name || !cfg->name[0])
		return -EINVAL;
	if (cfg->max_parts > MODEM_TX_PARTS_MAX || strlen(cfg->name) >= 32 ||
	    (cfg->pin && strlen(cfg->pin) >= 16) || (cfg->port && strlen(cfg->port) >= 128) ||
	    (cfg->own_number && strlen(cfg->own_number) >= CHANNEL_NUMBER_MAX))
		return -EINVAL;
	struct modem *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->cfg = *cfg;
	modem_copy(m->name, sizeof(m->name), cfg->name);
	modem_copy(m->port, sizeof(m->port), cfg->port);
	modem_copy(m->pin, sizeof(m->pin), cfg->pin);
	modem_copy(m->smsc_cfg, sizeof(m->smsc_cfg), cfg->smsc);
	modem_copy(m->own_number, sizeof(m->own_number), cfg->own_number);
	modem_copy(m->pwrkey, sizeof(m->pwrkey), cfg->pwrkey);
	modem_copy(m->reset, sizeof(m->reset), cfg->reset);
	m->cfg.name = m->name;
	m->cfg.port = m->port;
	m->cfg.pin = m->pin;
	m->cfg.smsc = m->smsc_cfg;
	m->cfg.own_number = m->own_number[0] ? m->own_number : NULL;
	m->cfg.pwrkey = m->pwrkey;
	m->cfg.reset = m->reset;
	m->p = cfg->profile ? cfg->profile : &modem_profile_generic;
	m->loop = cfg->loop;
	if (!m->cfg.queue_max)
		m->cfg.queue_max = 8;
	if (!m->cfg.max_parts)
		m->cfg.max_parts = 10;
	if (!m->cfg.status_ms)
		m->cfg.status_ms = 30000;
	if (!m->cfg.sweep_ms)
		m->cfg.sweep_ms = 300000;
	if (!m->cfg.retry_sweep_ms)
		m->cfg.retry_sweep_ms = 30000;
	if (!m->cfg.report_window_ms)
		m->cfg.report_window_ms = 72LL * 3600 * 1000;
	if (!m->cfg.queue_expire_ms)
		m->cfg.queue_expire_ms = 600000;
	if (!m->cfg.reg_poll_ms)
		m->cfg.reg_poll_ms = 2000;
	m->reg_stat = -1;
	m->pin_left = -1;
	m->txq = calloc(m->cfg.queue_max, sizeof(*m->txq));
	struct at_chat_config cc = { .loop = m->loop, .serial = cfg->serial, .name = m->name,
				     .urcs = modem_urcs,
				     .n_urcs = sizeof(modem_urcs) / sizeof(modem_urcs[0]),
				     .urc_arg = m, .on_event = modem_chat_event, .event_arg = m,
				     .default_timeout_ms = m->p->t.cmd_ms };
	int rc = m->txq ? at_chat_new(&m->chat, &cc) : -ENOMEM;
	if (rc < 0) {
		free(m->txq);
		free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int modem_start(struct modem *m)
{
	if (!m)
		return -EINVAL;
	if (m->st != MODEM_ST_OFF)
		return -EALREADY;
	LOG_INF(&log_modem, m->name, "profile %s, storage %s, sms %s, reports %s", m->p->name,
		m->p->storage, modem_route_str(m->p->sms_route),
		modem_route_str(m->p->report_route));
	modem_set_state(m, MODEM_ST_POWER_ON, "start");
	return 0;
}

static void modem_cancel_timer(struct modem *m, hal_timer_id *id)
{
	if (*id)
		hal_loop_cancel_timer(m->loop, *id);
	*id = 0;
}

void modem_stop(struct modem *m)
{
	if (!m || m->st == MODEM_ST_OFF)
		return;
	modem_cancel_timer(m, &m->kick_timer);
	modem_timers_stop(m);
	m->cur = NULL;
	modem_close_port(m);
	modem_tx_fail_all(m, -ECANCELED, "modem stopped");
	modem_set_state(m, MODEM_ST_OFF, "stop");
	modem_cancel_timer(m, &m->state_timer);
	modem_cancel_timer(m, &m->kick_timer);
	m->waiting = false;
}

int modem_restart(struct modem *m, const char *pin)
{
	if (!m)
		return -EINVAL;
	if (pin) {
		if (strlen(pin) >= sizeof(m->pin))
			return -EINVAL;
		modem_copy(m->pin, sizeof(m->pin), pin);
	}
	modem_stop(m);
	m->pin_rejected = false;
	m->pin_sent = false;
	m->error[0] = '\0';
	return modem_start(m);
}

void modem_destroy(struct modem *m)
{
	if (!m)
		return;
	modem_stop(m);
	at_chat_destroy(m->chat);
	modem_tx_free(m);
	free(m->txq);
	free(m);
}

void modem_get_info(const struct modem *m, struct modem_info *out)
{
	memset(out, 0, sizeof(*out));
	modem_copy(out->imei, sizeof(out->imei), m->imei);
	modem_copy(out->imsi, sizeof(out->imsi), m->imsi);
	modem_copy(out->iccid, sizeof(out->iccid), m->iccid);
	modem_copy(out->smsc, sizeof(out->smsc), m->smsc);
	modem_copy(out->operator_name, sizeof(out->operator_name), m->oper);
	modem_copy(out->error, sizeof(out->error), m->error);
	out->signal_dbm = m->signal_dbm;
	out->reg_stat = m->reg_stat;
	out->pin_attempts = m->pin_left;
	out->rung = m->rung;
}

void modem_get_stats(const struct modem *m, struct modem_stats *out)
{
	*out = m->stats;
}
