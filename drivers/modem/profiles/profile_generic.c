/* Generic 3GPP TS 27.005/27.007 modem: stored SMS (+CMTI), reports stored in
 * SR (+CDSI), +CPINR for PIN attempts. */
#include "modem/profile.h"

static const struct at_script_step generic_init_steps[] = {
	{ "ATE0", NULL, 0, AT_STEP_IGNORE, 2, 200 },
	{ "AT+CMEE=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CMGF=0", NULL, 0, AT_STEP_ABORT, 2, 500 },
	{ "AT+CREG=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+COPS=3,0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
};

static const struct at_script generic_init = {
	"generic-init", generic_init_steps, sizeof(generic_init_steps) / sizeof(generic_init_steps[0]),
};

static const struct at_script_step generic_sms_steps[] = {
	{ "AT+CPMS=\"SM\",\"SM\",\"SM\"", "+CPMS:", 0, AT_STEP_ABORT, 5, 1000 },
	{ "AT+CSMS=0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CNMI=2,1,0,2,0", NULL, 0, AT_STEP_ABORT, 3, 1000 },
};

static const struct at_script generic_sms = {
	"generic-sms", generic_sms_steps, sizeof(generic_sms_steps) / sizeof(generic_sms_steps[0]),
};

const struct modem_profile modem_profile_generic = {
	.name = "generic",
	.description = "generic 3GPP TS 27.005/27.007",
	.init = &generic_init,
	.sms_setup = &generic_sms,
	.storage = "SM",
	.report_storage = "SR",
	.sms_route = MODEM_ROUTE_STORE,
	.report_route = MODEM_ROUTE_STORE,
	.pinq = MODEM_PINQ_CPINR,
	.iccid_cmd = "AT+CCID",
	.boot_urc = "RDY",
	.quirks = 0,
	.t = {
		.boot_ms = 10000,
		.pwrkey_ms = 1000,
		.pwrkey_off_ms = 1500,
		.off_wait_ms = 2000,
		.reset_ms = 500,
		.cmd_ms = 5000,
		.cmgs_ms = AT_CHAT_CMGS_TIMEOUT_MS,
		.sync_try_ms = 1000,
		.sync_tries = 5,
		.cfun_ms = 15000,
	},
};
