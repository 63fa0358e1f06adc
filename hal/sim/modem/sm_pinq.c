/* Vendor PIN-attempt queries, answered in each vendor's format (the counts
 * are the same pin_tries / puk_tries that +CPIN and +CPINR use; PIN2 is not
 * modelled: its counters read 3 and 10):
 * - SIMCom AT+SPIC: "+SPIC: <pin1>,<puk1>,<pin2>,<puk2>" (the order oFono
 *   reads in drivers/atmodem/sim.c at_spic_cb: SIM PIN, SIM PUK, PIN2, PUK2).
 * - Quectel AT+QPINC=<facility>: "+QPINC: <facility>,<pincounter>,
 *   <pukcounter>"; AT+QPINC? lists "SC" then "P2"; AT+QPINC=? lists
 *   ("SC","P2") (Quectel EC2x/EG9x AT Commands Manual, "AT+QPINC Display
 *   PIN Remainder Counter").
 * - u-blox AT+UPINCNT: "+UPINCNT: <PIN>,<PIN2>,<PUK>,<PUK2>" (u-blox AT
 *   commands manual UBX-13002752; ModemManager plugins/ublox
 *   mm-modem-helpers-ublox.c parses "+UPINCNT: 3,3,10,10").
 * With no SIM the modules answer +CME ERROR: 10. */
#include <string.h>

#include "sm_internal.h"

static struct sm_rc sm_pinq_sim(const struct simmodem *m)
{
	return m->sim == SIMMODEM_SIM_ABSENT ? SM_CME(10) : SM_OK;
}

static struct sm_rc sm_spic(struct simmodem *m, const struct sm_cmd *c)
{
	if (c->type == SM_TEST)
		return SM_OK;
	if (c->type != SM_EXEC)
		return SM_ERR;
	struct sm_rc rc = sm_pinq_sim(m);
	if (rc.kind == SM_RC_OK)
		sm_info(m, "+SPIC: %d,%d,3,10", m->pin_tries, m->puk_tries);
	return rc;
}

static void sm_qpinc_line(struct simmodem *m, bool sc)
{
	if (sc)
		sm_info(m, "+QPINC: \"SC\",%d,%d", m->pin_tries, m->puk_tries);
	else
		sm_info(m, "+QPINC: \"P2\",3,10");
}

static struct sm_rc sm_qpinc(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	switch (c->type) {
	case SM_TEST:
		sm_info(m, "+QPINC: (\"SC\",\"P2\")");
		return SM_OK;
	case SM_READ: {
		struct sm_rc rc = sm_pinq_sim(m);
		if (rc.kind != SM_RC_OK)
			return rc;
		sm_qpinc_line(m, true);
		sm_qpinc_line(m, false);
		return SM_OK;
	}
	case SM_SET: {
		if (sm_args_split(c->args, &a) < 0 || a.n != 1 || !a.quoted[0])
			return SM_CME(50);
		bool sc = !strcmp(a.v[0], "SC");
		if (!sc && strcmp(a.v[0], "P2"))
			return SM_CME(50);
		struct sm_rc rc = sm_pinq_sim(m);
		if (rc.kind == SM_RC_OK)
			sm_qpinc_line(m, sc);
		return rc;
	}
	case SM_EXEC:
		return SM_ERR;
	}
	return SM_ERR;
}

static struct sm_rc sm_upincnt(struct simmodem *m, const struct sm_cmd *c)
{
	if (c->type == SM_TEST)
		return SM_OK;
	if (c->type != SM_EXEC)
		return SM_ERR;
	struct sm_rc rc = sm_pinq_sim(m);
	if (rc.kind == SM_RC_OK)
		sm_info(m, "+UPINCNT: %d,3,%d,10", m->pin_tries, m->puk_tries);
	return rc;
}

sm_handler sm_pinq_lookup(const char *name)
{
	if (!strcmp(name, "+SPIC"))
		return sm_spic;
	if (!strcmp(name, "+QPINC"))
		return sm_qpinc;
	if (!strcmp(name, "+UPINCNT"))
		return sm_upincnt;
	return NULL;
}
