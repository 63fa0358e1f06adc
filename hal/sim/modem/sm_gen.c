/* 27.007 general commands: identity (5.x), +CMEE, +CSCS, +CPIN (8.3),
 * +CFUN (8.2), network registration +CREG/+CGREG/+CEREG (7.2, 10.1.19/22),
 * +COPS (7.3), +CSQ (8.5), +CGATT, +CIND/+CMER (8.9/8.10), +CUSD (7.15),
 * and a few that are accepted because hosts send them (+CLIP, +CRC). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hal/log.h"
#include "sm_internal.h"

LOG_MODULE(log_smgen, "simmodem");

struct sm_rc sm_need_sim(const struct simmodem *m, bool sms)
{
	switch (m->sim) {
	case SIMMODEM_SIM_READY: return SM_OK;
	case SIMMODEM_SIM_ABSENT: return sms ? SM_CMS(310) : SM_CME(10);
	case SIMMODEM_SIM_PIN: return sms ? SM_CMS(311) : SM_CME(11);
	case SIMMODEM_SIM_PUK: return sms ? SM_CMS(316) : SM_CME(12);
	case SIMMODEM_SIM_BLOCKED: return sms ? SM_CMS(313) : SM_CME(13);
	}
	return SM_ERR;
}

#define SM_NEED_SIM(m)                                                                       \
	do {                                                                                 \
		struct sm_rc sim_rc_ = sm_need_sim((m), false);                              \
		if (sim_rc_.kind != SM_RC_OK)                                                \
			return sim_rc_;                                                      \
	} while (0)

/* ---- identity ---- */

static struct sm_rc sm_ident(struct simmodem *m, const struct sm_cmd *c, const char *value)
{
	if (c->type == SM_TEST)
		return SM_OK;
	if (c->type != SM_EXEC)
		return SM_ERR;
	sm_info(m, "%s", value);
	return SM_OK;
}

static struct sm_rc sm_cgmi(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_ident(m, c, m->manufacturer);
}

static struct sm_rc sm_cgmm(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_ident(m, c, m->model);
}

static struct sm_rc sm_cgmr(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_ident(m, c, m->revision);
}

static struct sm_rc sm_cgsn(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_ident(m, c, m->imei);
}

static struct sm_rc sm_gcap(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_ident(m, c, "+GCAP: +CGSM");
}

static struct sm_rc sm_cimi(struct simmodem *m, const struct sm_cmd *c)
{
	SM_NEED_SIM(m);
	return sm_ident(m, c, m->imsi);
}

static struct sm_rc sm_ccid(struct simmodem *m, const struct sm_cmd *c)
{
	if (m->sim == SIMMODEM_SIM_ABSENT)
		return SM_CME(10);
	if (c->type == SM_TEST)
		return SM_OK;
	if (c->type != SM_EXEC && c->type != SM_READ)
		return SM_ERR;
	sm_info(m, "%s: %s", c->name, m->iccid);
	return SM_OK;
}

static struct sm_rc sm_cpas(struct simmodem *m, const struct sm_cmd *c)
{
	if (c->type == SM_TEST)
		sm_info(m, "+CPAS: (0-5)");
	else if (c->type == SM_EXEC)
		sm_info(m, "+CPAS: 0");
	else
		return SM_ERR;
	return SM_OK;
}

/* ---- a setting n in [lo, hi] with +X? and +X=? ---- */

static struct sm_rc sm_setting(struct simmodem *m, const struct sm_cmd *c, int *v, int lo,
			       int hi)
{
	struct sm_args a;
	switch (c->type) {
	case SM_READ:
		sm_info(m, "%s: %d", c->name, *v);
		return SM_OK;
	case SM_TEST:
		sm_info(m, "%s: (%d-%d)", c->name, lo, hi);
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n > 1 ||
		    sm_arg_int(&a, 0, lo, hi, lo, v) < 0)
			return m->cmee ? SM_CME(50) : SM_ERR;
		return SM_OK;
	case SM_EXEC:
		*v = lo;
		return SM_OK;
	}
	return SM_ERR;
}

static struct sm_rc sm_cmee(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_setting(m, c, &m->cmee, 0, 2);
}

static struct sm_rc sm_clip(struct simmodem *m, const struct sm_cmd *c)
{
	if (c->type == SM_READ) {
		sm_info(m, "+CLIP: %d,1", m->clip);
		return SM_OK;
	}
	return sm_setting(m, c, &m->clip, 0, 1);
}

