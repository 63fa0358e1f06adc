/* The recovery ladder: resync (ESC, AT) -> AT+CFUN=1,1 -> power cycle
 * through the board's reset/pwrkey lines -> reopen the port. Each rung is
 * bounded in time (absolute waits) and count (probes); when every rung
 * failed the ladder starts again after a growing back-off, so the driver
 * never gives up and never spins. */
#include <errno.h>
#include <stdio.h>

#include "modem_priv.h"

LOG_MODULE(log_mrec, "modem");

#define MODEM_LADDER_BACKOFF_MS 60000
#define MODEM_LADDER_BACKOFF_MAX_MS 600000

/* ---- the recovery ladder ---- */

static bool modem_rung_possible(struct modem *m, enum modem_rung r)
{
	switch (r) {
	case MODEM_RUNG_CFUN:
		return !(m->p->quirks & MODEM_Q_NO_CFUN_RESET);
	case MODEM_RUNG_POWER:
		return modem_has_line(m, m->reset) || modem_has_line(m, m->pwrkey);
	default:
		return true;
	}
}

static void modem_interrupt(struct modem *m)
{
	if (at_chat_script_running(m->chat))
		at_chat_script_abort(m->chat);
	if (at_chat_busy(m->chat))
		at_chat_cancel(m->chat);
}

void modem_recover(struct modem *m, const char *why)
{
	if (m->st == MODEM_ST_OFF || m->st == MODEM_ST_ERROR || m->st == MODEM_ST_REOPEN)
		return;
	modem_interrupt(m);
	modem_rx_reset(m);
	m->registered = false;
	if (m->st != MODEM_ST_RECOVERING) {
		LOG_WRN(&log_mrec, m->name, "recovering: %s", why);
		m->rung = MODEM_RUNG_RESYNC;
		modem_set_state(m, MODEM_ST_RECOVERING, why);
		return;
	}
	/* A rung failed: climb. */
	enum modem_rung r = m->rung;
	do {
		r++;
	} while (r < MODEM_RUNG_COUNT && !modem_rung_possible(m, r));
	m->step = 0;
	if (r >= MODEM_RUNG_COUNT) {
		m->ladder_cycles++;
		int64_t back = MODEM_LADDER_BACKOFF_MS * (int64_t)m->ladder_cycles;
		if (back > MODEM_LADDER_BACKOFF_MAX_MS)
			back = MODEM_LADDER_BACKOFF_MAX_MS;
		LOG_ERR(&log_mrec, m->name, "recovery ladder exhausted (%u): again in %lld ms",
			m->ladder_cycles, (long long)back);
		m->rung = MODEM_RUNG_RESYNC;
		modem_wait(m, back);
		return;
	}
	LOG_WRN(&log_mrec, m->name, "%s failed (%s): trying %s", modem_rung_str(m->rung), why,
		modem_rung_str(r));
	m->rung = r;
	modem_kick(m);
}

static void modem_cfun_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	(void)res;
	(void)resp;
	if (status == -ECANCELED || status == -ENODEV || status == -EIO)
		return;
	/* Answered or not, the modem now gets its boot time. */
	m->step = 1;
	modem_wait(m, m->p->t.boot_ms);
}

static void modem_power_pump(struct modem *m)
{
	int64_t reset_ms = m->cfg.reset_ms ? m->cfg.reset_ms : m->p->t.reset_ms;
	switch (m->step) {
	case 0:
		m->step = 20;
		if (modem_has_line(m, m->reset)) {
			m->step = 22; /* pulse_done: 23 */
			if (hal_gpio_pulse(m->cfg.gpio, m->loop, m->reset, reset_ms,
					   modem_pulse_done, m) < 0)
				m->step = 23;
			return;
		}
		if (hal_gpio_pulse(m->cfg.gpio, m->loop, m->pwrkey, m->p->t.pwrkey_off_ms,
				   modem_pulse_done, m) < 0)
			m->step = 21;
		return;
	case 21: /* switched off: let it settle, then switch on */
		m->step = 24;
		modem_wait(m, m->p->t.off_wait_ms);
		return;
	case 24:
		m->step = 22;
		if (hal_gpio_pulse(m->cfg.gpio, m->loop, m->pwrkey, modem_pwrkey_ms(m),
				   modem_pulse_done, m) < 0)
			m->step = 23;
		return;
	case 23:
		m->step = 1;
		modem_wait(m, m->p->t.boot_ms);
		return;
	default:
		return;
	}
}

void modem_recovering_pump(struct modem *m)
{
	if (m->step == 0 || (m->step >= 20 && m->step < 30)) {
		switch (m->rung) {
		case MODEM_RUNG_RESYNC:
			m->step = 2;
			m->probe_left = m->p->t.sync_tries;
			break;
		case MODEM_RUNG_CFUN:
			m->step = 100;
			if (modem_cmd(m, "AT+CFUN=1,1", NULL, m->p->t.cfun_ms, modem_cfun_done) < 0)
				modem_recover(m, "cannot send AT+CFUN=1,1");
			return;
		case MODEM_RUNG_POWER:
			modem_power_pump(m);
			return;
		default:
			modem_close_port(m);
			if (modem_open_port(m) < 0) {
				modem_enter_reopen(m, "reopen failed");
				return;
			}
			m->step = 2;
			m->probe_left = modem_boot_probes(m);
			break;
		}
	}
	if (m->step == 1) { /* the boot wait is over */
		m->step = 2;
		m->probe_left = m->p->t.sync_tries;
	}
	if (m->step == 2)
		modem_probe(m);
}

void modem_on_boot_urc(struct modem *m)
{
	if (m->st == MODEM_ST_RECOVERING && m->step == 1 && m->waiting) {
		modem_wait(m, 0); /* booted sooner than the datasheet says */
		return;
	}
	if (m->st < MODEM_ST_INIT || m->st > MODEM_ST_SENDING)
		return;
	m->stats.reboots_seen++;
	LOG_WRN(&log_mrec, m->name, "modem rebooted on its own");
	modem_interrupt(m);
	modem_rx_reset(m);
	m->registered = false;
	modem_set_state(m, MODEM_ST_SYNC, "modem rebooted");
}
