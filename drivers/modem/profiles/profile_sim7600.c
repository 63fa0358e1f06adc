/* SIMCom SIM7600 (SIM7500/SIM7600 Series AT Command Manual V3.00): SMS in ME
 * (+CMTI), reports stored in SR (+CDSI), AT+SPIC, AT+CICCID, LTE
 * registration from +CEREG; PWRKEY 500 ms on, 2.5 s off; boot about 16 s. */
#include "modem/profile.h"

static const struct at_script_step sim7600_init_steps[] = {
	{ "ATE0", NULL, 0, AT_STEP_IGNORE, 2, 200 },
	{ "AT+CMEE=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CMGF=0", NULL, 0, AT_STEP_ABORT, 2, 500 },
	{ "AT+CREG=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CEREG=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+COPS=3,0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
};

static const struct at_script sim7600_init = {
	"sim7600-init", sim7600_init_steps, sizeof(sim7600_init_steps) / sizeof(sim7600_init_steps[0]),
};

static const struct at_script_step sim7600_sms_steps[] = {
	{ "AT+CPMS=\"ME\",\"ME\",\"ME\"", "+CPMS:", 0, AT_STEP_ABORT, 5, 1000 },
	{ "AT+CSMS=0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CNMI=2,1,0,2,0", NULL, 0, AT_STEP_ABORT, 3, 1000 },
};

static const struct at_script sim7600_sms = {
	"sim7600-sms", sim7600_sms_steps, sizeof(sim7600_sms_steps) / sizeof(sim7600_sms_steps[0]),
};

const struct modem_profile modem_profile_sim7600 = {
	.name = "sim7600",
	.description = "SIMCom SIM7600",
	.init = &sim7600_init,
	.sms_setup = &sim7600_sms,
	.storage = "ME",
	.report_storage = "SR",
	.sms_route = MODEM_ROUTE_STORE,
	.report_route = MODEM_ROUTE_STORE,
	.pinq = MODEM_PINQ_SPIC,
	.iccid_cmd = "AT+CICCID",
	.boot_urc = "RDY",
	.quirks = MODEM_Q_CEREG,
	.t = {
		.boot_ms = 20000,
		.pwrkey_ms = 500,
		.pwrkey_off_ms = 2500,
		.off_wait_ms = 3000,
		.reset_ms = 2500,
		.cmd_ms = 5000,
		.cmgs_ms = AT_CHAT_CMGS_TIMEOUT_MS,
		.sync_try_ms = 1000,
		.sync_tries = 5,
		.cfun_ms = 15000,
	},
};
