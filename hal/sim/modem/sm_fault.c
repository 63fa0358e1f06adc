/* Faults on demand (the API behind the control interface's "fault"
 * commands): response delay, silence, garbage, +CMS errors, network loss,
 * SIM removal, port vanishing; clearing them all (a vanished port comes
 * back at once). Reboot itself lives in simmodem.c. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "hal/log.h"
#include "sm_internal.h"

LOG_MODULE(log_smfault, "simmodem");

/* ---- faults ---- */

void simmodem_set_latency(struct simmodem *m, int64_t ms)
{
	m->latency_ms = ms < 0 ? 0 : ms;
}

int simmodem_set_rssi(struct simmodem *m, int rssi)
{
	if (rssi < 0 || (rssi > 31 && rssi != 99))
		return -EINVAL;
	m->rssi = rssi;
	return 0;
}

void simmodem_fault_silent(struct simmodem *m, unsigned n)
{
	m->silent = n;
}

int simmodem_fault_garbage(struct simmodem *m, const void *bytes, size_t len)
{
	if (!bytes || !len)
		return -EINVAL;
	sm_send(m, bytes, len);
	return 0;
}

int simmodem_fault_cms(struct simmodem *m, int code)
{
	if (code < 0 || code > 511)
		return -EINVAL;
	m->cms_next = code;
	return 0;
}

static int64_t sm_netloss_end(void *arg)
{
	struct simmodem *m = arg;
	m->netloss_timer = 0;
	simmodem_fault_netloss(m, -1);
	return HAL_TIMER_STOP;
}

void simmodem_fault_netloss(struct simmodem *m, int64_t ms)
{
	sm_cancel(m, &m->netloss_timer);
	if (ms < 0) {
		m->netloss = false;
		sm_sim_ready(m);
		return;
	}
	m->netloss = true;
	sm_cancel(m, &m->reg_timer);
	sm_set_reg(m, 0);
	if (ms > 0)
		hal_loop_add_timer(m->loop, ms, sm_netloss_end, m, &m->netloss_timer);
}

void simmodem_fault_sim(struct simmodem *m, bool removed)
{
	m->sim_removed = removed;
	if (removed) {
		m->sim = SIMMODEM_SIM_ABSENT;
		sm_cancel(m, &m->reg_timer);
		sm_set_reg(m, 0);
		sm_urc(m, "+CPIN: NOT INSERTED");
		return;
	}
	m->sim = m->pin[0] ? SIMMODEM_SIM_PIN : SIMMODEM_SIM_READY;
	sm_urc(m, "+CPIN: %s", m->sim == SIMMODEM_SIM_READY ? "READY" : "SIM PIN");
	sm_sim_ready(m);
}

static int64_t sm_vanish_end(void *arg)
{
	struct simmodem *m = arg;
	m->vanish_timer = 0;
	m->port_gone = false;
	LOG_INF(&log_smfault, m->name, "port is back");
	if (m->cfg.port_event)
		m->cfg.port_event(m->cfg.port_arg, m, false);
	sm_reboot_after(m, m->cfg.boot_ms);
	return HAL_TIMER_STOP;
}

int simmodem_fault_vanish(struct simmodem *m, int64_t ms)
{
	if (ms < 0)
		return -EINVAL;
	sm_cancel(m, &m->vanish_timer);
	sm_reboot_after(m, ms + m->cfg.boot_ms);
	sm_cancel(m, &m->boot_timer); /* the vanish end starts the boot */
	m->port_gone = true;
	m->out.len = 0;
	LOG_INF(&log_smfault, m->name, "port vanishes for %lld ms", (long long)ms);
	if (m->cfg.port_event) {
		sm_unwatch(m);
		m->cfg.port_event(m->cfg.port_arg, m, true);
	}
	if (hal_loop_add_timer(m->loop, ms, sm_vanish_end, m, &m->vanish_timer) < 0)
		sm_vanish_end(m);
	return 0;
}

void simmodem_fault_clear(struct simmodem *m)
{
	m->silent = 0;
	m->cms_next = 0;
	m->latency_ms = m->cfg.latency_ms;
	if (m->netloss)
		simmodem_fault_netloss(m, -1);
	if (m->sim_removed)
		simmodem_fault_sim(m, false);
	if (m->port_gone) {
		/* The port comes back now, as at the vanish's end: a new pty
		 * (port_event), then the boot. */
		sm_cancel(m, &m->vanish_timer);
		sm_vanish_end(m);
	}
}

int simmodem_offer(struct simmodem *m, int kind, const char *hex)
{
	return sm_offer(m, kind, hex);
}