static struct sm_rc sm_crc(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_setting(m, c, &m->crc, 0, 1);
}

/* ---- +CSCS ---- */

static const char *const sm_charsets[] = { "GSM", "IRA", "UCS2" };

static struct sm_rc sm_cscs(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	switch (c->type) {
	case SM_READ:
		sm_info(m, "+CSCS: \"%s\"", sm_charsets[m->cscs]);
		return SM_OK;
	case SM_TEST:
		sm_info(m, "+CSCS: (\"GSM\",\"IRA\",\"UCS2\")");
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n != 1)
			return m->cmee ? SM_CME(50) : SM_ERR;
		for (int i = 0; i < 3; i++) {
			if (!strcasecmp(a.v[0], sm_charsets[i])) {
				m->cscs = i;
				return SM_OK;
			}
		}
		return m->cmee ? SM_CME(4) : SM_ERR;
	case SM_EXEC:
		return SM_OK;
	}
	return SM_ERR;
}

/* ---- +CPIN ---- */

static struct sm_rc sm_cpin_set(struct simmodem *m, const struct sm_args *a)
{
	switch (m->sim) {
	case SIMMODEM_SIM_ABSENT: return SM_CME(10);
	case SIMMODEM_SIM_BLOCKED: return SM_CME(13);
	case SIMMODEM_SIM_READY: return SM_CME(3);
	case SIMMODEM_SIM_PIN:
		if (a->n < 1 || strcmp(a->v[0], m->pin) != 0) {
			if (--m->pin_tries <= 0) {
				LOG_WRN(&log_smgen, m->name, "SIM PIN -> SIM PUK (3 wrong PINs)");
				m->pin_tries = 0;
				m->sim = SIMMODEM_SIM_PUK;
			}
			return SM_CME(16);
		}
		break;
	case SIMMODEM_SIM_PUK:
		if (a->n < 2)
			return SM_CME(12);
		if (strcmp(a->v[0], m->puk) != 0) {
			if (--m->puk_tries <= 0) {
				LOG_WRN(&log_smgen, m->name, "SIM PUK -> BLOCKED");
				m->puk_tries = 0;
				m->sim = SIMMODEM_SIM_BLOCKED;
			}
			return SM_CME(16);
		}
		if (!a->v[1][0] || strlen(a->v[1]) >= sizeof(m->pin))
			return SM_CME(50);
		snprintf(m->pin, sizeof(m->pin), "%s", a->v[1]);
		m->puk_tries = 10;
		break;
	}
	LOG_INF(&log_smgen, m->name, "SIM %s -> READY", simmodem_sim_str(m->sim));
	m->sim = SIMMODEM_SIM_READY;
	m->pin_tries = 3;
	sm_urc(m, "+CPIN: READY");
	sm_urc(m, "SMS Ready");
	sm_sim_ready(m);
	return SM_OK;
}

static struct sm_rc sm_cpin(struct simmodem *m, const struct sm_cmd *c)
{
	static const char *const state[] = { "READY", "SIM PIN", "SIM PUK" };
	struct sm_args a;
	switch (c->type) {
	case SM_READ:
		if (m->sim == SIMMODEM_SIM_ABSENT)
			return SM_CME(10);
		if (m->sim == SIMMODEM_SIM_BLOCKED)
			return SM_CME(13);
		sm_info(m, "+CPIN: %s", state[m->sim]);
		return SM_OK;
	case SM_TEST:
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n < 1 || a.n > 2)
			return SM_CME(50);
		return sm_cpin_set(m, &a);
	case SM_EXEC:
		return SM_ERR;
	}
	return SM_ERR;
}

/* +CPINR="SIM PIN" / "SIM PUK": retries left (27.007 8.65). */
static struct sm_rc sm_cpinr(struct simmodem *m, const struct sm_cmd *c)
{
	if (c->type == SM_TEST)
		return SM_OK;
	if (c->type != SM_SET && c->type != SM_EXEC)
		return SM_ERR;
	sm_info(m, "+CPINR: SIM PIN,%d,3", m->pin_tries);
	sm_info(m, "+CPINR: SIM PUK,%d,10", m->puk_tries);
	return SM_OK;
}

/* ---- registration ---- */

static struct sm_rc sm_xreg(struct simmodem *m, const struct sm_cmd *c, int *n)
{
	if (c->type != SM_READ)
		return sm_setting(m, c, n, 0, 2);
	if (*n == 2 && sm_registered(m))
		sm_info(m, "%s: %d,%d,\"00A1\",\"0001B2C3\",7", c->name, *n, m->reg);
	else
		sm_info(m, "%s: %d,%d", c->name, *n, m->reg);
	return SM_OK;
}

