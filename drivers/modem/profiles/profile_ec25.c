/* Quectel EC25/EG25 (EC2x&EG2x&EG9x&EM05 Series AT Commands Manual V2.0):
 * +CSMS=1 with +CMT and +CDS shown directly and acknowledged by +CNMA, ME
 * for what is left in storage, AT+QPINC, AT+QCCID; PWRKEY >=500 ms on, >=650
 * ms off; RDY about 13 s after power-on. */
#include "modem/profile.h"

static const struct at_script_step ec25_init_steps[] = {
	{ "ATE0", NULL, 0, AT_STEP_IGNORE, 2, 200 },
	{ "AT+CMEE=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CMGF=0", NULL, 0, AT_STEP_ABORT, 2, 500 },
	{ "AT+CREG=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+CEREG=1", NULL, 0, AT_STEP_IGNORE, 0, 0 },
	{ "AT+COPS=3,0", NULL, 0, AT_STEP_IGNORE, 0, 0 },
};

static const struct at_script ec25_init = {
	"ec25-init", ec25_init_steps, sizeof(ec25_init_steps) / sizeof(ec25_init_steps[0]),
};

static const struct at_script_step ec25_sms_steps[] = {
	{ "AT+CPMS=\"ME\",\"ME\",\"ME\"", "+CPMS:", 0, AT_STEP_ABORT, 5, 1000 },
	{ "AT+CSMS=1", "+CSMS:", 0, AT_STEP_ABORT, 2, 1000 },
	{ "AT+CNMI=2,2,0,1,0", NULL, 0, AT_STEP_ABORT, 3, 1000 },
};

static const struct at_script ec25_sms = {
	"ec25-sms", ec25_sms_steps, sizeof(ec25_sms_steps) / sizeof(ec25_sms_steps[0]),
};

const struct modem_profile modem_profile_ec25 = {
	.name = "ec25",
	.description = "Quectel EC25/EG25",
	.init = &ec25_init,
	.sms_setup = &ec25_sms,
	.storage = "ME",
	.report_storage = NULL,
	.sms_route = MODEM_ROUTE_DIRECT,
	.report_route = MODEM_ROUTE_DIRECT,
	.pinq = MODEM_PINQ_QPINC,
	.iccid_cmd = "AT+QCCID",
	.boot_urc = "RDY",
	.quirks = MODEM_Q_CNMA | MODEM_Q_CEREG,
	.t = {
		.boot_ms = 13000,
		.pwrkey_ms = 500,
		.pwrkey_off_ms = 650,
		.off_wait_ms = 2000,
		.reset_ms = 300,
		.cmd_ms = 5000,
		.cmgs_ms = AT_CHAT_CMGS_TIMEOUT_MS,
		.sync_try_ms = 1000,
		.sync_tries = 5,
		.cfun_ms = 15000,
	},
};
