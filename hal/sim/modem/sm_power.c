/* The GPIO power hook: the modem watches a fake gpio's pwrkey and reset
 * lines and powers on, off or reboots as a module wired to them would.
 *
 * Timings (the defaults in sm_config follow SIMCom's LTE modules, SIM7600):
 * - SIMCom: holding PWRKEY low 2.5 s (min) to 5 s (max) powers the module
 *   off ("SIM7912&SIM7906 Hardware Design V1.02", 3.2.2, table 11 "Power
 *   off timing"); drivers/modem's sim7600 profile uses 500 ms on, 2.5 s off.
 *   Before the power-down completes SIMCom modules print "NORMAL POWER
 *   DOWN" (SIM2000S Hardware Design V1.00, 4.2.2.1).
 * - Power on: a PWRKEY low pulse of 100 ms min, 500 ms typical, and a
 *   reset pulse of 100-450 ms (an LTE Cat-1 module's hardware notes,
 *   bak.easydoc.net/doc/20664339, "开机时序参数" Ton, "复位控制").
 * - Quectel: M85 Hardware Design 3.4.2.1 powers off with 0.7 s < PWRKEY
 *   low < 1 s; for the EC25 the search found no hardware design, so its
 *   650 ms off pulse is taken from drivers/modem's ec25 profile: configure
 *   pwrkey_off_ms = 650 for an EC25-like modem.
 * The lines are logical: 1 = asserted (the driver's hal_gpio_pulse). A
 * pulse is judged when it is released, by how long it was held. */
#include <errno.h>
#include <string.h>

#include "hal/log.h"
#include "hal/sim.h"
#include "sm_internal.h"

LOG_MODULE(log_smpower, "simmodem");

void simmodem_power_off(struct simmodem *m)
{
	if (m->powered_off)
		return;
	LOG_INF(&log_smpower, m->name, "powering off");
	if (!m->booting) {
		/* Said before the power goes, straight to the wire: whatever was
		 * being answered is lost anyway. */
		m->busy = false;
		m->prompt = SM_PROMPT_NONE;
		sm_urc(m, "NORMAL POWER DOWN");
	}
	sm_power_down(m);
	m->powered_off = true;
}

void simmodem_power_on(struct simmodem *m)
{
	if (!m->powered_off)
		return;
	LOG_INF(&log_smpower, m->name, "powering on");
	sm_reboot_after(m, m->cfg.boot_ms);
}

static void sm_pwrkey_pulse(struct simmodem *m, int64_t held)
{
	if (m->powered_off && held >= m->cfg.pwrkey_on_ms)
		simmodem_power_on(m);
	else if (!m->powered_off && held >= m->cfg.pwrkey_off_ms)
		simmodem_power_off(m);
	else
		LOG_DBG(&log_smpower, m->name, "pwrkey held %lld ms: too short",
			(long long)held);
}

static void sm_reset_pulse(struct simmodem *m, int64_t held)
{
	if (m->powered_off || held < m->cfg.reset_ms) {
		LOG_DBG(&log_smpower, m->name, "reset held %lld ms: ignored", (long long)held);
		return;
	}
	simmodem_reboot(m);
}

/* A line went to value at at_ms: a press starts timing, a release acts. */
static void sm_line(struct simmodem *m, int64_t *down_at, int value, int64_t at_ms,
		    void (*pulse)(struct simmodem *, int64_t))
{
	if (value) {
		if (*down_at < 0)
			*down_at = at_ms;
		return;
	}
	if (*down_at < 0)
		return;
	int64_t held = at_ms - *down_at;
	*down_at = -1;
	pulse(m, held);
}

static void sm_gpio_observer(void *arg, const char *name, int value, int64_t at_ms)
{
	struct simmodem *m = arg;
	if (m->gpio_pwrkey[0] && !strcmp(name, m->gpio_pwrkey))
		sm_line(m, &m->pwrkey_down_at, value, at_ms, sm_pwrkey_pulse);
	else if (m->gpio_reset[0] && !strcmp(name, m->gpio_reset))
		sm_line(m, &m->reset_down_at, value, at_ms, sm_reset_pulse);
}

void sm_power_detach(struct simmodem *m)
{
	if (m->gpio)
		hal_gpio_sim_unobserve(m->gpio, sm_gpio_observer, m);
	m->gpio = NULL;
}

int simmodem_attach_gpio(struct simmodem *m, struct hal_gpio *gpio, const char *pwrkey,
			 const char *reset)
{
	if (!m || !gpio || (!pwrkey && !reset))
		return -EINVAL;
	if ((pwrkey && (!pwrkey[0] || strlen(pwrkey) >= sizeof(m->gpio_pwrkey))) ||
	    (reset && (!reset[0] || strlen(reset) >= sizeof(m->gpio_reset))))
		return -EINVAL;
	if (m->gpio)
		return -EBUSY;
	int rc = hal_gpio_sim_observe(gpio, sm_gpio_observer, m);
	if (rc < 0)
		return rc;
	m->gpio = gpio;
	strcpy(m->gpio_pwrkey, pwrkey ? pwrkey : "");
	strcpy(m->gpio_reset, reset ? reset : "");
	m->pwrkey_down_at = m->reset_down_at = -1;
	return 0;
}