static struct sm_rc sm_creg(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_xreg(m, c, &m->creg_n);
}

static struct sm_rc sm_cgreg(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_xreg(m, c, &m->cgreg_n);
}

static struct sm_rc sm_cereg(struct simmodem *m, const struct sm_cmd *c)
{
	return sm_xreg(m, c, &m->cereg_n);
}

static struct sm_rc sm_csq(struct simmodem *m, const struct sm_cmd *c)
{
	if (c->type == SM_TEST) {
		sm_info(m, "+CSQ: (0-31,99),(0-7,99)");
		return SM_OK;
	}
	if (c->type != SM_EXEC)
		return SM_ERR;
	bool radio = m->cfun == 1 && !m->netloss && m->sim != SIMMODEM_SIM_ABSENT;
	sm_info(m, "+CSQ: %d,%d", radio ? m->rssi : 99, radio && m->rssi != 99 ? 0 : 99);
	return SM_OK;
}

static void sm_oper(const struct simmodem *m, int format, char *out, size_t len)
{
	if (format == 2)
		snprintf(out, len, "%s", m->oper_num);
	else
		sm_str_out(m, m->oper_name, out, len);
}

static struct sm_rc sm_cops(struct simmodem *m, const struct sm_cmd *c)
{
	char name[96], num[16];
	struct sm_args a;
	int mode, format;
	SM_NEED_SIM(m);
	switch (c->type) {
	case SM_READ:
		if (!sm_registered(m)) {
			sm_info(m, "+COPS: %d", m->cops_mode);
			return SM_OK;
		}
		sm_oper(m, m->cops_format, name, sizeof(name));
		sm_info(m, "+COPS: %d,%d,\"%s\",7", m->cops_mode, m->cops_format, name);
		return SM_OK;
	case SM_TEST:
		if (m->cfun != 1 || m->netloss)
			return SM_CME(30);
		sm_oper(m, 0, name, sizeof(name));
		snprintf(num, sizeof(num), "%s", m->oper_num);
		sm_info(m, "+COPS: (2,\"%s\",\"%s\",\"%s\",7),,(0-4),(0-2)", name, name, num);
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || sm_arg_int(&a, 0, 0, 4, 0, &mode) < 0 ||
		    sm_arg_int(&a, 1, 0, 2, m->cops_format, &format) < 0)
			return SM_CME(50);
		m->cops_format = format;
		if (mode == 3)
			return SM_OK;
		if ((mode == 1 || mode == 4) && a.n >= 3 && strcmp(a.v[2], m->oper_num) != 0 &&
		    strcmp(a.v[2], m->oper_name) != 0 && mode == 1)
			return SM_CME(30);
		m->cops_mode = mode == 4 ? 0 : mode;
		if (mode == 2) {
			if (m->reg_timer)
				hal_loop_cancel_timer(m->loop, m->reg_timer);
			m->reg_timer = 0;
			sm_set_reg(m, 0);
			return SM_OK;
		}
		sm_sim_ready(m);
		return SM_OK;
	case SM_EXEC:
		return SM_OK;
	}
	return SM_ERR;
}

/* ---- +CFUN, +CGATT ---- */

static struct sm_rc sm_cfun(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int fun, rst;
	switch (c->type) {
	case SM_READ:
		sm_info(m, "+CFUN: %d", m->cfun);
		return SM_OK;
	case SM_TEST:
		sm_info(m, "+CFUN: (0,1,4),(0,1)");
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n > 2 ||
		    sm_arg_int(&a, 0, 0, 4, 1, &fun) < 0 || sm_arg_int(&a, 1, 0, 1, 0, &rst) < 0 ||
		    fun == 2 || fun == 3)
			return SM_CME(50);
		if (rst) {
			m->reboot_pending = true; /* after the OK has gone out */
			return SM_OK;
		}
		m->cfun = fun;
		if (fun != 1) {
			if (m->reg_timer)
				hal_loop_cancel_timer(m->loop, m->reg_timer);
			m->reg_timer = 0;
			sm_set_reg(m, 0);
		} else {
			sm_sim_ready(m);
		}
		return SM_OK;
	case SM_EXEC:
		return SM_ERR;
	}
	return SM_ERR;
}

