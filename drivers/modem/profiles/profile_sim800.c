/* SIMCom SIM800 (SIM800 Series AT Command Manual V1.10): SMS stored in SM
 * (+CMTI), reports shown as +CDS without +CNMA (+CSMS=0), AT+SPIC for PIN
 * attempts, boot URC RDY; PWRKEY >1 s on, 1.5 s off; RESET >105 ms. */
#include "modem/profile.h"

static const struct at_script_step sim800_init_steps[] = {
	{ "ATE0", NULL, 0, AT_STEP_IGNORE, 2, 200 },
	{ "AT+CMEE=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CMGF=0", NULL, 0, AT_STEP_ABORT, 2, 500 },
	{ "AT+CREG=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+COPS=3,0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
};

static const struct at_script sim800_init = {
	"sim800-init", sim800_init_steps, sizeof(sim800_init_steps) / sizeof(sim800_init_steps[0]),
};

static const struct at_script_step sim800_sms_steps[] = {
	{ "AT+CPMS=\"SM\",\"SM\",\"SM\"", "+CPMS:", 0, AT_STEP_ABORT, 5, 1000 },
	{ "AT+CSMS=0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CNMI=2,1,0,1,0", NULL, 0, AT_STEP_ABORT, 3, 1000 },
};

static const struct at_script sim800_sms = {
	"sim800-sms", sim800_sms_steps, sizeof(sim800_sms_steps) / sizeof(sim800_sms_steps[0]),
};

const struct modem_profile modem_profile_sim800 = {
	.name = "sim800",
	.description = "SIMCom SIM800",
	.init = &sim800_init,
	.sms_setup = &sim800_sms,
	.storage = "SM",
	.report_storage = NULL,
	.sms_route = MODEM_ROUTE_STORE,
	.report_route = MODEM_ROUTE_DIRECT,
	.pinq = MODEM_PINQ_SPIC,
	.iccid_cmd = "AT+CCID",
	.boot_urc = "RDY",
	.quirks = MODEM_Q_SIM_SLOW,
	.t = {
		.boot_ms = 5000,
		.pwrkey_ms = 1100,
		.pwrkey_off_ms = 1500,
		.off_wait_ms = 2000,
		.reset_ms = 200,
		.cmd_ms = 5000,
		.cmgs_ms = AT_CHAT_CMGS_TIMEOUT_MS,
		.sync_try_ms = 1000,
		.sync_tries = 5,
		.cfun_ms = 15000,
	},
};