static struct sm_rc sm_cgatt(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int v;
	switch (c->type) {
	case SM_READ:
		sm_info(m, "+CGATT: %d", sm_registered(m) ? 1 : 0);
		return SM_OK;
	case SM_TEST:
		sm_info(m, "+CGATT: (0,1)");
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n != 1 || sm_arg_int(&a, 0, 0, 1, 0, &v) < 0)
			return SM_CME(50);
		if (v && !sm_registered(m))
			return SM_CME(30);
		return SM_OK;
	case SM_EXEC:
		return SM_ERR;
	}
	return SM_ERR;
}

/* ---- +CIND / +CMER ---- */

static struct sm_rc sm_cind(struct simmodem *m, const struct sm_cmd *c)
{
	if (c->type == SM_TEST) {
		sm_info(m, "+CIND: (\"battchg\",(0-5)),(\"signal\",(0-5)),(\"service\",(0,1)),"
			   "(\"message\",(0,1)),(\"smsfull\",(0,1)),(\"roam\",(0,1))");
		return SM_OK;
	}
	if (c->type != SM_READ)
		return SM_ERR;
	int sig = m->rssi == 99 ? 0 : (m->rssi + 5) / 6;
	bool full = sm_store_used(m, m->mem[2]) >= sm_store_cap(m, m->mem[2]);
	sm_info(m, "+CIND: 5,%d,%d,0,%d,%d", sm_registered(m) ? sig : 0, sm_registered(m),
		full, m->reg == 5);
	return SM_OK;
}

static struct sm_rc sm_cmer(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int mode, ind;
	switch (c->type) {
	case SM_READ:
		sm_info(m, "+CMER: 3,0,0,%d,0", m->cmer_ind);
		return SM_OK;
	case SM_TEST:
		sm_info(m, "+CMER: (0-3),(0),(0),(0-2),(0,1)");
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || sm_arg_int(&a, 0, 0, 3, 0, &mode) < 0 ||
		    sm_arg_int(&a, 3, 0, 2, 0, &ind) < 0)
			return SM_CME(50);
		m->cmer_ind = mode ? ind : 0;
		return SM_OK;
	case SM_EXEC:
		return SM_OK;
	}
	return SM_ERR;
}

/* ---- +CUSD: a network that answers every request with a balance ---- */

static struct sm_rc sm_cusd(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int n;
	if (c->type != SM_SET)
		return sm_setting(m, c, &m->cusd, 0, 2);
	if (sm_args_split(c->args, &a) < 0 || sm_arg_int(&a, 0, 0, 2, 0, &n) < 0)
		return SM_CME(50);
	m->cusd = n == 2 ? 0 : n;
	if (a.n >= 2 && n != 2) {
		SM_NEED_SIM(m);
		if (!sm_registered(m))
			return SM_CME(30);
		char text[96];
		sm_str_out(m, "Your balance is 42.00 EUR", text, sizeof(text));
		sm_urc(m, "+CUSD: 0,\"%s\",15", text);
	}
	return SM_OK;
}

struct sm_entry {
	const char *name;
	sm_handler fn;
};

static const struct sm_entry sm_gen_table[] = {
	{ "+CGMI", sm_cgmi }, { "+GMI", sm_cgmi },     { "+CGMM", sm_cgmm },
	{ "+GMM", sm_cgmm },  { "+CGMR", sm_cgmr },    { "+GMR", sm_cgmr },
	{ "+CGSN", sm_cgsn }, { "+GSN", sm_cgsn },     { "+GCAP", sm_gcap },
	{ "+CIMI", sm_cimi }, { "+CCID", sm_ccid },    { "+ICCID", sm_ccid },
	{ "+CPAS", sm_cpas }, { "+CMEE", sm_cmee },    { "+CSCS", sm_cscs },
	{ "+CPIN", sm_cpin }, { "+CPINR", sm_cpinr },  { "+CREG", sm_creg },
	{ "+CGREG", sm_cgreg }, { "+CEREG", sm_cereg }, { "+CSQ", sm_csq },
	{ "+COPS", sm_cops }, { "+CFUN", sm_cfun },    { "+CGATT", sm_cgatt },
	{ "+CIND", sm_cind }, { "+CMER", sm_cmer },    { "+CUSD", sm_cusd },
	{ "+CLIP", sm_clip }, { "+CRC", sm_crc },
};

sm_handler sm_gen_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(sm_gen_table) / sizeof(sm_gen_table[0]); i++)
		if (!strcmp(sm_gen_table[i].name, name))
			return sm_gen_table[i].fn;
	return NULL;
}
